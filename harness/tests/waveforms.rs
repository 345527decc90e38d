// SPDX-License-Identifier: Apache-2.0
//! The waveform contract: a model's VCD uses the RTL's hierarchy and signal names, and on a
//! passing run every signal it has holds the same value as the RTL's at every timestamp.
//! For one core (`tlb_core`) and for the fabric (`tlb_system`: its ports, every agent and
//! core, the directory's registers and memories).

use std::collections::HashMap;
use std::io::BufReader;
use std::sync::atomic::AtomicBool;

use tlb_harness::os::{Ending, Os, OsConfig};
use tlb_harness::os_workloads::build;
use tlb_harness::system::{SysLockstep, SysLockstepConfig};
use tlb_harness::{workload, Lockstep, LockstepConfig, MemTiming};
use tlb_sim::fabric::{SysConfig, SysCoreInputs, SysCoreOutputs};

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

/// A value as `load` keeps it (binary, leading zeros stripped), in hex.
fn hex(bits: &str) -> String {
    let padded = "0".repeat((4 - bits.len() % 4) % 4) + bits;
    let digits: String = padded
        .as_bytes()
        .chunks(4)
        .map(|nibble| {
            let v = nibble.iter().try_fold(0, |v, b| match b {
                b'0' => Some(2 * v),
                b'1' => Some(2 * v + 1),
                _ => None,
            });
            v.map_or('x', |v| char::from_digit(v, 16).expect("a nibble"))
        })
        .collect();
    let digits = digits.trim_start_matches('0');
    format!("0x{}", if digits.is_empty() { "0" } else { digits })
}

/// The fabric on 2 cores (the configuration `tests/system.rs` builds, so no Verilator
/// build of its own), running the OS workload mix.
#[test]
fn fabric_model_and_rtl_waveforms_agree_signal_for_signal() {
    fabric_agree("fabric_model_and_rtl_waveforms_agree_signal_for_signal", 1);
}

/// HitLatency 2: each core's answer stage too.
#[test]
fn fabric_model_and_rtl_waveforms_agree_signal_for_signal_hit_latency2() {
    fabric_agree("fabric_model_and_rtl_waveforms_agree_signal_for_signal_hit_latency2", 2);
}

/// Signals the comparison must include (under `TOP.<wrapper>.u_sys`): every port, and the
/// directory's and each agent's main registers, so that a rename on either side cannot
/// quietly shrink what is compared.
fn required_signals(cores: usize) -> Vec<String> {
    let mut names: Vec<String> = SysCoreInputs::default()
        .fields()
        .iter()
        .map(|f| f.0)
        .chain(SysCoreOutputs::default().fields().iter().map(|f| f.0))
        .chain(tlb_sim::fabric::Counters::default().fields().iter().map(|f| f.0))
        .map(str::to_string)
        .collect();
    for r in [
        "bus_q",
        "ctx_q",
        "slot_valid_q",
        "slot_asid_q",
        "slot_lag_q",
        "slot_rr_q",
        "rr_q",
        "gnt_valid_q",
        "gnt_idx_q",
        "gnt_oh_q",
        "rel_inflight_q",
        "gnt_cmd_q",
        "owed_q",
        "rel_asid_q",
        "rel_owed_q",
        "cu_busy_q",
        "cu_core_q",
        "cu_asid_q",
        "cu_pos_q",
        "cu_left_q",
        "answered_q",
        "init_q",
        "asid_mem[1]",
        "attr_mem[1]",
        "gen_log[0].mem[1]",
    ] {
        names.push(format!("u_dir.{r}"));
    }
    for c in 0..cores {
        for r in ["state_q", "cmd_q", "cur_asid_q", "root_q", "ack_q", "ack_init_q"] {
            names.push(format!("gen_core[{c}].u_agent.{r}"));
        }
        names.push(format!("gen_core[{c}].u_core.state_q"));
        names.push(format!("gen_core[{c}].u_core.u_l1.valid_q"));
    }
    names
}

