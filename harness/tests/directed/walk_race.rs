// SPDX-License-Identifier: Apache-2.0
//! Invalidations racing a walk (poisoned and redone, or left alone when they miss its
//! gigapage) and racing the fill that installs its entry.

use super::*;

/// A walk is in flight (slow memory) when the OS remaps the page and invalidates. The walk
/// must be poisoned and redone: the answer is the new mapping, never the old. `k` numbers
/// the kind in the run's name (0 All, 1 Asid, 2 Va, 3 VaAsid); `delay` is the cycles
/// between the request and the invalidation.
fn inval_during_walk_poisons_and_rewalks(k: usize, kind: InvalKind, delay: u64) {
    let name = format!("inval_during_walk_poisons_and_rewalks_{k}_{delay}");
    let (mut ls, root) = setup(&name, MemTiming::fixed(10));
    map(&mut ls, root, 0xd000, PageLevel::Page4K, 0xd0, URWAD);
    ok(ls.issue(tlb_harness::lockstep::Request { vaddr: 0xd000, access: A, priv_u: U }));
    ok(ls.run(delay));
    let (pt, mem) = ls.tables();
    pt.map(mem, root, 0xd000, PageLevel::Page4K, 0xd1, PteFlags(URWAD));
    ok(ls.invalidate(kind, 1, 0xd000));
    ok(ls.drain());
    let r = ls.take_responses().pop().unwrap();
    let restarted = ls.stats().walk_restarts;
    // The miss is known, and the walk starts, in the cycle after acceptance; the
    // core applies an invalidation in the cycle after it is presented. One presented
    // with the request is applied before the walk starts, so it need not poison it.
    // One presented in the walk's start cycle is applied while the walk waits for
    // its first read, and poisons it (conservatively: that read follows the
    // invalidation). Later ones, up to the leaf read at about cycle 2 + 3*11, poison
    // it. Either way the answer must be the new page.
    if delay == 0 {
        assert_eq!(restarted, 0, "{name}: a walk that had read nothing restarted");
    } else if delay < 30 {
        assert_eq!(restarted, 1, "{name}: walk not restarted");
    }
    if delay < 30 {
        assert_eq!(r.paddr, 0xd1000, "{name}: stale translation {r:?}");
    }
    // Either way the entry left cached is the new one.
    assert_eq!(ok(ls.translate(0xd000, A, U)).paddr, 0xd1000, "{name}");
}

// Every kind, presented with the request, in the walk's start cycle, and at reads on the way.
cases! { inval_during_walk_poisons_and_rewalks:
    all_0(0, InvalKind::All, 0), all_1(0, InvalKind::All, 1), all_3(0, InvalKind::All, 3),
    all_9(0, InvalKind::All, 9), all_17(0, InvalKind::All, 17), all_25(0, InvalKind::All, 25),
    asid_0(1, InvalKind::Asid, 0), asid_1(1, InvalKind::Asid, 1), asid_3(1, InvalKind::Asid, 3),
    asid_9(1, InvalKind::Asid, 9), asid_17(1, InvalKind::Asid, 17), asid_25(1, InvalKind::Asid, 25),
    va_0(2, InvalKind::Va, 0), va_1(2, InvalKind::Va, 1), va_3(2, InvalKind::Va, 3),
    va_9(2, InvalKind::Va, 9), va_17(2, InvalKind::Va, 17), va_25(2, InvalKind::Va, 25),
    va_asid_0(3, InvalKind::VaAsid, 0), va_asid_1(3, InvalKind::VaAsid, 1), va_asid_3(3, InvalKind::VaAsid, 3),
    va_asid_9(3, InvalKind::VaAsid, 9), va_asid_17(3, InvalKind::VaAsid, 17), va_asid_25(3, InvalKind::VaAsid, 25),
}

