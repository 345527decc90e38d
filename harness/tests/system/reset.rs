// SPDX-License-Identifier: Apache-2.0
//! Core reset (docs/shootdown.md, "Core reset"): a core's own reset asserted while
//! shootdowns, catch-ups and walks are in flight. Every case checks, besides lockstep on
//! every cycle and the oracle (which judges the reset core's later answers with the reset as
//! a floor): the initiator's SYNC completes (no ack lost), every core's POST+SYNC then takes
//! the uncontended 5 cycles (no ack doubled or left over), the reset core loads no context
//! by itself, and it switches back (a full flush: no slot survives) and translates pages
//! remapped before the reset with a walk, never from the old mapping.
//!
//! Each case sweeps the point of the reset through one run (a later point starts from the
//! state the earlier ones left), so the offsets of one case are not separate tests.

use super::*;
use tlb_harness::system::Request;

/// Remapped and shot down around the reset.
const SHOT: u64 = 0x1000;
/// Remapped before the reset without a shootdown: only the reset empties a core of it.
const SILENT: u64 = 0x2000;
/// The balance check's post.
const SPARE: u64 = 0x7000;

/// `cores` cores running ASID 1, each with SHOT and SILENT cached; ASID 2 set up too.
fn reset_setup(name: &str, sys: SysConfig, mem: MemTiming) -> (SysLockstep, u64) {
    let mut s = sys_setup(name, sys, mem);
    let root = s.tables.alloc_table();
    let root2 = s.tables.alloc_table();
    {
        let (pt, mem) = s.tables();
        for (k, va) in [SHOT, SILENT, 0x3000, 0x4000, 0x5000, SPARE].into_iter().enumerate() {
            pt.map(mem, root, va, PageLevel::Page4K, 0x10 + k as u64, PteFlags::URW);
            pt.map(mem, root2, va, PageLevel::Page4K, 0x20 + k as u64, PteFlags::URW);
        }
    }
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 1, root, pm: 0 });
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 2, root: root2, pm: 0 });
    cmd_ok(&mut s, 0, Command::Sync);
    for c in 0..sys.cores {
        cmd_ok(&mut s, c, Command::Switch(1));
        for va in [SHOT, SILENT] {
            ok(s.translate(c, va, L, true));
        }
    }
    (s, root)
}

/// Presents `cmd` on `core` and returns the cycle it was accepted in.
fn accept(s: &mut SysLockstep, core: usize, cmd: Command) -> u64 {
    ok(s.post_cmd(core, cmd));
    while s.cmd_waiting(core) {
        ok(s.step());
    }
    s.cycle() - 1
}

/// Clocks until the next cycle is `at`.
fn run_to(s: &mut SysLockstep, at: u64) {
    assert!(s.cycle() <= at, "cycle {at} is past (now {})", s.cycle());
    while s.cycle() < at {
        ok(s.step());
    }
}

/// What every case checks once its resets are over (see above). `fresh`: (VA, PPN) pages
/// remapped before the reset that each reset core must translate with a walk.
fn recovered(s: &mut SysLockstep, reset: &[usize], fresh: &[(u64, u64)]) {
    let n = s.cores();
    while reset.iter().any(|&c| s.in_reset(c)) {
        ok(s.step());
    }
    // No context comes back by itself (an abandoned catch-up replay must not load one).
    for _ in 0..6 {
        for &c in reset {
            let o = s.outputs().core[c];
            assert!(!o.cur_valid && !o.lazy, "core {c} holds a context after its reset: {o:?}");
        }
        ok(s.step());
    }
    for &c in reset {
        let full = s.outputs().cnt.catchup_full;
        cmd_ok(s, c, Command::Switch(1));
        assert_eq!(s.outputs().cnt.catchup_full - full, 1, "core {c}: no slot survives a reset");
        for &(va, ppn) in fresh {
            let r = ok(s.translate(c, va, L, true));
            assert_eq!((r.paddr, r.hit), (ppn << 12, false), "core {c}: VA {va:#x} after the reset");
        }
    }
    for c in 0..n {
        let post = cmd_ok(s, c, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: SPARE, npages: 0 });
        let sync = cmd_ok(s, c, Command::Sync);
        assert_eq!(sync.done - post.accepted, 5, "core {c}: POST+SYNC after the reset");
    }
    if s.config().mode.has_model() {
        let d = &s.model().dir;
        assert!(d.owed_q.iter().all(|&o| o == 0) && d.rel_owed_q == 0, "acks left over: {:?}", d.owed_q);
    }
}

