// SPDX-License-Identifier: Apache-2.0
//! Mirror of `rtl/tlb_l1.sv`: 4 KiB entries in sets of 2 ways (tags in LUT RAM in the
//! RTL), and `L1_SUPERS` fully associative superpage entries.

use crate::plru::Plru;
use crate::types::*;

/// `tlb_pkg::L1Ways`: the ways of each 4 KiB set.
pub const L1_WAYS: usize = 2;

/// `tlb_pkg::L1Queue`: slots of the queue of ASID flushes swept beside a pending operation.
pub const L1_QUEUE: usize = 2;

/// `tlb_pkg::L1Supers`: superpage (2 MiB, 1 GiB) entries beside the 4 KiB sets.
pub const L1_SUPERS: usize = 4;

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
    /// The invalidation presented this cycle, applied in the next (`in_*_q`).
    pub inval_valid: bool,
    pub inval_kind: u8,
    pub inval_asid: u16,
    pub inval_vpn: u64,
    /// `inval_last_i`: the range's last page, `inval_vpn + npages` (28 bits with the carry).
    pub inval_last: u64,
}

#[derive(Clone, Debug)]
pub struct L1 {
    /// What the RTL's memories and superpage registers hold for entry i (4 KiB entry
    /// `set * ways + way`: `gen_way[way].tag_mem[set]` (and `stag_mem`) and `data_mem[i]`;
    /// superpage s at `entries + s`: `sup_q[s]` and `data_mem`). Their `valid` field is
    /// unused: the valid bits are `valid_q`.
    pub mem: Vec<TlbEntry>,
    /// `valid_q`: bit i for entry i (4 KiB entries, then superpages).
    pub valid_q: u128,
    /// `kill_q`: entries last cycle's invalidation matched; their valid bits are cleared at
    /// this edge, and every reader already sees them invalid (`valid`).
    pub kill_q: u128,
    /// `SplitLookup`: the lookup's cycle registers only its matches (`hw_q`, `hwg_q`,
    /// `hs_q`), and the entry that answers is formed from them a cycle later
    /// (`gen_lookup_split`); otherwise that entry is registered (`gen_lookup_whole`).
    pub split: bool,
    /// `gen_lookup_whole`: the registered lookup: it hit (`hit_q`), the entry that answers
    /// (`hit_idx_q`), and that entry's global bit and page size (`hit_g_q`, `hit_level_q`).
    /// The three are registered every cycle, from whatever was compared (zero if nothing
    /// matched).
    pub hit_q: bool,
    pub hit_idx_q: usize,
    pub hit_g_q: bool,
    pub hit_level_q: PageLevel,
    /// `gen_lookup_split`: a lookup was compared (`lv_q`); the ways of the compared set that
    /// matched (`hw_q`) and their global bits (`hwg_q`), and the superpages that matched
    /// (`hs_q`), registered whether it was a lookup or not.
    pub lv_q: bool,
    pub hw_q: [bool; L1_WAYS],
    pub hwg_q: [bool; L1_WAYS],
    pub hs_q: [bool; L1_SUPERS],
    /// `touch_hit_q`: last cycle's answer hit; `touch_idx_q` is its `hit_idx_q`. That entry
    /// is touched in its PLRU tree this cycle.
    pub touch_hit_q: bool,
    pub touch_idx_q: usize,
    /// `gen_set[s].u_plru`: each set's tree over its ways; `u_sup_plru` the superpages'.
    pub plru: Vec<Plru>,
    pub sup_plru: Plru,
    /// The pending (swept) operation: `p_valid_q`, and the RTL's `p_any_q`, `p_asid_q`,
    /// `p_vpn_q`, `p_last_q` as `p_q`; the sweep compares set `p_step_q` this cycle, or
    /// (`p_tail_q`) none: its last set was compared last cycle and those matches are being
    /// killed (`sw_kill_q` into `kill_q`), the operation still voiding lookups.
    pub p_valid_q: bool,
    pub p_q: Pending,
    pub p_step_q: usize,
    pub p_tail_q: bool,
    /// `sw_kill_q`: the entries the sweep's compare of last cycle matched (the sweep's first
    /// stage); they go into `kill_q` in this cycle, but the slot an install wrote in the
    /// compare's cycle (`ins_slot_q`) and one it writes now.
    pub sw_kill_q: u128,
    pub ins_slot_q: u128,
    /// What the invalidations applied in last cycle's lookup's cycle say about it (`lk_*_q`).
    /// The operation swept then: it matches any ASID, or the lookup's; bit l of `lk_lvl_q`:
    /// the lookup's page at size l meets its pages. The operation taken then (every page): any
    /// ASID (`lk_tk_any_q`), or the lookup's (`lk_tk_asid_q`). A flash then (`lk_flash_q`).
    /// The hit entry's size and global bit pick the answer (`hit_void`).
    pub lk_any_q: bool,
    pub lk_asid_q: bool,
    pub lk_lvl_q: u8,
    pub lk_tk_any_q: bool,
    pub lk_tk_asid_q: bool,
    pub lk_flash_q: bool,
    /// The queue (`q_valid_q`, `q_asid_q`, `L1_QUEUE` slots): each one ASID's non-global
    /// entries, every page, swept beside the pending one until its sweep ends; `lk_q_q`: last cycle's
    /// lookup ran in one of their ASIDs (a hit on a non-global entry is voided).
    pub q_valid_q: [bool; L1_QUEUE],
    pub q_asid_q: [u16; L1_QUEUE],
    pub lk_q_q: bool,
    /// The install's overlap probe (`pr_*_q`): the parts of the last lookup's compare, per
    /// way of its set (`way_asid`, `way_vpn`) and per superpage (`sup_asid`, `sup_cov`,
    /// `sup_gig`), registered with every lookup.
    pub pr_q: ProbeParts,
    /// The invalidation applied this cycle, presented in the last (`in_valid_q`): swept
    /// (`in_swept_q`: valid and of a kind other than InvAll), and its scope and pages as a
    /// pending operation would hold them (`in_any_q`, `in_asid_q`, `in_vpn_q`, `in_last_q` as
    /// `in_q`); whether its ASID is the pending operation's (`in_eq_p_q`) and each queue
    /// slot's (`in_eq_q_q`), compared when it was presented against what they hold now.
    pub in_valid_q: bool,
    pub in_swept_q: bool,
    pub in_q: Pending,
    pub in_eq_p_q: bool,
    pub in_eq_q_q: [bool; L1_QUEUE],
    /// The set of the last lookup (`pr_set_q`, registered with `pr_q`): an install's way is
    /// chosen in it (it is the install's set).
    pub pr_set_q: usize,
    /// `Entries` (4 KiB entries), `Ways`, `Sets` (cycles a sweep takes).
    pub entries: usize,
    pub ways: usize,
    pub sets: usize,
}

