// SPDX-License-Identifier: Apache-2.0
//! The untimed architectural oracle: given the history of the page tables and the
//! invalidations completed so far, may a translation answer be what it is?
//!
//! It knows nothing about cycles beyond the order of events. A TLB may answer from any
//! page-table state that existed since the last invalidation covering the address, because
//! software that changes a PTE without fencing gets no promise about which state it sees;
//! it may never answer from a state that a completed invalidation retired. Page walks read
//! PTEs one at a time, so a single answer may mix PTE values read at different times: the
//! oracle therefore walks every combination of values each PTE held in the window.
//!
//! Time is the harness's cycle count: a PTE write stamped `t` is visible to memory reads in
//! cycle `t` and later; an invalidation stamped `t` was applied at the end of cycle `t`, so
//! it retires what was cached before requests accepted in cycle `t + 1`.
//!
//! An invalidation has two times. Its *effect* is when the architecture promises it done
//! (on one core, the cycle it applied; on the fabric, the initiator's sync). Its *cutoff* is
//! when it was posted: it retires the page-table states superseded before then, and only
//! those. A PTE written after the post (say, another core's munmap while a deferred flush
//! waits for its sync) is not retired by it, even if the sync completes later; only an
//! invalidation posted after that write retires it.
//!
//! A core's reset is not an invalidation: it promises nothing to the other cores. It only
//! empties the reset core's own TLB, so that core's later answers come from walks after it:
//! the harness passes the reset's cycle as a *floor* ([`Oracle::check_any_since`]), and no
//! cached answer may come from a state superseded before it.

use std::collections::{HashMap, HashSet};

use crate::types::*;

/// A translation request as the oracle needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Query {
    /// Cycle the request was accepted in.
    pub accepted: u64,
    pub vaddr: u64,
    pub access: Access,
    pub priv_u: bool,
    pub sum: bool,
    pub mxr: bool,
    pub asid: u16,
    pub root_ppn: u64,
    /// Pointer-masking mode in force (`pm_mode_e`).
    pub pm: u8,
}

/// What the TLB answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Fault,
    Paddr(u64),
}

/// Why the oracle refused an answer: what was answered, and what was allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("non-canonical VA {vaddr:#x} translated to {paddr:#x}")]
    NonCanonical { vaddr: u64, paddr: u64 },
    #[error(
        "answer {answer:?} for VA {:#x} ({:?}, {}-mode, asid {}, root {:#x}, pm {}) accepted at cycle {} is not \
         allowed at cycle {now}: allowed addresses {allowed:x?}, fault allowed: {fault_ok}",
        q.vaddr,
        q.access,
        if q.priv_u { "U" } else { "S" },
        q.asid,
        q.root_ppn,
        q.pm,
        q.accepted
    )]
    NotAllowed { answer: Answer, q: Query, now: u64, allowed: Vec<u64>, fault_ok: bool },
    /// Refused in every context the answer may have come from, each one's reason in turn.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; or, in another allowed context: "))]
    InEveryContext(Vec<Refused>),
}

/// One way a walk could have ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum WalkEnd {
    /// A structural fault: bad PTE, misaligned superpage, A=0, pointer at the last level.
    Fault,
    Leaf {
        pte: u64,
        level: u8,
        global: bool,
    },
}

/// Invalidations of one key in effect order: (effect, the latest cutoff of this one and
/// every earlier one). Cutoffs need not rise with effects (a deferred post synced late), so
/// the running maximum is kept to answer "the latest cutoff in effect before `t`" at once.
#[derive(Default, Debug, Clone)]
struct Retirements(Vec<(u64, u64)>);

impl Retirements {
    fn push(&mut self, effect: u64, cutoff: u64) {
        debug_assert!(self.0.last().is_none_or(|&(e, _)| e <= effect), "invalidations out of order");
        let max = self.0.last().map_or(cutoff, |&(_, m)| m.max(cutoff));
        self.0.push((effect, max));
    }

