// SPDX-License-Identifier: Apache-2.0
//! PTE rules (V, W without R, reserved bits, misaligned superpages, a pointer at the last
//! level, A=0, Svade D, non-canonical addresses) and every page size.

use super::*;

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
    assert_eq!(ls.model().u_l1.valid_count(), 0);
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

// Page sizes: every size translates, and hits anywhere inside.

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
