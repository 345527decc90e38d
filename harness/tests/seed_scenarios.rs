// SPDX-License-Identifier: Apache-2.0
//! The five races of the Linux kernel threads this project answers, one named scenario each
//! (docs/scenarios.md explains the sequence, why the design survives it, and which
//! mechanism makes it so). Every scenario runs the RTL and the model in lockstep with the
//! oracle checking every answer of every core; the explicit asserts name the property.

#[macro_use]
mod common;
use common::*;
use tlb_harness::system::{Command, Request, SysLockstep, SysResponse};
use tlb_harness::{MemTiming, PteFlags};
use tlb_sim::fabric::SysConfig;
use tlb_sim::{Access, InvalKind, PageLevel, Pte};

const L: Access = Access::Load;
const U: bool = true;

fn cfg(cores: usize) -> SysConfig {
    SysConfig { cores, entries: 16, slots: 4, log_depth: 4, asids: 16, hit_latency: 1, read_ahead: None }
}

/// A process: an ASID with its root table, made current on nothing yet.
fn process(s: &mut SysLockstep, asid: u16, pm: u8) -> u64 {
    let root = s.tables.alloc_table();
    cmd_ok(s, 0, Command::SetAttrs { asid, root, pm });
    cmd_ok(s, 0, Command::Sync);
    root
}

fn map4k(s: &mut SysLockstep, root: u64, va: u64, ppn: u64) {
    let (pt, mem) = s.tables();
    pt.map(mem, root, va, PageLevel::Page4K, ppn, PteFlags::URW);
}

/// Seed 000, case 2: a core is filtered out of a shootdown because it is not running the
/// ASID, and enters the ASID right after. Swept over the relative timing of its switch and
/// the shootdown, so that both orders (targeted, or skipped and caught up) happen.
#[test]
fn seed000_filtered_core_enters_the_asid_right_after_a_shootdown() {
    let mut targeted = 0;
    let mut caught_up = 0;
    for offset in 0..10u64 {
        let name = format!("seed000_filtered_core_enters_the_asid_right_after_a_shootdown_{offset}");
        let mut s = sys_setup(&name, cfg(2), MemTiming::fixed(2));
        let r1 = process(&mut s, 1, 0);
        let r2 = process(&mut s, 2, 0);
        map4k(&mut s, r1, 0x5000, 0x50);
        map4k(&mut s, r2, 0x9000, 0x90);
        // Core 1 ran the process and cached its page, then went to another process: it keeps
        // a slot for ASID 1 but is not running it.
        cmd_ok(&mut s, 1, Command::Switch(1));
        assert_eq!(ok(s.translate(1, 0x5000, L, U)).paddr, 0x50000);
        cmd_ok(&mut s, 1, Command::Switch(2));
        cmd_ok(&mut s, 0, Command::Switch(1));
        // Core 0 unmaps the page and shoots it down; core 1 switches back to ASID 1 around
        // the same time.
        {
            let (pt, mem) = s.tables();
            pt.unmap(mem, r1, 0x5000);
        }
        let skipped_before = s.outputs().cnt.skipped;
        ok(s.post_cmd(0, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: 0x5000, npages: 0 }));
        ok(s.run(offset));
        ok(s.post_cmd(1, Command::Switch(1)));
        while s.cmd_busy(0) || s.cmd_busy(1) {
            ok(s.step());
        }
        cmd_ok(&mut s, 0, Command::Sync);
        if s.outputs().cnt.skipped > skipped_before {
            caught_up += 1
        } else {
            targeted += 1
        }
        // After the switch, core 1 must never see the unmapped page.
        let r = ok(s.translate(1, 0x5000, L, U));
        assert!(r.fault, "{name}: core 1 answered {r:?} from a mapping removed by a completed shootdown");
    }
    assert!(targeted > 0 && caught_up > 0, "both orders must occur: targeted {targeted}, caught up {caught_up}");
}