/// A range invalidation that starts in the gigapage before the walk's and crosses into it
/// (its last pages are in the walk's gigapage, and cover the page walked) must poison the
/// walk like any other overlapping invalidation.
#[test]
fn inval_range_crossing_into_the_walks_gigapage_poisons_it() {
    let name = "inval_range_crossing_into_the_walks_gigapage_poisons_it";
    let (mut ls, root) = setup(name, MemTiming::fixed(10));
    let va = 0x4000_1000u64; // VPN 0x40001, in gigapage 1
    map(&mut ls, root, va, PageLevel::Page4K, 0xd0, URWAD);
    ok(ls.issue(tlb_harness::lockstep::Request { vaddr: va, access: A, priv_u: U }));
    ok(ls.run(9));
    let (pt, mem) = ls.tables();
    pt.map(mem, root, va, PageLevel::Page4K, 0xd1, PteFlags(URWAD));
    // VPN 0x3ffff (the last page of gigapage 0) and the two after it: 0x40000, 0x40001.
    ok(ls.invalidate_range(1, 0x3fff_f000, 2));
    ok(ls.drain());
    let r = ls.take_responses().pop().unwrap();
    assert_eq!(ls.stats().walk_restarts, 1, "the walk was not poisoned");
    assert_eq!(r.paddr, 0xd1000, "stale translation {r:?}");
    // One page short of the walk's gigapage: the walk is left alone.
    let (mut ls, root) = setup(&format!("{name}_short"), MemTiming::fixed(10));
    map(&mut ls, root, va, PageLevel::Page4K, 0xd0, URWAD);
    ok(ls.issue(tlb_harness::lockstep::Request { vaddr: va, access: A, priv_u: U }));
    ok(ls.run(9));
    ok(ls.invalidate_range(1, 0x3fff_e000, 1));
    ok(ls.drain());
    assert_eq!(ls.stats().walk_restarts, 0, "a range ending in gigapage 0 poisoned a walk in gigapage 1");
}

#[test]
fn inval_of_another_gigapage_does_not_disturb_a_walk() {
    let (mut ls, root) = setup("inval_of_another_gigapage_does_not_disturb_a_walk", MemTiming::fixed(10));
    map(&mut ls, root, 0xd000, PageLevel::Page4K, 0xd0, URWAD);
    ok(ls.issue(tlb_harness::lockstep::Request { vaddr: 0xd000, access: A, priv_u: U }));
    ok(ls.run(5));
    ok(ls.invalidate(InvalKind::Va, 1, 0x4000_d000));
    ok(ls.invalidate(InvalKind::Asid, 2, 0));
    ok(ls.drain());
    assert_eq!(ls.stats().walk_restarts, 0);
    assert_eq!(ls.take_responses()[0].paddr, 0xd0000);
}

/// Runs a walk that was issued to its fill cycle (`CoreFill`) and returns that cycle: a
/// first run that finds when a second, identical run must present its invalidation.
fn fill_cycle(mut ls: Lockstep) -> u64 {
    let mut budget = 1000;
    while ls.model().state_q != tlb_sim::core::CoreState::Fill {
        ok(ls.step());
        budget -= 1;
        assert!(budget > 0, "the walk never reached its fill cycle");
    }
    ls.cycle()
}

/// An invalidation applied in the very cycle a walk's entry is written, matching the entry
/// that install replaces (the PLRU victim of a full L1) but not the new one: the old entry
/// goes with the install, the new one must stay. The L1 registers an invalidation's matches
/// (`kill_q`) and clears them a cycle later; the install's own slot must be left out, or the
/// kill would land on the new entry. The core applies an invalidation in the cycle after it
/// is presented, so it is presented in the walk's last cycle: a first run finds that cycle.
#[test]
fn inval_in_the_fill_cycle_spares_the_entry_installed_in_the_victims_slot() {
    let name = "inval_in_the_fill_cycle_spares_the_entry_installed_in_the_victims_slot";
    // A full L1 and a miss on a 33rd page, issued.
    let full = |name: &str| {
        let (mut ls, root) = fresh(name);
        for p in 0..33u64 {
            map(&mut ls, root, p << 12, PageLevel::Page4K, 0x100 + p, URWAD);
        }
        for p in 0..32u64 {
            ok(ls.translate(p << 12, A, U));
        }
        assert_eq!(ls.model().u_l1.valid_count(), 32);
        ok(ls.issue(tlb_harness::lockstep::Request { vaddr: 32 << 12, access: A, priv_u: U }));
        ls
    };
    let fill_cycle = fill_cycle(full(&format!("{name}_probe")));
    // The same run again, up to the walk's last cycle: the victim chosen now is where the
    // fill writes next cycle, when the invalidation of the victim's page is applied.
    let mut ls = full(name);
    while ls.cycle() + 1 < fill_cycle {
        ok(ls.step());
    }
    assert_eq!(ls.model().state_q, tlb_sim::core::CoreState::Walk);
    let l1 = &ls.model().u_l1;
    let page32 = TlbEntry { vpn: 32, level: PageLevel::Page4K, ..TlbEntry::default() };
    let victim = l1.entry(l1.install_slot(&page32));
    assert!(victim.valid && victim.vpn < 32, "the victim slot holds one of the 32 pages");
    ls.post_invalidate(InvalKind::Va, 1, victim.vpn << 12);
    ok(ls.step());
    assert_eq!(ls.model().state_q, tlb_sim::core::CoreState::Fill);
    assert!(ls.model().inv_valid_q, "the invalidation is applied in the fill cycle");
    ok(ls.drain());
    assert_eq!(ls.model().u_l1.valid_count(), 32, "the new entry was killed with the old");
    let r = ok(ls.translate(32 << 12, A, U));
    assert_eq!((r.hit, r.paddr), (true, 0x120_000));
    assert!(!ok(ls.translate(victim.vpn << 12, A, U)).hit, "the victim's page is gone");
}

