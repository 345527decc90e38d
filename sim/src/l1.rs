// SPDX-License-Identifier: Apache-2.0
//! Mirror of `rtl/tlb_l1.sv`: the fully associative ASID-tagged entry array.

use crate::plru::Plru;
use crate::types::*;

/// Inputs of one cycle of the array, as `tlb_core` drives them.
#[derive(Clone, Copy, Debug, Default)]
pub struct L1Inputs {
    /// `clr_i`: the core's reset; every entry is invalid from the next cycle.
    pub clr: bool,
    pub lookup_valid: bool,
    pub lookup_vpn: u64,
    pub lookup_asid: u16,
    pub install_valid: bool,
    pub install_entry: TlbEntry,
    pub inval_valid: bool,
    pub inval_kind: u8,
    pub inval_asid: u16,
    pub inval_vpn: u64,
    /// `inval_last_i`: the range's last page, `inval_vpn + npages` (28 bits with the carry).
    pub inval_last: u64,
}

#[derive(Clone, Debug)]
pub struct L1 {
    pub entries_q: Vec<TlbEntry>,
    /// `kill_q`: entries last cycle's invalidation matched (bit i for entry i, as the RTL's
    /// vector; at most 64 entries); their valid bits in `entries_q` are cleared at this edge,
    /// and every reader already sees them invalid (`entry`).
    pub kill_q: u64,
    /// `hit_q`: the entry last cycle's lookup hit (the RTL's one-hot vector, as an index).
    pub hit_q: Option<usize>,
    /// `victim_q`: where the next install writes, chosen from the state at the start of the
    /// cycle before last: `have_free_q`, `free_idx_q` (the lowest free entry then) and
    /// `plru_victim_q` (the PLRU tree's victim then) register the two candidates, and
    /// `victim_q` the choice between them a cycle later.
    pub victim_q: usize,
    pub have_free_q: bool,
    pub free_idx_q: usize,
    pub plru_victim_q: usize,
    /// `touch_hit_q`: last cycle's answer hit; `touch_idx_q` is the index `hit_q` encoded
    /// then. That entry is touched in the PLRU tree this cycle.
    pub touch_hit_q: bool,
    pub touch_idx_q: usize,
    pub plru: Plru,
    /// The pending (swept) operation: `p_valid_q`, and the RTL's `p_any_q`, `p_asid_q`,
    /// `p_vpn_q`, `p_last_q` as `p_q`; the sweep compares entry group `p_step_q` (entries
    /// `p_step_q * lanes ..`) this cycle.
    pub p_valid_q: bool,
    pub p_q: Pending,
    pub p_step_q: usize,
    /// What the operation pending now says about last cycle's lookup (`lk_*_q`): it matches
    /// any ASID, or the lookup's; bit l of `lk_lvl_q`: the lookup's page at size l meets its
    /// pages. The hit entry's size and global bit pick the answer (`hit_void`).
    pub lk_any_q: bool,
    pub lk_asid_q: bool,
    pub lk_lvl_q: u8,
    /// `Lanes` (entries the sweep compares a cycle) and `Steps` (cycles a sweep takes).
    pub lanes: usize,
    pub steps: usize,
}

/// A pending (swept) invalidation: any ASID (`any`, InvVa) or the non-global entries of
/// `asid`, over the pages `vpn ..= last` (one page for InvVa and InvVaAsid).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    pub any: bool,
    pub asid: u16,
    pub vpn: u64,
    pub last: u64,
}

impl Pending {
    /// `pend_hits`: does it match entry `e`?
    fn hits(&self, e: &TlbEntry) -> bool {
        (self.any || (!e.g && e.asid == self.asid)) && e.vpn <= self.last && vpn_last(e.level, e.vpn) >= self.vpn
    }
}

/// Two entries overlap if their ranges intersect (compared at the coarser page size) and a
/// single lookup could match both (same ASID, or either global).
fn overlaps(a: &TlbEntry, b: &TlbEntry) -> bool {
    let coarse = a.level.max(b.level);
    (a.g || b.g || a.asid == b.asid) && vpn_covers(coarse, vpn_align(coarse, a.vpn), b.vpn)
}

impl L1 {
    pub fn new(entries: usize) -> L1 {
        L1 {
            entries_q: vec![TlbEntry::default(); entries],
            kill_q: 0,
            hit_q: None,
            victim_q: 0,
            have_free_q: false,
            free_idx_q: 0,
            plru_victim_q: 0,
            touch_hit_q: false,
            touch_idx_q: 0,
            plru: Plru::new(entries),
            p_valid_q: false,
            p_q: Pending::default(),
            p_step_q: 0,
            lk_any_q: false,
            lk_asid_q: false,
            lk_lvl_q: 0,
            lanes: entries.min(4),
            steps: entries / entries.min(4),
        }
    }

