// SPDX-License-Identifier: Apache-2.0
//! Each invalidation kind and unknown kinds, on a cached world of two ASIDs and a global
//! page; the L1's sweep (merging, flashing) and range invalidations.

use super::*;

/// Two ASIDs, each with a private page at 0x1000 and 0x2000, plus a global page; all cached.
fn cached_world(name: &str) -> (Lockstep, Ctx, Ctx) {
    let (mut ls, root1) = fresh(name);
    let root2 = ls.tables.alloc_table();
    let kva = 0xffff_ffc0_0000_0000u64;
    for (root, base) in [(root1, 0x100u64), (root2, 0x200)] {
        map(&mut ls, root, 0x1000, PageLevel::Page4K, base + 1, URWAD);
        map(&mut ls, root, 0x2000, PageLevel::Page4K, base + 2, URWAD);
    }
    map(&mut ls, root1, kva, PageLevel::Page4K, 0x3ff, Pte::R | Pte::A | Pte::G);
    {
        let (pt, mem) = ls.tables();
        pt.share_top(mem, root1, root2, kva);
    }
    let c1 = ls.ctx();
    let c2 = Ctx { asid: 2, root_ppn: root2, ..c1 };
    for c in [c1, c2] {
        ls.set_ctx(c);
        for va in [0x1000u64, 0x2000, kva] {
            ok(ls.translate(va, A, va < kva));
        }
    }
    assert_eq!(ls.model().u_l1.valid_count(), 5);
    (ls, c1, c2)
}

/// Which of (asid1 0x1000, asid1 0x2000, asid2 0x1000, asid2 0x2000, global) still hit.
fn survivors(ls: &mut Lockstep, c1: Ctx, c2: Ctx) -> [bool; 5] {
    let kva = 0xffff_ffc0_0000_0000u64;
    let mut s = [false; 5];
    // Probe with no refills in between: read the hit flags, order matters (walks refill).
    let probes = [(c1, 0x1000u64), (c1, 0x2000), (c2, 0x1000), (c2, 0x2000), (c1, kva)];
    let before: Vec<bool> = {
        let m = ls.model();
        probes.iter().map(|&(c, va)| m.u_l1.answers(tlb_sim::va_vpn(va), c.asid).is_some()).collect()
    };
    for (k, &(c, va)) in probes.iter().enumerate() {
        ls.set_ctx(c);
        s[k] = ok(ls.translate(va, A, va < kva)).hit;
        assert_eq!(s[k], before[k]);
        // Re-walks refill; remove what we just refilled so later probes are unaffected.
        if !s[k] {
            ok(ls.invalidate(InvalKind::VaAsid, c.asid, va));
        }
    }
    s
}

#[test]
fn inval_all_removes_everything_including_global() {
    let (mut ls, c1, c2) = cached_world("inval_all_removes_everything_including_global");
    ok(ls.invalidate(InvalKind::All, 0, 0));
    assert_eq!(ls.model().u_l1.valid_count(), 0);
    assert_eq!(survivors(&mut ls, c1, c2), [false; 5]);
}

#[test]
fn inval_asid_keeps_global_and_other_asids() {
    let (mut ls, c1, c2) = cached_world("inval_asid_keeps_global_and_other_asids");
    ok(ls.invalidate(InvalKind::Asid, 1, 0));
    assert_eq!(survivors(&mut ls, c1, c2), [false, false, true, true, true]);
}

#[test]
fn inval_va_hits_every_asid_and_global() {
    let (mut ls, c1, c2) = cached_world("inval_va_hits_every_asid_and_global");
    ok(ls.invalidate(InvalKind::Va, 0, 0x1abc));
    assert_eq!(survivors(&mut ls, c1, c2), [false, true, false, true, true]);
    ok(ls.invalidate(InvalKind::Va, 0, 0xffff_ffc0_0000_0ff0));
    assert_eq!(ls.model().u_l1.answers(0x4000000, 1), None);
}

