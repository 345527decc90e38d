// SPDX-License-Identifier: Apache-2.0
//! Directed tests: every PTE rule, page size, permission case and invalidation kind, each
//! run in lockstep (RTL against model, every output, every cycle) with the oracle judging
//! every answer. The explicit asserts say what the architecture requires.

mod common;
use common::*;
use tlb_harness::lockstep::Ctx;
use tlb_harness::{Lockstep, MemTiming, PteFlags};
use tlb_sim::{Access, InvalKind, PageLevel, Pte};

const A: Access = Access::Load;
const U: bool = true;

fn fresh(name: &str) -> (Lockstep, u64) {
    setup(name, MemTiming::default())
}

fn map(ls: &mut Lockstep, root: u64, va: u64, level: PageLevel, ppn: u64, flags: u64) {
    let (pt, mem) = ls.tables();
    pt.map(mem, root, va, level, ppn, PteFlags(flags));
}

fn raw(ls: &mut Lockstep, root: u64, va: u64, level: u8, pte: u64) {
    let (pt, mem) = ls.tables();
    pt.write_raw(mem, root, va, level, pte);
}

fn fault(ls: &mut Lockstep, va: u64, access: Access, priv_u: bool) -> bool {
    ok(ls.translate(va, access, priv_u)).fault
}

const URWAD: u64 = Pte::R | Pte::W | Pte::U | Pte::A | Pte::D;

// ---------------------------------------------------------------------------------------
// PTE rules

#[test]
fn pte_invalid_at_each_level_faults() {
    let (mut ls, root) = fresh("pte_invalid_at_each_level_faults");
    // Nothing mapped: the root PTE itself is invalid.
    assert!(fault(&mut ls, 0x1000, A, U));
    // Level 1 invalid: root points to an empty table.
    let l1 = ls.tables.alloc_table();
    raw(&mut ls, root, 0x4000_0000, 2, Pte::new(l1, Pte::V).0);
    assert!(fault(&mut ls, 0x4000_0000, A, U));
    // Level 0 invalid: V=0 but otherwise a perfect leaf.
    map(&mut ls, root, 0x8000_0000, PageLevel::Page4K, 0x55, URWAD);
    raw(&mut ls, root, 0x8000_1000, 0, Pte::new(0x56, URWAD).0 & !Pte::V);
    assert!(!fault(&mut ls, 0x8000_0000, A, U));
    assert!(fault(&mut ls, 0x8000_1000, A, U));
}

#[test]
fn pte_write_without_read_is_reserved() {
    let (mut ls, root) = fresh("pte_write_without_read_is_reserved");
    for (i, flags) in [Pte::W, Pte::W | Pte::X].into_iter().enumerate() {
        let va = 0x10_0000 + 0x1000 * i as u64;
        raw(&mut ls, root, va, 0, Pte::new(0x77, Pte::V | Pte::U | Pte::A | Pte::D | flags).0);
        for access in [Access::Load, Access::Store, Access::Fetch] {
            assert!(fault(&mut ls, va, access, U), "flags {flags:#x} {access:?}");
        }
    }
    // W without R at a pointer level is reserved too.
    raw(&mut ls, root, 0x80_0000_0000 - 0x4000_0000, 2, Pte::new(0x99, Pte::V | Pte::W).0);
    assert!(fault(&mut ls, 0x80_0000_0000 - 0x4000_0000, A, U));
}

#[test]
fn pte_reserved_high_bits_fault() {
    let (mut ls, root) = fresh("pte_reserved_high_bits_fault");
    for (i, bit) in [54u32, 60, 61, 63].into_iter().enumerate() {
        let va = 0x20_0000 + 0x1000 * i as u64;
        raw(&mut ls, root, va, 0, Pte::new(0x100 + i as u64, URWAD | Pte::V).0 | 1 << bit);
        assert!(fault(&mut ls, va, A, U), "bit {bit}");
    }
    // In a pointer PTE as well.
    let l1 = ls.tables.alloc_table();
    raw(&mut ls, root, 0x1_0000_0000, 2, Pte::new(l1, Pte::V).0 | 1 << 62);
    assert!(fault(&mut ls, 0x1_0000_0000, A, U));
}

