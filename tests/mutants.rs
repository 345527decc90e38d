// SPDX-License-Identifier: Apache-2.0
//! The mutation catalog stays usable: at least 30 mutants, every one applies to the
//! current RTL exactly once (so a refactor that silently disarms a mutant fails here), and
//! a broken catalog is refused with a clear error. The mutation run itself is slow (a
//! Verilator build per mutant): `cargo run --release -- mutate`, see docs/verification.md.

#[macro_use]
mod common;

use std::process::Command;

fn tlbsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tlbsim")).args(args).output().expect("tlbsim runs")
}

#[test]
fn catalog_has_thirty_mutants_that_all_apply() {
    let out = tlbsim(&["mutate", "--list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "mutate --list failed: {}{}", text, String::from_utf8_lossy(&out.stderr));
    let count: usize = text
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("a count on the last line");
    assert!(count >= 30, "only {count} mutants");
    for file in ["tlb_l1.sv", "tlb_ptw.sv", "tlb_core.sv", "tlb_agent.sv", "tlb_directory.sv"] {
        assert!(text.contains(file), "no mutant of {file}");
    }
}

/// A catalog broken in one way (`text`) is refused with an error that says `want`.
fn a_broken_catalog_is_refused_with_the_mutant_named(name: &str, text: &str, want: &str) {
    let dir = std::env::temp_dir().join(format!("tlbsim-mutants-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    let out = tlbsim(&["mutate", "--list", "--catalog", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{name}: accepted");
    assert!(err.contains(want) && !err.contains("panicked"), "{name}: {err}");
    let _ = std::fs::remove_dir_all(dir);
}

cases! { a_broken_catalog_is_refused_with_the_mutant_named:
    stale("stale", "[[mutant]]\nid = \"gone\"\nwhat = \"x\"\ngroup = \"core\"\nfile = \"rtl/tlb_l1.sv\"\nfind = \"no such text\"\nreplace = \"y\"\n",
          "mutant gone: `find` occurs 0 times"),
    group("group", "[[mutant]]\nid = \"g\"\nwhat = \"x\"\ngroup = \"gpu\"\nfile = \"rtl/tlb_l1.sv\"\nfind = \"hit\"\nreplace = \"y\"\n",
          "unknown group \"gpu\""),
    field("field", "[[mutant]]\nid = \"f\"\nwaht = \"x\"\n", "unknown field"),
    file("file", "[[mutant]]\nid = \"nf\"\nwhat = \"x\"\ngroup = \"core\"\nfile = \"rtl/nope.sv\"\nfind = \"a\"\nreplace = \"b\"\n",
         "cannot read"),
}

#[test]
fn an_unknown_mutant_is_refused() {
    let out = tlbsim(&["mutate", "--list", "--only", "no-such-mutant"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no mutant \"no-such-mutant\""));
}

/// The model mutation catalog (`tests/mutants/model.toml`, run by
/// `scripts/model-mutants.sh`): every mutant names a mechanism of the model and applies to
/// the current source exactly once, so a refactor that disarms one fails here.
#[test]
fn model_catalog_mutants_all_apply_once() {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Mutant {
        id: String,
        what: String,
        file: String,
        find: String,
        replace: String,
    }
    #[derive(serde::Deserialize)]
    struct Catalog {
        mutant: Vec<Mutant>,
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/mutants/model.toml")).expect("the model catalog");
    let catalog: Catalog = toml::from_str(&text).expect("the model catalog parses");
    assert!(catalog.mutant.len() >= 8, "only {} model mutants", catalog.mutant.len());
    let mut ids = std::collections::HashSet::new();
    for m in &catalog.mutant {
        assert!(ids.insert(m.id.as_str()), "mutant {} twice", m.id);
        assert!(m.file.starts_with("sim/src/") && !m.what.is_empty(), "mutant {}: a model file and a why", m.id);
        assert_ne!(m.find, m.replace, "mutant {} changes nothing", m.id);
        let source =
            std::fs::read_to_string(root.join(&m.file)).unwrap_or_else(|e| panic!("mutant {}: {}: {e}", m.id, m.file));
        let n = source.matches(m.find.as_str()).count();
        assert_eq!(n, 1, "mutant {}: its find text occurs {n} times in {}", m.id, m.file);
    }
}
