// SPDX-License-Identifier: Apache-2.0
//! The runner: the [`Os`] runs every core at once. Each cycle it starts steps on the cores
//! that are free ([`Workload::next`]), releases a barrier every live core has reached,
//! clocks the system, and collects the cycle's answers and command results (counted into
//! [`RunStats`], and what waited on them started). A run ends when every core is done, at
//! the cycle budget, when stopped from outside, or on a stall; then what the system counted
//! itself is added to the [`RunStats`], which then hold all the run gathered.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use tlb_sim::Access;

use super::{CoreStats, Next, OsState, RunStats, Shootdown, Step, Workload, VA_MASK};
use crate::error::WorkloadError;
use crate::system::{Command, Request, SysLockstep};
use crate::Failure;

/// Cycles without any step starting or answer arriving after which a run is stuck.
const STALL_CYCLES: u64 = 200_000;

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

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// RTL and model disagreed, or the oracle refused an answer.
    #[error(transparent)]
    Lockstep(#[from] Failure),
    /// The workload could not go on.
    #[error(transparent)]
    Workload(#[from] WorkloadError),
    /// The OS model met a state it cannot go on from (a workload asked for the impossible,
    /// or the system refused a command): what, as one line.
    #[error("{0}")]
    Os(String),
}

/// What an OS operation does when its commands complete.
#[derive(Clone, Copy, Debug)]
pub(super) enum After {
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
pub(super) enum Busy {
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
    pub(super) busy: Vec<Busy>,
    /// Last cycle a step started or a core got an answer (the stall watchdog).
    pub(super) progress_at: u64,
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
                used_asids: vec![false; usize::from(asids)],
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
                return Err(RunError::Os(format!(
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
        self.stats.fabric = self.sys.outputs().cnt;
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

    pub(super) fn cmds(
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

    pub(super) fn translate(&mut self, core: usize, vaddr: u64, access: Access, tries: u8) -> Result<(), RunError> {
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
                return Err(RunError::Os(format!("core {c}: an answer with no translation outstanding")));
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
                    return Err(RunError::Os(format!("core {c}: a command result with no command outstanding")));
                };
                if res.error {
                    return Err(RunError::Os(format!("core {c}: the system refused {:?}", res.cmd)));
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
}
