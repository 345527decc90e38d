//! The multi-core system: protocol basics, in lockstep with the oracle's central property
//! checked on every answer (once a sync completes, no core answers from a mapping its
//! invalidations retired).

mod common;
use common::*;
use tlb_harness::system::Command;
use tlb_harness::{MemTiming, PteFlags};
use tlb_sim::fabric::SysConfig;
use tlb_sim::{Access, InvalKind, PageLevel};

const L: Access = Access::Load;

#[test]
fn smoke_shootdown_reaches_every_core_running_the_asid() {
    let mut s = sys_setup("smoke_shootdown_reaches_every_core_running_the_asid", small(4), MemTiming::default());
    let root = s.tables.alloc_table();
    { let (pt, mem) = s.tables(); pt.map(mem, root, 0x1000, PageLevel::Page4K, 0x11, PteFlags::URW); }
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 1, root, pm: 0 });
    cmd_ok(&mut s, 0, Command::Sync);
    for c in 0..4 {
        cmd_ok(&mut s, c, Command::Switch(1));
        assert_eq!(ok(s.translate(c, 0x1000, L, true)).paddr, 0x11000);
        assert!(ok(s.translate(c, 0x1008, L, true)).hit);
    }
    { let (pt, mem) = s.tables(); pt.map(mem, root, 0x1000, PageLevel::Page4K, 0x22, PteFlags::URW); }
    let post = cmd_ok(&mut s, 2, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: 0x1000, npages: 0 });
    let sync = cmd_ok(&mut s, 2, Command::Sync);
    println!("post accepted {} done {}; sync accepted {} done {}", post.accepted, post.done, sync.accepted, sync.done);
    for c in 0..4 {
        let r = ok(s.translate(c, 0x1000, L, true));
        assert_eq!((r.paddr, r.hit), (0x22000, false), "core {c}");
    }
    let cnt = s.outputs().cnt;
    assert_eq!((cnt.posted, cnt.targets, cnt.skipped), (2, 4, 4), "{cnt:?}");
}

/// The configurations the tests build (each Verilated system takes about a minute):
/// 2, 4 and 8 cores with 16 entries each.
fn small(cores: usize) -> SysConfig {
    SysConfig { cores, entries: 16, slots: 4, log_depth: 4, asids: 16, hit_latency: 1 }
}

/// All cores post an invalidation in the same cycle and sync right after: every sync
/// completes (a core waiting for its own sync keeps acknowledging the others'), and the
/// k-th served completes exactly k cycles after the first: 5 + k cycles from its post.
/// Round robin serves each waiting core within NumCores-1 grants, so the worst case is
/// NumCores + 4 cycles when only posts compete.
#[test]
fn concurrent_initiators_all_complete_within_the_bound() {
    for n in [2usize, 4, 8] {
        let name = format!("concurrent_initiators_all_complete_within_the_bound_{n}");
        let mut s = sys_setup(&name, small(n), MemTiming::fixed(3));
        let root = s.tables.alloc_table();
        { let (pt, mem) = s.tables(); pt.map(mem, root, 0x1000, PageLevel::Page4K, 0x11, PteFlags::URW); }
        cmd_ok(&mut s, 0, Command::SetAttrs { asid: 1, root, pm: 0 });
        for c in 0..n {
            cmd_ok(&mut s, c, Command::Switch(1));
            ok(s.translate(c, 0x1000, L, true));
        }
        for round in 0..3 {
            for c in 0..n {
                ok(s.post_cmd(c, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: 0x1000, npages: 0 }));
            }
            let mut synced = vec![None; n];
            let mut posted_at = vec![0; n];
            while synced.iter().any(|x| x.is_none()) {
                ok(s.step());
                for c in 0..n {
                    for r in s.take_results(c) {
                        assert!(!r.error);
                        match r.cmd {
                            Command::Post { .. } => {
                                posted_at[c] = r.accepted;
                                ok(s.post_cmd(c, Command::Sync));
                            }
                            Command::Sync => synced[c] = Some(r.done - posted_at[c]),
                            _ => unreachable!(),
                        }
                    }
                }
                assert!(s.cycle() < 10_000, "{name}: deadlock");
            }
            let mut lat: Vec<u64> = synced.into_iter().map(Option::unwrap).collect();
            lat.sort();
            println!("{n} cores, round {round}: post-to-sync latencies {lat:?}");
            assert_eq!(lat, (0..n as u64).map(|k| 5 + k).collect::<Vec<_>>(), "{name}");
        }
    }
}

#[test]
fn a_sync_with_nothing_posted_completes_at_once() {
    let mut s = sys_setup("a_sync_with_nothing_posted_completes_at_once", small(2), MemTiming::default());
    let r = cmd_ok(&mut s, 1, Command::Sync);
    assert_eq!(r.done - r.accepted, 1);
}