    /// The RTL's `entries[i]`: entry i as it stands, `entries_q` with a registered kill applied.
    pub fn entry(&self, i: usize) -> TlbEntry {
        TlbEntry { valid: self.entries_q[i].valid && (self.kill_q >> i) & 1 == 0, ..self.entries_q[i] }
    }

    /// `hit` vector bit i.
    fn hit(&self, i: usize, vpn: u64, asid: u16) -> bool {
        let e = self.entry(i);
        e.valid && (e.g || e.asid == asid) && vpn_covers(e.level, e.vpn, vpn)
    }

    /// `hit_void`: the operation pending now matches the entry last cycle's lookup hit: that
    /// entry's bit of `void_vec` (each entry's size and global bit against `lk_*_q`).
    pub fn hit_void(&self) -> bool {
        self.hit_q.is_some_and(|i| {
            let e = &self.entries_q[i];
            (self.lk_any_q || (!e.g && self.lk_asid_q)) && (self.lk_lvl_q >> (e.level as u8).min(2)) & 1 == 1
        })
    }

    /// `hit_live`: `hit_q` less the entry `kill_q` retires, and none if the pending
    /// operation voids it (an invalidation is ordered before a lookup in its cycle and every
    /// one after it); `hit_o` is whether there is one.
    pub fn hit_live(&self) -> Option<usize> {
        if self.hit_void() {
            return None;
        }
        self.hit_q.filter(|&i| (self.kill_q >> i) & 1 == 0)
    }

    /// `hit_entry_o`: the entry `hit_q` selects, as the array holds it now (all zero if none).
    /// The RTL reads its level, PPN and permissions from `data_mem`, a copy of those fields
    /// written with each install; `entries_q` holds the same values, so the model reads them
    /// there (the RTL's asid, g and vpn read as zero and are never used).
    pub fn hit_entry(&self) -> TlbEntry {
        self.hit_q.map(|i| self.entry(i)).unwrap_or_default()
    }

    /// The `hit` vector as an index and that entry (the RTL's SVA guarantees at most one).
    pub fn lookup(&self, vpn: u64, asid: u16) -> Option<(usize, TlbEntry)> {
        let mut found = None;
        for i in 0..self.entries_q.len() {
            if self.hit(i, vpn, asid) {
                assert!(found.is_none(), "model invariant: two entries hit vpn {vpn:#x}");
                found = Some((i, self.entry(i)));
            }
        }
        found
    }

    /// What a lookup of `vpn` under `asid` would answer from: the entry it hits, unless the
    /// pending operation matches that entry (then the sweep kills it, or the hit is voided).
    pub fn answers(&self, vpn: u64, asid: u16) -> Option<(usize, TlbEntry)> {
        self.lookup(vpn, asid).filter(|(_, e)| !(self.p_valid_q && self.p_q.hits(e)))
    }

    /// What `victim_q` holds next cycle: where an install in the next cycle writes.
    pub fn victim_next(&self) -> usize {
        if self.have_free_q {
            self.free_idx_q
        } else {
            self.plru_victim_q
        }
    }

    /// `have_free` and `free_idx`: the lowest free entry, if any.
    pub fn free(&self) -> Option<usize> {
        (0..self.entries_q.len()).find(|&i| !self.entry(i).valid)
    }

    /// `valid_o` as a count.
    pub fn valid_count(&self) -> u8 {
        (0..self.entries_q.len()).filter(|&i| self.entry(i).valid).count() as u8
    }