/// The parts of a lookup's compare the install's overlap probe keeps: per way of the set,
/// the ASID rule (global or the lookup's ASID) and the VPN's equality; per superpage, the
/// ASID rule, the page holds the VPN at the superpage's size, and at 1 GiB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProbeParts {
    pub way_asid: [bool; L1_WAYS],
    pub way_vpn: [bool; L1_WAYS],
    pub sup_asid: [bool; L1_SUPERS],
    pub sup_cov: [bool; L1_SUPERS],
    pub sup_gig: [bool; L1_SUPERS],
}

/// A pending (swept) invalidation: any ASID (`any`, InvVa) or the non-global entries of
/// `asid`, over the pages `vpn ..= last` (one page for InvVa and InvVaAsid, all for InvAsid).
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

/// `queue_hits`'s ASID part: a valid slot of the queue holds `asid`.
fn queue_holds(valid: &[bool; L1_QUEUE], slot_asid: &[u16; L1_QUEUE], asid: u16) -> bool {
    (0..L1_QUEUE).any(|s| valid[s] && slot_asid[s] == asid)
}

/// What the compare finds: the matching 4 KiB way's entry index and the matching superpage's
/// (at most one each), and the entry that answers (`hit_idx`, the way if both).
#[derive(Clone, Copy, Default)]
struct Matches {
    way: Option<usize>,
    sup: Option<usize>,
}

impl Matches {
    fn winner(&self) -> Option<usize> {
        self.way.or(self.sup)
    }
}