    /// The latest cutoff of the invalidations in effect strictly before `t`.
    fn cutoff_before(&self, t: u64) -> Option<u64> {
        let n = self.0.partition_point(|&(e, _)| e < t);
        if n == 0 {
            None
        } else {
            Some(self.0[n - 1].1)
        }
    }
}

/// The writes of one PTE, in time order: all of them, and those a walk that wants a global
/// leaf through a non-global path must follow: global leaves, global pointers, and pointers
/// to tables under which a global PTE was ever written. The second list keeps that walk to
/// the few such writes: the global window is shortened only by All and VA invalidations, so
/// for a user page remapped again and again, or a 2 MiB region collapsed and split again and
/// again (a fresh level-0 table each time), it spans the whole run.
#[derive(Default, Debug, Clone)]
struct PteLog {
    all: Vec<(u64, u64)>,
    toward_global: Vec<(u64, u64)>,
}

/// Whether a walk wanting a global leaf through a non-global path must follow this write,
/// given the tables known to hold a global PTE somewhere under them.
fn leads_to_global(value: u64, global_tables: &HashSet<u64>) -> bool {
    let pte = Pte(value);
    !pte.is_bad() && (pte.g() || (!pte.is_leaf() && global_tables.contains(&pte.ppn())))
}

/// A range invalidation: (effect, cutoff, first VPN, last VPN).
type RangeInval = (u64, u64, u64, u64);

/// Range invalidations are indexed by 2 MiB blocks of VPNs.
const RANGE_BLOCK_BITS: u32 = 9;

fn cutoff_before(r: Option<&Retirements>, t: u64) -> Option<u64> {
    r?.cutoff_before(t)
}

#[derive(Default, Debug, Clone)]
pub struct Oracle {
    /// Per PTE address: (time, value) in time order. An address never written holds 0.
    writes: HashMap<u64, PteLog>,
    /// Tables (by PPN) under which a global PTE was ever written, at any depth.
    global_tables: HashSet<u64>,
    /// Per table: the PTE addresses that ever pointed to it (to mark them when the table
    /// gets a global PTE under it).
    parents: HashMap<u64, Vec<u64>>,
    inval_all: Retirements,
    inval_asid: HashMap<u16, Retirements>,
    inval_va: HashMap<u64, Retirements>,
    inval_va_asid: HashMap<(u16, u64), Retirements>,
    /// Per ASID and 2 MiB block of VPNs (`vpn >> RANGE_BLOCK_BITS`): (effect, cutoff,
    /// first VPN, last VPN) of the range invalidations that touch the block, in effect
    /// order. A range covers at most 65 536 pages, so at most 129 blocks; a query looks at
    /// its own block only.
    inval_range: HashMap<(u16, u64), Vec<RangeInval>>,
    /// Number of answers judged.
    pub checked: u64,
}

impl Oracle {
    pub fn new() -> Oracle {
        Oracle::default()
    }

    /// A store to page-table memory (any 8-byte aligned word).
    pub fn record_write(&mut self, time: u64, addr: u64, value: u64) {
        let addr = addr & !7;
        let log = self.writes.entry(addr).or_default();
        debug_assert!(log.all.last().is_none_or(|&(t, _)| t <= time), "writes out of order");
        log.all.push((time, value));
        let toward_global = leads_to_global(value, &self.global_tables);
        if toward_global {
            log.toward_global.push((time, value));
        }
        let pte = Pte(value);
        if !pte.is_bad() && !pte.is_leaf() {
            let parents = self.parents.entry(pte.ppn()).or_default();
            if !parents.contains(&addr) {
                parents.push(addr);
            }
        }
        // A global PTE, or a pointer to a table with one under it: this table has one too.
        if toward_global {
            self.mark_global(addr >> 12);
        }
    }