    /// Advances one clock edge.
    pub fn step(&mut self, i: &L1Inputs) {
        let hit = if i.lookup_valid { self.lookup(i.lookup_vpn, i.lookup_asid) } else { None };
        // `hit_live` from this cycle's registers, before they move.
        let touch_hit_d = self.hit_live().is_some();
        let install_idx = self.victim_q;
        let free = self.free();
        let plru_victim = self.plru.victim();
        let kind = InvalKind::from_bits(i.inval_kind);
        // The sweeper takes an address kind if it is free or sweeps its last group now;
        // everything else is a flash (an address kind it cannot take: of its superset).
        let in_addr = i.inval_valid && matches!(kind, InvalKind::Va | InvalKind::VaAsid | InvalKind::RangeAsid);
        let incoming = Pending {
            any: kind == InvalKind::Va,
            asid: i.inval_asid,
            vpn: i.inval_vpn,
            last: if kind == InvalKind::RangeAsid { i.inval_last } else { i.inval_vpn },
        };
        let p = self.p_q;
        let p_done = !self.p_valid_q || self.p_step_q == self.steps - 1;
        // One of the same scope as the operation in flight merges into it: the hull of both
        // pages, swept again from group 0.
        let merge = in_addr && !p_done && incoming.any == p.any && (incoming.any || incoming.asid == p.asid);
        let take = in_addr && (p_done || merge);
        let flash_asid = i.inval_valid && !take && kind.asid_scoped();
        let flash_all = i.inval_valid && !take && !flash_asid;
        // The invalidation as it is applied now judges the install of this cycle.
        let e = &i.install_entry;
        let install_killed =
            i.inval_valid && if take { incoming.hits(e) } else { flash_all || (!e.g && e.asid == i.inval_asid) };
        // The operation pending next cycle, and this cycle's lookup against it.
        let (p_valid_d, p_d, p_step_d) = if merge {
            (true, Pending { vpn: p.vpn.min(incoming.vpn), last: p.last.max(incoming.last), ..incoming }, 0)
        } else if take {
            (true, incoming, 0)
        } else {
            let step = if self.p_valid_q { (self.p_step_q + 1) % self.steps } else { 0 };
            (self.p_valid_q && !p_done, p, step)
        };
        let lk_lvl =
            [PageLevel::Page4K, PageLevel::Page2M, PageLevel::Page1G].iter().enumerate().fold(0u8, |m, (l, &level)| {
                let base = vpn_align(level, i.lookup_vpn);
                m | ((base <= p_d.last && vpn_last(level, base) >= p_d.vpn) as u8) << l
            });
        let sweep = self.p_valid_q;
        // Each entry's next value depends only on itself (and the install comes last), so
        // the registers are updated in place: last cycle's kills are applied, this cycle's
        // matches (flash, sweep) are registered (except in the install's
        // slot), the overlap drop is written now. With none of these there is nothing to do.
        if i.inval_valid || i.install_valid || self.kill_q != 0 || sweep {
            let mut kill = 0u64;
            if sweep {
                for j in 0..self.lanes {
                    let k = self.p_step_q * self.lanes + j;
                    let e = self.entry(k);
                    if e.valid && p.hits(&e) {
                        kill |= 1 << k;
                    }
                }
            }
            for k in 0..self.entries_q.len() {
                let e = self.entry(k);
                let flash = e.valid && (flash_all || (flash_asid && !e.g && e.asid == i.inval_asid));
                let overlap = i.install_valid && e.valid && overlaps(&e, &i.install_entry);
                if flash {
                    kill |= 1 << k;
                }
                self.entries_q[k].valid = e.valid && !overlap;
            }
            if i.install_valid {
                kill &= !(1u64 << install_idx);
            }
            self.kill_q = kill;
        }
        self.p_valid_q = p_valid_d && !i.clr;
        (self.p_q, self.p_step_q) = (p_d, p_step_d);
        self.lk_any_q = p_valid_d && p_d.any;
        self.lk_asid_q = p_valid_d && !p_d.any && p_d.asid == i.lookup_asid;
        self.lk_lvl_q = lk_lvl;
        if i.install_valid {
            self.entries_q[install_idx] = TlbEntry { valid: !install_killed, ..i.install_entry };
        }
        // PLRU touch: an install, or the entry whose hit was answered last cycle (the core
        // never installs in the two cycles after a lookup, so the two never meet).
        if i.install_valid {
            self.plru.plru_q = self.plru.touched(install_idx);
        } else if self.touch_hit_q {
            self.plru.plru_q = self.plru.touched(self.touch_idx_q);
        }
        self.touch_hit_q = touch_hit_d;
        self.touch_idx_q = self.hit_q.unwrap_or(0);
        self.hit_q = hit.map(|(idx, _)| idx);
        if i.clr {
            // Emptied: every valid bit, and the registered lookup, kill and touch (the
            // replacement candidates below and the PLRU tree are hints and keep theirs).
            for e in &mut self.entries_q {
                e.valid = false;
            }
            self.kill_q = 0;
            self.hit_q = None;
            self.touch_hit_q = false;
        }
        self.victim_q = self.victim_next();
        self.have_free_q = free.is_some();
        self.free_idx_q = free.unwrap_or(0);
        self.plru_victim_q = plru_victim;
    }
}
