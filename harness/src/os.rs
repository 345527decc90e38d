//! An operating system in miniature on top of the multi-core system ([`SysLockstep`]):
//! processes with address spaces (an ASID and an Sv39 root each), memory areas, demand
//! paging, and the page-table changes a kernel makes (munmap, mprotect, madvise, mremap,
//! brk, THP collapse and split, page migration, fork with copy-on-write, exit with ASID
//! recycling), each followed by the shootdown it owes: POSTs from the core that made the
//! change, then its SYNC.
//!
//! A [`Workload`] says what each core does next ([`Step`]); the [`Os`] runs every core at
//! once, one step per core at a time, so initiators overlap each other and translations in
//! flight. Every answer is judged by the oracle (when on) and, in lockstep, every output of
//! the RTL is compared with the model every cycle.
//!
//! The same run is costed as Linux would pay for it with IPIs ([`IpiCost`]): for every
//! shootdown, the cores Linux would interrupt (those running the address space, and lazy
//! ones when page tables are freed), the initiator's send and wait, and each target's
//! interrupt and flush (docs/perf.md cites where the figures come from).

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use tlb_sim::{Access, InvalKind, PageLevel, Pte};

use crate::pagetable::PteFlags;
use crate::system::{Command, Request, SysLockstep};
use crate::Failure;

pub type ProcId = usize;

/// `PROT_*` bits as Linux numbers them.
pub const PROT_READ: u32 = 1;
pub const PROT_WRITE: u32 = 2;
pub const PROT_EXEC: u32 = 4;
pub const PROT_RWX: u32 = 7;

const PAGE: u64 = 4096;
const HUGE_PAGES: u64 = 512;
/// User addresses are folded into Sv39's lower half (38 bits).
pub const VA_MASK: u64 = (1 << 38) - 1;
/// Cycles without any step starting or answer arriving after which a run is stuck.
const STALL_CYCLES: u64 = 200_000;
/// Range invalidations cover at most this many pages (16-bit operand); longer ones flush
/// the ASID.
const MAX_RANGE: u64 = 1 << 16;

/// What a core does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A user access by the process this core runs (a lazy core switches back first).
    Access {
        vaddr: u64,
        access: Access,
    },
    /// Run `proc` on this core: a context switch, unless it already runs it.
    Run(ProcId),
    /// A kernel thread: the core keeps its address space loaded, lazily.
    KernelThread,
    /// Do nothing for this many cycles.
    Idle(u32),
    /// Wait until every core that is not done has reached a barrier.
    Barrier,
    /// Give `proc` an ASID and an empty address space (execve).
    Exec(ProcId),
    /// `child` gets a copy of `parent`'s address space, both copy-on-write.
    Fork {
        parent: ProcId,
        child: ProcId,
    },
    /// The process exits: its ASID is released everywhere and reused once free.
    Exit(ProcId),
    Mmap {
        proc: ProcId,
        vaddr: u64,
        len: u64,
        prot: u32,
    },
    Munmap {
        proc: ProcId,
        vaddr: u64,
        len: u64,
    },
    Mprotect {
        proc: ProcId,
        vaddr: u64,
        len: u64,
        prot: u32,
    },
    /// `MADV_DONTNEED`: the pages go, the area stays.
    MadviseDontneed {
        proc: ProcId,
        vaddr: u64,
        len: u64,
    },
    /// THP collapse of the 2 MiB region holding `vaddr` into one huge page.
    Collapse {
        proc: ProcId,
        vaddr: u64,
    },
    /// A huge page split back into 4 KiB pages.
    Split {
        proc: ProcId,
        vaddr: u64,
    },
    /// Page migration of `pages` pages from `vaddr`, each to a new frame, each posted on
    /// its own and one sync for all (a deferred flush).
    Migrate {
        proc: ProcId,
        vaddr: u64,
        pages: u64,
    },
    /// New pointer-masking mode (LAM) for the process: a new generation of its ASID.
    SetPm {
        proc: ProcId,
        pm: u8,
    },
}

/// A workload's answer for one core.
#[derive(Debug)]
pub enum Next {
    Step(Step),
    /// Nothing for this core now; ask again next cycle.
    Wait,
    /// This core is finished.
    Done,
    /// The workload cannot go on (a malformed trace line, say).
    Fail(String),
}

