// SPDX-License-Identifier: Apache-2.0
//! The protocol: a shootdown reaches every core running the ASID, concurrent initiators
//! complete within the bound (also with catch-ups competing), targeting, a catch-up replay
//! keeping its log, a switch granted beside a SET_ATTRS that moved its slot, back-to-back
//! posts of one ASID both replayed, a switch waiting for the walk in flight.

use super::*;

#[test]
fn smoke_shootdown_reaches_every_core_running_the_asid() {
    let mut s = sys_setup("smoke_shootdown_reaches_every_core_running_the_asid", small(4), MemTiming::default());
    let root = s.tables.alloc_table();
    {
        let (pt, mem) = s.tables();
        pt.map(mem, root, 0x1000, PageLevel::Page4K, 0x11, PteFlags::URW);
    }
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 1, root, pm: 0 });
    cmd_ok(&mut s, 0, Command::Sync);
    for c in 0..4 {
        cmd_ok(&mut s, c, Command::Switch(1));
        assert_eq!(ok(s.translate(c, 0x1000, L, true)).paddr, 0x11000);
        assert!(ok(s.translate(c, 0x1008, L, true)).hit);
    }
    {
        let (pt, mem) = s.tables();
        pt.map(mem, root, 0x1000, PageLevel::Page4K, 0x22, PteFlags::URW);
    }
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

/// All cores post an invalidation in the same cycle and sync right after: every sync
/// completes (a core waiting for its own sync keeps acknowledging the others'), and the
/// k-th served completes exactly k cycles after the first: 5 + k cycles from its post.
/// Round robin serves each waiting core within NumCores-1 grants, so the worst case is
/// NumCores + 4 cycles when only posts compete.
fn concurrent_initiators_all_complete_within_the_bound(n: usize) {
    let name = format!("concurrent_initiators_all_complete_within_the_bound_{n}");
    let mut s = sys_setup(&name, small(n), MemTiming::fixed(3));
    let root = s.tables.alloc_table();
    {
        let (pt, mem) = s.tables();
        pt.map(mem, root, 0x1000, PageLevel::Page4K, 0x11, PteFlags::URW);
    }
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

cases! { concurrent_initiators_all_complete_within_the_bound: cores_2(2), cores_4(4), cores_8(8) }

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

/// ASID 1's page table with `pages` mapped to PPNs 0x10, 0x11, ... and ASID 2's empty one,
/// both given to the directory by core 0 (SET_ATTRS, then a SYNC); returns ASID 1's root.
fn two_address_spaces(s: &mut SysLockstep, pages: &[u64]) -> u64 {
    let (root1, root2) = (s.tables.alloc_table(), s.tables.alloc_table());
    {
        let (pt, mem) = s.tables();
        for (k, &va) in pages.iter().enumerate() {
            pt.map(mem, root1, va, PageLevel::Page4K, 0x10 + k as u64, PteFlags::URW);
        }
    }
    cmd_ok(s, 0, Command::SetAttrs { asid: 1, root: root1, pm: 0 });
    cmd_ok(s, 0, Command::SetAttrs { asid: 2, root: root2, pm: 0 });
    cmd_ok(s, 0, Command::Sync);
    root1
}

/// A catch-up replay reads its ASID's log from a copy taken when it starts, while the
/// directory's memories are already being read for the next command. Core 1 lags ASID 1 by
/// three invalidations; its switch back is decided in the same cycle as core 0's post to
/// ASID 2 (whose log is full of other pages) is granted, so for the whole replay the
/// memories hold ASID 2. The third replayed page comes from the copy: replayed from ASID 2's
/// log instead, core 1 would keep a stale entry for it (mutant `dir-replay-copy-not-held`).
/// Both arbitration orders are tried; in one of them the post is granted in the switch's
/// decision cycle.
fn a_replay_keeps_its_asids_log_while_another_asids_command_waits(trial: usize) {
    const PAGES: [u64; 3] = [0x1000, 0x2000, 0x3000];
    let name = format!("a_replay_keeps_its_asids_log_while_another_asids_command_waits_{trial}");
    let mut s = sys_setup(&name, small(2), MemTiming::fixed(2));
    let root1 = two_address_spaces(&mut s, &PAGES);
    cmd_ok(&mut s, 0, Command::Switch(1));
    cmd_ok(&mut s, 1, Command::Switch(1));
    for va in PAGES {
        ok(s.translate(1, va, L, true));
    }
    // Core 1 leaves for ASID 2 and fills ASID 2's log (it runs it: no lag there).
    cmd_ok(&mut s, 1, Command::Switch(2));
    for p in 0..4u64 {
        cmd_ok(&mut s, 1, Command::Post { kind: InvalKind::VaAsid, asid: 2, vaddr: 0x40_0000 + (p << 12), npages: 0 });
    }
    cmd_ok(&mut s, 1, Command::Sync);
    // Core 0 remaps ASID 1's three pages: core 1 is skipped and lags by three.
    for (k, va) in PAGES.into_iter().enumerate() {
        remap(&mut s, root1, va, 0x30 + k as u64);
        cmd_ok(&mut s, 0, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: va, npages: 0 });
    }
    cmd_ok(&mut s, 0, Command::Sync);
    for _ in 0..trial {
        cmd_ok(&mut s, 0, Command::Lazy);
        cmd_ok(&mut s, 0, Command::Switch(1));
    }
    let log_before = s.outputs().cnt.catchup_log;
    ok(s.post_cmd(1, Command::Switch(1)));
    ok(s.post_cmd(0, Command::Post { kind: InvalKind::VaAsid, asid: 2, vaddr: 0x50_0000, npages: 0 }));
    assert_eq!(finish(&mut s, 1).map(|r| r.error), Some(false));
    assert_eq!(finish(&mut s, 0).map(|r| r.error), Some(false));
    assert_eq!(s.outputs().cnt.catchup_log, log_before + 1, "core 1 caught up from the log");
    for (k, va) in PAGES.into_iter().enumerate() {
        let r = ok(s.translate(1, va, L, true));
        assert_eq!((r.paddr >> 12, r.hit), (0x30 + k as u64, false), "{name}: page {va:#x}");
    }
}