#[test]
fn inval_va_asid_keeps_global_and_other_asids() {
    let (mut ls, c1, c2) = cached_world("inval_va_asid_keeps_global_and_other_asids");
    ok(ls.invalidate(InvalKind::VaAsid, 2, 0x2008));
    ok(ls.invalidate(InvalKind::VaAsid, 2, 0xffff_ffc0_0000_0000));
    assert_eq!(survivors(&mut ls, c1, c2), [true, true, true, false, true]);
}

#[test]
fn inval_va_inside_a_superpage_removes_it() {
    let (mut ls, root) = fresh("inval_va_inside_a_superpage_removes_it");
    map(&mut ls, root, 0x20_0000, PageLevel::Page2M, 0x400, URWAD);
    ok(ls.translate(0x20_0000, A, U));
    assert!(ok(ls.translate(0x3f_f000, A, U)).hit);
    ok(ls.invalidate(InvalKind::VaAsid, 1, 0x2a_b000));
    assert!(!ok(ls.translate(0x20_0000, A, U)).hit);
}

/// The kinds the encoding leaves unused (5 to 7).
fn unknown_invalidation_kinds_act_as_all(kind: u8) {
    let name = format!("unknown_invalidation_kinds_act_as_all_{kind}");
    let (mut ls, c1, c2) = cached_world(&name);
    ok(ls.invalidate_raw(kind, 0x7777, 0x5000));
    assert_eq!(ls.model().u_l1.valid_count(), 0, "kind {kind}");
    assert_eq!(survivors(&mut ls, c1, c2), [false; 5]);
}

cases! { unknown_invalidation_kinds_act_as_all: kind_5(5), kind_6(6), kind_7(7) }

// The L1's sweep of an address invalidation, and range invalidations (the fabric's
// INVLPGB-like kind).

/// An ASID-scoped invalidation of a global page's address keeps the global entry, also while
/// it is being swept: a hit on the global entry in the cycles right after it is not voided
/// (the void check applies the operation's ASID rule with the entry's global bit).
#[test]
fn asid_sweep_of_a_global_page_keeps_hitting_it() {
    let (mut ls, c1, _c2) = cached_world("asid_sweep_of_a_global_page_keeps_hitting_it");
    let kva = 0xffff_ffc0_0000_0000u64;
    ls.set_ctx(c1);
    for kind in [InvalKind::VaAsid, InvalKind::RangeAsid] {
        ls.post_invalidate(kind, c1.asid, kva);
        // Accepted in the cycle the L1 takes the operation, and in the sweep's cycles after.
        for _ in 0..3 {
            assert!(ok(ls.translate(kva, A, false)).hit, "{kind:?}: the global entry is kept");
        }
    }
}

/// Cycles the L1's sweep of one invalidation takes at most, with the two before it starts
/// (64 entries: 32 sets, one a cycle).
const SWEEP_CYCLES: u64 = 34;

