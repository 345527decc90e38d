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

    /// `hit_live`: `hit_q` less the entry `kill_q` retires (an invalidation is ordered before
    /// a lookup in its cycle); `hit_o` is whether there is one.
    pub fn hit_live(&self) -> Option<usize> {
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
        // An invalidation in the install's cycle applies to the new entry too.
        let install_killed =
            i.inval_valid && inval_hits(&i.install_entry, kind, i.inval_asid, i.inval_vpn, i.inval_last);
        // Each entry's next value depends only on itself (and the install comes last), so
        // the registers are updated in place: last cycle's kills are applied, this cycle's
        // invalidation matches are registered (except in the install's slot), the overlap
        // drop is written now. With none of the three there is nothing to do.
        if i.inval_valid || i.install_valid || self.kill_q != 0 {
            let mut kill = 0u64;
            for k in 0..self.entries_q.len() {
                let e = self.entry(k);
                let matched = i.inval_valid && e.valid && inval_hits(&e, kind, i.inval_asid, i.inval_vpn, i.inval_last);
                let overlap = i.install_valid && e.valid && overlaps(&e, &i.install_entry);
                if matched && !(i.install_valid && k == install_idx) {
                    kill |= 1 << k;
                }
                self.entries_q[k].valid = e.valid && !overlap;
            }
            self.kill_q = kill;
        }
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