/// Seed 001: deferred flushes, several invalidations posted before one sync, while a core
/// that holds the ASID in a slot is away. Every invalidation must move the ASID's
/// generation and the core's lag; within the log depth the core replays exactly those
/// ranges (other pages stay cached), beyond it the core flushes the whole ASID.
fn seed001_deferred_flushes_move_the_generation_every_time(n: u64) {
    let name = format!("seed001_deferred_flushes_move_the_generation_every_time_{n}");
    let mut s = sys_setup(&name, cfg(2), MemTiming::fixed(1));
    let r1 = process(&mut s, 1, 0);
    let r2 = process(&mut s, 2, 0);
    for p in 0..8u64 {
        map4k(&mut s, r1, 0x10_0000 + (p << 12), 0x100 + p);
    }
    map4k(&mut s, r2, 0x9000, 0x90);
    cmd_ok(&mut s, 1, Command::Switch(1));
    for p in 0..8u64 {
        ok(s.translate(1, 0x10_0000 + (p << 12), L, U));
    }
    cmd_ok(&mut s, 1, Command::Switch(2));
    cmd_ok(&mut s, 0, Command::Switch(1));
    // n deferred invalidations, then one sync: pages 0..n are remapped one by one.
    for p in 0..n {
        map4k(&mut s, r1, 0x10_0000 + (p << 12), 0x200 + p);
        cmd_ok(&mut s, 0, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: 0x10_0000 + (p << 12), npages: 0 });
    }
    cmd_ok(&mut s, 0, Command::Sync);
    let before = s.outputs().cnt;
    cmd_ok(&mut s, 1, Command::Switch(1));
    let after = s.outputs().cnt;
    for p in 0..8u64 {
        let r = ok(s.translate(1, 0x10_0000 + (p << 12), L, U));
        let want = if p < n { 0x200 + p } else { 0x100 + p };
        assert_eq!(r.paddr, want << 12, "{name}: page {p}");
        if n <= 4 {
            assert_eq!(r.hit, p >= n, "{name}: page {p}: the log replays exactly the {n} ranges");
        } else {
            assert!(!r.hit, "{name}: page {p}: more than the log holds: the ASID is flushed");
        }
    }
    let by_log = after.catchup_log - before.catchup_log;
    let full = after.catchup_full - before.catchup_full;
    assert_eq!((by_log, full), if n <= 4 { (1, 0) } else { (0, 1) }, "{name}");
}

// 1 to 4 deferred invalidations fit the flush log (depth 4) and are replayed; 5 and 6 do not.
cases! { seed001_deferred_flushes_move_the_generation_every_time:
    pages_1(1), pages_2(2), pages_3(3), pages_4(4), pages_5(5), pages_6(6),
}

/// Seed 002: the process enables pointer masking (like LAM) and moves to a new page table
/// while a core runs one of its kernel threads lazily on its ASID. Back in the process, the
/// core must use the new attributes.
#[test]
fn seed002_attributes_change_while_a_core_runs_lazily() {
    let mut s = sys_setup("seed002_attributes_change_while_a_core_runs_lazily", cfg(2), MemTiming::fixed(2));
    let r1 = process(&mut s, 1, 0);
    map4k(&mut s, r1, 0x7000, 0x70);
    let tagged = 0x1234_0000_0000_7000u64;
    cmd_ok(&mut s, 1, Command::Switch(1));
    assert!(ok(s.translate(1, tagged, L, U)).fault, "no masking yet");
    assert_eq!(ok(s.translate(1, 0x7000, L, U)).paddr, 0x70000);
    cmd_ok(&mut s, 1, Command::Lazy);
    // Core 0 (a sibling thread) enables masking and switches the process to a new root in
    // which the page is elsewhere.
    let r1b = s.tables.alloc_table();
    map4k(&mut s, r1b, 0x7000, 0x77);
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 1, root: r1b, pm: 2 });
    cmd_ok(&mut s, 0, Command::Sync);
    cmd_ok(&mut s, 1, Command::Switch(1));
    let r = ok(s.translate(1, tagged, L, U));
    assert_eq!((r.fault, r.paddr), (false, 0x77000), "new masking mode and new root after the lazy period");
    // And the same when the core was not lazy but away (it flushes on its way back).
    let r2 = process(&mut s, 2, 0);
    map4k(&mut s, r2, 0x1000, 0x10);
    cmd_ok(&mut s, 1, Command::Switch(2));
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 1, root: r1b, pm: 0 });
    cmd_ok(&mut s, 0, Command::Sync);
    cmd_ok(&mut s, 1, Command::Switch(1));
    assert!(ok(s.translate(1, tagged, L, U)).fault, "masking disabled again");
}

