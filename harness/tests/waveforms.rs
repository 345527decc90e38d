// SPDX-License-Identifier: Apache-2.0
//! The waveform contract: the model's VCD uses the RTL's hierarchy and signal names, and on
//! a passing run every signal it has holds the same value as the RTL's at every timestamp.

use std::collections::HashMap;
use std::io::BufReader;

use tlb_harness::{workload, Lockstep, LockstepConfig};

/// (full hierarchical name -> value changes (time, bits)) of a VCD.
fn load(path: &std::path::Path) -> HashMap<String, Vec<(u64, String)>> {
    let mut p = vcd::Parser::new(BufReader::new(std::fs::File::open(path).expect("VCD exists")));
    let header = p.parse_header().expect("VCD header");
    let mut names: HashMap<vcd::IdCode, Vec<String>> = HashMap::new();
    fn walk(items: &[vcd::ScopeItem], prefix: &str, names: &mut HashMap<vcd::IdCode, Vec<String>>) {
        for item in items {
            match item {
                vcd::ScopeItem::Scope(s) => walk(&s.items, &format!("{prefix}{}.", s.identifier), names),
                vcd::ScopeItem::Var(v) => names.entry(v.code).or_default().push(format!("{prefix}{}", v.reference)),
                _ => {}
            }
        }
    }
    walk(&header.items, "", &mut names);
    let mut out: HashMap<String, Vec<(u64, String)>> = HashMap::new();
    let mut t = 0;
    for cmd in p {
        let (code, bits) = match cmd.expect("VCD body") {
            vcd::Command::Timestamp(ts) => {
                t = ts;
                continue;
            }
            vcd::Command::ChangeScalar(c, v) => (c, v.to_string()),
            vcd::Command::ChangeVector(c, v) => (c, v.iter().map(|b| b.to_string()).collect::<String>()),
            _ => continue,
        };
        // Compare numbers, not spellings: strip leading zeros.
        let bits = bits.trim_start_matches('0').to_string();
        for n in names.get(&code).into_iter().flatten() {
            out.entry(n.clone()).or_default().push((t, bits.clone()));
        }
    }
    out
}

/// Value of a signal at time t (after the changes stamped t).
fn at(changes: &[(u64, String)], t: u64) -> &str {
    let k = changes.partition_point(|c| c.0 <= t);
    if k == 0 {
        "x"
    } else {
        &changes[k - 1].1
    }
}

#[test]
fn model_and_rtl_waveforms_agree_signal_for_signal() {
    agree(1);
}

/// HitLatency 2: the answer stage's registers too.
#[test]
fn model_and_rtl_waveforms_agree_signal_for_signal_hit_latency2() {
    agree(2);
}

fn agree(hit_latency: u8) {
    let dir = std::env::temp_dir().join(format!("tlb-waves-{}-h{hit_latency}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cfg = LockstepConfig::new("model_and_rtl_waveforms_agree_signal_for_signal", 3);
    cfg.entries = 8;
    cfg.hit_latency = hit_latency;
    let mut ls = Lockstep::new(cfg).unwrap();
    workload::run("os-mix", &mut ls, 3, 3000, |_| {}).unwrap().unwrap_or_else(|f| panic!("{f}"));
    let rtl_path = dir.join("r.vcd");
    ls.write_waveforms(&rtl_path, 1500).unwrap();
    let rtl = load(&rtl_path);
    let model = load(&dir.join("r.model.vcd"));
    assert!(model.len() > 40, "model VCD has {} signals", model.len());
    let mut compared = 0;
    for (name, changes) in &model {
        let r = rtl.get(name).unwrap_or_else(|| panic!("model signal {name} is not in the RTL VCD"));
        for t in (5..=15_005).step_by(5) {
            assert_eq!(at(changes, t), at(r, t), "{name} at t={t}");
            compared += 1;
        }
    }
    println!("{} signals compared at {} points", model.len(), compared);
    let _ = std::fs::remove_dir_all(dir);
}