pub trait Workload {
    /// What `core` does next. `os` tells which process each core runs and lets the workload
    /// create processes ([`OsState::new_proc`]).
    fn next(&mut self, core: usize, os: &mut OsState) -> Next;
    /// Called once before the first step (create processes here).
    fn setup(&mut self, _os: &mut OsState) {}
    /// Progress in the workload's own units (done, total), when it knows.
    fn progress(&self) -> Option<(u64, u64)> {
        None
    }
    /// For trace replays: what was read.
    fn trace_info(&self) -> Option<TraceInfo> {
        None
    }
}

/// What a trace replay read.
#[derive(Clone, Debug, Serialize)]
pub struct TraceInfo {
    pub path: std::path::PathBuf,
    pub lines: u64,
    pub bad_lines_skipped: u64,
    pub threads: usize,
    pub accesses: u64,
    /// A truncated gzip file replayed up to its last whole line (`--skip-bad-lines`).
    pub truncated: bool,
}

/// One mapped page (4 KiB or 2 MiB), keyed by its first VPN.
#[derive(Clone, Copy, Debug)]
struct Mapping {
    ppn: u64,
    huge: bool,
    prot: u32,
    /// Write-protected by a fork; a store breaks the sharing.
    cow: bool,
}

/// Non-overlapping half-open ranges of VPNs with a value each.
#[derive(Clone, Debug, Default)]
struct RangeMap<V: Copy> {
    m: BTreeMap<u64, (u64, V)>,
}

