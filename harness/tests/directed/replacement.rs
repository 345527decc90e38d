// SPDX-License-Identifier: Apache-2.0
//! Capacity and replacement: the tree-PLRU victim of a full L1, and an install dropping
//! the stale entries it overlaps.

use super::*;

#[test]
fn capacity_and_replacement() {
    let (mut ls, root) = fresh("capacity_and_replacement");
    for p in 0..33u64 {
        map(&mut ls, root, p << 12, PageLevel::Page4K, 0x500 + p, URWAD);
    }
    for p in 0..32u64 {
        assert!(!ok(ls.translate(p << 12, A, U)).hit);
    }
    assert_eq!(ls.model().u_l1.valid_count(), 32);
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
fn a_superpage_install_leaves_the_4k_entries_it_covers_and_they_answer_first() {
    // THP collapse without a fence yet: a stale 4 KiB entry overlaps the new 2 MiB one.
    let name = "a_superpage_install_leaves_the_4k_entries_it_covers_and_they_answer_first";
    let (mut ls, root) = fresh(name);
    map(&mut ls, root, 0x20_0000 + 0x5000, PageLevel::Page4K, 0x77, URWAD);
    ok(ls.translate(0x20_5000, A, U));
    map(&mut ls, root, 0x20_0000, PageLevel::Page2M, 0x600, URWAD);
    // 0x20_1000 was never mapped as 4 KiB: it misses and walks the new 2 MiB leaf. The
    // superpage goes to its own array and does not search the 4 KiB sets: the stale entry
    // stays, and answers its page first (the multi-hit rule; both answers are allowed until
    // software fences, and the oracle judges this one).
    let r = ok(ls.translate(0x20_1000, A, U));
    assert_eq!((r.hit, r.paddr), (false, 0x60_1000));
    assert_eq!(ls.model().u_l1.valid_count(), 2);
    let r = ok(ls.translate(0x20_5000, A, U));
    assert_eq!((r.hit, r.paddr), (true, 0x77_000));
    // The fence the collapse owes retires both (the 2 MiB entry covers the page too); the
    // re-walk caches the 2 MiB page.
    ok(ls.invalidate(InvalKind::VaAsid, 1, 0x20_5000));
    let r = ok(ls.translate(0x20_5000, A, U));
    assert_eq!((r.hit, r.paddr), (false, 0x60_5000));
    // The next lookup is compared in the sweep's last step: the fence still matches the new
    // entry (installed behind the sweep), so the hit is voided and the page walked again, as
    // in every earlier step of the sweep (since the twenty-third session the answer reads no
    // kill bit, and the last step voids like the others: docs/architecture.md, "The answer
    // from a few registers").
    let l1 = &ls.model().u_l1;
    assert!(l1.p_valid_q && l1.p_step_q == l1.sets - 1, "the sweep's last step is next");
    let r = ok(ls.translate(0x20_5000, A, U));
    assert_eq!((r.hit, r.paddr), (false, 0x60_5000));
    // With the sweep over, the 2 MiB page answers from then on.
    assert!(!ls.model().u_l1.p_valid_q);
    let r = ok(ls.translate(0x20_5000, A, U));
    assert_eq!((r.hit, r.paddr), (true, 0x60_5000));
    assert_eq!(ls.model().u_l1.valid_count(), 1);
}

#[test]
fn a_split_superpage_answers_until_the_fence() {
    // THP split without a fence yet: the stale 2 MiB entry answers every page it covers,
    // including the one now mapped as 4 KiB, until software fences.
    let (mut ls, root) = fresh("a_split_superpage_answers_until_the_fence");
    map(&mut ls, root, 0x20_0000, PageLevel::Page2M, 0x600, URWAD);
    ok(ls.translate(0x20_1000, A, U));
    map(&mut ls, root, 0x20_0000 + 0x5000, PageLevel::Page4K, 0x77, URWAD);
    let r = ok(ls.translate(0x20_5000, A, U));
    assert_eq!((r.hit, r.paddr), (true, 0x60_5000));
    ok(ls.invalidate(InvalKind::VaAsid, 1, 0x20_5000));
    let r = ok(ls.translate(0x20_5000, A, U));
    assert_eq!((r.hit, r.paddr), (false, 0x77_000));
    assert_eq!(ls.model().u_l1.valid_count(), 1);
}

#[test]
fn a_gigapage_install_drops_the_2m_entry_it_covers_though_its_miss_was_elsewhere() {
    // A gigapage collapse without a fence yet: a 2 MiB page in the gigapage's second 2 MiB
    // block is cached, the gigapage is remapped as one 1 GiB page, and a page of its first
    // block misses and walks it. The install's overlap probe is that miss's compare
    // (docs/architecture.md, "Install"), taken at 1 GiB for a 1 GiB entry: it drops the
    // 2 MiB entry although the missed page is not in it; else both would match a lookup in
    // the 2 MiB block (SVA OneSuperHit_A; mutant l1-probe-at-4k).
    let (mut ls, root) = fresh("a_gigapage_install_drops_the_2m_entry_it_covers_though_its_miss_was_elsewhere");
    map(&mut ls, root, 0x4020_0000, PageLevel::Page2M, 0x600, URWAD);
    let r = ok(ls.translate(0x4020_3000, A, U));
    assert_eq!((r.hit, r.paddr), (false, 0x60_3000));
    assert_eq!(ls.model().u_l1.valid_count(), 1);
    map(&mut ls, root, 0x4000_0000, PageLevel::Page1G, 0x4_0000, URWAD);
    let r = ok(ls.translate(0x4000_5000, A, U));
    assert_eq!((r.hit, r.paddr), (false, 0x4000_5000));
    assert_eq!(ls.model().u_l1.valid_count(), 1, "the 1 GiB entry replaced the 2 MiB one it covers");
    let r = ok(ls.translate(0x4020_3000, A, U));
    assert_eq!((r.hit, r.paddr), (true, 0x4020_3000), "the 1 GiB entry answers the old 2 MiB block");
}