fn level_bit(level: PageLevel) -> u8 {
    match level {
        PageLevel::Page1G => 2,
        PageLevel::Page2M => 1,
        _ => 0,
    }
}

impl L1 {
    /// `entries` 4 KiB entries; `split`: the RTL's `SplitLookup`.
    pub fn new(entries: usize, split: bool) -> L1 {
        let ways = L1_WAYS;
        let sets = entries / ways;
        L1 {
            mem: vec![TlbEntry::default(); entries + L1_SUPERS],
            valid_q: 0,
            kill_q: 0,
            hit_q: false,
            hit_idx_q: 0,
            hit_g_q: false,
            hit_level_q: PageLevel::Page4K,
            split,
            lv_q: false,
            hw_q: [false; L1_WAYS],
            hwg_q: [false; L1_WAYS],
            hs_q: [false; L1_SUPERS],
            touch_hit_q: false,
            touch_idx_q: 0,
            plru: vec![Plru::new(ways); sets],
            sup_plru: Plru::new(L1_SUPERS),
            p_valid_q: false,
            p_q: Pending::default(),
            p_step_q: 0,
            p_tail_q: false,
            sw_kill_q: 0,
            ins_slot_q: 0,
            lk_any_q: false,
            lk_asid_q: false,
            lk_lvl_q: 0,
            lk_tk_any_q: false,
            lk_tk_asid_q: false,
            lk_flash_q: false,
            q_valid_q: [false; L1_QUEUE],
            q_asid_q: [0; L1_QUEUE],
            lk_q_q: false,
            pr_q: ProbeParts::default(),
            in_valid_q: false,
            in_swept_q: false,
            in_q: Pending::default(),
            in_eq_p_q: true,
            in_eq_q_q: [true; L1_QUEUE],
            pr_set_q: 0,
            entries,
            ways,
            sets,
        }
    }

    /// Entries in all: the 4 KiB ones, then the superpages (`N`, the width of `valid_o`).
    pub fn slots(&self) -> usize {
        self.entries + L1_SUPERS
    }

    /// The RTL's `valid[i]`: `valid_q` with a registered kill applied.
    pub fn valid(&self, i: usize) -> bool {
        ((self.valid_q & !self.kill_q) >> i) & 1 == 1
    }

    /// Entry i as it stands (its fields, and `valid`).
    pub fn entry(&self, i: usize) -> TlbEntry {
        TlbEntry { valid: self.valid(i), ..self.mem[i] }
    }

    /// The set a VPN indexes (its low bits).
    fn set_of(&self, vpn: u64) -> usize {
        (vpn as usize) & (self.sets - 1)
    }

    /// Entry index of `way` in `set`.
    fn way_idx(&self, set: usize, way: usize) -> usize {
        set * self.ways + way
    }

    /// The compare's parts for a lookup of `vpn` under `asid` (`way_asid`, `way_vpn`,
    /// `sup_asid`, `sup_cov`, `sup_gig`), whatever the valid bits.
    fn parts(&self, vpn: u64, asid: u16) -> ProbeParts {
        let mut p = ProbeParts::default();
        let set = self.set_of(vpn);
        for w in 0..self.ways {
            let e = &self.mem[self.way_idx(set, w)];
            (p.way_asid[w], p.way_vpn[w]) = (e.g || e.asid == asid, e.vpn == vpn);
        }
        for s in 0..L1_SUPERS {
            let e = &self.mem[self.entries + s];
            p.sup_asid[s] = e.g || e.asid == asid;
            p.sup_cov[s] = vpn_covers(e.level, e.vpn, vpn);
            p.sup_gig[s] = vpn_covers(PageLevel::Page1G, e.vpn, vpn);
        }
        p
    }

    /// `way_hit` and `sup_hit` for a lookup of `vpn` under `asid`, as entry indices.
    fn compare(&self, vpn: u64, asid: u16) -> Matches {
        self.matches(&self.parts(vpn, asid), vpn)
    }

