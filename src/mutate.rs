// SPDX-License-Identifier: Apache-2.0
//! `tlbsim mutate`: applies each mutant of the RTL mutation catalog
//! (`tests/mutants/catalog.toml`) to a copy of `rtl/`, builds it and runs the tests of its
//! group against it (`TLB_RTL_ROOT`, see harness/src/toolchain.rs), and prints which
//! mutants the tests kill, which survive, and how long each kill took. The test binaries
//! are built once, before the first mutant, and run directly.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

#[derive(clap::Args)]
pub struct MutateArgs {
    /// The catalog.
    #[arg(long, default_value = "tests/mutants/catalog.toml")]
    catalog: PathBuf,
    /// Only these mutants (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// List the catalog and check that every mutant applies; run nothing.
    #[arg(long)]
    list: bool,
    /// Give up on a mutant after this many seconds (counted as killed: the tests did not
    /// pass).
    #[arg(long, default_value_t = 1200)]
    timeout: u64,
    /// Skip the unmutated baseline run (it checks that the copy passes before mutants are
    /// judged).
    #[arg(long)]
    no_baseline: bool,
    /// Keep each mutant's build folder (several hundred MB each).
    #[arg(long)]
    keep: bool,
    /// Where the copies, logs and the report go.
    #[arg(long, default_value = "target/mutants")]
    out: PathBuf,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutant {
    pub id: String,
    pub what: String,
    pub group: String,
    pub file: String,
    pub find: String,
    pub replace: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalog {
    mutant: Vec<Mutant>,
}

/// The test binaries each group runs, fastest first (cargo stops at the first that fails):
/// integration tests of the workspace's crates, named as cargo names them (`directed` is
/// harness/tests/directed/, `fabric_timing` is sim/tests/fabric_timing.rs).
pub fn group_tests(group: &str) -> Option<&'static [&'static str]> {
    match group {
        "core" => Some(&["directed", "properties"]),
        "fabric" => Some(&["system", "seed_scenarios", "fabric_timing", "system_properties"]),
        _ => None,
    }
}

/// Reads and checks the catalog: known groups, unique ids, and every `find` present exactly
/// once in its file under `root`.
pub fn load(path: &Path, root: &Path) -> Result<Vec<Mutant>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let catalog: Catalog = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut seen = std::collections::BTreeSet::new();
    for m in &catalog.mutant {
        if !seen.insert(m.id.clone()) {
            return Err(format!("{}: mutant id {:?} appears twice", path.display(), m.id));
        }
        if group_tests(&m.group).is_none() {
            return Err(format!("{}: mutant {}: unknown group {:?} (core or fabric)", path.display(), m.id, m.group));
        }
        apply(m, &root.join(&m.file)).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(catalog.mutant)
}

/// The mutated text of `file`.
pub fn apply(m: &Mutant, file: &Path) -> Result<String, String> {
    let text =
        std::fs::read_to_string(file).map_err(|e| format!("mutant {}: cannot read {}: {e}", m.id, file.display()))?;
    match text.matches(m.find.as_str()).count() {
        1 => Ok(text.replacen(m.find.as_str(), &m.replace, 1)),
        n => Err(format!(
            "mutant {}: `find` occurs {n} times in {} (must be exactly once): {:?}",
            m.id,
            m.file,
            m.find.trim()
        )),
    }
}

#[derive(Serialize)]
struct Outcome {
    id: String,
    what: String,
    status: &'static str,
    seconds: f64,
    by: String,
}

fn copy_rtl(root: &Path, to: &Path) -> Result<(), String> {
    let dst = to.join("rtl");
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(&dst).map_err(|e| format!("cannot create {}: {e}", dst.display()))?;
    for e in std::fs::read_dir(root.join("rtl")).map_err(|e| format!("cannot read rtl/: {e}"))?.flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), dst.join(e.file_name()))
                .map_err(|err| format!("cannot copy {}: {err}", e.path().display()))?;
        }
    }
    Ok(())
}

/// Builds the test binaries of every group once and copies them to `bin`: the run then
/// never recompiles, whatever happens to the sources meanwhile. Returns (name, path).
fn build_tests(root: &Path, bin: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // The tests live in the crates they test (harness/tests, sim/tests): `--test` picks them
    // by name from every package of the workspace.
    cmd.current_dir(root).args(["test", "--workspace", "--no-run", "--message-format=json-render-diagnostics"]);
    let mut names: Vec<&str> = Vec::new();
    for group in ["core", "fabric"] {
        names.extend(group_tests(group).expect("known"));
    }
    for t in &names {
        cmd.args(["--test", t]);
    }
    eprintln!("mutate: building the test binaries ...");
    let out = cmd.stderr(Stdio::inherit()).output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err("cargo test --no-run failed (its errors are above)".to_string());
    }
    std::fs::create_dir_all(bin).map_err(|e| format!("cannot create {}: {e}", bin.display()))?;
    let mut found = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let (Some(exe), Some(name)) = (msg["executable"].as_str(), msg["target"]["name"].as_str()) else { continue };
        if names.contains(&name) {
            let copy = bin.join(name);
            std::fs::copy(exe, &copy).map_err(|e| format!("cannot copy {exe}: {e}"))?;
            found.push((name.to_string(), copy));
        }
    }
    for t in names {
        if !found.iter().any(|(n, _)| n == t) {
            return Err(format!("cargo built no test binary named {t}"));
        }
    }
    Ok(found)
}

