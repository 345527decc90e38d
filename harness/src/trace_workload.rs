// SPDX-License-Identifier: Apache-2.0
//! A Valgrind lackey trace as a workload: one process, its threads on the cores (the n-th
//! thread started runs on core n mod cores; valgrind gives an exited thread's id to the
//! next new thread, which is a new thread here too), every data access a translation
//! (instruction fetches too, if asked), and the memory-map syscalls (mmap, munmap,
//! mprotect, brk, madvise, mremap) as the kernel operations they are, shootdowns included.
//!
//! The trace streams: events are read only as far as the cores need them (at most
//! [`QUEUE`] steps ahead per core). A syscall that changes the memory map waits until every
//! core has finished the accesses the trace put before it (a barrier on every core), so
//! the replay keeps the trace's order across threads where it matters.

use std::collections::{HashMap, VecDeque};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use tlb_sim::Access;

use crate::error::WorkloadError;
use crate::os::{Next, OsState, ProcId, Step, TraceInfo, Workload, PROT_READ, PROT_WRITE};
use crate::trace::{self, AccessKind, TraceError, TraceErrorKind, TraceEvent, TraceOptions, TraceReader};

/// Steps read ahead per core at most.
const QUEUE: usize = 1024;
/// `MADV_DONTNEED` and `MADV_FREE`: the pages go.
const MADV_DONTNEED: u32 = 4;
const MADV_FREE: u32 = 8;
const PAGE: u64 = trace::PAGE_SIZE;

pub struct TraceWorkload {
    reader: TraceReader<Box<dyn BufRead>>,
    path: PathBuf,
    cores: usize,
    fetches: bool,
    skip_bad_lines: bool,
    proc_: ProcId,
    /// Valgrind thread id -> core, for the threads that have not exited.
    live: HashMap<u32, usize>,
    /// Threads started so far (a reused id counts again).
    threads: usize,
    started: Vec<bool>,
    queue: Vec<VecDeque<Step>>,
    accesses: u64,
    /// Instruction fetches read (replayed only with `fetches`).
    fetches_seen: u64,
    /// The file is a truncated gzip file, replayed up to its cut (with `skip_bad_lines`).
    truncated: bool,
    eof: bool,
}

impl TraceWorkload {
    pub fn open(
        path: &Path,
        cores: usize,
        skip_bad_lines: bool,
        fetches: bool,
    ) -> Result<TraceWorkload, WorkloadError> {
        let reader = trace::open(path, TraceOptions { skip_bad_lines }).map_err(WorkloadError::Open)?;
        Ok(TraceWorkload {
            reader,
            path: path.to_path_buf(),
            cores,
            fetches,
            skip_bad_lines,
            proc_: 0,
            live: HashMap::new(),
            threads: 0,
            started: vec![false; cores],
            queue: vec![VecDeque::new(); cores],
            accesses: 0,
            fetches_seen: 0,
            truncated: false,
            eof: false,
        })
    }

    /// The core of thread `tid`; a thread not seen before (or whose id was freed by its
    /// exit) is a new thread, on the next core in turn.
    fn core_of(&mut self, tid: u32) -> usize {
        let n = self.threads;
        let cores = self.cores;
        *self.live.entry(tid).or_insert_with(|| {
            self.threads += 1;
            n % cores
        })
    }

    /// One line of error for the user.
    fn error(&self, e: TraceError) -> WorkloadError {
        let path = self.path.clone();
        match e.kind {
            TraceErrorKind::BadLine => WorkloadError::BadLine { path, error: e },
            TraceErrorKind::Truncated => WorkloadError::Truncated { path, line: e.line },
            TraceErrorKind::Read | TraceErrorKind::SecondProcess => WorkloadError::Trace { path, error: e },
        }
    }

    /// At the end of the trace: a trace without accesses is not a workload.
    fn check_not_empty(&self) -> Result<(), WorkloadError> {
        if self.accesses > 0 {
            return Ok(());
        }
        let path = self.path.clone();
        if self.fetches_seen > 0 {
            return Err(WorkloadError::OnlyFetches { path, fetches: self.fetches_seen });
        }
        Err(WorkloadError::NoAccesses {
            path,
            lines: self.reader.lines_read(),
            skipped: self.reader.bad_lines_skipped(),
            truncated: self.truncated,
        })
    }

    fn push(&mut self, core: usize, step: Step) {
        if !self.started[core] {
            self.started[core] = true;
            self.queue[core].push_back(Step::Run(self.proc_));
        }
        self.queue[core].push_back(step);
    }