/// An invalidation arriving while another is being swept: one of the same ASID merges into
/// it (the hull of both ranges goes, nothing outside it); one of another ASID is queued as a
/// flush of its whole ASID (global entries stay); an InvVa during an ASID's sweep flushes
/// everything (docs/architecture.md, "flash and sweep").
#[test]
fn inval_during_a_sweep_merges_or_flashes() {
    let (mut ls, root) = fresh("inval_during_a_sweep_merges_or_flashes");
    let root2 = ls.tables.alloc_table();
    // The global page's set (its VPN's low bits) is none of the 8 pages': each of their sets
    // holds one page of each ASID in its 2 ways.
    let kva = 0xffff_ffc0_0001_f000u64;
    for p in 0..8u64 {
        map(&mut ls, root, 0x10_0000 + (p << 12), PageLevel::Page4K, 0x300 + p, URWAD);
        map(&mut ls, root2, 0x10_0000 + (p << 12), PageLevel::Page4K, 0x400 + p, URWAD);
    }
    map(&mut ls, root, kva, PageLevel::Page4K, 0x3ff, Pte::R | Pte::A | Pte::G);
    {
        let (pt, mem) = ls.tables();
        pt.share_top(mem, root, root2, kva);
    }
    let c1 = ls.ctx();
    let c2 = Ctx { asid: 2, root_ppn: root2, ..c1 };
    let pages: Vec<u64> = (0..8).map(|p| 0x10_0000 + (p << 12)).collect();
    let fill = |ls: &mut Lockstep| {
        for c in [c1, c2] {
            ls.set_ctx(c);
            for &va in &pages {
                ok(ls.translate(va, A, U));
            }
            ok(ls.translate(kva, A, false));
        }
        ok(ls.run(SWEEP_CYCLES));
    };
    // Everything cached, then ASID 1's page 1 invalidated and, a cycle later while it is
    // being swept, page 5 by `kind` and `asid`.
    let during_a_sweep_of_page_1 = |ls: &mut Lockstep, kind: InvalKind, asid: u16| {
        fill(ls);
        ls.post_invalidate(InvalKind::VaAsid, 1, 0x10_1000);
        ok(ls.step());
        ok(ls.invalidate(kind, asid, 0x10_5000));
    };
    let hits = |ls: &mut Lockstep, c: Ctx| -> Vec<bool> {
        ls.set_ctx(c);
        pages.iter().map(|&va| ls.model().u_l1.answers(tlb_sim::va_vpn(va), c.asid).is_some()).collect()
    };
    // Same ASID, back to back: pages 1 and 5 merge into 1..=5.
    during_a_sweep_of_page_1(&mut ls, InvalKind::VaAsid, 1);
    ok(ls.run(SWEEP_CYCLES));
    assert_eq!(hits(&mut ls, c1), [true, false, false, false, false, false, true, true]);
    assert_eq!(hits(&mut ls, c2), [true; 8]);
    // Another ASID during the sweep: queued as a flush of its whole ASID, swept beside the
    // first one's page: ASID 2 goes, ASID 1 loses its page only, the global entry stays.
    during_a_sweep_of_page_1(&mut ls, InvalKind::VaAsid, 2);
    ok(ls.run(SWEEP_CYCLES));
    assert_eq!(hits(&mut ls, c1), [true, false, true, true, true, true, true, true]);
    assert_eq!(hits(&mut ls, c2), [false; 8]);
    assert!(ls.model().u_l1.answers(tlb_sim::va_vpn(kva), 2).is_some(), "a global entry survives an ASID flush");
    // InvVa (any ASID) during an ASID's sweep: everything goes, the global entry too.
    during_a_sweep_of_page_1(&mut ls, InvalKind::Va, 0);
    assert_eq!(ls.model().u_l1.valid_count(), 0);
    // Every answer above is the hardware's: the harness checked RTL and model every cycle.
    for c in [c1, c2] {
        ls.set_ctx(c);
        assert!(!ok(ls.translate(0x10_3000, A, U)).hit);
    }
}

#[test]
fn inval_range_drops_exactly_the_pages_it_covers() {
    let (mut ls, root) = fresh("inval_range_drops_exactly_the_pages_it_covers");
    for p in 0..8u64 {
        map(&mut ls, root, 0x10_0000 + (p << 12), PageLevel::Page4K, 0x300 + p, URWAD);
    }
    map(&mut ls, root, 0x40_0000, PageLevel::Page2M, 0x800, URWAD);
    let pages: Vec<u64> = (0..8).map(|p| 0x10_0000 + (p << 12)).chain([0x40_0000, 0x5f_f000]).collect();
    for &va in &pages {
        ok(ls.translate(va, A, U));
    }
    // Pages 2..=4 of the 4 KiB run, and the last 4 KiB of the 2 MiB page (overlap drops it).
    // Each range is swept a few entries a cycle: the second waits for the first's sweep to
    // end, or it would merge with it (inval_during_a_sweep_merges_or_flashes).
    ok(ls.invalidate_range(1, 0x10_2000, 2));
    ok(ls.run(SWEEP_CYCLES));
    ok(ls.invalidate_range(1, 0x5f_f000, 0));
    let hit: Vec<bool> = pages.iter().map(|&va| ok(ls.translate(va, A, U)).hit).collect();
    assert_eq!(hit, [true, true, false, false, false, true, true, true, false, true]);
    // Another ASID's range leaves ours alone.
    ok(ls.invalidate_range(7, 0x10_0000, 100));
    assert!(ok(ls.translate(0x10_0000, A, U)).hit);
}