    /// Table `table` has a global PTE under it: so have the tables that ever pointed to it,
    /// and their pointers to it (earlier writes included) lead toward global leaves.
    fn mark_global(&mut self, table: u64) {
        let mut todo = vec![table];
        while let Some(t) = todo.pop() {
            if !self.global_tables.insert(t) {
                continue;
            }
            for &pa in self.parents.get(&t).map_or(&[][..], |v| &v[..]) {
                if let Some(log) = self.writes.get_mut(&pa) {
                    log.toward_global =
                        log.all.iter().copied().filter(|&(_, v)| leads_to_global(v, &self.global_tables)).collect();
                }
                todo.push(pa >> 12);
            }
        }
    }

    /// An invalidation applied at the end of cycle `time`, in effect from then and retiring
    /// the states superseded before then (one core: the invalidation is its own fence).
    /// `npages` is for the range kind: pages after the first. Unknown kinds act as All, like
    /// the hardware. Times must not decrease.
    pub fn record_inval(&mut self, time: u64, kind: InvalKind, asid: u16, vaddr: u64, npages: u16) {
        self.record_inval_posted(time, time, kind, asid, vaddr, npages);
    }

    /// An invalidation posted in cycle `cutoff` whose completion was promised at the end of
    /// cycle `effect` (the initiator's sync): requests accepted after `effect` may not be
    /// answered from a state superseded before `cutoff`. Effects must not decrease.
    pub fn record_inval_posted(
        &mut self,
        effect: u64,
        cutoff: u64,
        kind: InvalKind,
        asid: u16,
        vaddr: u64,
        npages: u16,
    ) {
        debug_assert!(cutoff <= effect, "an invalidation takes effect after it is posted");
        let vpn = va_vpn(vaddr);
        match kind {
            InvalKind::All => self.inval_all.push(effect, cutoff),
            InvalKind::Asid => self.inval_asid.entry(asid).or_default().push(effect, cutoff),
            InvalKind::Va => self.inval_va.entry(vpn).or_default().push(effect, cutoff),
            InvalKind::VaAsid => self.inval_va_asid.entry((asid, vpn)).or_default().push(effect, cutoff),
            InvalKind::RangeAsid => {
                let last = vpn + npages as u64;
                for block in (vpn >> RANGE_BLOCK_BITS)..=(last >> RANGE_BLOCK_BITS) {
                    self.inval_range.entry((asid, block)).or_default().push((effect, cutoff, vpn, last));
                }
            }
        }
    }