    /// `way_hit` and `sup_hit` from the compare's parts `p` of a lookup of `vpn`: the parts
    /// masked with the valid bits.
    fn matches(&self, p: &ProbeParts, vpn: u64) -> Matches {
        let mut m = Matches::default();
        let set = self.set_of(vpn);
        for w in 0..self.ways {
            let i = self.way_idx(set, w);
            if self.valid(i) && p.way_asid[w] && p.way_vpn[w] {
                assert!(m.way.is_none(), "model invariant: two ways hit vpn {vpn:#x}");
                m.way = Some(i);
            }
        }
        for s in 0..L1_SUPERS {
            let i = self.entries + s;
            if self.valid(i) && p.sup_asid[s] && p.sup_cov[s] {
                assert!(m.sup.is_none(), "model invariant: two superpages hit vpn {vpn:#x}");
                m.sup = Some(i);
            }
        }
        m
    }

    /// `install_overlap`: the entries an install of `e` drops, from the last lookup's parts
    /// (`pr_q`): the ways of its set if it is a 4 KiB page, and the superpages, at the coarser
    /// of the two sizes (valid or not: the valid bits mask it).
    fn install_overlap(&self, e: &TlbEntry) -> u128 {
        let p = &self.pr_q;
        let mut o = 0u128;
        if e.level == PageLevel::Page4K {
            let set = self.set_of(e.vpn);
            for w in 0..self.ways {
                let i = self.way_idx(set, w);
                if p.way_vpn[w] && (p.way_asid[w] || e.g) {
                    o |= 1 << i;
                }
            }
        }
        for s in 0..L1_SUPERS {
            let i = self.entries + s;
            let cov = if e.level == PageLevel::Page1G { p.sup_gig[s] } else { p.sup_cov[s] };
            if (p.sup_asid[s] || e.g) && cov {
                o |= 1 << i;
            }
        }
        o
    }

    /// Does the queue match `e` (a queued ASID's non-global entries, every page)?
    fn queue_hits(&self, e: &TlbEntry) -> bool {
        !e.g && queue_holds(&self.q_valid_q, &self.q_asid_q, e.asid)
    }

    /// The registered lookup (`rl_hit`, `rl_idx`, `rl_g`, `rl_level`): the registers of
    /// `gen_lookup_whole`, or the entry `gen_lookup_split` forms from its matches (the way
    /// if both sizes matched), the superpage's global bit and size read from its registers.
    fn registered(&self) -> (bool, usize, bool, PageLevel) {
        if !self.split {
            return (self.hit_q, self.hit_idx_q, self.hit_g_q, self.hit_level_q);
        }
        let hit = self.lv_q && self.hw_q.iter().chain(&self.hs_q).any(|&h| h);
        if let Some(w) = (0..self.ways).find(|&w| self.hw_q[w]) {
            (hit, self.way_idx(self.pr_set_q, w), self.hwg_q[w], PageLevel::Page4K)
        } else if let Some(s) = (0..L1_SUPERS).find(|&s| self.hs_q[s]) {
            let e = &self.mem[self.entries + s];
            (hit, self.entries + s, e.g, e.level)
        } else {
            (hit, 0, false, PageLevel::Page4K)
        }
    }

    /// `hit_void`: an invalidation applied in last cycle's lookup's cycle matches the entry it
    /// hit: a flash, the operation swept then (in any step), the one taken then, a queued ASID.
    /// Every entry `kill_q` retires now is among them.
    pub fn hit_void(&self) -> bool {
        let (_, _, g, level) = self.registered();
        self.lk_flash_q
            || self.lk_tk_any_q
            || (!g && (self.lk_tk_asid_q || self.lk_q_q))
            || ((self.lk_any_q || (!g && self.lk_asid_q)) && (self.lk_lvl_q >> level_bit(level)) & 1 == 1)
    }

    /// `hit_o` as the entry: last cycle's lookup hit, unless an invalidation applied in its
    /// cycle voids it (an invalidation is ordered before a lookup in its cycle and every one
    /// after it).
    pub fn hit_live(&self) -> Option<usize> {
        let (hit, idx, _, _) = self.registered();
        (hit && !self.hit_void()).then_some(idx)
    }

    /// `hit_entry_o.valid`: the registered lookup hit, and the entry it selects is valid now.
    pub fn hit_entry_valid(&self) -> bool {
        let (hit, idx, _, _) = self.registered();
        hit && self.valid(idx)
    }

    /// `hit_entry_o`: the fields of the entry `rl_idx` selects (`data_mem`).
    pub fn hit_entry(&self) -> TlbEntry {
        self.mem[self.registered().1]
    }

