// SPDX-License-Identifier: Apache-2.0
//! Sv39 page tables built in [`PhysMem`] the way an OS builds them.

use tlb_sim::ptw::pte_addr;
use tlb_sim::{va_vpn, vpn_part, PageLevel, Pte};

use crate::mem::PhysMem;

/// Leaf permission and status bits (a subset of the PTE's low byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PteFlags(pub u64);

impl PteFlags {
    /// User read/write data, accessed and dirty.
    pub const URW: PteFlags = PteFlags(Pte::R | Pte::W | Pte::U | Pte::A | Pte::D);
    /// User read-only data.
    pub const UR: PteFlags = PteFlags(Pte::R | Pte::U | Pte::A);
    /// User code.
    pub const UX: PteFlags = PteFlags(Pte::R | Pte::X | Pte::U | Pte::A);
    /// Kernel read/write, global.
    pub const KRWG: PteFlags = PteFlags(Pte::R | Pte::W | Pte::A | Pte::D | Pte::G);
}

/// A frame allocator and table editor. Tables live in frames from `first_table_ppn` up;
/// data frames are whatever PPNs the caller maps (they are never read).
#[derive(Clone, Debug)]
pub struct PageTables {
    next_ppn: u64,
}

impl Default for PageTables {
    fn default() -> Self {
        PageTables::new(0x8_0000)
    }
}

impl PageTables {
    pub fn new(first_table_ppn: u64) -> PageTables {
        PageTables { next_ppn: first_table_ppn }
    }

    /// A fresh, empty table (all PTEs invalid).
    pub fn alloc_table(&mut self) -> u64 {
        let ppn = self.next_ppn;
        self.next_ppn += 1;
        ppn
    }

    /// Maps the page of size `level` containing `va` to `ppn` with `flags` (V is added).
    /// Missing tables are created; a superpage in the way of a smaller mapping is replaced
    /// by a table (the rest of it becomes unmapped); a table where a superpage goes is
    /// replaced by the leaf (a THP collapse). Returns the PTE address written.
    pub fn map(&mut self, mem: &mut PhysMem, root: u64, va: u64, level: PageLevel, ppn: u64, flags: PteFlags) -> u64 {
        self.write_raw(mem, root, va, level as u8, Pte::new(ppn, flags.0 | Pte::V).0)
    }

    /// The address of the PTE for `va` at `level`, creating the tables above it: a leaf or a
    /// malformed PTE in the way is replaced by a fresh table.
    fn pte_slot(&mut self, mem: &mut PhysMem, root: u64, va: u64, level: u8) -> u64 {
        let vpn = va_vpn(va);
        let mut table = root;
        for lvl in (level + 1..=2).rev() {
            let addr = pte_addr(table, vpn_part(vpn, lvl));
            let pte = Pte(mem.read(addr));
            table = if pte.v() && !pte.is_leaf() && !pte.is_bad() {
                pte.ppn()
            } else {
                let t = self.alloc_table();
                mem.write(addr, Pte::new(t, Pte::V).0);
                t
            };
        }
        pte_addr(table, vpn_part(vpn, level))
    }

    /// The leaf mapping `va`: (level, PTE address, PTE), if there is a valid one.
    pub fn leaf(&self, mem: &PhysMem, root: u64, va: u64) -> Option<(PageLevel, u64, Pte)> {
        let vpn = va_vpn(va);
        let mut table = root;
        for lvl in (0..=2u8).rev() {
            let addr = pte_addr(table, vpn_part(vpn, lvl));
            let pte = Pte(mem.read(addr));
            if pte.is_bad() {
                return None;
            }
            if pte.is_leaf() {
                return Some((PageLevel::from_level(lvl), addr, pte));
            }
            table = pte.ppn();
        }
        None
    }

    /// Removes the leaf mapping `va`; returns its size, or None if nothing was mapped.
    pub fn unmap(&mut self, mem: &mut PhysMem, root: u64, va: u64) -> Option<PageLevel> {
        let (level, addr, _) = self.leaf(mem, root, va)?;
        mem.write(addr, 0);
        Some(level)
    }

    /// Rewrites the permission bits of the leaf mapping `va` (mprotect).
    pub fn protect(&mut self, mem: &mut PhysMem, root: u64, va: u64, flags: PteFlags) -> Option<PageLevel> {
        let (level, addr, pte) = self.leaf(mem, root, va)?;
        mem.write(addr, Pte::new(pte.ppn(), flags.0 | Pte::V).0);
        Some(level)
    }

    /// Writes a raw PTE value at level `level` on `va`'s path (tables must exist above it),
    /// for tests of malformed PTEs. Returns the address written.
    pub fn write_raw(&mut self, mem: &mut PhysMem, root: u64, va: u64, level: u8, raw: u64) -> u64 {
        let addr = self.pte_slot(mem, root, va, level);
        mem.write(addr, raw);
        addr
    }

    /// Makes `dst_root` share `src_root`'s top-level entry for `va` (a kernel half shared by
    /// every address space).
    pub fn share_top(&self, mem: &mut PhysMem, src_root: u64, dst_root: u64, va: u64) {
        let idx = vpn_part(va_vpn(va), 2);
        let v = mem.read(pte_addr(src_root, idx));
        mem.write(pte_addr(dst_root, idx), v);
    }
}