impl<V: Copy> RangeMap<V> {
    fn get(&self, vpn: u64) -> Option<V> {
        let (_, &(end, v)) = self.m.range(..=vpn).next_back()?;
        (vpn < end).then_some(v)
    }
    fn remove(&mut self, start: u64, end: u64) {
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
    fn insert(&mut self, start: u64, end: u64, v: V) {
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
    pages: BTreeMap<u64, Mapping>,
    /// Areas mapped with a known protection.
    areas: RangeMap<u32>,
    /// Unmapped ranges an access faults on (instead of being paged in).
    holes: RangeMap<()>,
}

/// What the OS knows; workloads read it and create processes.
#[derive(Debug, Default)]
pub struct OsState {
    pub procs: Vec<Proc>,
    /// Per core: the process it runs, and whether lazily (a kernel thread).
    pub running: Vec<Option<ProcId>>,
    pub lazy: Vec<bool>,
    free_asids: VecDeque<u16>,
    /// ASIDs some process has had.
    used_asids: u64,
    next_frame: u64,
}

impl OsState {
    /// A new process, with no address space until a [`Step::Exec`] or [`Step::Fork`].
    pub fn new_proc(&mut self) -> ProcId {
        self.procs.push(Proc::default());
        self.procs.len() - 1
    }
    fn frames(&mut self, n: u64) -> u64 {
        // Data frames live far from the page tables (PageTables allocates from 0x8_0000).
        let align = n.next_power_of_two();
        self.next_frame = self.next_frame.div_ceil(align) * align;
        let f = 0x100_0000 + self.next_frame;
        self.next_frame += n;
        f
    }
}

impl Proc {
    fn lookup(&self, vpn: u64) -> Option<(u64, Mapping)> {
        if let Some(m) = self.pages.get(&vpn) {
            return Some((vpn, *m));
        }
        let base = vpn & !(HUGE_PAGES - 1);
        self.pages.get(&base).filter(|m| m.huge).map(|m| (base, *m))
    }
    /// Mapped pages overlapping `start..end` (VPNs), by first VPN.
    fn mapped_in(&self, start: u64, end: u64) -> Vec<(u64, Mapping)> {
        self.pages
            .range(start.saturating_sub(HUGE_PAGES - 1)..end)
            .filter(|(k, m)| **k >= start || (m.huge && **k + HUGE_PAGES > start))
            .map(|(k, m)| (*k, *m))
            .collect()
    }
}

fn vpn(vaddr: u64) -> u64 {
    (vaddr & VA_MASK) >> 12
}

fn pages_of(vaddr: u64, len: u64) -> (u64, u64) {
    let start = vpn(vaddr);
    let end = ((vaddr & VA_MASK) + len.max(1)).div_ceil(PAGE).min(1 << 26);
    (start, end.max(start + 1))
}

fn flags(prot: u32, cow: bool) -> PteFlags {
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

/// Linux's cost of a shootdown done with IPIs, in CPU cycles. The defaults and their sources
/// are in docs/perf.md.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct IpiCost {
    /// Initiator: building the flush request and starting the send.
    pub initiator_base: u64,
    /// Initiator: per target CPU (an ICR write each).
    pub per_target_send: u64,
    /// Delivery to a target until its handler runs.
    pub delivery: u64,
    /// Target: interrupt entry, handler, exit and acknowledgement, per target.
    pub remote_handler: u64,
    /// One `invlpg`.
    pub invlpg: u64,
    /// A full flush (CR3 reload) and the refill it costs.
    pub full_flush: u64,
    /// Ranges longer than this many pages are flushed whole (Linux:
    /// `tlb_single_page_flush_ceiling`).
    pub ceiling: u64,
}

impl IpiCost {
    fn flush(&self, pages: u64) -> u64 {
        if pages > self.ceiling {
            self.full_flush
        } else {
            pages.saturating_mul(self.invlpg)
        }
    }
    /// (initiator cycles, cycles on each target) for a shootdown of `pages` to `targets`.
    /// Saturates at `u64::MAX` instead of wrapping (the CLI bounds each figure to 10^9).
    pub fn cost(&self, pages: u64, targets: u64) -> (u64, u64) {
        let local = self.flush(pages);
        if targets == 0 {
            return (local, 0);
        }
        let remote = self.remote_handler.saturating_add(self.flush(pages));
        let initiator = [targets.saturating_mul(self.per_target_send), local, self.delivery, remote]
            .into_iter()
            .fold(self.initiator_base, u64::saturating_add);
        (initiator, remote)
    }
}

/// Per-core statistics.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CoreStats {
    pub translations: u64,
    pub hits: u64,
    pub walks: u64,
    /// Translations answered with a page fault (the OS then handles them).
    pub tlb_faults: u64,
    /// Page faults that mapped a page (demand paging).
    pub demand_faults: u64,
    /// Stores to copy-on-write pages.
    pub cow_faults: u64,
    /// Permission faults the OS could not resolve (counted, not retried).
    pub protection_faults: u64,
    /// Accesses to unmapped memory (munmapped, or PROT_NONE).
    pub unmapped_accesses: u64,
    pub context_switches: u64,
    pub kernel_threads: u64,
    /// Shootdowns this core initiated.
    pub shootdowns: u64,
    /// Translations and hits per window of [`OsConfig::window`] cycles.
    pub series: Vec<(u32, u32)>,
}

/// Operating-system events.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OsCounts {
    pub execs: u64,
    pub forks: u64,
    pub exits: u64,
    /// Execs and forks that got an ASID another process had.
    pub asid_reuses: u64,
    pub mmaps: u64,
    pub munmaps: u64,
    pub mprotects: u64,
    pub madvises: u64,
    pub collapses: u64,
    pub splits: u64,
    pub migrations: u64,
    /// Pointer-masking (LAM) changes.
    pub attr_changes: u64,
}

/// One shootdown: the posts of an OS operation and its sync.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Shootdown {
    pub core: usize,
    /// Cycle the first post was accepted, and the sync completed.
    pub posted: u64,
    pub synced: u64,
    pub pages: u64,
    /// CPUs Linux would interrupt.
    pub ipi_targets: u64,
}

impl Shootdown {
    /// What Linux would have paid for this shootdown with IPIs: (initiator cycles, cycles
    /// on all targets together).
    pub fn ipi_cycles(&self, c: &IpiCost) -> (u64, u64) {
        let (initiator, each) = c.cost(self.pages, self.ipi_targets);
        (initiator, each.saturating_mul(self.ipi_targets))
    }
}

/// What a run gathered.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunStats {
    pub cycles: u64,
    pub cores: Vec<CoreStats>,
    pub os: OsCounts,
    pub shootdowns: Vec<Shootdown>,
    pub walk_restarts: u64,
    pub oracle_checks: u64,
}

