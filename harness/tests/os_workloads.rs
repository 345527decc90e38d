// SPDX-License-Identifier: Apache-2.0
//! The built-in multi-core workloads on the operating system in miniature: each runs on the
//! model with the oracle judging every answer of every core, and does what its name says
//! (the counters prove the mechanism it is about was exercised). One runs in lockstep with
//! the RTL. TLB_SOAK=<cycles> runs them longer.

use std::sync::atomic::AtomicBool;

use tlb_harness::os::{Ending, Os, OsConfig, RunStats};
use tlb_harness::os_workloads::{build, WORKLOADS};
use tlb_harness::system::{SysLockstep, SysLockstepConfig};
use tlb_harness::{MemTiming, Mode};
use tlb_sim::fabric::{Counters, SysConfig};

fn cycles(default: u64) -> u64 {
    std::env::var("TLB_SOAK").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn run(name: &str, cores: usize, mode: Mode, cycles: u64, seed: u64) -> (RunStats, Counters) {
    run_with(name, cores, 1, mode, cycles, seed)
}

fn run_with(name: &str, cores: usize, hit_latency: u8, mode: Mode, cycles: u64, seed: u64) -> (RunStats, Counters) {
    let sys = SysConfig { cores, entries: 16, slots: 4, log_depth: 4, asids: 16, hit_latency };
    let mut cfg = SysLockstepConfig::new(&format!("os_workloads_{name}_{cores}_h{hit_latency}"), sys, seed);
    cfg.mode = mode;
    cfg.mem = MemTiming::default();
    let mut os = Os::new(SysLockstep::new(cfg).expect("system"), OsConfig { window: 10_000, max_cycles: cycles });
    let mut w = build(name, cores, 16, seed).expect("workload");
    let stop = AtomicBool::new(false);
    match os.run(w.as_mut(), &stop, &mut |_, _| {}) {
        Ok(e) => assert_eq!(e, Ending::CycleLimit, "{name}"),
        Err(e) => panic!("{name} on {cores} cores: {e}"),
    }
    let cnt = os.sys.outputs().cnt;
    (os.stats, cnt)
}

fn sum(s: &RunStats, f: impl Fn(&tlb_harness::os::CoreStats) -> u64) -> u64 {
    s.cores.iter().map(f).sum()
}

#[test]
fn every_workload_runs_on_the_model_with_the_oracle() {
    for (name, _) in WORKLOADS {
        for cores in [2, 4] {
            let (s, cnt) = run(name, cores, Mode::Model, cycles(40_000), 1);
            let tr = sum(&s, |c| c.translations);
            assert!(tr > 1000, "{name}/{cores}: only {tr} translations");
            assert_eq!(s.oracle_checks, tr, "{name}/{cores}: every answer judged");
            assert!(!s.shootdowns.is_empty(), "{name}/{cores}: no shootdown");
            assert!(cnt.errors == 0, "{name}/{cores}: refused commands");
        }
    }
}

#[test]
fn each_workload_exercises_its_mechanism() {
    let n = cycles(60_000);
    let (s, _) = run("munmap-storm", 4, Mode::Model, n, 2);
    assert!(s.os.munmaps > 20 && sum(&s, |c| c.demand_faults) > 100, "{:?}", s.os);
    assert!(s.shootdowns.iter().any(|x| x.ipi_targets == 3), "a munmap reaches every other core");

    let (s, _) = run("fork-exit", 4, Mode::Model, n, 3);
    assert!(s.os.forks > 10 && s.os.exits > 10 && s.os.asid_reuses > 5, "{:?}", s.os);
    assert!(sum(&s, |c| c.cow_faults) > 10, "stores break copy-on-write");

    let (s, cnt) = run("ctx-switch", 4, Mode::Model, n, 4);
    assert!(sum(&s, |c| c.context_switches) > 200 && sum(&s, |c| c.kernel_threads) > 20);
    assert!(cnt.skipped > 0 && cnt.catchup_log > 0, "skipped cores catch up by the log: {cnt:?}");

    let (s, _) = run("thp-collapse", 4, Mode::Model, n, 5);
    assert!(s.os.collapses > 5 && s.os.splits > 5 && s.walk_restarts > 0, "{:?}, {} restarts", s.os, s.walk_restarts);

    let (s, cnt) = run("seed000", 2, Mode::Model, n, 6);
    assert!(sum(&s, |c| c.unmapped_accesses) > 10, "core 1 touches the unmapped page and faults");
    assert!(cnt.skipped > 0 && cnt.targets > 0, "both orders of switch and shootdown: {cnt:?}");

    let (s, cnt) = run("seed001", 2, Mode::Model, n, 7);
    assert!(s.os.migrations > 20 && cnt.catchup_log > 0 && cnt.catchup_full > 0, "{cnt:?}");

    let (s, _) = run("seed002", 2, Mode::Model, n, 8);
    assert!(s.os.attr_changes > 10 && sum(&s, |c| c.kernel_threads) > 10);

    let (s, _) = run("seed003", 2, Mode::Model, n, 9);
    assert!(s.os.exits > 10 && s.os.asid_reuses > 10, "{:?}", s.os);

    let (s, _) = run("seed004", 4, Mode::Model, n, 10);
    assert!(s.os.collapses > 5 && s.walk_restarts > 0, "{:?} restarts {}", s.os, s.walk_restarts);
}

#[test]
fn os_mix_in_lockstep_with_the_rtl() {
    let (s, _) = run("os-mix", 4, Mode::Lockstep, cycles(30_000), 11);
    assert!(sum(&s, |c| c.translations) > 1000 && !s.shootdowns.is_empty());
}

/// The system with HitLatency 2 (a hit answered two cycles after its request) against the
/// model, the oracle judging every answer: the cores' answers, shootdowns and switches.
#[test]
fn os_mix_in_lockstep_with_the_rtl_hit_latency2() {
    let (s, _) = run_with("os-mix", 2, 2, Mode::Lockstep, cycles(30_000), 12);
    assert!(sum(&s, |c| c.hits) > 1000 && !s.shootdowns.is_empty(), "{:?}", s.os);
}

#[test]
fn unknown_workloads_and_too_few_asids_are_refused() {
    assert!(build("nope", 4, 16, 1).err().unwrap().contains("unknown workload \"nope\""));
    let e = build("fork-exit", 16, 16, 1).err().unwrap();
    assert!(e.contains("--asids 32"), "{e}");
}