fn fabric_agree(name: &str, hit_latency: u8) {
    let sys = SysConfig { cores: 2, entries: 16, slots: 4, log_depth: 4, asids: 16, hit_latency, read_ahead: None };
    let cycles = 4000;
    let mut cfg = SysLockstepConfig::new(name, sys, 5);
    cfg.mem = MemTiming::default();
    let mut os = Os::new(
        SysLockstep::new(cfg).unwrap_or_else(|e| panic!("{e}")),
        OsConfig { window: 10_000, max_cycles: cycles },
    );
    let mut w = build("os-mix", sys.cores, sys.asids, 5).expect("workload");
    match os.run(w.as_mut(), &AtomicBool::new(false), &mut |_, _| {}) {
        Ok(e) => assert_eq!(e, Ending::CycleLimit),
        Err(e) => panic!("{e}"),
    }
    // The run did what the comparison is about: shootdowns and switches that catch up.
    let cnt = os.sys.outputs().cnt;
    assert!(cnt.posted > 20 && cnt.catchup_log + cnt.catchup_full > 5, "{cnt:?}");

    let dir = std::env::temp_dir().join(format!("tlb-fabric-waves-{}-h{hit_latency}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (rtl_path, model_path) = (dir.join("rtl.vcd"), dir.join("model.vcd"));
    let to = os.sys.write_waveforms(&rtl_path, &model_path, cycles).unwrap_or_else(|e| panic!("{e}"));
    let rtl = load(&rtl_path);
    let model = load(&model_path);

    // Every signal the model writes is the RTL's, by the same name.
    let mut missing: Vec<&String> = model.keys().filter(|n| !rtl.contains_key(*n)).collect();
    missing.sort();
    assert!(missing.is_empty(), "model signals not in the RTL VCD: {missing:?}");
    let top = format!("TOP.{}.u_sys.", tlb_harness::rtl_system::wrapper_name(&sys));
    let absent: Vec<String> =
        required_signals(sys.cores).into_iter().filter(|n| !model.contains_key(&format!("{top}{n}"))).collect();
    assert!(absent.is_empty(), "signals the comparison must include are not in the model VCD: {absent:?}");

    // Each signal's first difference, if any; the earliest is the one reported.
    let last = 10 * to + 5;
    let mut first: Option<(u64, &str, String, String)> = None;
    let mut names: Vec<&String> = model.keys().collect();
    names.sort();
    for name in &names {
        let (m, r) = (&model[*name], &rtl[*name]);
        if let Some(t) = (5..=last).step_by(5).find(|&t| at(m, t) != at(r, t)) {
            if first.as_ref().is_none_or(|f| t < f.0) {
                first = Some((t, name.as_str(), at(r, t).to_string(), at(m, t).to_string()));
            }
        }
    }
    if let Some((t, name, r, m)) = first {
        // Cycle c drives its inputs at 10*(c+1) ns and has its rising edge 5 ns later; 5 ns
        // is the state out of reset.
        let when = match t {
            5 => "out of reset".to_string(),
            t if t % 10 == 0 => format!("in cycle {} with the clock low", t / 10 - 1),
            t => format!("after the rising edge of cycle {}", t / 10 - 1),
        };
        panic!(
            "the fabric's waveforms differ first {when} (t={t} ns) on {name}: RTL {} model {} \
             (waveforms in {})",
            hex(&r),
            hex(&m),
            dir.display()
        );
    }
    println!("{} fabric signals compared at {} points each (cycles 0..{to})", names.len(), last / 5);
    assert!(names.len() > 300, "only {} signals compared", names.len());
    let _ = std::fs::remove_dir_all(dir);
}

/// A model-mode failure is replayed on the RTL for its waveform, driving it with answers it
/// never asked for; its own assertions are then counted, not fatal
/// (`Dut::assertions_stop(false)`), so the replay finishes. Here a memory answer no walk
/// waits for breaks the walker's `RespOnlyWhenWaiting_A` on each of three cycles: the
/// process goes on (it would abort at the first with the assertions stopping) and the
/// three are counted. The same holds for an instance that is not traceable, which takes
/// one evaluation a cycle instead of two (`RtlTop::step_words`): its assertions are checked
/// at every rising edge as well.
#[test]
fn rtl_assertions_are_counted_not_fatal_in_a_replay() {
    use tlb_harness::rtl_system::RtlSystem;
    use tlb_lockstep::Dut;
    let sys = SysConfig { cores: 2, entries: 16, slots: 4, log_depth: 4, asids: 16, hit_latency: 1, read_ahead: None };
    let traceable = RtlSystem::new_traceable(sys).unwrap_or_else(|e| panic!("{e}"));
    let one_pass = RtlSystem::new(sys).unwrap_or_else(|e| panic!("{e}"));
    for (what, mut rtl) in [("traceable, two evaluations a cycle", traceable), ("one evaluation a cycle", one_pass)] {
        let before = rtl.assertions_stop(false);
        let mut inputs = vec![SysCoreInputs::default(); sys.cores];
        inputs[1].mem_resp_valid = true;
        for _ in 0..3 {
            Dut::step(&mut rtl, &inputs);
        }
        let after = rtl.assertions_stop(true);
        assert_eq!(after - before, 3, "{what}: one failed check a cycle");
    }
}
