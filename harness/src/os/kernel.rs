// SPDX-License-Identifier: Apache-2.0
//! The kernel: what each [`Step`] does (context switches and lazy kernel threads, exec, fork,
//! exit, mmap, munmap, mprotect, madvise, THP collapse and split, page migration,
//! pointer-masking changes), the page-table writes it makes and the shootdown it owes; and
//! the page-fault handler (demand paging, copy-on-write breaks).

use tlb_sim::{Access, InvalKind, PageLevel};

use super::process::{flags, pages_of, vpn, Mapping, Proc, HUGE_PAGES};
use super::runner::{After, Busy};
use super::{Os, ProcId, RunError, Step, PROT_READ, PROT_RWX, PROT_WRITE};
use crate::system::Command;

/// Range invalidations cover at most this many pages (16-bit operand); longer ones flush
/// the ASID.
const MAX_RANGE: u64 = 1 << 16;

impl Os {
    fn asid(&self, p: ProcId) -> Result<u16, RunError> {
        self.st.procs[p].asid.ok_or_else(|| RunError::Os(format!("process {p} has no address space (exec it first)")))
    }

    fn write_pte(&mut self, p: ProcId, base: u64, m: Option<Mapping>) {
        let root = self.st.procs[p].root;
        let (pt, mem) = self.sys.tables();
        let va = base << 12;
        match m {
            None => {
                pt.unmap(mem, root, va);
            }
            Some(m) => {
                let level = if m.huge { PageLevel::Page2M } else { PageLevel::Page4K };
                pt.map(mem, root, va, level, m.ppn, flags(m.prot, m.cow));
            }
        }
        match m {
            None => self.st.procs[p].pages.remove(&base),
            Some(m) => self.st.procs[p].pages.insert(base, m),
        };
    }

    /// Removes the pages of `start..end`; returns the VPN span they covered.
    fn zap(&mut self, p: ProcId, start: u64, end: u64) -> Option<(u64, u64)> {
        let gone = self.st.procs[p].mapped_in(start, end);
        let span = gone.iter().fold(None, |acc: Option<(u64, u64)>, (k, m)| {
            let e = k + if m.huge { HUGE_PAGES } else { 1 };
            Some(acc.map_or((*k, e), |(a, b)| (a.min(*k), b.max(e))))
        });
        for (k, _) in gone {
            self.write_pte(p, k, None);
        }
        span
    }

    /// The posts that invalidate `span` of `p`'s ASID, then the sync.
    fn flush(&self, asid: u16, span: (u64, u64)) -> Vec<Command> {
        let n = span.1 - span.0;
        let post = if n == 1 {
            Command::Post { kind: InvalKind::VaAsid, asid, vaddr: span.0 << 12, npages: 0 }
        } else if n <= MAX_RANGE {
            Command::Post { kind: InvalKind::RangeAsid, asid, vaddr: span.0 << 12, npages: (n - 1) as u16 }
        } else {
            Command::Post { kind: InvalKind::Asid, asid, vaddr: 0, npages: 0 }
        };
        vec![post, Command::Sync]
    }

    fn shootdown(
        &mut self,
        core: usize,
        p: ProcId,
        span: Option<(u64, u64)>,
        freed_tables: bool,
    ) -> Result<(), RunError> {
        if let Some(span) = span {
            let asid = self.asid(p)?;
            let targets = self.ipi_targets(core, p, freed_tables);
            self.cmds(core, self.flush(asid, span), After::Nothing, span.1 - span.0, targets)?;
        }
        Ok(())
    }