#[test]
fn misaligned_superpages_fault() {
    let (mut ls, root) = fresh("misaligned_superpages_fault");
    raw(&mut ls, root, 0x4000_0000, 1, Pte::new(0x201, URWAD | Pte::V).0); // 2 MiB, ppn[8:0]=1
    raw(&mut ls, root, 0x8000_0000, 2, Pte::new(0x40200, URWAD | Pte::V).0); // 1 GiB, ppn[17:0]!=0
    raw(&mut ls, root, 0xc000_0000, 2, Pte::new(0x40000, URWAD | Pte::V).0); // aligned
    assert!(fault(&mut ls, 0x4000_0000, A, U));
    assert!(fault(&mut ls, 0x8000_0000, A, U));
    let r = ok(ls.translate(0xc123_4567, A, U));
    assert_eq!((r.fault, r.paddr), (false, (0x40000 << 12) | 0x123_4567));
}

#[test]
fn pointer_at_last_level_faults() {
    let (mut ls, root) = fresh("pointer_at_last_level_faults");
    raw(&mut ls, root, 0x3000, 0, Pte::new(0x1234, Pte::V).0);
    assert!(fault(&mut ls, 0x3000, A, U));
}

#[test]
fn accessed_clear_faults_and_is_not_cached() {
    let (mut ls, root) = fresh("accessed_clear_faults_and_is_not_cached");
    raw(&mut ls, root, 0x5000, 0, Pte::new(0x42, URWAD & !Pte::A | Pte::V).0);
    let r = ok(ls.translate(0x5000, A, U));
    assert!(r.fault && !r.hit);
    let r = ok(ls.translate(0x5000, A, U));
    assert!(r.fault && !r.hit, "an A=0 leaf must not be cached: {r:?}");
    assert_eq!(ls.model().outputs().valid_count, 0);
}

#[test]
fn store_to_clean_page_faults_svade() {
    let (mut ls, root) = fresh("store_to_clean_page_faults_svade");
    map(&mut ls, root, 0x6000, PageLevel::Page4K, 0x43, URWAD & !Pte::D);
    // Miss path: the walk answers.
    assert!(fault(&mut ls, 0x6000, Access::Store, U));
    // The entry is cached (A=1): a load hits, a store hits and faults.
    let r = ok(ls.translate(0x6008, Access::Load, U));
    assert!(!r.fault && r.hit);
    let r = ok(ls.translate(0x6010, Access::Store, U));
    assert!(r.fault && r.hit);
}

#[test]
fn non_canonical_addresses_fault_without_a_walk() {
    let (mut ls, root) = fresh("non_canonical_addresses_fault_without_a_walk");
    map(&mut ls, root, 0x7000, PageLevel::Page4K, 0x44, URWAD);
    let reads = ls.stats().pte_reads;
    for va in [0x0000_0040_0000_7000u64, 0x8000_0000_0000_7000, 0xffff_ff80_0000_0000 ^ (1 << 45)] {
        let r = ok(ls.translate(va, A, U));
        assert!(r.fault && !r.hit, "{va:#x}");
    }
    assert_eq!(ls.stats().pte_reads, reads, "no PTE may be read for a non-canonical VA");
    // The upper canonical half translates.
    let kva = 0xffff_ffc0_0000_0000u64;
    map(&mut ls, root, kva, PageLevel::Page4K, 0x45, Pte::R | Pte::A);
    let r = ok(ls.translate(kva + 0x18, A, false));
    assert_eq!((r.fault, r.paddr), (false, 0x45018));
}

// ---------------------------------------------------------------------------------------
// Page sizes