#[derive(Clone, Copy, Debug)]
pub struct OsConfig {
    /// Cycles per point of the hit-rate series.
    pub window: u64,
    pub max_cycles: u64,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Ending {
    /// Every core's workload is done.
    Finished,
    /// The cycle budget ran out.
    CycleLimit,
    /// Stopped from outside (Ctrl-C).
    Interrupted,
}

#[derive(Debug)]
pub enum RunError {
    /// RTL and model disagreed, or the oracle refused an answer.
    Lockstep(Failure),
    /// The workload could not go on.
    Workload(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Lockstep(x) => write!(f, "{}", x.report),
            RunError::Workload(x) => write!(f, "{x}"),
        }
    }
}

impl From<Failure> for RunError {
    fn from(f: Failure) -> RunError {
        RunError::Lockstep(f)
    }
}

/// What an OS operation does when its commands complete.
#[derive(Clone, Copy, Debug)]
enum After {
    Nothing,
    /// Retry the translation (after a copy-on-write break).
    Retry {
        vaddr: u64,
        access: Access,
        tries: u8,
    },
    /// The ASID is free again.
    Released {
        asid: u16,
    },
}

#[derive(Debug)]
enum Busy {
    Free,
    /// A step that cannot start yet (no ASID free, barrier not reached).
    Pending(Step),
    Translate {
        vaddr: u64,
        access: Access,
        tries: u8,
    },
    /// `lam`: an attribute change that counts as a shootdown (from its SET_ATTRS on).
    Cmds {
        queue: VecDeque<Command>,
        after: After,
        pages: u64,
        ipi_targets: u64,
        posted: Option<u64>,
        lam: bool,
    },
    Idle {
        until: u64,
    },
    Barrier,
    Done,
}

/// The OS and the system it runs on.
pub struct Os {
    pub sys: SysLockstep,
    pub st: OsState,
    pub stats: RunStats,
    cfg: OsConfig,
    busy: Vec<Busy>,
    /// Last cycle a step started or a core got an answer (the stall watchdog).
    progress_at: u64,
    set_up: bool,
}

impl Os {
    pub fn new(sys: SysLockstep, cfg: OsConfig) -> Os {
        let n = sys.cores();
        let asids = sys.config().sys.asids as u16;
        Os {
            st: OsState {
                running: vec![None; n],
                lazy: vec![false; n],
                free_asids: (1..asids).collect(),
                ..OsState::default()
            },
            stats: RunStats { cores: vec![CoreStats::default(); n], ..RunStats::default() },
            busy: (0..n).map(|_| Busy::Free).collect(),
            progress_at: 0,
            set_up: false,
            sys,
            cfg,
        }
    }

    pub fn cycle(&self) -> u64 {
        self.sys.cycle()
    }

    /// Runs `w` until it is done, the cycle budget is spent, or `stop` is set.
    pub fn run(
        &mut self,
        w: &mut dyn Workload,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(&Os, &dyn Workload),
    ) -> Result<Ending, RunError> {
        let n = self.sys.cores();
        if !self.set_up {
            self.set_up = true;
            w.setup(&mut self.st);
        }
        let ending = loop {
            for c in 0..n {
                self.dispatch(c, w)?;
            }
            self.release_barrier();
            if self.busy.iter().all(|b| matches!(b, Busy::Done)) {
                break Ending::Finished;
            }
            if self.cycle() >= self.cfg.max_cycles {
                break Ending::CycleLimit;
            }
            if self.cycle().is_multiple_of(4096) {
                if stop.load(Ordering::Relaxed) {
                    break Ending::Interrupted;
                }
                progress(self, w);
            }
            if self.cycle() - self.progress_at > STALL_CYCLES {
                let states: Vec<String> =
                    self.busy.iter().enumerate().map(|(c, b)| format!("core {c}: {b:?}")).collect();
                return Err(RunError::Workload(format!(
                    "the workload stalled: nothing started or finished for {STALL_CYCLES} cycles ({})",
                    states.join("; ")
                )));
            }
            self.sys.step()?;
            self.collect()?;
        };
        self.stats.cycles = self.cycle();
        self.stats.walk_restarts = self.sys.walk_restarts();
        self.stats.oracle_checks = self.sys.oracle_checks();
        Ok(ending)
    }