    /// The entry a lookup of `vpn` under `asid` hits now (the 4 KiB way if both sizes match).
    pub fn lookup(&self, vpn: u64, asid: u16) -> Option<(usize, TlbEntry)> {
        self.compare(vpn, asid).winner().map(|i| (i, self.entry(i)))
    }

    /// What a lookup of `vpn` under `asid` would answer from: the entry it hits, unless the
    /// pending operation matches that entry (then the sweep kills it, or the hit is voided).
    pub fn answers(&self, vpn: u64, asid: u16) -> Option<(usize, TlbEntry)> {
        self.lookup(vpn, asid).filter(|(_, e)| !(self.p_valid_q && (self.p_q.hits(e) || self.queue_hits(e))))
    }

    /// Where an install of `e` would write now (`ins_way_d`, `ins_sup_d`): for a 4 KiB page,
    /// the first invalid way of the last lookup's set (`pr_set_q`, the set of the VPN an
    /// install fills), else that set's PLRU victim, in its own set; for a superpage, the
    /// first invalid superpage, else theirs.
    pub fn install_slot(&self, e: &TlbEntry) -> usize {
        let (way, sup) = self.install_choice();
        if e.level == PageLevel::Page4K {
            self.way_idx(self.set_of(e.vpn), way)
        } else {
            self.entries + sup
        }
    }

    /// `ins_way_d` and `ins_sup_d`: the way of set `pr_set_q` and the superpage an install
    /// would take, from the valid bits and the PLRU trees as they are now.
    fn install_choice(&self) -> (usize, usize) {
        let set = self.pr_set_q;
        let way = (0..self.ways).find(|&w| !self.valid(self.way_idx(set, w))).unwrap_or(self.plru[set].victim());
        let sup = (0..L1_SUPERS).find(|&s| !self.valid(self.entries + s)).unwrap_or(self.sup_plru.victim());
        (way, sup)
    }

    /// `valid_o`: bit i for entry i (`valid_q` with the registered kill applied).
    pub fn valid_bits(&self) -> u128 {
        self.valid_q & !self.kill_q
    }

    /// `valid_o` as a count.
    pub fn valid_count(&self) -> u8 {
        self.valid_bits().count_ones() as u8
    }