#[test]
fn page_sizes_translate_and_hit_anywhere_inside() {
    let (mut ls, root) = fresh("page_sizes_translate_and_hit_anywhere_inside");
    map(&mut ls, root, 0x1000, PageLevel::Page4K, 0x11, URWAD);
    map(&mut ls, root, 0x20_0000 * 3, PageLevel::Page2M, 0x200 * 5, URWAD);
    map(&mut ls, root, 0x4000_0000 * 2, PageLevel::Page1G, 0x40000 * 7, URWAD);
    let cases = [
        (0x1abcu64, 0x11abcu64),
        (0x60_0000 + 0x1_2345, 0xa0_0000 + 0x1_2345),
        (0x8000_0000 + 0x1234_5678, 0x1_c000_0000 + 0x1234_5678),
    ];
    for (va, pa) in cases {
        let r = ok(ls.translate(va, A, U));
        assert_eq!((r.fault, r.hit, r.paddr), (false, false, pa), "first access {va:#x}");
    }
    // Far corners of the superpages hit the cached entry.
    for (va, pa) in [(0x7f_fff8u64, 0xbf_fff8u64), (0xbfff_fff0, 0x1_ffff_fff0)] {
        let r = ok(ls.translate(va, A, U));
        assert_eq!((r.fault, r.hit, r.paddr), (false, true, pa), "{va:#x}");
    }
    // Next page past a 4 KiB one misses (and faults: unmapped).
    assert!(!ok(ls.translate(0x2000, A, U)).hit);
}

// ---------------------------------------------------------------------------------------
// Permissions

/// The privileged spec's rules, written out again here independently of tlb_sim::perm_ok.
fn spec_allows(flags: u64, access: Access, priv_u: bool, sum: bool, mxr: bool) -> bool {
    let (r, w, x, u, d) =
        (flags & Pte::R != 0, flags & Pte::W != 0, flags & Pte::X != 0, flags & Pte::U != 0, flags & Pte::D != 0);
    if priv_u && !u {
        return false;
    }
    if !priv_u && u && (access == Access::Fetch || !sum) {
        return false;
    }
    match access {
        Access::Fetch => x,
        Access::Load => r || (x && mxr),
        Access::Store => w && d,
    }
}

