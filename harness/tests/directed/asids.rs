// SPDX-License-Identifier: Apache-2.0
//! ASIDs, global entries (leaf and pointer G) and the context: separate translations per
//! ASID, global entries hitting in every ASID, a global install dropping another ASID's
//! entry, pointer masking.

use super::*;

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
    assert_eq!(ls.model().u_l1.valid_count(), 1);
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
