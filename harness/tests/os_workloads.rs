// SPDX-License-Identifier: Apache-2.0
//! The built-in multi-core workloads on the operating system in miniature: each runs on the
//! model with the oracle judging every answer of every core, and does what its name says
//! (the counters prove the mechanism it is about was exercised). One runs in lockstep with
//! the RTL. TLB_SOAK=<cycles> runs them longer. One test per workload and core count, and
//! one per mechanism.

#[macro_use]
mod common;

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
    run_sva(name, cores, hit_latency, true, mode, cycles, seed)
}

fn run_sva(
    name: &str,
    cores: usize,
    hit_latency: u8,
    sva: bool,
    mode: Mode,
    cycles: u64,
    seed: u64,
) -> (RunStats, Counters) {
    let sys = SysConfig { cores, entries: 16, slots: 4, log_depth: 4, asids: 16, hit_latency, read_ahead: None };
    let mut cfg = SysLockstepConfig::new(&format!("os_workloads_{name}_{cores}_h{hit_latency}_sva{sva}"), sys, seed);
    cfg.mode = mode;
    cfg.sva = sva;
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

/// A built-in workload on `cores` cores, on the model with the oracle judging every answer.
fn every_workload_runs_on_the_model_with_the_oracle(name: &str, cores: usize) {
    let (s, cnt) = run(name, cores, Mode::Model, cycles(40_000), 1);
    let tr = sum(&s, |c| c.translations);
    assert!(tr > 1000, "{name}/{cores}: only {tr} translations");
    assert_eq!(s.oracle_checks, tr, "{name}/{cores}: every answer judged");
    assert!(!s.shootdowns.is_empty(), "{name}/{cores}: no shootdown");
    assert!(cnt.errors == 0, "{name}/{cores}: refused commands");
}

// Every workload `tlbsim list` shows, on 2 and 4 cores (`every_workload_has_its_cases`
// checks that none is missing).
cases! { every_workload_runs_on_the_model_with_the_oracle:
    os_mix_2_cores("os-mix", 2), os_mix_4_cores("os-mix", 4),
    munmap_storm_2_cores("munmap-storm", 2), munmap_storm_4_cores("munmap-storm", 4),
    fork_exit_2_cores("fork-exit", 2), fork_exit_4_cores("fork-exit", 4),
    ctx_switch_2_cores("ctx-switch", 2), ctx_switch_4_cores("ctx-switch", 4),
    thp_collapse_2_cores("thp-collapse", 2), thp_collapse_4_cores("thp-collapse", 4),
    seed000_2_cores("seed000", 2), seed000_4_cores("seed000", 4),
    seed001_2_cores("seed001", 2), seed001_4_cores("seed001", 4),
    seed002_2_cores("seed002", 2), seed002_4_cores("seed002", 4),
    seed003_2_cores("seed003", 2), seed003_4_cores("seed003", 4),
    seed004_2_cores("seed004", 2), seed004_4_cores("seed004", 4),
}

#[test]
fn every_workload_has_its_cases() {
    let cases = every_workload_runs_on_the_model_with_the_oracle::CASES;
    for (name, _) in WORKLOADS {
        for cores in [2, 4] {
            let case = format!("{}_{cores}_cores", name.replace('-', "_"));
            assert!(cases.contains(&case.as_str()), "workload {name} on {cores} cores has no test case");
        }
    }
    assert_eq!(cases.len(), 2 * WORKLOADS.len(), "a case for a workload that is not listed");
}

/// Each workload exercises the mechanism it is about: the counters prove it.
mod each_workload_exercises_its_mechanism {
    use super::*;

    #[test]
    fn munmap_storm_reaches_every_core() {
        let (s, _) = run("munmap-storm", 4, Mode::Model, cycles(60_000), 2);
        assert!(s.os.munmaps > 20 && sum(&s, |c| c.demand_faults) > 100, "{:?}", s.os);
        assert!(s.shootdowns.iter().any(|x| x.ipi_targets == 3), "a munmap reaches every other core");
    }

    #[test]
    fn fork_exit_reuses_asids_and_breaks_cow() {
        let (s, _) = run("fork-exit", 4, Mode::Model, cycles(60_000), 3);
        assert!(s.os.forks > 10 && s.os.exits > 10 && s.os.asid_reuses > 5, "{:?}", s.os);
        assert!(sum(&s, |c| c.cow_faults) > 10, "stores break copy-on-write");
    }

    #[test]
    fn ctx_switch_catches_up_by_the_log() {
        let (s, cnt) = run("ctx-switch", 4, Mode::Model, cycles(60_000), 4);
        assert!(sum(&s, |c| c.context_switches) > 200 && sum(&s, |c| c.kernel_threads) > 20);
        assert!(cnt.skipped > 0 && cnt.catchup_log > 0, "skipped cores catch up by the log: {cnt:?}");
    }

    #[test]
    fn thp_collapse_poisons_walks() {
        let (s, _) = run("thp-collapse", 4, Mode::Model, cycles(60_000), 5);
        assert!(
            s.os.collapses > 5 && s.os.splits > 5 && s.walk_restarts > 0,
            "{:?}, {} restarts",
            s.os,
            s.walk_restarts
        );
    }

    #[test]
    fn seed000_races_both_orders() {
        let (s, cnt) = run("seed000", 2, Mode::Model, cycles(60_000), 6);
        assert!(sum(&s, |c| c.unmapped_accesses) > 10, "core 1 touches the unmapped page and faults");
        assert!(cnt.skipped > 0 && cnt.targets > 0, "both orders of switch and shootdown: {cnt:?}");
    }

    #[test]
    fn seed001_catches_up_by_log_and_by_flush() {
        let (s, cnt) = run("seed001", 2, Mode::Model, cycles(60_000), 7);
        assert!(s.os.migrations > 20 && cnt.catchup_log > 0 && cnt.catchup_full > 0, "{cnt:?}");
    }

    #[test]
    fn seed002_changes_attributes_under_lazy_holders() {
        let (s, _) = run("seed002", 2, Mode::Model, cycles(60_000), 8);
        assert!(s.os.attr_changes > 10 && sum(&s, |c| c.kernel_threads) > 10);
    }

    #[test]
    fn seed003_reuses_released_asids() {
        let (s, _) = run("seed003", 2, Mode::Model, cycles(60_000), 9);
        assert!(s.os.exits > 10 && s.os.asid_reuses > 10, "{:?}", s.os);
    }

    #[test]
    fn seed004_collapses_under_walks() {
        let (s, _) = run("seed004", 4, Mode::Model, cycles(60_000), 10);
        assert!(s.os.collapses > 5 && s.walk_restarts > 0, "{:?} restarts {}", s.os, s.walk_restarts);
    }
}

#[test]
fn os_mix_in_lockstep_with_the_rtl() {
    let (s, _) = run("os-mix", 4, Mode::Lockstep, cycles(30_000), 11);
    assert!(sum(&s, |c| c.translations) > 1000 && !s.shootdowns.is_empty());
}

/// The benchmark's build (`tlbsim bench`, "rtl, SVA compiled out"): assertions compiled out
/// (`TopSpec::without_sva`), one evaluation a cycle like every untraced instance, the
/// design's clock rising at every change of the wrapper's. An edge too many or too few would
/// part RTL and model at once.
#[test]
fn os_mix_in_lockstep_with_the_rtl_built_without_sva() {
    let (s, _) = run_sva("os-mix", 2, 1, false, Mode::Lockstep, cycles(30_000), 13);
    assert!(sum(&s, |c| c.hits) > 1000 && !s.shootdowns.is_empty(), "{:?}", s.os);
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
    assert!(build("nope", 4, 16, 1).err().unwrap().to_string().contains("unknown workload \"nope\""));
    let e = build("fork-exit", 16, 16, 1).err().unwrap().to_string();
    assert!(e.contains("--asids 32"), "{e}");
}