#[test]
fn permissions_every_combination_on_walk_and_on_hit() {
    let (mut ls, root) = fresh("permissions_every_combination_on_walk_and_on_hit");
    let rwx = [Pte::R, Pte::R | Pte::W, Pte::X, Pte::R | Pte::X, Pte::R | Pte::W | Pte::X];
    let mut page = 0u64;
    let mut checked = 0;
    for base in rwx {
        for u in [0, Pte::U] {
            let flags = base | u | Pte::A | Pte::D;
            for priv_u in [false, true] {
                for sum in [false, true] {
                    for mxr in [false, true] {
                        for access in [Access::Load, Access::Store, Access::Fetch] {
                            page += 1;
                            let va = page << 12;
                            map(&mut ls, root, va, PageLevel::Page4K, 0x1000 + page, flags);
                            ls.set_ctx(Ctx { sum, mxr, ..ls.ctx() });
                            let want = spec_allows(flags, access, priv_u, sum, mxr);
                            let walk = ok(ls.translate(va, access, priv_u));
                            let hit = ok(ls.translate(va + 8, access, priv_u));
                            assert!(!walk.hit && hit.hit);
                            assert_eq!(!walk.fault, want, "walk {flags:#x} {access:?} U={priv_u} SUM={sum} MXR={mxr}");
                            assert_eq!(!hit.fault, want, "hit {flags:#x} {access:?} U={priv_u} SUM={sum} MXR={mxr}");
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(checked, 5 * 2 * 2 * 2 * 2 * 3);
}

#[test]
fn sum_and_mxr_are_sampled_per_access_on_hits() {
    let (mut ls, root) = fresh("sum_and_mxr_are_sampled_per_access_on_hits");
    map(&mut ls, root, 0x9000, PageLevel::Page4K, 0x90, Pte::R | Pte::U | Pte::A);
    map(&mut ls, root, 0xa000, PageLevel::Page4K, 0xa0, Pte::X | Pte::U | Pte::A);
    assert!(!fault(&mut ls, 0x9000, A, U));
    assert!(fault(&mut ls, 0x9000, A, false), "S-mode read of a U page without SUM");
    ls.set_ctx(Ctx { sum: true, ..ls.ctx() });
    assert!(!fault(&mut ls, 0x9000, A, false), "SUM allows it, from the cached entry");
    assert!(fault(&mut ls, 0xa000, A, U), "X-only page without MXR");
    ls.set_ctx(Ctx { mxr: true, ..ls.ctx() });
    assert!(!fault(&mut ls, 0xa000, A, U), "MXR makes it readable");
}

// ---------------------------------------------------------------------------------------
// Global bit, ASIDs and context switches

#[test]
fn asids_keep_separate_translations_of_one_va() {
    let (mut ls, root1) = fresh("asids_keep_separate_translations_of_one_va");
    let root2 = ls.tables.alloc_table();
    map(&mut ls, root1, 0xb000, PageLevel::Page4K, 0xb1, URWAD);
    map(&mut ls, root2, 0xb000, PageLevel::Page4K, 0xb2, URWAD);
    let ctx1 = ls.ctx();
    let ctx2 = Ctx { asid: 2, root_ppn: root2, ..ctx1 };
    for round in 0..2 {
        ls.set_ctx(ctx1);
        let r = ok(ls.translate(0xb000, A, U));
        assert_eq!((r.paddr, r.hit), (0xb1000, round == 1));
        ls.set_ctx(ctx2);
        let r = ok(ls.translate(0xb000, A, U));
        assert_eq!((r.paddr, r.hit), (0xb2000, round == 1));
    }
}

#[test]
fn global_entries_hit_in_every_asid() {
    let (mut ls, root1) = fresh("global_entries_hit_in_every_asid");
    let root2 = ls.tables.alloc_table();
    let kva = 0xffff_ffc0_0020_0000u64;
    // Global in the leaf.
    map(&mut ls, root1, kva, PageLevel::Page4K, 0xc1, Pte::R | Pte::W | Pte::A | Pte::D | Pte::G);
    // Global in a pointer PTE: everything below is global.
    let l1 = ls.tables.alloc_table();
    raw(&mut ls, root1, 0x4000_0000, 2, Pte::new(l1, Pte::V | Pte::G).0);
    map(&mut ls, root1, 0x4000_0000, PageLevel::Page2M, 0x400, URWAD);
    // Two pointers deep: the global root pointer, then one without G, then a 4 KiB leaf
    // without G: still global (the bit is inherited by everything below, not just the next
    // level).
    map(&mut ls, root1, 0x4020_3000, PageLevel::Page4K, 0x403, URWAD);
    {
        let (pt, mem) = ls.tables();
        pt.share_top(mem, root1, root2, kva);
        pt.share_top(mem, root1, root2, 0x4000_0000);
    }
    assert!(!ok(ls.translate(kva, A, false)).hit);
    assert!(!ok(ls.translate(0x4000_0000, A, U)).hit);
    assert!(!ok(ls.translate(0x4020_3000, A, U)).hit);
    ls.set_ctx(Ctx { asid: 9, root_ppn: root2, ..ls.ctx() });
    let r = ok(ls.translate(kva + 8, A, false));
    assert!(r.hit && r.paddr == 0xc1008, "leaf-global entry must hit under another ASID: {r:?}");
    let r = ok(ls.translate(0x4000_0010, A, U));
    assert!(r.hit && r.paddr == 0x40_0010, "pointer-global entry must hit under another ASID: {r:?}");
    let r = ok(ls.translate(0x4020_3008, A, U));
    assert!(r.hit && r.paddr == 0x40_3008, "global two pointers up must hit under another ASID: {r:?}");
}

// ---------------------------------------------------------------------------------------
// Invalidation kinds

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
    assert_eq!(ls.model().outputs().valid_count, 5);
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
    assert_eq!(ls.model().outputs().valid_count, 0);
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

#[test]
fn unknown_invalidation_kinds_act_as_all() {
    for kind in 5u8..8 {
        let name = format!("unknown_invalidation_kinds_act_as_all_{kind}");
        let (mut ls, c1, c2) = cached_world(&name);
        ok(ls.invalidate_raw(kind, 0x7777, 0x5000));
        assert_eq!(ls.model().outputs().valid_count, 0, "kind {kind}");
        assert_eq!(survivors(&mut ls, c1, c2), [false; 5]);
    }
}

// ---------------------------------------------------------------------------------------
// Invalidation racing a walk

/// A walk is in flight (slow memory) when the OS remaps the page and invalidates. The walk
/// must be poisoned and redone: the answer is the new mapping, never the old.
#[test]
fn inval_during_walk_poisons_and_rewalks() {
    for (k, kind) in [InvalKind::All, InvalKind::Asid, InvalKind::Va, InvalKind::VaAsid].into_iter().enumerate() {
        for delay in [0u64, 1, 3, 9, 17, 25] {
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
    }
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

// ---------------------------------------------------------------------------------------
// Capacity and replacement

#[test]
fn capacity_and_replacement() {
    let (mut ls, root) = fresh("capacity_and_replacement");
    for p in 0..33u64 {
        map(&mut ls, root, p << 12, PageLevel::Page4K, 0x500 + p, URWAD);
    }
    for p in 0..32u64 {
        assert!(!ok(ls.translate(p << 12, A, U)).hit);
    }
    assert_eq!(ls.model().outputs().valid_count, 32);
    for p in 0..32u64 {
        assert!(ok(ls.translate(p << 12, A, U)).hit, "page {p} should still be cached");
    }
    // A 33rd page evicts exactly one: the tree-PLRU victim after touching 0..31 in order is
    // way 0, which holds page 0.
    assert!(!ok(ls.translate(32 << 12, A, U)).hit);
    assert!(!ok(ls.translate(0, A, U)).hit, "page 0 was the PLRU victim");
    let hits = (2..32u64).filter(|&p| ok(ls.translate(p << 12, A, U)).hit).count();
    assert!(hits >= 28, "only the PLRU victims may miss, got {hits} hits of 30");
}

#[test]
fn install_drops_overlapping_stale_entries() {
    // THP collapse without a fence yet: a stale 4 KiB entry overlaps the new 2 MiB one.
    let (mut ls, root) = fresh("install_drops_overlapping_stale_entries");
    map(&mut ls, root, 0x20_0000 + 0x5000, PageLevel::Page4K, 0x77, URWAD);
    ok(ls.translate(0x20_5000, A, U));
    map(&mut ls, root, 0x20_0000, PageLevel::Page2M, 0x600, URWAD);
    // 0x20_1000 was never mapped as 4 KiB: it misses and walks the new 2 MiB leaf; installing
    // it must drop the stale 4 KiB entry (one entry per address, the RTL asserts it).
    let r = ok(ls.translate(0x20_1000, A, U));
    assert_eq!((r.hit, r.paddr), (false, 0x60_1000));
    assert_eq!(ls.model().outputs().valid_count, 1);
    let r = ok(ls.translate(0x20_5000, A, U));
    assert_eq!((r.hit, r.paddr), (true, 0x60_5000));
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
        assert_eq!(ls.model().outputs().valid_count, 32);
        ok(ls.issue(tlb_harness::lockstep::Request { vaddr: 32 << 12, access: A, priv_u: U }));
        ls
    };
    let mut ls = full(&format!("{name}_probe"));
    let mut budget = 1000;
    while ls.model().state_q != tlb_sim::core::CoreState::Fill {
        ok(ls.step());
        budget -= 1;
        assert!(budget > 0, "the walk never reached its fill cycle");
    }
    let fill_cycle = ls.cycle();
    // The same run again, up to the walk's last cycle: the victim chosen now is where the
    // fill writes next cycle, when the invalidation of the victim's page is applied.
    let mut ls = full(name);
    while ls.cycle() + 1 < fill_cycle {
        ok(ls.step());
    }
    assert_eq!(ls.model().state_q, tlb_sim::core::CoreState::Walk);
    let l1 = &ls.model().u_l1;
    let victim = l1.entry(l1.victim_next());
    assert!(victim.valid && victim.vpn < 32, "the victim slot holds one of the 32 pages");
    ls.post_invalidate(InvalKind::Va, 1, victim.vpn << 12);
    ok(ls.step());
    assert_eq!(ls.model().state_q, tlb_sim::core::CoreState::Fill);
    assert!(ls.model().inv_valid_q, "the invalidation is applied in the fill cycle");
    ok(ls.drain());
    assert_eq!(ls.model().outputs().valid_count, 32, "the new entry was killed with the old");
    let r = ok(ls.translate(32 << 12, A, U));
    assert_eq!((r.hit, r.paddr), (true, 0x120_000));
    assert!(!ok(ls.translate(victim.vpn << 12, A, U)).hit, "the victim's page is gone");
}

// ---------------------------------------------------------------------------------------
// Bad parameters

#[test]
fn bad_entry_counts_are_rejected_by_the_harness() {
    for bad in [0usize, 1, 3, 24, 128] {
        let err = tlb_harness::check_entries(bad).unwrap_err();
        assert!(err.contains(&format!("invalid entry count {bad}")), "{err}");
        let mut cfg = tlb_harness::LockstepConfig::new("bad", 1);
        cfg.entries = bad;
        assert!(Lockstep::new(cfg).is_err());
    }
}

#[test]
fn bad_entry_counts_are_rejected_at_elaboration() {
    let verilator = tlb_harness::toolchain::verilator().expect("verilator");
    let root = tlb_harness::toolchain::repo_root();
    for (entries, ok) in [(24, false), (128, false), (16, true)] {
        let out = std::process::Command::new(&verilator)
            .current_dir(&root)
            .args(["--lint-only", "-Irtl", "--top-module", "tlb_core"])
            .arg(format!("-GEntries={entries}"))
            .args(tlb_harness::rtl::rtl_sources())
            .output()
            .expect("verilator runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.success(), ok, "Entries={entries}: {err}");
        if !ok {
            assert!(err.contains(&format!("Entries must be a power of two from 2 to 64, got {entries}")), "{err}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// The timing contract of docs/timing.md

/// Cycles from acceptance to the answer, with a memory that always accepts and answers
/// after exactly `lat` cycles: hit 1; a walk of n levels 2 + n*(1+lat) (the miss is known,
/// and the walk starts, in the cycle after acceptance); a non-canonical address 1.
#[test]
fn latencies_match_the_timing_contract() {
    for lat in [1u64, 2, 5, 13] {
        let name = format!("latencies_match_the_timing_contract_{lat}");
        let (mut ls, root) = setup(&name, MemTiming::fixed(lat as u32));
        map(&mut ls, root, 0x1000, PageLevel::Page4K, 0x10, URWAD);
        map(&mut ls, root, 0x4000_0000, PageLevel::Page2M, 0x200, URWAD);
        map(&mut ls, root, 0x8000_0000, PageLevel::Page1G, 0x40000, URWAD);
        let took = |r: tlb_harness::Response| r.cycle - r.accepted;
        for (va, levels) in [(0x1000u64, 3u64), (0x4000_0000, 2), (0x8000_0000, 1), (0xc000_0000, 1)] {
            let r = ok(ls.translate(va, A, U));
            assert_eq!(took(r), 2 + levels * (1 + lat), "walk of {levels} levels, latency {lat}: {r:?}");
            if va != 0xc000_0000 {
                assert_eq!(took(ok(ls.translate(va + 8, A, U))), 1, "hit");
            }
        }
        assert_eq!(took(ok(ls.translate(0x8000_0000_0000_0000, A, U))), 1, "non-canonical");
    }
}

// ---------------------------------------------------------------------------------------
// Range invalidation (the fabric's INVLPGB-like kind) and pointer masking

/// A global install drops another ASID's entry for the same page: the overlap probe is the
/// lookup's compare with the new entry's global bit, so it matches every ASID. Without the
/// drop, a lookup in that other ASID would hit two entries (OneHit_A). Software that maps a
/// page global in one address space and private in another is wrong, but the TLB must stay
/// one-hit whatever the tables say.
#[test]
fn global_install_drops_another_asids_entry_for_the_page() {
    let (mut ls, root1) = fresh("global_install_drops_another_asids_entry_for_the_page");
    let root2 = ls.tables.alloc_table();
    map(&mut ls, root2, 0x7000, PageLevel::Page4K, 0x222, URWAD);
    map(&mut ls, root1, 0x7000, PageLevel::Page4K, 0x111, URWAD | Pte::G);
    let c1 = ls.ctx();
    let c2 = Ctx { asid: 2, root_ppn: root2, ..c1 };
    ls.set_ctx(c2);
    assert!(!ok(ls.translate(0x7000, A, U)).hit);
    assert!(ok(ls.translate(0x7000, A, U)).hit);
    ls.set_ctx(c1);
    assert!(!ok(ls.translate(0x7000, A, U)).hit, "asid 2's entry is not asid 1's");
    // The global entry replaced asid 2's: asid 2 now hits it, and only it.
    ls.set_ctx(c2);
    let r = ok(ls.translate(0x7000, A, U));
    assert!(r.hit);
    assert_eq!(r.paddr >> 12, 0x111);
    assert_eq!(ls.model().outputs().valid_count, 1);
}

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

/// Cycles the L1's sweep of one address invalidation takes at most, with the two before it
/// starts (64 entries, 4 a cycle: 16).
const SWEEP_CYCLES: u64 = 18;

/// An address invalidation arriving while another is being swept: one of the same ASID
/// merges into it (the hull of both ranges goes, nothing outside it); one of another ASID
/// cannot wait, so it flushes its whole ASID (global entries stay); an InvVa during an
/// ASID's sweep flushes everything (docs/architecture.md, "flash and sweep").
#[test]
fn inval_during_a_sweep_merges_or_flashes() {
    let (mut ls, root) = fresh("inval_during_a_sweep_merges_or_flashes");
    let root2 = ls.tables.alloc_table();
    let kva = 0xffff_ffc0_0000_0000u64;
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
    // Another ASID during the sweep: its whole ASID goes, the first one's page only.
    during_a_sweep_of_page_1(&mut ls, InvalKind::VaAsid, 2);
    ok(ls.run(SWEEP_CYCLES));
    assert_eq!(hits(&mut ls, c1), [true, false, true, true, true, true, true, true]);
    assert_eq!(hits(&mut ls, c2), [false; 8]);
    assert!(ls.model().u_l1.answers(tlb_sim::va_vpn(kva), 2).is_some(), "a global entry survives an ASID flush");
    // InvVa (any ASID) during an ASID's sweep: everything goes, the global entry too.
    during_a_sweep_of_page_1(&mut ls, InvalKind::Va, 0);
    assert_eq!(ls.model().outputs().valid_count, 0);
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

#[test]
fn pointer_masking_ignores_the_top_bits() {
    let (mut ls, root) = fresh("pointer_masking_ignores_the_top_bits");
    map(&mut ls, root, 0x7000, PageLevel::Page4K, 0x70, URWAD);
    let tag7 = 0x3e00_0000_0000_7008u64; // bits 63:57 tagged
    let tag16 = 0x1234_0000_0000_7008u64; // bits 63:48 tagged
    assert!(fault(&mut ls, tag7, A, U), "no masking: non-canonical");
    ls.set_ctx(Ctx { pm: 1, ..ls.ctx() });
    assert_eq!(ok(ls.translate(tag7, A, U)).paddr, 0x70008);
    assert!(fault(&mut ls, tag16, A, U), "PMLEN=7 keeps bits 56:48");
    ls.set_ctx(Ctx { pm: 2, ..ls.ctx() });
    assert_eq!(ok(ls.translate(tag16, A, U)).paddr, 0x70008);
    assert_eq!(ok(ls.translate(tag7, A, U)).paddr, 0x70008);
    ls.set_ctx(Ctx { pm: 3, ..ls.ctx() });
    assert!(fault(&mut ls, tag7, A, U), "mode 3 is reserved and reads as off");
}