/// Seed 002, a core translating through the change: the process moves to a new root (and
/// masking mode) while one of its threads runs on another core and misses in its TLB. The
/// translation is swept over the cycle of the attribute change's flush, so that its walk
/// starts before, in and after that cycle, and its root PTE arrives in it (the walk is
/// poisoned and restarts in the flush's own cycle). Once the sync completes, the core must
/// translate from the new root: an entry built from the old table would outlive the sync.
/// (Found by tests/full_width.rs with eight attribute writers: the agent used to hand the
/// core the new root one cycle after the flush, and a walk restarted or started in the
/// flush's cycle read the old one.)
#[test]
fn seed002_attributes_change_under_a_walk() {
    let mut restarts = 0;
    for offset in 0..12u64 {
        let name = format!("seed002_attributes_change_under_a_walk_{offset}");
        let (mut s, _, _) = translate_across_attrs_change(&name, offset, 0, 2, 0x7000);
        cmd_ok(&mut s, 0, Command::Sync);
        restarts += s.walk_restarts();
        let r = ok(s.translate(1, 0x7000, L, U));
        assert_eq!((r.fault, r.paddr), (false, 0x77000), "{name}: the new root after the sync");
        let r = ok(s.translate(1, 0x5a00_0000_0000_7000, L, U));
        assert_eq!((r.fault, r.paddr), (false, 0x77000), "{name}: the new masking mode after the sync");
    }
    assert!(restarts > 0, "no offset poisoned the walk");

    // The other way round: masking is turned off while a walk of a tagged pointer (legal
    // under the old mode) is in flight. A poisoned walk may not restart under the new mode,
    // where the address is not canonical: it ends in a fault (the walker's abort), and no
    // entry of either root is cached for it.
    let tagged = 0x5a00_0000_0000_7000u64;
    let mut aborted = 0;
    for offset in 0..12u64 {
        let name = format!("seed002_attributes_change_under_a_walk_unmask_{offset}");
        let (mut s, r, flushed) = translate_across_attrs_change(&name, offset, 2, 0, tagged);
        // Accepted before the flush, walked (a miss), and a fault: only the abort does that,
        // as the old context translates the tagged pointer.
        if r.accepted < flushed && !r.hit && r.fault {
            aborted += 1;
        }
        cmd_ok(&mut s, 0, Command::Sync);
        assert!(ok(s.translate(1, tagged, L, U)).fault, "{name}: not canonical once masking is off");
        assert_eq!(ok(s.translate(1, 0x7000, L, U)).paddr, 0x77000, "{name}: the new root");
    }
    assert!(aborted > 0, "no offset aborted a poisoned walk");
}

/// Process 1 (masking mode `pm_old`) maps 0x7000 to frame 0x70 and runs on core 1; core 0
/// moves it to a new root (0x7000 to 0x77) and mode `pm_new`, and `offset` cycles after
/// posting that, core 1 translates `vaddr` (a miss: its TLB is empty). Returns the system
/// with the attribute change done but not synced, core 1's answer, and the cycle the
/// change's message was on the bus.
fn translate_across_attrs_change(
    name: &str,
    offset: u64,
    pm_old: u8,
    pm_new: u8,
    vaddr: u64,
) -> (SysLockstep, SysResponse, u64) {
    let mut s = sys_setup(name, cfg(2), MemTiming::fixed(3));
    let old = process(&mut s, 1, pm_old);
    map4k(&mut s, old, 0x7000, 0x70);
    let new = s.tables.alloc_table();
    map4k(&mut s, new, 0x7000, 0x77);
    cmd_ok(&mut s, 1, Command::Switch(1));
    ok(s.post_cmd(0, Command::SetAttrs { asid: 1, root: new, pm: pm_new }));
    ok(s.run(offset));
    ok(s.issue(1, Request { vaddr, access: L, priv_u: U }));
    ok(s.drain(1));
    while s.cmd_busy(0) {
        ok(s.step());
    }
    let flushed = s.take_results(0).pop().expect("the attribute change completed").done;
    let r = s.take_responses().into_iter().find(|r| r.core == 1).expect("an answer");
    (s, r, flushed)
}