    /// A kernel operation of thread `tid`, after everything before it on every core.
    fn syscall(&mut self, tid: u32, step: Step) {
        for q in &mut self.queue {
            q.push_back(Step::Barrier);
        }
        let core = self.core_of(tid);
        self.push(core, step);
    }

    /// Reads one event into the queues. Ok(false) at the end of the trace.
    fn read_one(&mut self) -> Result<bool, WorkloadError> {
        let p = self.proc_;
        let ev = match self.reader.next() {
            None => {
                self.check_not_empty()?;
                return Ok(false);
            }
            Some(Err(e)) if e.kind == TraceErrorKind::Truncated && self.skip_bad_lines => {
                // Asked to get through a damaged trace: replay up to the cut, say so after.
                self.truncated = true;
                self.check_not_empty()?;
                return Ok(false);
            }
            Some(Err(e)) => return Err(self.error(e)),
            Some(Ok(ev)) => ev,
        };
        match ev {
            TraceEvent::Access { tid, vaddr, kind, .. } => {
                let access = match kind {
                    AccessKind::Instr if !self.fetches => {
                        self.fetches_seen += 1;
                        return Ok(true);
                    }
                    AccessKind::Instr => Access::Fetch,
                    AccessKind::Load => Access::Load,
                    AccessKind::Store | AccessKind::Modify => Access::Store,
                };
                self.accesses += 1;
                let core = self.core_of(tid);
                self.push(core, Step::Access { vaddr, access });
            }
            TraceEvent::Switch { tid } => {
                self.core_of(tid);
            }
            TraceEvent::Mmap { tid, addr, len, prot } => {
                self.syscall(tid, Step::Mmap { proc: p, vaddr: addr, len, prot })
            }
            TraceEvent::Munmap { tid, addr, len } => self.syscall(tid, Step::Munmap { proc: p, vaddr: addr, len }),
            TraceEvent::Mprotect { tid, addr, len, prot } => {
                self.syscall(tid, Step::Mprotect { proc: p, vaddr: addr, len, prot })
            }
            TraceEvent::Brk { tid, old, new } => {
                // The heap's pages end at the break rounded up to a page.
                let (old, new) = (old.next_multiple_of(PAGE), new.next_multiple_of(PAGE));
                if new > old {
                    self.syscall(tid, Step::Mmap { proc: p, vaddr: old, len: new - old, prot: PROT_READ | PROT_WRITE });
                } else if new < old {
                    self.syscall(tid, Step::Munmap { proc: p, vaddr: new, len: old - new });
                }
            }
            TraceEvent::Madvise { tid, addr, len, advice } => {
                if advice == MADV_DONTNEED || advice == MADV_FREE {
                    self.syscall(tid, Step::MadviseDontneed { proc: p, vaddr: addr, len });
                }
            }
            TraceEvent::Mremap { tid, old_addr, old_len, new_addr, new_len } => {
                self.syscall(tid, Step::Munmap { proc: p, vaddr: old_addr, len: old_len });
                let core = self.core_of(tid);
                self.push(core, Step::Mmap { proc: p, vaddr: new_addr, len: new_len, prot: PROT_READ | PROT_WRITE });
            }
            TraceEvent::ThreadExit { tid } => {
                // Its id is free: valgrind gives it to the next thread it starts.
                self.live.remove(&tid);
            }
        }
        Ok(true)
    }
}

impl Workload for TraceWorkload {
    fn setup(&mut self, os: &mut OsState) {
        self.proc_ = os.new_proc();
        self.queue[0].push_back(Step::Exec(self.proc_));
        for q in &mut self.queue {
            q.push_back(Step::Barrier);
        }
    }

    fn next(&mut self, core: usize, _os: &mut OsState) -> Next {
        while self.queue[core].is_empty() && !self.eof {
            if self.queue.iter().any(|q| q.len() >= QUEUE) {
                return Next::Wait;
            }
            match self.read_one() {
                Ok(true) => {}
                Ok(false) => self.eof = true,
                Err(e) => return Next::Fail(e),
            }
        }
        match self.queue[core].pop_front() {
            Some(s) => Next::Step(s),
            None => Next::Done,
        }
    }

    fn progress(&self) -> Option<(u64, u64)> {
        Some((self.reader.bytes_read(), 0))
    }

    fn trace_info(&self) -> Option<TraceInfo> {
        Some(TraceInfo {
            path: self.path.clone(),
            lines: self.reader.lines_read(),
            bad_lines_skipped: self.reader.bad_lines_skipped(),
            threads: self.threads,
            accesses: self.accesses,
            truncated: self.truncated,
        })
    }
}