    /// Advances one clock edge.
    pub fn step(&mut self, i: &L1Inputs) {
        let e = &i.install_entry;
        let parts = self.parts(i.lookup_vpn, i.lookup_asid);
        let m = self.matches(&parts, i.lookup_vpn);
        let hit = m.winner();
        let pr_d = if i.lookup_valid { parts } else { self.pr_q };
        // `gen_lookup_split`'s global bits: the ways of the compared set, read before the install.
        let cmp_set = self.set_of(i.lookup_vpn);
        let hwg_d: [bool; L1_WAYS] = std::array::from_fn(|w| self.mem[self.way_idx(cmp_set, w)].g);
        // `hit_idx`, `hit_g`, `hit_level`: the answering entry's, read before the install.
        let (hit_idx, hit_g, hit_level) = hit.map_or((0, false, PageLevel::Page4K), |k| {
            (k, self.mem[k].g, if k < self.entries { PageLevel::Page4K } else { self.mem[k].level })
        });
        // `hit_o` from this cycle's registers, before they move, and the entry it answers.
        let touch_hit_d = self.hit_live().is_some();
        let rl_idx = self.registered().1;
        // Where an install writes (only an install's cycle needs it).
        let install_idx = if i.install_valid { self.install_slot(e) } else { 0 };
        let ins_4k = i.install_valid && e.level == PageLevel::Page4K;
        let ins_sup = i.install_valid && e.level != PageLevel::Page4K;
        // The invalidation presented last cycle is applied now (`in_*_q`). The sweeper takes
        // every kind but InvAll if it is free or sweeps its last set now; what it can neither
        // take nor queue (below) flashes every entry.
        let in_swept = self.in_swept_q;
        let incoming = self.in_q;
        let p = self.p_q;
        let p_valid = self.p_valid_q;
        // Free, or in its tail (its last set compared last cycle).
        let p_done = !p_valid || self.p_tail_q;
        // One of the same scope as the operation in flight merges into it: the hull of both
        // page ranges, swept again from set 0.
        // The ASID's compares were made when it was presented (`in_eq_p_q`, `in_eq_q_q`).
        assert_eq!(self.in_eq_p_q, incoming.asid == p.asid, "model invariant: in_eq_p_q");
        let merge = in_swept && !p_done && incoming.any == p.any && (incoming.any || self.in_eq_p_q);
        let take = in_swept && (p_done || merge);
        // An ASID-scoped kind of another ASID that finds it busy is queued as a flush of its
        // whole ASID, in the slot that holds that ASID, else in the first free one; the sweep
        // starts again.
        let q_slot = (0..L1_QUEUE)
            .find(|&s| self.q_valid_q[s] && self.in_eq_q_q[s])
            .or_else(|| (0..L1_QUEUE).find(|&s| !self.q_valid_q[s]));
        let load_q = self.sets > 1 && in_swept && !take && !incoming.any && q_slot.is_some();
        let flash_all = self.in_valid_q && !take && !load_q;
        // The invalidation as it is applied now judges the install of this cycle.
        let install_killed =
            self.in_valid_q && if load_q { !e.g && e.asid == incoming.asid } else { !take || incoming.hits(e) };
        // The operation pending next cycle, and this cycle's lookup against it.
        let (p_valid_d, p_d, p_step_d, p_tail_d) = if merge {
            (true, Pending { vpn: p.vpn.min(incoming.vpn), last: p.last.max(incoming.last), ..incoming }, 0, false)
        } else if take {
            (true, incoming, 0, false)
        } else {
            let sweeping = self.p_valid_q && !self.p_tail_q && !load_q;
            let step = if sweeping { (self.p_step_q + 1) % self.sets } else { 0 };
            (self.p_valid_q && !p_done, p, step, sweeping && self.p_step_q == self.sets - 1)
        };
        // The queue next cycle: a slot loaded now, else kept until the pending sweep ends.
        let mut q_valid_d = self.q_valid_q.map(|v| v && !p_done);
        let mut q_asid_d = self.q_asid_q;
        if let (true, Some(s)) = (load_q, q_slot) {
            (q_valid_d[s], q_asid_d[s]) = (true, incoming.asid);
        }
        // This cycle's lookup against the operation swept now, at each page size (its scope,
        // `lk_any_q` and `lk_asid_q` below, says whether there is one).
        let lk_lvl = [PageLevel::Page4K, PageLevel::Page2M, PageLevel::Page1G].iter().enumerate().fold(
            0u8,
            |acc, (l, &level)| {
                let base = vpn_align(level, i.lookup_vpn);
                acc | ((base <= p.last && vpn_last(level, base) >= p.vpn) as u8) << l
            },
        );
        let valid = self.valid_q & !self.kill_q;
        // The sweep's compare (its first stage): set p_step_q's ways, and the superpages
        // p_step_q, p_step_q + Sets, ..., valid or not.
        let install_slot = if i.install_valid { 1u128 << install_idx } else { 0 };
        let mut sweep_kill = 0u128;
        if self.p_valid_q && !self.p_tail_q {
            let set = self.p_step_q;
            let ways = (0..self.ways).map(|w| self.way_idx(set, w));
            for k in ways.chain((set..L1_SUPERS).step_by(self.sets).map(|s| self.entries + s)) {
                let e = &self.mem[k];
                if p.hits(e) || self.queue_hits(e) {
                    sweep_kill |= 1 << k;
                }
            }
        }
        // The kill: a flash's valid entries, and the sweep's matches of last cycle (its second
        // stage) but the slot written in that cycle (its new entry was not the one compared),
        // and not a slot written now.
        let install_overlap = if i.install_valid { self.install_overlap(e) } else { 0 };
        let kill_d = ((if flash_all { valid } else { 0 }) | (self.sw_kill_q & !self.ins_slot_q)) & !install_slot;
        let mut valid_d = valid & !install_overlap;
        if i.install_valid {
            valid_d = (valid_d & !install_slot) | if install_killed { 0 } else { install_slot };
            self.mem[install_idx] = TlbEntry { valid: false, ..*e };
        }
        self.valid_q = if i.clr { 0 } else { valid_d };
        self.kill_q = if i.clr { 0 } else { kill_d };
        self.sw_kill_q = sweep_kill;
        self.ins_slot_q = install_slot;
        // PLRU touches: an install in its set's tree (or the superpages'), or the entry whose
        // hit was answered last cycle (the core never installs in the two cycles after a
        // lookup, so the two never meet).
        let touch_4k = self.touch_hit_q && self.touch_idx_q < self.entries;
        let touch_sup = self.touch_hit_q && self.touch_idx_q >= self.entries;
        let touch_set = self.touch_idx_q / self.ways % self.sets;
        let ins_set = self.set_of(e.vpn);
        for s in 0..self.sets {
            if (ins_4k && ins_set == s) || (touch_4k && touch_set == s) {
                let way = if ins_4k { install_idx % self.ways } else { self.touch_idx_q % self.ways };
                self.plru[s].plru_q = self.plru[s].touched(way);
            }
        }
        if ins_sup || touch_sup {
            let s = if ins_sup {
                install_idx - self.entries
            } else {
                self.touch_idx_q.wrapping_sub(self.entries) % L1_SUPERS
            };
            self.sup_plru.plru_q = self.sup_plru.touched(s);
        }
        self.touch_hit_q = touch_hit_d && !i.clr;
        self.touch_idx_q = rl_idx;
        if self.split {
            self.lv_q = i.lookup_valid && !i.clr;
            self.hw_q = std::array::from_fn(|w| m.way == Some(self.way_idx(cmp_set, w)));
            self.hwg_q = hwg_d;
            self.hs_q = std::array::from_fn(|s| m.sup == Some(self.entries + s));
        } else {
            self.hit_q = i.lookup_valid && !i.clr && hit.is_some();
            (self.hit_idx_q, self.hit_g_q, self.hit_level_q) = (hit_idx, hit_g, hit_level);
        }
        self.p_valid_q = p_valid_d && !i.clr;
        self.p_q = p_d;
        self.p_step_q = if self.sets > 1 { p_step_d } else { 0 };
        self.p_tail_q = p_tail_d && !i.clr;
        // The invalidations applied now against this cycle's lookup: the operation swept now
        // (in any step), the one taken now, the queue's slots held now and the one loaded now,
        // a flash now.
        self.lk_any_q = p_valid && p.any;
        self.lk_asid_q = p_valid && !p.any && p.asid == i.lookup_asid;
        self.lk_lvl_q = lk_lvl;
        self.lk_tk_any_q = take && incoming.any;
        self.lk_tk_asid_q = take && !incoming.any && incoming.asid == i.lookup_asid;
        self.lk_flash_q = flash_all;
        self.pr_q = pr_d;
        self.lk_q_q =
            (load_q && incoming.asid == i.lookup_asid) || queue_holds(&self.q_valid_q, &self.q_asid_q, i.lookup_asid);
        self.q_valid_q = if i.clr { [false; L1_QUEUE] } else { q_valid_d };
        self.q_asid_q = q_asid_d;
        // The invalidation presented now, decoded, and its ASID against what the pending
        // operation and the queue's slots hold from the next cycle.
        let kind = InvalKind::from_bits(i.inval_kind);
        let swept = kind.asid_scoped() || kind == InvalKind::Va;
        self.in_valid_q = i.inval_valid && !i.clr;
        self.in_swept_q = i.inval_valid && swept && !i.clr;
        // Its operands load only with an invalidation (each core keeps its own copy: the
        // load enable is the core's own valid), and hold otherwise.
        if i.inval_valid {
            self.in_q = Pending {
                any: kind == InvalKind::Va,
                asid: i.inval_asid,
                vpn: if kind == InvalKind::Asid { 0 } else { i.inval_vpn },
                last: match kind {
                    InvalKind::RangeAsid => i.inval_last,
                    InvalKind::Asid => VPN_MASK,
                    _ => i.inval_vpn,
                },
            };
        }
        self.in_eq_p_q = self.in_q.asid == p_d.asid;
        self.in_eq_q_q = q_asid_d.map(|a| a == self.in_q.asid);
        if i.lookup_valid {
            self.pr_set_q = self.set_of(i.lookup_vpn);
        }
    }
}