/// Seed 003: a process exits while a core still holds its ASID lazily; the ASID is
/// released and reused by a new process that maps the same addresses elsewhere.
#[test]
fn seed003_exit_while_a_core_holds_the_asid_lazily_then_reuse() {
    let mut s = sys_setup("seed003_exit_while_a_core_holds_the_asid_lazily_then_reuse", cfg(4), MemTiming::default());
    let old = process(&mut s, 3, 0);
    map4k(&mut s, old, 0x4000, 0x40);
    for c in [1usize, 2] {
        cmd_ok(&mut s, c, Command::Switch(3));
        assert_eq!(ok(s.translate(c, 0x4000, L, U)).paddr, 0x40000);
    }
    // Core 2 leaves for another process, core 1 runs a kernel thread on the dying mm.
    let other = process(&mut s, 4, 0);
    map4k(&mut s, other, 0x1000, 0x10);
    cmd_ok(&mut s, 2, Command::Switch(4));
    cmd_ok(&mut s, 1, Command::Lazy);
    // A core that really runs the ASID may not have it released under it.
    cmd_ok(&mut s, 3, Command::Switch(3));
    assert!(ok(s.cmd(0, Command::Release(3))).error, "release of an ASID a core is running");
    cmd_ok(&mut s, 3, Command::Switch(4));
    // Exit: release. The lazy holder drops it; using it before the release completes (its
    // acknowledgements are in) is an error; every core that may hold its entries flushes them.
    ok(s.post_cmd(0, Command::Release(3)));
    ok(s.step());
    let early = ok(s.cmd(2, Command::Switch(3)));
    assert!(early.error, "switch to an ASID whose release has not completed must be flagged");
    let res = s.take_results(0).pop().unwrap();
    assert!(!res.error, "{res:?}");
    assert!(!s.outputs().core[1].cur_valid, "the lazy holder let go of the released ASID");
    cmd_ok(&mut s, 0, Command::Sync);
    // Reuse: a new process gets ASID 3 with its own tables.
    let new = process(&mut s, 3, 0);
    map4k(&mut s, new, 0x4000, 0x44);
    for c in [1usize, 2, 3] {
        cmd_ok(&mut s, c, Command::Switch(3));
        let r = ok(s.translate(c, 0x4000, L, U));
        assert_eq!(r.paddr, 0x44000, "core {c}: the new process's page, never the old one");
    }
    assert!(s.outputs().cnt.errors >= 2);
}

/// Seed 004: a page walk is in flight (slow memory) on one core while another collapses the
/// 512 4 KiB PTEs of a 2 MiB region into one 2 MiB page, frees the old table (its PTEs are
/// overwritten) and shoots the range down. The walk is poisoned and redone; the sync does
/// not wait for memory.
fn seed004_walk_in_flight_while_ptes_collapse_into_a_huge_page(delay: u64) {
    let name = format!("seed004_walk_in_flight_while_ptes_collapse_into_a_huge_page_{delay}");
    let mut s = sys_setup(&name, cfg(2), MemTiming::fixed(20));
    let r1 = process(&mut s, 1, 0);
    let base = 0x20_0000u64;
    for p in 0..512u64 {
        map4k(&mut s, r1, base + (p << 12), 0x1000 + p);
    }
    cmd_ok(&mut s, 0, Command::Switch(1));
    cmd_ok(&mut s, 1, Command::Switch(1));
    let (_, l0_table) = {
        let (pt, mem) = s.tables();
        let (_, addr, _) = pt.leaf(mem, r1, base + 0x5000).unwrap();
        (pt.clone(), addr & !0xfff)
    };
    // Core 1 starts a walk (three reads of 21 cycles each).
    ok(s.issue(1, Request { vaddr: base + 0x5000, access: L, priv_u: U }));
    ok(s.run(delay));
    // Core 0 (khugepaged): the 2 MiB leaf replaces the table pointer, the old table is
    // freed and reused (garbage PTEs), then the range is shot down and synced.
    {
        let (pt, mem) = s.tables();
        pt.map(mem, r1, base, PageLevel::Page2M, 0x4000, PteFlags::URW);
        for p in 0..512u64 {
            mem.write(l0_table + p * 8, Pte::new(0xdead, Pte::V | Pte::R | Pte::W | Pte::U | Pte::A | Pte::D).0);
        }
    }
    let post = cmd_ok(&mut s, 0, Command::Post { kind: InvalKind::RangeAsid, asid: 1, vaddr: base, npages: 511 });
    let sync = cmd_ok(&mut s, 0, Command::Sync);
    assert!(
        sync.done - post.accepted <= 8,
        "{name}: sync took {} cycles with a 60-cycle walk in flight",
        sync.done - post.accepted
    );
    ok(s.drain(1));
    let r = s.take_responses().into_iter().rev().find(|r| r.core == 1).unwrap();
    if r.cycle > sync.done {
        assert_eq!(r.paddr, (0x4000 << 12) + 0x5000, "{name}: the walk answered after the sync from the old table");
    }
    // Whatever it answered, nothing stale stays cached.
    let again = ok(s.translate(1, base + 0x5000, L, U));
    assert_eq!(again.paddr, (0x4000 << 12) + 0x5000, "{name}");
}

// The collapse `delay` cycles into the walk (three reads of 21 cycles each): during its
// first read, its second, its leaf read.
cases! { seed004_walk_in_flight_while_ptes_collapse_into_a_huge_page:
    delay_2(2), delay_10(10), delay_30(30), delay_55(55),
}