    pub(super) fn start(&mut self, core: usize, step: Step) -> Result<(), RunError> {
        let cycle = self.cycle();
        if !matches!(step, Step::Barrier) {
            self.progress_at = cycle;
        }
        match step {
            Step::Idle(n) => self.busy[core] = Busy::Idle { until: cycle + n as u64 },
            Step::Barrier => self.busy[core] = Busy::Barrier,
            Step::Access { vaddr, access } => {
                let Some(p) = self.st.running[core] else {
                    return Err(RunError::Os(format!("core {core} accesses {vaddr:#x} running no process")));
                };
                if self.st.lazy[core] {
                    // Back from the kernel thread to the process.
                    self.st.lazy[core] = false;
                    let asid = self.asid(p)?;
                    self.stats.cores[core].context_switches += 1;
                    return self.cmds(
                        core,
                        vec![Command::Switch(asid)],
                        After::Retry { vaddr, access, tries: 0 },
                        0,
                        0,
                    );
                }
                self.translate(core, vaddr, access, 0)?;
            }
            Step::Run(p) => {
                let asid = self.asid(p)?;
                if self.st.running[core] != Some(p) || self.st.lazy[core] {
                    self.st.running[core] = Some(p);
                    self.st.lazy[core] = false;
                    self.stats.cores[core].context_switches += 1;
                    self.cmds(core, vec![Command::Switch(asid)], After::Nothing, 0, 0)?;
                }
            }
            Step::KernelThread => {
                if self.st.running[core].is_some() && !self.st.lazy[core] {
                    self.st.lazy[core] = true;
                    self.stats.cores[core].kernel_threads += 1;
                    self.cmds(core, vec![Command::Lazy], After::Nothing, 0, 0)?;
                }
            }
            Step::Exec(p) => {
                let Some(asid) = self.st.free_asids.pop_front() else {
                    self.busy[core] = Busy::Pending(Step::Exec(p));
                    return Ok(());
                };
                self.new_space(p, asid);
                self.stats.os.execs += 1;
                self.cmds(
                    core,
                    vec![Command::SetAttrs { asid, root: self.st.procs[p].root, pm: 0 }, Command::Sync],
                    After::Nothing,
                    0,
                    0,
                )?;
            }
            Step::Fork { parent, child } => {
                let pasid = self.asid(parent)?;
                let Some(asid) = self.st.free_asids.pop_front() else {
                    self.busy[core] = Busy::Pending(Step::Fork { parent, child });
                    return Ok(());
                };
                self.new_space(child, asid);
                self.st.procs[child].areas = self.st.procs[parent].areas.clone();
                self.st.procs[child].holes = self.st.procs[parent].holes.clone();
                let pages: Vec<(u64, Mapping)> = self.st.procs[parent].pages.iter().map(|(k, m)| (*k, *m)).collect();
                for (k, mut m) in pages {
                    if m.prot & PROT_WRITE != 0 {
                        m.cow = true;
                        self.write_pte(parent, k, Some(m));
                    }
                    self.write_pte(child, k, Some(m));
                }
                self.stats.os.forks += 1;
                // Linux: flush_tlb_mm(parent) after write-protecting it.
                let targets = self.ipi_targets(core, parent, false);
                self.cmds(
                    core,
                    vec![
                        Command::SetAttrs { asid, root: self.st.procs[child].root, pm: 0 },
                        Command::Post { kind: InvalKind::Asid, asid: pasid, vaddr: 0, npages: 0 },
                        Command::Sync,
                    ],
                    After::Nothing,
                    MAX_RANGE,
                    targets,
                )?;
            }
            Step::Exit(p) => {
                let asid = self.asid(p)?;
                if let Some(c) =
                    (0..self.sys.cores()).find(|&c| c != core && self.st.running[c] == Some(p) && !self.st.lazy[c])
                {
                    return Err(RunError::Os(format!("process {p} exits on core {core} while it runs on core {c}")));
                }
                let mut cmds = Vec::new();
                if self.st.running[core] == Some(p) && !self.st.lazy[core] {
                    // The exiting task leaves for the idle thread, which keeps the space
                    // lazily until the release drops it (below: the core runs nothing).
                    cmds.push(Command::Lazy);
                }
                cmds.extend([Command::Release(asid), Command::Sync]);
                for c in 0..self.sys.cores() {
                    if self.st.running[c] == Some(p) {
                        self.st.running[c] = None;
                        self.st.lazy[c] = false;
                    }
                }
                let proc_ = &mut self.st.procs[p];
                proc_.exited = true;
                proc_.asid = None;
                proc_.pages.clear();
                self.stats.os.exits += 1;
                self.cmds(core, cmds, After::Released { asid }, 0, 0)?;
            }
            Step::Mmap { proc, vaddr, len, prot } => {
                let (s, e) = pages_of(vaddr, len);
                self.stats.os.mmaps += 1;
                let span = self.zap(proc, s, e);
                let pr = &mut self.st.procs[proc];
                pr.areas.insert(s, e, prot);
                pr.holes.remove(s, e);
                self.shootdown(core, proc, span, true)?;
            }
            Step::Munmap { proc, vaddr, len } => {
                let (s, e) = pages_of(vaddr, len);
                self.stats.os.munmaps += 1;
                let span = self.zap(proc, s, e);
                let pr = &mut self.st.procs[proc];
                pr.areas.remove(s, e);
                pr.holes.insert(s, e, ());
                self.shootdown(core, proc, span, true)?;
            }
            Step::MadviseDontneed { proc, vaddr, len } => {
                let (s, e) = pages_of(vaddr, len);
                self.stats.os.madvises += 1;
                let span = self.zap(proc, s, e);
                self.shootdown(core, proc, span, false)?;
            }
            Step::Mprotect { proc, vaddr, len, prot } => {
                let (s, e) = pages_of(vaddr, len);
                self.stats.os.mprotects += 1;
                self.st.procs[proc].areas.insert(s, e, prot);
                let pages = self.st.procs[proc].mapped_in(s, e);
                let mut span: Option<(u64, u64)> = None;
                for (k, mut m) in pages {
                    if m.prot == prot {
                        continue;
                    }
                    let end = k + if m.huge { HUGE_PAGES } else { 1 };
                    span = Some(span.map_or((k, end), |(a, b)| (a.min(k), b.max(end))));
                    m.prot = prot;
                    // PROT_NONE has no leaf encoding: the page goes.
                    self.write_pte(proc, k, (prot != 0).then_some(m));
                }
                self.shootdown(core, proc, span, false)?;
            }
            Step::Collapse { proc, vaddr } => {
                let base = vpn(vaddr) & !(HUGE_PAGES - 1);
                if self.st.procs[proc].pages.get(&base).is_some_and(|m| m.huge) {
                    return Ok(());
                }
                self.stats.os.collapses += 1;
                let prot = self.st.procs[proc].areas.get(base).unwrap_or(PROT_READ | PROT_WRITE);
                self.zap(proc, base, base + HUGE_PAGES);
                let ppn = self.st.frames(HUGE_PAGES);
                self.write_pte(proc, base, Some(Mapping { ppn, huge: true, prot, cow: false }));
                self.shootdown(core, proc, Some((base, base + HUGE_PAGES)), true)?;
            }
            Step::Split { proc, vaddr } => {
                let base = vpn(vaddr) & !(HUGE_PAGES - 1);
                let Some(m) = self.st.procs[proc].pages.get(&base).copied().filter(|m| m.huge) else {
                    return Ok(());
                };
                self.stats.os.splits += 1;
                self.write_pte(proc, base, None);
                for k in 0..HUGE_PAGES {
                    self.write_pte(proc, base + k, Some(Mapping { ppn: m.ppn + k, huge: false, ..m }));
                }
                self.shootdown(core, proc, Some((base, base + HUGE_PAGES)), false)?;
            }
            Step::Migrate { proc, vaddr, pages } => {
                let asid = self.asid(proc)?;
                let mut cmds = Vec::new();
                for i in 0..pages.min(64) {
                    let Some((k, m)) = self.st.procs[proc].lookup(vpn(vaddr) + i).filter(|(_, m)| !m.huge) else {
                        continue;
                    };
                    self.stats.os.migrations += 1;
                    let ppn = self.st.frames(1);
                    self.write_pte(proc, k, Some(Mapping { ppn, ..m }));
                    cmds.push(Command::Post { kind: InvalKind::VaAsid, asid, vaddr: k << 12, npages: 0 });
                }
                if !cmds.is_empty() {
                    let n = cmds.len() as u64;
                    cmds.push(Command::Sync);
                    let targets = self.ipi_targets(core, proc, false);
                    self.cmds(core, cmds, After::Nothing, n, targets)?;
                }
            }
            Step::SetPm { proc, pm } => {
                let asid = self.asid(proc)?;
                let root = self.st.procs[proc].root;
                self.stats.os.attr_changes += 1;
                // Linux (LAM): an IPI to every CPU running the mm to reload CR3.
                let targets = self.ipi_targets(core, proc, false);
                self.cmds(core, vec![Command::SetAttrs { asid, root, pm }, Command::Sync], After::Nothing, 0, targets)?;
                if let Busy::Cmds { lam, .. } = &mut self.busy[core] {
                    *lam = true;
                }
            }
        }
        Ok(())
    }

