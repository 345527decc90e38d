// SPDX-License-Identifier: Apache-2.0
//! Processes and their address spaces as the kernel keeps them: per process an ASID, an
//! Sv39 root, the mapped pages (4 KiB or 2 MiB), the areas mapped with a known protection
//! and the holes an access faults on; what the OS knows besides ([`OsState`]: which process
//! each core runs, the free ASIDs, the data frames); Linux's `PROT_*` bits.

use std::collections::{BTreeMap, VecDeque};

use tlb_sim::Pte;

use crate::pagetable::PteFlags;

pub type ProcId = usize;

/// `PROT_*` bits as Linux numbers them.
pub const PROT_READ: u32 = 1;
pub const PROT_WRITE: u32 = 2;
pub const PROT_EXEC: u32 = 4;
pub const PROT_RWX: u32 = 7;

const PAGE: u64 = 4096;
pub(super) const HUGE_PAGES: u64 = 512;
/// User addresses are folded into Sv39's lower half (38 bits).
pub const VA_MASK: u64 = (1 << 38) - 1;

/// One mapped page (4 KiB or 2 MiB), keyed by its first VPN.
#[derive(Clone, Copy, Debug)]
pub(super) struct Mapping {
    pub(super) ppn: u64,
    pub(super) huge: bool,
    pub(super) prot: u32,
    /// Write-protected by a fork; a store breaks the sharing.
    pub(super) cow: bool,
}

/// Non-overlapping half-open ranges of VPNs with a value each.
#[derive(Clone, Debug, Default)]
pub(super) struct RangeMap<V: Copy> {
    m: BTreeMap<u64, (u64, V)>,
}

impl<V: Copy> RangeMap<V> {
    pub(super) fn get(&self, vpn: u64) -> Option<V> {
        let (_, &(end, v)) = self.m.range(..=vpn).next_back()?;
        (vpn < end).then_some(v)
    }
    pub(super) fn remove(&mut self, start: u64, end: u64) {
        let from = self.m.range(..=start).next_back().map_or(start, |(k, _)| *k);
        let keys: Vec<u64> = self.m.range(from..end).filter(|(_, (e, _))| *e > start).map(|(k, _)| *k).collect();
        for k in keys {
            let (e, v) = self.m.remove(&k).expect("present");
            if k < start {
                self.m.insert(k, (start, v));
            }
            if e > end {
                self.m.insert(end, (e, v));
            }
        }
    }
    pub(super) fn insert(&mut self, start: u64, end: u64, v: V) {
        self.remove(start, end);
        self.m.insert(start, (end, v));
    }
}

/// A process.
#[derive(Clone, Debug, Default)]
pub struct Proc {
    pub asid: Option<u16>,
    pub root: u64,
    pub exited: bool,
    pub(super) pages: BTreeMap<u64, Mapping>,
    /// Areas mapped with a known protection.
    pub(super) areas: RangeMap<u32>,
    /// Unmapped ranges an access faults on (instead of being paged in).
    pub(super) holes: RangeMap<()>,
}

/// What the OS knows; workloads read it and create processes.
#[derive(Debug, Default)]
pub struct OsState {
    pub procs: Vec<Proc>,
    /// Per core: the process it runs, and whether lazily (a kernel thread).
    pub running: Vec<Option<ProcId>>,
    pub lazy: Vec<bool>,
    pub(super) free_asids: VecDeque<u16>,
    /// ASIDs some process has had, indexed by ASID.
    pub(super) used_asids: Vec<bool>,
    pub(super) next_frame: u64,
}

impl OsState {
    /// A new process, with no address space until a [`Step::Exec`] or [`Step::Fork`].
    ///
    /// [`Step::Exec`]: super::Step::Exec
    /// [`Step::Fork`]: super::Step::Fork
    pub fn new_proc(&mut self) -> ProcId {
        self.procs.push(Proc::default());
        self.procs.len() - 1
    }
    pub(super) fn frames(&mut self, n: u64) -> u64 {
        // Data frames live far from the page tables (PageTables allocates from 0x8_0000).
        let align = n.next_power_of_two();
        self.next_frame = self.next_frame.div_ceil(align) * align;
        let f = 0x100_0000 + self.next_frame;
        self.next_frame += n;
        f
    }
}

impl Proc {
    pub(super) fn lookup(&self, vpn: u64) -> Option<(u64, Mapping)> {
        if let Some(m) = self.pages.get(&vpn) {
            return Some((vpn, *m));
        }
        let base = vpn & !(HUGE_PAGES - 1);
        self.pages.get(&base).filter(|m| m.huge).map(|m| (base, *m))
    }
    /// Mapped pages overlapping `start..end` (VPNs), by first VPN.
    pub(super) fn mapped_in(&self, start: u64, end: u64) -> Vec<(u64, Mapping)> {
        self.pages
            .range(start.saturating_sub(HUGE_PAGES - 1)..end)
            .filter(|(k, m)| **k >= start || (m.huge && **k + HUGE_PAGES > start))
            .map(|(k, m)| (*k, *m))
            .collect()
    }
}

pub(super) fn vpn(vaddr: u64) -> u64 {
    (vaddr & VA_MASK) >> 12
}

pub(super) fn pages_of(vaddr: u64, len: u64) -> (u64, u64) {
    let start = vpn(vaddr);
    let end = ((vaddr & VA_MASK) + len.max(1)).div_ceil(PAGE).min(1 << 26);
    (start, end.max(start + 1))
}

pub(super) fn flags(prot: u32, cow: bool) -> PteFlags {
    let mut f = Pte::U | Pte::A | Pte::D;
    if prot & (PROT_READ | PROT_WRITE) != 0 {
        f |= Pte::R;
    }
    if prot & PROT_WRITE != 0 && !cow {
        f |= Pte::W;
    }
    if prot & PROT_EXEC != 0 {
        f |= Pte::X;
    }
    PteFlags(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_map_splits_and_merges() {
        let mut m = RangeMap::default();
        m.insert(10, 20, 1u32);
        m.insert(15, 30, 2);
        assert_eq!(
            (m.get(9), m.get(10), m.get(14), m.get(15), m.get(29), m.get(30)),
            (None, Some(1), Some(1), Some(2), Some(2), None)
        );
        m.remove(12, 16);
        assert_eq!((m.get(11), m.get(12), m.get(15), m.get(16)), (Some(1), None, None, Some(2)));
        m.insert(0, 100, 3);
        assert_eq!(m.m.len(), 1);
    }
}