/// ASID-scoped invalidations go to the cores running the ASID, lazily or not; global
/// kinds go to every core.
#[test]
fn targeting_reaches_holders_and_lazy_holders_only() {
    let mut s = sys_setup("targeting_reaches_holders_and_lazy_holders_only", small(4), MemTiming::default());
    for asid in [1u16, 2] {
        let root = s.tables.alloc_table();
        cmd_ok(&mut s, 0, Command::SetAttrs { asid, root, pm: 0 });
    }
    cmd_ok(&mut s, 0, Command::Switch(1));
    cmd_ok(&mut s, 1, Command::Switch(1));
    cmd_ok(&mut s, 1, Command::Lazy);
    cmd_ok(&mut s, 2, Command::Switch(2));
    // core 3 runs nothing
    let c0 = s.outputs().cnt;
    cmd_ok(&mut s, 3, Command::Post { kind: InvalKind::Asid, asid: 1, vaddr: 0, npages: 0 });
    let c1 = s.outputs().cnt;
    assert_eq!((c1.targets - c0.targets, c1.skipped - c0.skipped), (2, 2), "cores 0 and 1 (lazy)");
    cmd_ok(&mut s, 3, Command::Post { kind: InvalKind::Va, asid: 0, vaddr: 0x5000, npages: 0 });
    let c2 = s.outputs().cnt;
    assert_eq!((c2.targets - c1.targets, c2.skipped - c1.skipped), (4, 0), "global kinds reach all");
    cmd_ok(&mut s, 3, Command::Sync);
}

/// Bad commands are refused with cmd_error_o and change nothing.
#[test]
fn bad_commands_are_refused() {
    let mut s = sys_setup("bad_commands_are_refused", small(2), MemTiming::default());
    let root = s.tables.alloc_table();
    { let (pt, mem) = s.tables(); pt.map(mem, root, 0x1000, PageLevel::Page4K, 0x11, PteFlags::URW); }
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 1, root, pm: 0 });
    cmd_ok(&mut s, 0, Command::Switch(1));
    let bad = [
        Command::Raw(6),
        Command::Raw(7),
        Command::Switch(16),
        Command::SetAttrs { asid: 99, root, pm: 0 },
        Command::Post { kind: InvalKind::Asid, asid: 300, vaddr: 0, npages: 0 },
        Command::Release(5),
        Command::Release(1),
    ];
    for c in bad {
        let before = s.outputs().cnt.errors;
        let r = ok(s.cmd(0, c));
        assert!(r.error, "{c:?} must be refused");
        // Unknown opcodes are refused by the agent; the rest by the directory, which counts.
        let counted = !matches!(c, Command::Raw(_));
        assert_eq!(s.outputs().cnt.errors - before, counted as u32, "{c:?}");
    }
    let o = s.outputs().core[0];
    assert!(o.cur_valid && o.cur_asid == 1 && !o.lazy, "context unchanged: {o:?}");
    assert_eq!(ok(s.translate(0, 0x1000, L, true)).paddr, 0x11000);
    // A switch to a free ASID makes it active, and an active ASID that no core runs can be
    // released (the refusal of Release(5) above was about its being free).
    cmd_ok(&mut s, 1, Command::Switch(5));
    cmd_ok(&mut s, 1, Command::Switch(1));
    cmd_ok(&mut s, 0, Command::Release(5));
    cmd_ok(&mut s, 0, Command::Sync);
    assert!(ok(s.cmd(0, Command::Release(5))).error, "free again once released");
}