    /// Starts steps on `core` until one occupies it.
    fn dispatch(&mut self, core: usize, w: &mut dyn Workload) -> Result<(), RunError> {
        for _ in 0..64 {
            let step = match std::mem::replace(&mut self.busy[core], Busy::Free) {
                Busy::Free => match w.next(core, &mut self.st) {
                    Next::Step(s) => s,
                    Next::Wait => return Ok(()),
                    Next::Done => {
                        self.busy[core] = Busy::Done;
                        return Ok(());
                    }
                    Next::Fail(why) => return Err(RunError::Workload(why)),
                },
                Busy::Pending(s) => s,
                Busy::Idle { until } if until <= self.cycle() => continue,
                other => {
                    self.busy[core] = other;
                    return Ok(());
                }
            };
            self.start(core, step)?;
            if !matches!(self.busy[core], Busy::Free) {
                return Ok(());
            }
        }
        Ok(())
    }

    fn release_barrier(&mut self) {
        let waiting = self.busy.iter().filter(|b| matches!(b, Busy::Barrier)).count();
        let live = self.busy.iter().filter(|b| !matches!(b, Busy::Done)).count();
        if waiting > 0 && waiting == live {
            for b in &mut self.busy {
                if matches!(b, Busy::Barrier) {
                    *b = Busy::Free;
                }
            }
        }
    }

    fn cmds(
        &mut self,
        core: usize,
        cmds: Vec<Command>,
        after: After,
        pages: u64,
        ipi_targets: u64,
    ) -> Result<(), RunError> {
        let mut queue: VecDeque<Command> = cmds.into();
        let first = queue.pop_front().expect("a command");
        self.sys.post_cmd(core, first)?;
        self.busy[core] = Busy::Cmds { queue, after, pages, ipi_targets, posted: None, lam: false };
        Ok(())
    }

    fn asid(&self, p: ProcId) -> Result<u16, RunError> {
        self.st.procs[p]
            .asid
            .ok_or_else(|| RunError::Workload(format!("process {p} has no address space (exec it first)")))
    }