/// (a) Core 1 is reset while core 0's shootdown targets it: in the cycle the directory
/// decides it (on a record that still shows core 1 running the ASID), the cycle it is on the
/// bus, the cycle core 1 acknowledges; for one cycle and for three. Core 1 acknowledges
/// every time, exactly once, and core 0's sync completes on time.
#[test]
fn core_reset_while_a_shootdown_waits_for_its_ack() {
    let (mut s, root) = reset_setup("core_reset_while_a_shootdown_waits_for_its_ack", small(4), MemTiming::fixed(2));
    let mut ppn = 0x100;
    for off in [2u64, 3, 4] {
        for len in [1u64, 3] {
            ppn += 2;
            remap(&mut s, root, SILENT, ppn);
            remap(&mut s, root, SHOT, ppn + 1);
            let p = accept(&mut s, 0, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: SHOT, npages: 0 });
            run_to(&mut s, p + off);
            if s.config().mode.has_model() {
                let m = s.model();
                let reached = match off {
                    2 => m.dir.gnt_valid_q && m.dir.ctx_q[1].valid,
                    3 => m.dir.bus_q.need_ack && m.dir.bus_q.targets & 2 != 0,
                    _ => m.agents[1].ack_q,
                };
                assert!(reached, "offset {off}: the reset does not come where it should");
            }
            s.reset_core(1, len);
            let post = finish(&mut s, 0).expect("the post completes");
            assert!(!post.error);
            let sync = cmd_ok(&mut s, 0, Command::Sync);
            assert_eq!(sync.done - post.accepted, 5, "offset {off}, {len} cycles: core 0's sync");
            recovered(&mut s, &[1], &[(SILENT, ppn), (SHOT, ppn + 1)]);
        }
    }
}

/// (b) Core 1 is reset while it initiates a post: waiting for its grant, in the grant
/// register (both dropped: the post never completes, and is posted again), on the bus
/// (completed, every ack still owed to core 1) and while the acks arrive. The reset keeps
/// core 1's count of acks owed: its next SYNC completes exactly when they are in.
#[test]
fn core_reset_of_an_initiator_with_acks_in_flight() {
    let (mut s, root) = reset_setup("core_reset_of_an_initiator_with_acks_in_flight", small(4), MemTiming::fixed(2));
    let mut ppn = 0x200;
    let shot = Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: SHOT, npages: 0 };
    for off in [1u64, 2, 3, 4] {
        for len in [1u64, 2] {
            ppn += 2;
            remap(&mut s, root, SILENT, ppn);
            remap(&mut s, root, SHOT, ppn + 1);
            let p = accept(&mut s, 1, shot);
            run_to(&mut s, p + off);
            if off >= 3 && s.config().mode.has_model() {
                assert_eq!(s.model().dir.acks_owed(1), 4, "offset {off}: acks owed to core 1");
            }
            s.reset_core(1, len);
            let done = finish(&mut s, 1);
            let dropped = s.take_dropped(1);
            if off >= 3 {
                assert!(done.is_some_and(|r| r.cmd == shot && !r.error) && dropped.is_empty(), "{done:?} {dropped:?}");
                let sync = cmd_ok(&mut s, 1, Command::Sync);
                assert_eq!(sync.done, (p + 5).max(sync.accepted + 1), "offset {off}, {len} cycles: core 1's sync");
            } else {
                assert!(done.is_none() && dropped == [shot], "offset {off}: {done:?} {dropped:?}");
                cmd_ok(&mut s, 1, shot);
                cmd_ok(&mut s, 1, Command::Sync);
            }
            recovered(&mut s, &[1], &[(SILENT, ppn), (SHOT, ppn + 1)]);
        }
    }
}

/// (b, its SYNC) Core 1 posts and syncs, and is reset in the cycles around its SYNC. A sync
/// never waits in AgSync with acks owed (proof 3a, SyncNextCycle_A): a reset in its cycle
/// meets the sync completing, whose done still counts, and no ack owed is lost.
#[test]
fn core_reset_of_an_initiator_in_its_sync() {
    let (mut s, root) = reset_setup("core_reset_of_an_initiator_in_its_sync", small(4), MemTiming::fixed(2));
    let mut ppn = 0x300;
    let shot = Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: SHOT, npages: 0 };
    let mut in_sync = 0;
    for off in 0u64..3 {
        ppn += 2;
        remap(&mut s, root, SILENT, ppn);
        remap(&mut s, root, SHOT, ppn + 1);
        let p = accept(&mut s, 1, shot);
        let posted = finish(&mut s, 1);
        assert!(posted.is_some_and(|r| r.cmd == shot && !r.error), "{posted:?}");
        let q = accept(&mut s, 1, Command::Sync);
        run_to(&mut s, q + 1 + off);
        if s.config().mode.has_model() && s.model().agents[1].state_q == tlb_sim::fabric::AgentState::Sync {
            assert_eq!(s.model().dir.acks_owed(1), 0, "offset {off}: a sync waiting in AgSync with acks owed");
            in_sync += 1;
        }
        s.reset_core(1, 1);
        let done = finish(&mut s, 1);
        let dropped = s.take_dropped(1);
        assert!(dropped.is_empty(), "offset {off}: {dropped:?}");
        if off == 0 {
            let r = done.expect("the sync completes in the reset's first cycle");
            assert!(r.cmd == Command::Sync && !r.error && r.done >= p + 5, "offset {off}: {r:?}");
        }
        recovered(&mut s, &[1], &[(SILENT, ppn), (SHOT, ppn + 1)]);
    }
    assert!(in_sync > 0 || !s.config().mode.has_model(), "no offset reset core 1 in its sync's cycle");
}

