// SPDX-License-Identifier: Apache-2.0
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
//!
//! Where each part lives:
//! - this file: the interface a workload implements ([`Workload`], [`Step`], [`Next`],
//!   [`TraceInfo`]), and the re-exports that make up `tlb_harness::os`.
//! - `process.rs`: processes and their address spaces ([`Proc`], [`OsState`]): the pages,
//!   areas and holes the kernel keeps per process, the frame allocator, `PROT_*`.
//! - `runner.rs`: the [`Os`] itself ([`OsConfig`], [`Ending`], [`RunError`]): each core's
//!   state, steps started on free cores, barriers, the stall watchdog, and the answers and
//!   command results collected every cycle.
//! - `kernel.rs`: what each [`Step`] does to the address spaces and the TLBs, the shootdown
//!   it owes, and the page-fault handler.
//! - `ipi.rs`: the IPI cost model: [`IpiCost`], the CPUs Linux would interrupt, and what
//!   each [`Shootdown`] would have cost.
//! - `stats.rs`: what a run counts ([`RunStats`], [`CoreStats`], [`OsCounts`],
//!   [`Shootdown`]), and what it amounts to, computed once at its end
//!   ([`RunStats::summary`]: the [`Summary`], with each shootdown's latency and IPI cost, the
//!   totals and the sync-latency histogram).
//!
//! [`SysLockstep`]: crate::system::SysLockstep

mod ipi;
mod kernel;
mod process;
mod runner;
mod stats;

use serde::Serialize;
use tlb_sim::Access;

pub use ipi::IpiCost;
pub use process::{OsState, Proc, ProcId, PROT_EXEC, PROT_READ, PROT_RWX, PROT_WRITE, VA_MASK};
pub use runner::{Ending, Os, OsConfig, RunError};
pub use stats::{
    Comparison, CoreStats, CoreSummary, Fabric, Latency, OsCounts, RunStats, Shootdown, ShootdownCost, Summary,
};

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
    Fail(crate::error::WorkloadError),
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