// Core 0 switched away and back `trial` times first: the round-robin pointer elsewhere.
cases! { a_replay_keeps_its_asids_log_while_another_asids_command_waits: trial_0(0), trial_1(1) }

/// A switch granted while the directory decides a SET_ATTRS that skipped the switching core
/// (it had left the ASID): the directory searched the core's slot for the ASID at the grant,
/// up to date then, and must apply the SET_ATTRS it decides meanwhile (the slot now lags
/// fully): the switch flushes the ASID, and the core's next translation walks the new
/// root instead of answering from the entry it cached under the old one
/// (docs/shootdown.md, "SWITCH"). The switch is posted `gap` cycles after the SET_ATTRS:
/// one cycle puts its grant in the SET_ATTRS's decision cycle.
/// With `ReadAhead` 1 the switch also reads the attributes the SET_ATTRS wrote in the cycle
/// before, forwarded into the read-ahead register.
fn a_switch_granted_beside_a_set_attrs_that_skipped_its_core_flushes(gap: u64, read_ahead: bool) {
    const VA: u64 = 0x1000;
    let name =
        format!("a_switch_granted_beside_a_set_attrs_that_skipped_its_core_flushes_{gap}_ra{}", read_ahead as u8);
    let mut s = sys_setup(&name, SysConfig { read_ahead: Some(read_ahead), ..small(2) }, MemTiming::fixed(2));
    let (old_root, new_root, other) = (s.tables.alloc_table(), s.tables.alloc_table(), s.tables.alloc_table());
    {
        let (pt, mem) = s.tables();
        pt.map(mem, old_root, VA, PageLevel::Page4K, 0x11, PteFlags::URW);
        pt.map(mem, new_root, VA, PageLevel::Page4K, 0x22, PteFlags::URW);
    }
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 1, root: old_root, pm: 0 });
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 2, root: other, pm: 0 });
    cmd_ok(&mut s, 0, Command::Sync);
    // Core 1 caches VA under ASID 1, then leaves for ASID 2 (its slot for 1 stays, up to date).
    cmd_ok(&mut s, 1, Command::Switch(1));
    assert_eq!(ok(s.translate(1, VA, L, true)).paddr >> 12, 0x11);
    cmd_ok(&mut s, 1, Command::Switch(2));
    let full_before = s.outputs().cnt.catchup_full;
    ok(s.post_cmd(0, Command::SetAttrs { asid: 1, root: new_root, pm: 0 }));
    ok(s.run(gap));
    ok(s.post_cmd(1, Command::Switch(1)));
    assert_eq!(finish(&mut s, 0).map(|r| r.error), Some(false));
    assert_eq!(finish(&mut s, 1).map(|r| r.error), Some(false));
    if gap > 0 {
        // The SET_ATTRS came first (posted together, the round robin picks the order).
        assert_eq!(s.outputs().cnt.catchup_full, full_before + 1, "{name}: the switch flushed ASID 1");
    }
    let r = ok(s.translate(1, VA, L, true));
    assert_eq!((r.paddr >> 12, r.hit), (0x22, false), "{name}: walked under the new root");
}