/// (c) Core 1 switches back into ASID 1, which it lags by three posts, and is reset while
/// its switch waits for its grant, waits in the grant register, while the directory
/// replays the log to it (the replay is abandoned: it must not load the context later), in
/// the cycle of the replay's last message (the switch completes, then the reset), and after.
#[test]
fn core_reset_during_its_catch_up_replay() {
    let (mut s, root) = reset_setup("core_reset_during_its_catch_up_replay", small(4), MemTiming::fixed(2));
    let mut ppn = 0x300;
    let pages = [SHOT, 0x3000, 0x4000];
    for off in 1u64..=6 {
        cmd_ok(&mut s, 1, Command::Switch(2));
        for va in pages {
            ppn += 1;
            remap(&mut s, root, va, ppn);
            cmd_ok(&mut s, 0, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: va, npages: 0 });
        }
        cmd_ok(&mut s, 0, Command::Sync);
        remap(&mut s, root, SILENT, ppn + 1);
        let log = s.outputs().cnt.catchup_log;
        let sw = accept(&mut s, 1, Command::Switch(1));
        run_to(&mut s, sw + off);
        if (3..=4).contains(&off) && s.config().mode.has_model() {
            let d = &s.model().dir;
            assert!(d.cu_busy_q && d.cu_core_q == 1, "offset {off}: no replay to core 1 under way");
        }
        s.reset_core(1, 1);
        let done = finish(&mut s, 1);
        let dropped = s.take_dropped(1);
        assert_eq!(s.outputs().cnt.catchup_log - log, (off >= 3) as u32, "offset {off}: the switch was decided");
        if off >= 5 {
            assert!(done.is_some_and(|r| !r.error) && dropped.is_empty(), "offset {off}: {done:?} {dropped:?}");
        } else {
            assert!(done.is_none() && dropped == [Command::Switch(1)], "offset {off}: {done:?} {dropped:?}");
        }
        let fresh: Vec<(u64, u64)> = pages.iter().enumerate().map(|(k, &va)| (va, ppn - 2 + k as u64)).collect();
        recovered(&mut s, &[1], &[fresh.as_slice(), &[(SILENT, ppn + 1)]].concat());
        ppn += 1;
    }
}

/// (d) Core 1 is reset at every point of a walk (the miss, a request waiting for the
/// memory, a read in flight, the answer arriving, the fill), with memory that is slow and
/// not always ready. The abandoned request is never answered, the read the memory had
/// accepted is drained, and the next walk reads the page as remapped in the meantime.
fn reset_during_walks(name: &str, sys: SysConfig) {
    let mem = MemTiming { min_latency: 3, max_latency: 9, ready_percent: 50 };
    let (mut s, root) = reset_setup(name, sys, mem);
    let (mut in_req, mut in_wait, mut drained) = (0, 0, 0);
    for off in 0u64..40 {
        let va = 0x40_0000 + (off << 12);
        remap(&mut s, root, va, 0x500 + off);
        remap(&mut s, root, SILENT, 0x600 + off);
        ok(s.issue(1, Request { vaddr: va, access: L, priv_u: true }));
        let base = s.cycle();
        run_to(&mut s, base + off % 20);
        // The walk's state where the reset lands; the walk remaps its page under it.
        if s.config().mode.has_model() {
            let w = &s.model().cores[1].u_ptw;
            in_req += (w.state_q == tlb_sim::ptw::PtwState::Req) as u32;
            in_wait += (w.state_q == tlb_sim::ptw::PtwState::Wait) as u32;
        }
        remap(&mut s, root, va, 0x700 + off);
        s.reset_core(1, 1 + off % 3);
        ok(s.step());
        if s.config().mode.has_model() {
            drained += s.model().cores[1].u_ptw.drain_q as u32;
        }
        let _ = s.take_responses();
        recovered(&mut s, &[1], &[(va, 0x700 + off), (SILENT, 0x600 + off)]);
    }
    println!("resets during a request {in_req}, a read {in_wait}; reads drained {drained}");
    if s.config().mode.has_model() {
        assert!(in_req > 0 && in_wait > 0 && drained > 0, "{in_req} {in_wait} {drained}");
    }
}