/// Runs the group's test binaries (fastest first, stopping at the first that fails)
/// against the RTL copy under `dir`; returns (passed, timed out, seconds, what failed
/// first).
fn run_tests(
    root: &Path,
    bins: &[(String, PathBuf)],
    dir: &Path,
    group: &str,
    timeout: Duration,
) -> Result<(bool, bool, f64, String), String> {
    let log_path = dir.join("test.log");
    let log = std::fs::File::create(&log_path).map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let start = Instant::now();
    let (mut passed, mut timed_out) = (true, false);
    for t in group_tests(group).expect("checked") {
        let exe = &bins.iter().find(|(n, _)| n == t).expect("built").1;
        let mut cmd = Command::new(exe);
        cmd.current_dir(root)
            .env("TLB_RTL_ROOT", dir)
            .env("PROPTEST_DISABLE_FAILURE_PERSISTENCE", "1")
            .env_remove("TLB_COVERAGE")
            .env_remove("TLB_SOAK");
        cmd.stdout(Stdio::from(log.try_clone().map_err(|e| e.to_string())?))
            .stderr(Stdio::from(log.try_clone().map_err(|e| e.to_string())?));
        let mut child = cmd.spawn().map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                break Some(status);
            }
            if start.elapsed() > timeout {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        match status {
            Some(s) if s.success() => {}
            Some(_) => {
                passed = false;
                break;
            }
            None => {
                (passed, timed_out) = (false, true);
                break;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    Ok((passed, timed_out, seconds, first_failure(&text)))
}

/// The first failing test, assertion or build error in a `cargo test` log.
fn first_failure(log: &str) -> String {
    for line in log.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("---- ") {
            return rest.trim_end_matches(" stdout ----").to_string();
        }
        if l.contains("%Error") && l.contains("Assertion failed") {
            return l.split("Assertion failed in ").nth(1).unwrap_or(l).to_string();
        }
        if l.contains("building the Verilated") && l.contains("failed") {
            return "does not build".to_string();
        }
    }
    String::new()
}

/// Runs `tlbsim mutate`.
pub fn run(args: &MutateArgs) -> Result<(), String> {
    let root = tlb_harness::toolchain::repo_root();
    use tlb_harness::toolchain::from_root;
    let mut mutants = load(&from_root(&args.catalog), &root)?;
    if !args.only.is_empty() {
        for id in &args.only {
            if !mutants.iter().any(|m| &m.id == id) {
                return Err(format!("--only: no mutant {id:?} in the catalog (see --list)"));
            }
        }
        mutants.retain(|m| args.only.contains(&m.id));
    }
    if args.list {
        for m in &mutants {
            println!("{:<30} {:<7} {:<22} {}", m.id, m.group, m.file, m.what);
        }
        println!("{} mutants, each applies exactly once", mutants.len());
        return Ok(());
    }
    let out = from_root(&args.out);
    let timeout = Duration::from_secs(args.timeout);
    let bins = build_tests(&root, &out.join("bin"))?;
    // Every mutant starts from this snapshot of rtl/, taken with the binaries, so the
    // sources can be edited while a long campaign runs.
    let base = out.join("snapshot");
    copy_rtl(&root, &base)?;
    if !args.no_baseline {
        // The unmutated copy must pass both groups, or nothing below means anything.
        let dir = out.join("baseline");
        copy_rtl(&base, &dir)?;
        for group in ["core", "fabric"] {
            eprintln!("mutate: baseline ({group} tests on an unmutated copy) ...");
            let (passed, _, secs, by) = run_tests(&root, &bins, &dir, group, timeout)?;
            if !passed {
                return Err(format!(
                    "the unmutated copy fails its {group} tests after {secs:.0} s ({by}); see {}",
                    dir.join("test.log").display()
                ));
            }
        }
        if !args.keep {
            let _ = std::fs::remove_dir_all(dir.join("verilator"));
        }
    }
    let mut outcomes = Vec::new();
    println!("{:<30} {:<9} {:>7}  first failure", "mutant", "result", "seconds");
    for m in &mutants {
        let dir = out.join(&m.id);
        copy_rtl(&base, &dir)?;
        let text = apply(m, &base.join(&m.file))?;
        std::fs::write(dir.join(&m.file), text).map_err(|e| format!("cannot write the mutant: {e}"))?;
        let (passed, timed_out, seconds, by) = run_tests(&root, &bins, &dir, &m.group, timeout)?;
        let status = match (passed, timed_out, by.as_str()) {
            (true, _, _) => "SURVIVED",
            (_, true, _) => "timeout",
            (_, _, "does not build") => "no-build",
            _ => "killed",
        };
        println!("{:<30} {:<9} {:>7.0}  {}", m.id, status, seconds, by);
        let _ = std::io::stdout().flush();
        outcomes.push(Outcome { id: m.id.clone(), what: m.what.clone(), status, seconds, by });
        write_report(&out, &outcomes)?;
        if !args.keep {
            let _ = std::fs::remove_dir_all(dir.join("verilator"));
        }
    }
    let killed = outcomes.iter().filter(|o| o.status == "killed" || o.status == "timeout").count();
    let survived: Vec<&str> = outcomes.iter().filter(|o| o.status == "SURVIVED").map(|o| o.id.as_str()).collect();
    let no_build = outcomes.iter().filter(|o| o.status == "no-build").count();
    println!("\n{killed} killed, {} survived, {no_build} did not build, of {}", survived.len(), outcomes.len());
    if !survived.is_empty() {
        println!("survivors: {}", survived.join(", "));
    }
    println!("report: {}", write_report(&out, &outcomes)?.display());
    Ok(())
}

/// Writes what is known so far (a long run can be read, or cut short, at any point).
fn write_report(out: &Path, outcomes: &[Outcome]) -> Result<PathBuf, String> {
    let report = out.join("report.json");
    std::fs::write(&report, serde_json::to_string_pretty(outcomes).expect("serialisable"))
        .map_err(|e| format!("cannot write {}: {e}", report.display()))?;
    Ok(report)
}