    /// CPUs Linux would send a shootdown of `p` to from `core`: those running it, and the
    /// lazy ones when page tables are freed.
    fn ipi_targets(&self, core: usize, p: ProcId, freed_tables: bool) -> u64 {
        (0..self.sys.cores())
            .filter(|&c| c != core && self.st.running[c] == Some(p) && (!self.st.lazy[c] || freed_tables))
            .count() as u64
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

    fn start(&mut self, core: usize, step: Step) -> Result<(), RunError> {
        let cycle = self.cycle();
        if !matches!(step, Step::Barrier) {
            self.progress_at = cycle;
        }
        match step {
            Step::Idle(n) => self.busy[core] = Busy::Idle { until: cycle + n as u64 },
            Step::Barrier => self.busy[core] = Busy::Barrier,
            Step::Access { vaddr, access } => {
                let Some(p) = self.st.running[core] else {
                    return Err(RunError::Workload(format!("core {core} accesses {vaddr:#x} running no process")));
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
                    return Err(RunError::Workload(format!(
                        "process {p} exits on core {core} while it runs on core {c}"
                    )));
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
        if self.st.used_asids & (1 << asid) != 0 {
            self.stats.os.asid_reuses += 1;
        }
        self.st.used_asids |= 1 << asid;
        let pr = &mut self.st.procs[p];
        *pr = Proc { asid: Some(asid), root, ..Proc::default() };
    }

    fn translate(&mut self, core: usize, vaddr: u64, access: Access, tries: u8) -> Result<(), RunError> {
        self.sys.issue(core, Request { vaddr: vaddr & VA_MASK, access, priv_u: true })?;
        self.busy[core] = Busy::Translate { vaddr, access, tries };
        Ok(())
    }

    /// Answers and finished commands of the cycle just clocked.
    fn collect(&mut self) -> Result<(), RunError> {
        let cycle = self.cycle();
        let window = (cycle / self.cfg.window.max(1)) as usize;
        for r in self.sys.take_responses() {
            let c = r.core;
            self.progress_at = cycle;
            let cs = &mut self.stats.cores[c];
            cs.translations += 1;
            cs.hits += r.hit as u64;
            cs.walks += !r.hit as u64;
            if cs.series.len() <= window {
                cs.series.resize(window + 1, (0, 0));
            }
            cs.series[window].0 += 1;
            cs.series[window].1 += r.hit as u32;
            let Busy::Translate { vaddr, access, tries } = self.busy[c] else {
                return Err(RunError::Workload(format!("core {c}: an answer with no translation outstanding")));
            };
            self.busy[c] = Busy::Free;
            if r.fault {
                self.stats.cores[c].tlb_faults += 1;
                self.page_fault(c, vaddr, access, tries)?;
            }
        }
        for c in 0..self.sys.cores() {
            for res in self.sys.take_results(c) {
                let Busy::Cmds { queue, after, pages, ipi_targets, posted, lam } = &mut self.busy[c] else {
                    return Err(RunError::Workload(format!("core {c}: a command result with no command outstanding")));
                };
                if res.error {
                    return Err(RunError::Workload(format!("core {c}: the system refused {:?}", res.cmd)));
                }
                let starts = matches!(res.cmd, Command::Post { .. } | Command::Release(_))
                    || (*lam && matches!(res.cmd, Command::SetAttrs { .. }));
                if starts && posted.is_none() {
                    *posted = Some(res.accepted);
                }
                if let Some(next) = queue.pop_front() {
                    self.sys.post_cmd(c, next)?;
                    continue;
                }
                let (after, pages, ipi_targets, posted) = (*after, *pages, *ipi_targets, *posted);
                self.busy[c] = Busy::Free;
                if let Some(posted) = posted {
                    self.stats.cores[c].shootdowns += 1;
                    self.stats.shootdowns.push(Shootdown { core: c, posted, synced: res.done, pages, ipi_targets });
                }
                match after {
                    After::Nothing => {}
                    After::Retry { vaddr, access, tries } => self.translate(c, vaddr, access, tries)?,
                    After::Released { asid } => self.st.free_asids.push_front(asid),
                }
            }
        }
        Ok(())
    }

    /// The kernel's page-fault handler: page in, break copy-on-write, or count the fault.
    fn page_fault(&mut self, core: usize, vaddr: u64, access: Access, tries: u8) -> Result<(), RunError> {
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

/// A histogram of sync latencies: (upper bound in cycles, count), bounds powers of two.
pub fn latency_histogram(lat: &[u64]) -> Vec<(u64, u64)> {
    let mut h: Vec<(u64, u64)> = Vec::new();
    for &l in lat {
        let b = l.max(1).next_power_of_two();
        match h.iter_mut().find(|(k, _)| *k == b) {
            Some(e) => e.1 += 1,
            None => h.push((b, 1)),
        }
    }
    h.sort_unstable();
    h
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

    #[test]
    fn ipi_cost_switches_to_a_full_flush_above_the_ceiling() {
        let c = IpiCost {
            initiator_base: 100,
            per_target_send: 10,
            delivery: 1000,
            remote_handler: 2000,
            invlpg: 100,
            full_flush: 5000,
            ceiling: 33,
        };
        assert_eq!(c.cost(1, 0), (100, 0));
        assert_eq!(c.cost(2, 3), (100 + 30 + 200 + 1000 + 2200, 2200));
        assert_eq!(c.cost(34, 1).1, 2000 + 5000);
    }

    /// Absurd figures (a library user, or a flag past the CLI's bound) saturate, never wrap
    /// to a small cost or panic.
    #[test]
    fn ipi_cost_saturates_instead_of_wrapping() {
        let max = u64::MAX;
        let c = IpiCost {
            initiator_base: max,
            per_target_send: max,
            delivery: max,
            remote_handler: max,
            invlpg: max,
            full_flush: max,
            ceiling: max,
        };
        assert_eq!(c.cost(max, 16), (max, max));
        assert_eq!(c.cost(2, 0), (max, 0));
        let sd = Shootdown { core: 0, posted: 0, synced: 5, pages: 1 << 40, ipi_targets: 15 };
        let big = IpiCost { initiator_base: 0, invlpg: 1 << 30, ceiling: max, ..c };
        assert_eq!(sd.ipi_cycles(&big), (max, max));
    }
}
