// SPDX-License-Identifier: Apache-2.0
//! Every permission combination (R/W/X/U x access x privilege x SUM x MXR), on walks and
//! on hits, against the privileged spec's rules written out independently.

use super::*;

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
