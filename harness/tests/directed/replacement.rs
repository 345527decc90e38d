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