    /// The values PTE `addr` held at any time in `[from, to]`, with repeats: the value at
    /// `from`, then every write in the window (only pointers and global leaves among them if
    /// `toward_global`). Binary search: a long run writes the same PTE many times, and only
    /// the writes in the window matter.
    fn values(&self, addr: u64, from: u64, to: u64, toward_global: bool) -> impl Iterator<Item = u64> + '_ {
        let (all, some) = self.writes.get(&addr).map_or((&[][..], &[][..]), |l| (&l.all[..], &l.toward_global[..]));
        let at = all.partition_point(|&(t, _)| t <= from);
        let at_from = if at == 0 { 0 } else { all[at - 1].1 };
        let log = if toward_global { some } else { all };
        let first_after = log.partition_point(|&(t, _)| t <= from);
        let in_window = log[first_after..].iter().take_while(move |&&(t, _)| t <= to).map(|&(_, v)| v);
        std::iter::once(at_from).chain(in_window)
    }

    /// Every way a walk of `vpn` from `root` could end, reading each PTE at any time in
    /// `[from, to]`; leaves only of the globalness `want` asks for (`None`: any).
    fn walk_ends(&self, root: u64, vpn: u64, from: u64, to: u64, want: Option<bool>) -> Vec<WalkEnd> {
        let mut ends = Vec::new();
        self.walk_level(root, vpn, 2, false, from, to, want, &mut ends);
        ends
    }

    /// One level of [`Oracle::walk_ends`]. A PTE rewritten many times in a long window (a
    /// user page remapped again and again, seen from the global pass whose window only an
    /// All or a VA invalidation shortens) costs one step per write: leaves of the wrong
    /// globalness are dropped at once, and only distinct pointers are followed.
    #[allow(clippy::too_many_arguments)]
    fn walk_level(
        &self,
        table: u64,
        vpn: u64,
        level: u8,
        global: bool,
        from: u64,
        to: u64,
        want: Option<bool>,
        ends: &mut Vec<WalkEnd>,
    ) {
        let addr = crate::ptw::pte_addr(table, vpn_part(vpn, level));
        let mut followed: Vec<u64> = Vec::new();
        for v in self.values(addr, from, to, want == Some(true) && !global) {
            let pte = Pte(v);
            let end = if pte.is_bad() {
                WalkEnd::Fault
            } else if pte.is_leaf() {
                if pte.is_misaligned(level) || !pte.a() {
                    WalkEnd::Fault
                } else {
                    let g = global || pte.g();
                    if want.is_some_and(|w| w != g) {
                        continue;
                    }
                    WalkEnd::Leaf { pte: v, level, global: g }
                }
            } else if level == 0 {
                WalkEnd::Fault
            } else {
                if !followed.contains(&v) {
                    followed.push(v);
                    self.walk_level(pte.ppn(), vpn, level - 1, global || pte.g(), from, to, want, ends);
                }
                continue;
            };
            if !ends.contains(&end) {
                ends.push(end);
            }
        }
    }

    /// Start of the window a cached entry for this query may come from: the latest cutoff
    /// of the invalidations in effect before the request that retire it (`global` entries
    /// survive the ASID-scoped kinds).
    fn window_start(&self, q: &Query, global: bool) -> u64 {
        let vpn = va_vpn(q.vaddr);
        let mut latest = self.inval_all.cutoff_before(q.accepted);
        latest = latest.max(cutoff_before(self.inval_va.get(&vpn), q.accepted));
        if !global {
            latest = latest.max(cutoff_before(self.inval_asid.get(&q.asid), q.accepted));
            latest = latest.max(cutoff_before(self.inval_va_asid.get(&(q.asid, vpn)), q.accepted));
            if let Some(ranges) = self.inval_range.get(&(q.asid, vpn >> RANGE_BLOCK_BITS)) {
                let in_effect = ranges.partition_point(|r| r.0 < q.accepted);
                // Newest first; a cutoff is never after its effect, so once the effects fall
                // below the best cutoff found, no older range can beat it.
                for r in ranges[..in_effect].iter().rev() {
                    if latest.is_some_and(|l| r.0 < l) {
                        break;
                    }
                    if r.2 <= vpn && vpn <= r.3 {
                        latest = latest.max(Some(r.1));
                    }
                }
            }
        }
        latest.unwrap_or(0)
    }

    /// Judges an answer given at cycle `now`. On refusal, says what was allowed.
    pub fn check(&mut self, q: &Query, now: u64, answer: Answer) -> Result<(), Refused> {
        self.check_any(std::slice::from_ref(q), now, answer)
    }

    /// Judges an answer that may come from any of several contexts (say, the root table
    /// and masking mode before and after an attribute change that is not yet fenced): it is
    /// allowed if one of them allows it.
    pub fn check_any(&mut self, qs: &[Query], now: u64, answer: Answer) -> Result<(), Refused> {
        self.check_any_since(qs, 0, now, answer)
    }

    /// [`Oracle::check_any`] for a TLB that held nothing at the end of cycle `floor` (its
    /// core was reset then): a cached answer may come only from states at or after `floor`.
    pub fn check_any_since(&mut self, qs: &[Query], floor: u64, now: u64, answer: Answer) -> Result<(), Refused> {
        self.checked += 1;
        let mut why = Vec::new();
        for q in qs {
            match self.judge(q, floor, now, answer) {
                Ok(()) => return Ok(()),
                Err(e) => why.push(e),
            }
        }
        Err(match why.len() {
            1 => why.pop().expect("one"),
            _ => Refused::InEveryContext(why),
        })
    }

    fn judge(&self, q: &Query, floor: u64, now: u64, answer: Answer) -> Result<(), Refused> {
        if !va_canonical(pm_apply(q.vaddr, q.pm)) {
            return match answer {
                Answer::Fault => Ok(()),
                Answer::Paddr(paddr) => Err(Refused::NonCanonical { vaddr: q.vaddr, paddr }),
            };
        }
        let vpn = va_vpn(q.vaddr);
        let perm = |pte: Pte| perm_ok(pte.r(), pte.w(), pte.x(), pte.u(), pte.d(), q.access, q.priv_u, q.sum, q.mxr);
        // Cached answers: from any state since the covering invalidation.
        let mut allowed_pa = Vec::new();
        let mut fault_ok = false;
        for global in [false, true] {
            let from = self.window_start(q, global).max(floor);
            // Leaves of this pass's globalness only (walk_ends drops the others).
            for end in self.walk_ends(q.root_ppn, vpn, from, now, Some(global)) {
                if let WalkEnd::Leaf { pte, level, .. } = end {
                    let pte = Pte(pte);
                    if perm(pte) {
                        allowed_pa.push(leaf_paddr(PageLevel::from_level(level), pte.ppn(), q.vaddr));
                    } else {
                        fault_ok = true;
                    }
                }
            }
        }
        // Faults are never cached: a structural fault comes from a walk after the request.
        if !fault_ok {
            fault_ok =
                self.walk_ends(q.root_ppn, vpn, q.accepted, now, None).iter().any(|e| matches!(e, WalkEnd::Fault));
        }
        match answer {
            Answer::Fault if fault_ok => Ok(()),
            Answer::Paddr(pa) if allowed_pa.contains(&pa) => Ok(()),
            _ => Err(Refused::NotAllowed { answer, q: *q, now, allowed: allowed_pa, fault_ok }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(vaddr: u64, accepted: u64) -> Query {
        Query {
            accepted,
            vaddr,
            access: Access::Load,
            priv_u: true,
            sum: false,
            mxr: false,
            asid: 1,
            root_ppn: 0x100,
            pm: 0,
        }
    }

    /// root 0x100 -> L1 table 0x101 -> L0 table 0x102 -> page 0x500 (user, RWAD).
    fn mapped() -> Oracle {
        let mut o = Oracle::new();
        o.record_write(0, crate::ptw::pte_addr(0x100, 0), Pte::new(0x101, Pte::V).0);
        o.record_write(0, crate::ptw::pte_addr(0x101, 0), Pte::new(0x102, Pte::V).0);
        let leaf = Pte::V | Pte::R | Pte::W | Pte::U | Pte::A | Pte::D;
        o.record_write(0, crate::ptw::pte_addr(0x102, 3), Pte::new(0x500, leaf).0);
        o
    }

    #[test]
    fn a_stale_translation_is_allowed_until_an_invalidation_retires_it() {
        let mut o = mapped();
        o.record_write(10, crate::ptw::pte_addr(0x102, 3), 0); // unmap, not yet fenced
        assert!(o.check(&query(0x3abc, 11), 12, Answer::Paddr(0x500abc)).is_ok());
        assert!(o.check(&query(0x3abc, 11), 12, Answer::Fault).is_ok());
        o.record_inval(12, InvalKind::VaAsid, 1, 0x3000, 0);
        let refused = o.check(&query(0x3abc, 13), 14, Answer::Paddr(0x500abc)).unwrap_err();
        assert!(matches!(&refused, Refused::NotAllowed { allowed, fault_ok: true, .. } if allowed.is_empty()));
        assert_eq!(
            refused.to_string(),
            "answer Paddr(5245628) for VA 0x3abc (Load, U-mode, asid 1, root 0x100, pm 0) accepted at cycle 13 \
             is not allowed at cycle 14: allowed addresses [], fault allowed: true"
        );
        let twice = o.check_any(&[query(0x3abc, 13), query(0x3abc, 13)], 14, Answer::Paddr(0x500abc)).unwrap_err();
        assert_eq!(twice.to_string(), format!("{refused}; or, in another allowed context: {refused}"));
        assert!(o.check(&query(0x3abc, 13), 14, Answer::Fault).is_ok());
        // A request accepted in the invalidation's own cycle still sees the old state.
        assert!(o.check(&query(0x3abc, 12), 14, Answer::Paddr(0x500abc)).is_ok());
    }

    #[test]
    fn an_asid_invalidation_does_not_retire_global_entries_but_a_va_one_does() {
        let mut o = Oracle::new();
        o.record_write(0, crate::ptw::pte_addr(0x100, 0), Pte::new(0x101, Pte::V | Pte::G).0);
        o.record_write(0, crate::ptw::pte_addr(0x101, 0), Pte::new(0x102, Pte::V).0);
        let leaf = Pte::V | Pte::R | Pte::U | Pte::A;
        o.record_write(0, crate::ptw::pte_addr(0x102, 3), Pte::new(0x500, leaf).0);
        o.record_write(5, crate::ptw::pte_addr(0x102, 3), 0);
        o.record_inval(6, InvalKind::Asid, 1, 0, 0);
        assert!(o.check(&query(0x3000, 7), 8, Answer::Paddr(0x500000)).is_ok());
        o.record_inval(8, InvalKind::Va, 0, 0x3000, 0);
        assert!(o.check(&query(0x3000, 9), 10, Answer::Paddr(0x500000)).is_err());
    }

    /// The global pass follows only pointers toward tables with a global PTE under them;
    /// a table that gets one after it was linked, or is linked after it got one, counts.
    #[test]
    fn global_leaves_are_found_however_their_tables_were_linked() {
        let g_leaf = |ppn| Pte::new(ppn, Pte::V | Pte::R | Pte::U | Pte::A | Pte::G).0;
        let leaf = |ppn| Pte::new(ppn, Pte::V | Pte::R | Pte::U | Pte::A).0;
        let mut o = mapped(); // linked at 0, global leaf written at 5
        o.record_write(5, crate::ptw::pte_addr(0x102, 3), g_leaf(0x500));
        // A global leaf written into a table before anything points to it.
        o.record_write(1, crate::ptw::pte_addr(0x302, 3), g_leaf(0x700));
        o.record_write(2, crate::ptw::pte_addr(0x301, 0), Pte::new(0x302, Pte::V).0);
        o.record_write(3, crate::ptw::pte_addr(0x100, 1), Pte::new(0x301, Pte::V).0);
        o.record_write(6, crate::ptw::pte_addr(0x102, 3), leaf(0x600));
        o.record_write(6, crate::ptw::pte_addr(0x302, 3), leaf(0x800));
        o.record_inval(7, InvalKind::Asid, 1, 0, 0);
        // An ASID invalidation does not retire global entries: the old global leaves stay
        // allowed, the non-global ones they were replaced by too.
        assert!(o.check(&query(0x3000, 8), 9, Answer::Paddr(0x500000)).is_ok());
        assert!(o.check(&query(0x3000, 8), 9, Answer::Paddr(0x600000)).is_ok());
        assert!(o.check(&query(0x4000_3000, 8), 9, Answer::Paddr(0x700000)).is_ok());
        assert!(o.check(&query(0x4000_3000, 8), 9, Answer::Paddr(0x800000)).is_ok());
        o.record_inval(10, InvalKind::All, 0, 0, 0);
        assert!(o.check(&query(0x3000, 11), 12, Answer::Paddr(0x500000)).is_err());
        assert!(o.check(&query(0x4000_3000, 11), 12, Answer::Paddr(0x700000)).is_err());
    }

    #[test]
    fn a_range_invalidation_retires_the_pages_inside_it_only() {
        let mut o = mapped();
        o.record_write(10, crate::ptw::pte_addr(0x102, 3), 0);
        o.record_inval(11, InvalKind::RangeAsid, 1, 0x1000, 1); // pages 1 and 2
        assert!(o.check(&query(0x3000, 12), 13, Answer::Paddr(0x500000)).is_ok());
        o.record_inval(13, InvalKind::RangeAsid, 1, 0x2000, 1); // pages 2 and 3
        assert!(o.check(&query(0x3000, 14), 15, Answer::Paddr(0x500000)).is_err());
    }

    #[test]
    fn a_deferred_invalidation_retires_only_what_was_superseded_before_its_post() {
        let mut o = mapped();
        let pte = crate::ptw::pte_addr(0x102, 3);
        let remapped = Pte::new(0x600, Pte::V | Pte::R | Pte::W | Pte::U | Pte::A | Pte::D).0;
        o.record_write(10, pte, remapped); // remap, flush deferred: posted at 12
        o.record_write(20, pte, 0); // munmap, posted at 21, not yet synced
                                    // The deferred post is synced at 30: it retires 0x500, not the remap written before it.
        o.record_inval_posted(30, 12, InvalKind::VaAsid, 1, 0x3000, 0);
        assert!(o.check(&query(0x3000, 31), 32, Answer::Paddr(0x600000)).is_ok());
        assert!(o.check(&query(0x3000, 31), 32, Answer::Paddr(0x500000)).is_err());
        // The munmap's own sync retires the remap.
        o.record_inval_posted(40, 21, InvalKind::VaAsid, 1, 0x3000, 0);
        assert!(o.check(&query(0x3000, 41), 42, Answer::Paddr(0x600000)).is_err());
        assert!(o.check(&query(0x3000, 41), 42, Answer::Fault).is_ok());
        // An earlier post synced later does not move the cutoff back.
        o.record_inval_posted(50, 11, InvalKind::VaAsid, 1, 0x3000, 0);
        assert!(o.check(&query(0x3000, 51), 52, Answer::Paddr(0x600000)).is_err());
    }

    /// A reset TLB held nothing at its floor: an answer from a mapping replaced before it is
    /// refused, though no invalidation retired it; the mapping in force since is allowed.
    #[test]
    fn a_reset_floor_retires_what_was_replaced_before_it() {
        let mut o = mapped();
        let remapped = Pte::new(0x600, Pte::V | Pte::R | Pte::W | Pte::U | Pte::A | Pte::D).0;
        o.record_write(10, crate::ptw::pte_addr(0x102, 3), remapped); // not fenced
        assert!(o.check(&query(0x3000, 21), 22, Answer::Paddr(0x500000)).is_ok());
        assert!(o.check_any_since(&[query(0x3000, 21)], 20, 22, Answer::Paddr(0x500000)).is_err());
        assert!(o.check_any_since(&[query(0x3000, 21)], 20, 22, Answer::Paddr(0x600000)).is_ok());
        // A floor before the remap allows both.
        assert!(o.check_any_since(&[query(0x3000, 21)], 5, 22, Answer::Paddr(0x500000)).is_ok());
    }

    #[test]
    fn pointer_masking_makes_tagged_pointers_canonical() {
        let mut o = mapped();
        let tagged = 0x5a00_0000_0000_3000u64;
        assert!(o.check(&query(tagged, 5), 6, Answer::Paddr(0x500000)).is_err());
        let q = Query { pm: 2, ..query(tagged, 5) };
        assert!(o.check(&q, 6, Answer::Paddr(0x500000)).is_ok());
        assert!(o.check_any(&[query(tagged, 5), q], 6, Answer::Fault).is_ok());
    }

    #[test]
    fn a_wrong_address_or_a_fault_on_a_stable_mapping_is_refused() {
        let mut o = mapped();
        assert!(o.check(&query(0x3abc, 5), 9, Answer::Paddr(0x501abc)).is_err());
        assert!(o.check(&query(0x3abc, 5), 9, Answer::Fault).is_err());
        let mut store = query(0x3abc, 5);
        store.access = Access::Fetch;
        assert!(o.check(&store, 9, Answer::Fault).is_ok());
    }
}