cases! { a_switch_granted_beside_a_set_attrs_that_skipped_its_core_flushes:
gap_0(0, false), gap_1(1, false), gap_2(2, false),
read_ahead_gap_0(0, true), read_ahead_gap_1(1, true), read_ahead_gap_2(2, true) }

/// Two cores running one ASID post an invalidation of it each in the same cycle (decided
/// back to back: the second reads the generation and the log position the first wrote), and
/// a third core that had left the ASID switches back `gap` cycles later: it lags by both and
/// catches up from the log, replaying both pages (with `gap` 1 its switch is decided right
/// after the second post, reading the log entry written the cycle before). With `ReadAhead`
/// 1 each of those reads is the read-ahead's forwarding.
fn back_to_back_posts_of_one_asid_are_both_replayed(posters: usize, gap: u64, read_ahead: bool) {
    const PAGES: [u64; 2] = [0x1000, 0x2000];
    let name = format!("back_to_back_posts_of_one_asid_are_both_replayed_{posters}_{gap}_ra{}", read_ahead as u8);
    let mut s = sys_setup(&name, SysConfig { read_ahead: Some(read_ahead), ..small(4) }, MemTiming::fixed(2));
    let root1 = two_address_spaces(&mut s, &PAGES);
    for core in 0..3 {
        cmd_ok(&mut s, core, Command::Switch(1));
    }
    for va in PAGES {
        ok(s.translate(2, va, L, true));
    }
    // Fill ASID 1's log with invalidations of other pages while every core runs it (none
    // lags): a replay from a wrong position then replays one of these instead of a flush
    // (a log position never written reads as InvAll, which would hide the error).
    for p in 0..4u64 {
        cmd_ok(&mut s, 0, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: 0x40_0000 + (p << 12), npages: 0 });
    }
    cmd_ok(&mut s, 0, Command::Sync);
    cmd_ok(&mut s, 2, Command::Switch(2));
    for (k, va) in PAGES.into_iter().enumerate().take(posters) {
        remap(&mut s, root1, va, 0x30 + k as u64);
    }
    let log_before = s.outputs().cnt.catchup_log;
    for (core, va) in PAGES.into_iter().enumerate().take(posters) {
        ok(s.post_cmd(core, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: va, npages: 0 }));
    }
    ok(s.run(gap));
    ok(s.post_cmd(2, Command::Switch(1)));
    for core in (0..posters).chain([2]) {
        assert_eq!(finish(&mut s, core).map(|r| r.error), Some(false), "{name}: core {core}");
    }
    for core in 0..posters {
        cmd_ok(&mut s, core, Command::Sync);
    }
    assert_eq!(s.outputs().cnt.catchup_log, log_before + 1, "{name}: core 2 caught up from the log");
    for (k, va) in PAGES.into_iter().enumerate() {
        let r = ok(s.translate(2, va, L, true));
        let ppn = if k < posters { 0x30 } else { 0x10 } + k as u64;
        assert_eq!(r.paddr >> 12, ppn, "{name}: page {va:#x}");
        assert!(!r.hit || k >= posters, "{name}: page {va:#x} walked again");
    }
}

cases! { back_to_back_posts_of_one_asid_are_both_replayed:
gap_0(2, 0, false), gap_1(2, 1, false), gap_2(2, 2, false),
read_ahead_gap_0(2, 0, true), read_ahead_gap_1(2, 1, true), read_ahead_gap_2(2, 2, true),
one_poster_gap_1(1, 1, false), one_poster_read_ahead_gap_0(1, 0, true),
one_poster_read_ahead_gap_1(1, 1, true), one_poster_read_ahead_gap_2(1, 2, true) }

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
        {
            let (pt, mem) = s.tables();
            pt.map(mem, root, 0x1000, PageLevel::Page4K, ppn, PteFlags::URW);
        }
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