/// The same race one cycle earlier, which is what the set-associative L1 needs: the
/// invalidation is taken by the sweeper in the walk's last cycle (of another gigapage, so
/// the walk is not poisoned), and the sweep's first step, in the fill cycle, compares the
/// set the fill writes and matches the entry the install replaces. The match is registered
/// (`kill_q`) but the install's slot is left out: without that the new entry dies a cycle
/// after it is written (mutant `l1-kill-install-slot`).
#[test]
fn a_sweep_step_in_the_fill_cycle_spares_the_entry_installed_in_the_victims_slot() {
    let name = "a_sweep_step_in_the_fill_cycle_spares_the_entry_installed_in_the_victims_slot";
    // Set 0 full with four pages of gigapage 0; a miss on a page of gigapage 1 in set 0.
    let miss_va = 0x4000_0000u64;
    let full = |name: &str| {
        let (mut ls, root) = fresh(name);
        for p in 0..4u64 {
            map(&mut ls, root, (8 * p) << 12, PageLevel::Page4K, 0x100 + p, URWAD);
        }
        map(&mut ls, root, miss_va, PageLevel::Page4K, 0x200, URWAD);
        for p in 0..4u64 {
            ok(ls.translate((8 * p) << 12, A, U));
        }
        assert_eq!(ls.model().u_l1.valid_count(), 4);
        ok(ls.issue(tlb_harness::lockstep::Request { vaddr: miss_va, access: A, priv_u: U }));
        ls
    };
    let fill_cycle = fill_cycle(full(&format!("{name}_probe")));
    let mut ls = full(name);
    while ls.cycle() + 2 < fill_cycle {
        ok(ls.step());
    }
    let l1 = &ls.model().u_l1;
    let new = TlbEntry { vpn: tlb_sim::va_vpn(miss_va), level: PageLevel::Page4K, ..TlbEntry::default() };
    let victim = l1.entry(l1.install_slot(&new));
    assert!(victim.valid && victim.vpn % 8 == 0 && victim.vpn < 32, "the victim is one of set 0's pages");
    ls.post_invalidate(InvalKind::Va, 0, victim.vpn << 12);
    ok(ls.step());
    ok(ls.step());
    assert_eq!(ls.model().state_q, tlb_sim::core::CoreState::Fill, "the walk was not poisoned");
    assert!(ls.model().u_l1.p_valid_q && ls.model().u_l1.p_step_q == 0, "the sweep's first step is now");
    ok(ls.drain());
    ok(ls.run(4));
    assert_eq!(ls.model().u_l1.valid_count(), 4, "the new entry was killed with the old");
    let r = ok(ls.translate(miss_va, A, U));
    assert_eq!((r.hit, r.paddr), (true, 0x200_000));
    assert!(!ok(ls.translate(victim.vpn << 12, A, U)).hit, "the victim's page is gone");
}