#[test]
fn core_reset_during_walks() {
    reset_during_walks("core_reset_during_walks", small(4));
}

/// The same with HitLatency 2, whose answer stage holds a hit a cycle longer.
#[test]
fn core_reset_during_walks_hit_latency2() {
    reset_during_walks("core_reset_during_walks_hit_latency2", SysConfig { hit_latency: 2, ..small(2) });
}

/// Every core at once, mid-traffic: core 0 posts, core 1 and core 2 walk, core 3 switches,
/// and all four are reset for two cycles at each point of the post's life. Every ack owed
/// is still delivered (by the reset cores themselves), the post is redone if it was
/// dropped, and every core recovers.
#[test]
fn every_core_reset_at_once_mid_traffic() {
    let mem = MemTiming { min_latency: 2, max_latency: 6, ready_percent: 70 };
    let (mut s, root) = reset_setup("every_core_reset_at_once_mid_traffic", small(4), mem);
    let shot = Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: SHOT, npages: 0 };
    for off in 1u64..=8 {
        let ppn = 0x800 + 4 * off;
        remap(&mut s, root, SILENT, ppn);
        remap(&mut s, root, SHOT, ppn + 1);
        for (c, va) in [(1usize, 0x3000u64), (2, 0x4000)] {
            remap(&mut s, root, va, ppn + c as u64 + 1);
            ok(s.issue(c, Request { vaddr: va, access: L, priv_u: true }));
        }
        ok(s.post_cmd(3, Command::Switch(2)));
        let p = accept(&mut s, 0, shot);
        run_to(&mut s, p + off);
        for c in 0..4 {
            s.reset_core(c, 2);
        }
        let done = finish(&mut s, 0);
        let _ = finish(&mut s, 3);
        for c in 0..4 {
            let _ = s.take_dropped(c);
        }
        if done.is_some_and(|r| r.cmd == shot) {
            cmd_ok(&mut s, 0, Command::Sync);
        } else {
            cmd_ok(&mut s, 0, shot);
            cmd_ok(&mut s, 0, Command::Sync);
        }
        let _ = s.take_responses();
        recovered(&mut s, &[0, 1, 2, 3], &[(SILENT, ppn), (SHOT, ppn + 1), (0x3000, ppn + 2), (0x4000, ppn + 3)]);
    }
}

/// The read a reset abandoned is still owed by the memory (30 cycles here): the core takes
/// its answer and drops it, and its next walk, started before that answer comes, sends its
/// first request only after it; the walk then reads the page as it is now.
#[test]
fn core_reset_next_walk_waits_for_the_drained_read() {
    let slow = MemTiming { min_latency: 30, max_latency: 30, ready_percent: 100 };
    let (mut s, root) = reset_setup("core_reset_next_walk_waits_for_the_drained_read", small(2), slow);
    let va = 0x40_0000;
    remap(&mut s, root, va, 0x500);
    ok(s.issue(1, Request { vaddr: va, access: L, priv_u: true }));
    ok(s.run(5)); // accepted, missed, its first read accepted by the memory
    if s.config().mode.has_model() {
        assert_eq!(s.model().cores[1].u_ptw.state_q, tlb_sim::ptw::PtwState::Wait, "a read in flight");
    }
    remap(&mut s, root, va, 0x501);
    s.reset_core(1, 1);
    ok(s.step());
    cmd_ok(&mut s, 1, Command::Switch(1));
    // (An answer to the abandoned request would have failed the run: none is outstanding.)
    let _ = s.take_responses();
    ok(s.issue(1, Request { vaddr: va, access: L, priv_u: true }));
    let (mut waited, mut answer) = (0, None);
    for _ in 0..200 {
        if s.config().mode.has_model() {
            let w = &s.model().cores[1].u_ptw;
            waited += (w.drain_q && w.state_q == tlb_sim::ptw::PtwState::Req) as u32;
        }
        ok(s.step());
        if let Some(r) = s.take_responses().into_iter().find(|r| r.core == 1) {
            answer = Some(r);
            break;
        }
    }
    let r = answer.expect("the walk after the reset is answered");
    assert_eq!((r.paddr, r.hit), (0x501000, false));
    if s.config().mode.has_model() {
        assert!(waited > 0, "the walk did not wait for the drained read");
    }
    println!("the next walk waited {waited} cycles for the drained read");
    recovered(&mut s, &[], &[]);
}