    fn new_space(&mut self, p: ProcId, asid: u16) {
        let root = self.sys.tables.alloc_table();
        let used = &mut self.st.used_asids[usize::from(asid)];
        if *used {
            self.stats.os.asid_reuses += 1;
        }
        *used = true;
        let pr = &mut self.st.procs[p];
        *pr = Proc { asid: Some(asid), root, ..Proc::default() };
    }

    /// The kernel's page-fault handler: page in, break copy-on-write, or count the fault.
    pub(super) fn page_fault(&mut self, core: usize, vaddr: u64, access: Access, tries: u8) -> Result<(), RunError> {
        let p = self.st.running[core].expect("a core that translated runs a process");
        let v = vpn(vaddr);
        let pr = &self.st.procs[p];
        let area = pr.areas.get(v);
        if tries >= 3 {
            self.stats.cores[core].protection_faults += 1;
            return Ok(());
        }
        match pr.lookup(v) {
            Some((k, m)) => {
                if access == Access::Store && m.cow && m.prot & PROT_WRITE != 0 && !m.huge {
                    self.stats.cores[core].cow_faults += 1;
                    let ppn = self.st.frames(1);
                    self.write_pte(p, k, Some(Mapping { ppn, cow: false, ..m }));
                    let asid = self.asid(p)?;
                    let targets = self.ipi_targets(core, p, false);
                    let cmds = self.flush(asid, (k, k + 1));
                    self.cmds(core, cmds, After::Retry { vaddr, access, tries: tries + 1 }, 1, targets)?;
                } else if tries == 0 {
                    // Another core may have changed the page under us: try once more.
                    self.translate(core, vaddr, access, tries + 1)?;
                } else {
                    self.stats.cores[core].protection_faults += 1;
                }
            }
            None => {
                if pr.holes.get(v).is_some() || area == Some(0) {
                    self.stats.cores[core].unmapped_accesses += 1;
                    return Ok(());
                }
                let prot = area.unwrap_or(PROT_RWX);
                let ppn = self.st.frames(1);
                self.stats.cores[core].demand_faults += 1;
                self.write_pte(p, v, Some(Mapping { ppn, huge: false, prot, cow: false }));
                self.translate(core, vaddr, access, tries + 1)?;
            }
        }
        Ok(())
    }
}