/// A range that runs past the top of the VA space (its first page is one of the last few)
/// retires the top pages and nothing at the bottom: the core sums the range's last page in
/// 28 bits, and the carry keeps the sum from wrapping to page 0.
#[test]
fn inval_range_past_the_top_of_the_va_space_retires_the_top_pages() {
    let (mut ls, root) = fresh("inval_range_past_the_top_of_the_va_space_retires_the_top_pages");
    let top = 0xffff_ffff_ffff_f000u64; // VPN 0x7ffffff, the last page
    let pages = [top - 0x2000, top - 0x1000, top, 0x0000, 0x1000];
    for (k, &va) in pages.iter().enumerate() {
        map(&mut ls, root, va, PageLevel::Page4K, 0x500 + k as u64, URWAD);
        ok(ls.translate(va, A, U));
    }
    // From the second-to-last page, 4 pages: the last two pages, then past the end.
    ok(ls.invalidate_range(1, top - 0x1000, 3));
    let hit: Vec<bool> = pages.iter().map(|&va| ok(ls.translate(va, A, U)).hit).collect();
    assert_eq!(hit, [true, false, false, true, true], "pages: {pages:x?}");
}

/// The lookup in the cycle an operation is taken (docs/architecture.md, "The lookup in the
/// cycle an operation is taken"): a fence of ASID 1's page 0x1000 is presented in cycle t and
/// taken by the sweeper in t+1; a lookup of ASID 1's page 0x2000 accepted in t+1 is voided
/// whatever its page (the pages of an operation taken in the lookup's cycle are not
/// compared), a lookup of it accepted in t+2 is compared with the operation's pages and hits,
/// and a lookup in ASID 2 accepted in t+1 hits (the ASID rule still applies).
#[test]
fn a_lookup_in_the_take_cycle_is_voided_if_the_asid_matches() {
    let name = "a_lookup_in_the_take_cycle_is_voided_if_the_asid_matches";
    // (ASID of the lookup, cycles between the fence's presentation and the lookup's) -> hit.
    for (asid, delay, hits) in [(1u16, 1u64, false), (1, 2, true), (2, 1, true)] {
        let (mut ls, c1, c2) = cached_world(&format!("{name}_{asid}_{delay}"));
        let c = if asid == 1 { c1 } else { c2 };
        ls.set_ctx(c);
        ok(ls.drain());
        // The fence is presented in cycle `fence`, taken in fence + 1.
        let fence = ls.cycle();
        ls.post_invalidate(InvalKind::VaAsid, 1, 0x1000);
        ok(ls.step());
        for _ in 1..delay {
            ok(ls.step());
        }
        ok(ls.issue(tlb_harness::lockstep::Request { vaddr: 0x2000, access: A, priv_u: U }));
        ok(ls.drain());
        let r = *ls.take_responses().last().expect("the lookup was answered");
        assert_eq!(r.accepted, fence + delay, "asid {asid}, delay {delay}: accepted when planned");
        assert_eq!(r.hit, hits, "asid {asid}, delay {delay}: hit");
        assert_eq!(r.paddr, (0x100 * asid as u64 + 2) << 12, "the answer is the page's");
    }
}