#[test]
fn bad_system_parameters_are_rejected() {
    for bad in [
        SysConfig { cores: 1, ..SysConfig::default() },
        SysConfig { cores: 17, ..SysConfig::default() },
        SysConfig { slots: 0, ..SysConfig::default() },
        SysConfig { log_depth: 3, ..SysConfig::default() },
        SysConfig { asids: 48, ..SysConfig::default() },
        SysConfig { entries: 12, ..SysConfig::default() },
    ] {
        let err = bad.validate().unwrap_err();
        assert!(err.starts_with("invalid configuration:"), "{err}");
        assert!(tlb_harness::system::SysLockstep::new(tlb_harness::system::SysLockstepConfig::new("bad", bad, 1)).is_err());
    }
    // And at elaboration.
    let verilator = tlb_harness::toolchain::verilator().expect("verilator");
    let root = tlb_harness::toolchain::repo_root();
    for (param, msg) in [("-GNumCores=17", "NumCores must be 2 to 16"), ("-GLogDepth=3", "LogDepth must be 1, 2, 4 or 8"),
                         ("-GNumAsids=48", "NumAsids must be a power of two"), ("-GSlots=9", "Slots must be 1 to 8")] {
        let out = std::process::Command::new(&verilator)
            .current_dir(&root)
            .args(["--lint-only", "-Irtl", "--top-module", "tlb_system", param])
            .args(tlb_harness::rtl::rtl_sources())
            .output()
            .expect("verilator runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains(msg), "{param}: {err}");
    }
}

/// The worst case with catch-ups competing: every other core switches back into an ASID it
/// lags by LogDepth (each replay holds the directory LogDepth cycles) in the same cycle as
/// core 0 posts. Core 0's sync still completes within 5 + (NumCores-1)*LogDepth cycles.
#[test]
fn worst_case_sync_latency_with_catch_ups_competing() {
    let n = 4usize;
    let k = 4u64;
    let bound = 5 + (n as u64 - 1) * k;
    let mut worst = 0;
    for trial in 0..n {
        let name = format!("worst_case_sync_latency_with_catch_ups_competing_{trial}");
        let mut s = sys_setup(&name, small(n), MemTiming::fixed(2));
        for asid in 1..=n as u16 + 1 {
            let root = s.tables.alloc_table();
            cmd_ok(&mut s, 0, Command::SetAttrs { asid, root, pm: 0 });
        }
        for c in 1..n {
            cmd_ok(&mut s, c, Command::Switch(1));
            cmd_ok(&mut s, c, Command::Switch(c as u16 + 1));
        }
        cmd_ok(&mut s, 0, Command::Switch(1));
        for p in 0..k {
            cmd_ok(&mut s, 0, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: p << 12, npages: 0 });
        }
        cmd_ok(&mut s, 0, Command::Sync);
        // Rotate the round-robin pointer so that core 0 is served at every position.
        for _ in 0..trial {
            cmd_ok(&mut s, 0, Command::Lazy);
        }
        for c in 1..n {
            ok(s.post_cmd(c, Command::Switch(1)));
        }
        let post = ok(s.cmd(0, Command::Post { kind: InvalKind::Asid, asid: 1, vaddr: 0, npages: 0 }));
        let sync = ok(s.cmd(0, Command::Sync));
        let lat = sync.done - post.accepted;
        worst = worst.max(lat);
        assert!(lat <= bound, "{name}: {lat} cycles > bound {bound}");
        for c in 1..n {
            while s.cmd_busy(c) {
                ok(s.step());
            }
            let r = s.take_results(c).pop().unwrap();
            assert!(!r.error);
        }
        assert!(s.outputs().cnt.catchup_log as usize >= n - 1, "every other core replayed the log");
    }
    println!("worst post-to-sync latency {worst} cycles (bound {bound})");
    assert!(worst > 5 + k, "the catch-ups did delay core 0 ({worst})");
}

/// A context switch issued while a walk of the old context is in flight waits for it: the
/// walk finishes in the old address space (its answer comes from the old table), and only
/// then does the switch reach the directory (SwitchOnlyWhenIdle_A checks the rule on every
/// cycle of every test; this test makes it bite).
#[test]
fn a_switch_waits_for_the_walk_in_flight() {
    let slow = MemTiming { min_latency: 12, max_latency: 12, ready_percent: 100 };
    let mut s = sys_setup("a_switch_waits_for_the_walk_in_flight", small(2), slow);
    for (asid, ppn) in [(1u16, 0x11u64), (2, 0x22)] {
        let root = s.tables.alloc_table();
        { let (pt, mem) = s.tables(); pt.map(mem, root, 0x1000, PageLevel::Page4K, ppn, PteFlags::URW); }
        cmd_ok(&mut s, 0, Command::SetAttrs { asid, root, pm: 0 });
    }
    cmd_ok(&mut s, 0, Command::Switch(1));
    ok(s.issue(0, tlb_harness::system::Request { vaddr: 0x1000, access: L, priv_u: true }));
    ok(s.run(3));
    ok(s.post_cmd(0, Command::Switch(2)));
    let mut answers = Vec::new();
    let mut switched = None;
    for _ in 0..200 {
        ok(s.run(1));
        answers.extend(s.take_responses());
        if let Some(r) = s.take_results(0).into_iter().next() {
            switched = Some(r);
            break;
        }
    }
    let switched = switched.expect("the switch completes");
    assert!(!switched.error);
    let walk = answers.first().copied().expect("the walk answered before the switch completed");
    assert_eq!((walk.paddr, walk.hit), (0x11000, false), "translated in the old context");
    assert!(walk.cycle < switched.done, "walk answered at {}, switch done at {}", walk.cycle, switched.done);
    assert_eq!(ok(s.translate(0, 0x1000, L, true)).paddr, 0x22000, "then the new context");
}
