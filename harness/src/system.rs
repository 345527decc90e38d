// SPDX-License-Identifier: Apache-2.0
//! The multi-core system in lockstep: the Verilated `tlb_system` against the model
//! `tlb_sim::fabric::TlbSystem` on the lockstep engine (`tlb_lockstep::Engine`), every
//! output compared every cycle, and the oracle judging every translation of every core.
//!
//! The oracle is told what the architecture promises, not what the hardware did: an
//! invalidation (and an attribute change, and a release) counts as done only when the
//! initiator's sync completes. From then on no core may answer from a mapping it retired,
//! whichever cores the fabric targeted, skipped, or let catch up later. That is the
//! central property of the shootdown fabric (docs/shootdown.md). What it retires is what
//! was superseded before its POST was accepted: a PTE written after the post (another
//! core's munmap while this deferred flush waits for its sync) is not covered by it.
//!
//! A core's reset ([`SysLockstep::reset_core`]) is not such a promise to anyone: it drops
//! what the core was doing (requests not yet answered, its command) and empties its TLB, so
//! the oracle judges that core's later answers with the reset as a floor: they come from
//! walks after it (docs/architecture.md, the oracle; docs/shootdown.md, "Core reset").

use std::collections::VecDeque;
use std::path::PathBuf;

use tlb_lockstep::{failure_dir, Engine, Failure, Fault, Mode, ModelSystem, Report};
use tlb_sim::fabric::{DirOp, SysConfig, SysCoreInputs, SysOutputs, TlbSystem};
use tlb_sim::oracle::{Answer, Oracle, Query};
use tlb_sim::{Access, InvalKind};

use crate::error::Error;
/// A translation request of one core (the same as a single core's).
pub use crate::lockstep::Request;
use crate::mem::{MemPort, MemTiming, PhysMem};
use crate::pagetable::PageTables;
use crate::rtl_system::{RtlSysConfig, RtlSystem};

#[derive(Clone, Debug)]
pub struct SysLockstepConfig {
    pub name: String,
    pub sys: SysConfig,
    pub seed: u64,
    pub mem: MemTiming,
    pub mode: Mode,
    pub oracle: bool,
    pub out_dir: PathBuf,
    pub aftermath: u32,
    pub artifacts: bool,
    pub reproduce: String,
    /// Cycles of inputs kept for replay (failure waveforms, [`SysLockstep::write_vcd`]);
    /// about 80 bytes per core and cycle.
    pub history_limit: u64,
    /// Build the RTL with its assertions and covers (SVA) compiled in; only benchmarks turn
    /// them off ([`RtlSystem::new_without_sva`]).
    pub sva: bool,
}

impl SysLockstepConfig {
    pub fn new(name: &str, sys: SysConfig, seed: u64) -> SysLockstepConfig {
        SysLockstepConfig {
            name: name.to_string(),
            sys,
            seed,
            mem: MemTiming::default(),
            mode: Mode::Lockstep,
            oracle: true,
            out_dir: crate::toolchain::repo_root().join("target/lockstep-failures"),
            aftermath: 4,
            artifacts: true,
            reproduce: format!("TLB_SEED={seed:#x} cargo test -p tlb-harness -- {name}"),
            history_limit: 2_000_000,
            sva: true,
        }
    }
}

/// A command for a core's agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Post {
        kind: InvalKind,
        asid: u16,
        vaddr: u64,
        npages: u16,
    },
    Sync,
    Switch(u16),
    Lazy,
    SetAttrs {
        asid: u16,
        root: u64,
        pm: u8,
    },
    Release(u16),
    /// Any raw opcode (for bad-input tests).
    Raw(u8),
}

impl Command {
    fn apply(&self, i: &mut SysCoreInputs) {
        i.cmd_valid = true;
        match *self {
            Command::Post { kind, asid, vaddr, npages } => {
                (i.cmd_op, i.cmd_kind, i.cmd_asid, i.cmd_vaddr, i.cmd_npages) =
                    (DirOp::Post, kind.into(), asid, vaddr, npages)
            }
            Command::Sync => i.cmd_op = DirOp::Sync,
            Command::Switch(a) => (i.cmd_op, i.cmd_asid) = (DirOp::Switch, a),
            Command::Lazy => i.cmd_op = DirOp::Lazy,
            Command::SetAttrs { asid, root, pm } => {
                (i.cmd_op, i.cmd_asid, i.cmd_root, i.cmd_pm) = (DirOp::SetAttrs, asid, root, pm)
            }
            Command::Release(a) => (i.cmd_op, i.cmd_asid) = (DirOp::Release, a),
            Command::Raw(o) => i.cmd_op = DirOp::from_bits(o),
        }
    }
}

/// A finished command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CmdResult {
    pub cmd: Command,
    pub accepted: u64,
    pub done: u64,
    pub error: bool,
}

/// One translation answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SysResponse {
    pub core: usize,
    pub accepted: u64,
    pub cycle: u64,
    pub vaddr: u64,
    pub fault: bool,
    pub paddr: u64,
    pub hit: bool,
}

/// What the architecture has promised about an ASID's attributes: each setting, when it was
/// accepted and when a sync completed it.
#[derive(Clone, Copy, Debug)]
struct AttrEpoch {
    root: u64,
    pm: u8,
    synced: Option<u64>,
}

#[derive(Default)]
struct CoreSide {
    sum: bool,
    mxr: bool,
    req_slot: Option<Request>,
    /// Accepted requests not answered yet, oldest first (two with HitLatency 2: a hit's
    /// answer comes after the next request is accepted).
    outstanding: VecDeque<(u64, Request)>,
    cmd_slot: Option<Command>,
    cmd_inflight: Option<(Command, u64)>,
    results: VecDeque<CmdResult>,
    /// Invalidations this core posted since its last sync: (cycle the post was accepted,
    /// kind, asid, vaddr, npages).
    unsynced: Vec<(u64, InvalKind, u16, u64, u16)>,
    /// Attribute epochs this core set since its last sync: (asid, index in history).
    unsynced_attrs: Vec<(u16, usize)>,
    /// Cycles of `core_rst_i` still to drive, from the next one.
    rst_left: u64,
    /// The cycles this core was held in reset, in order: its TLB was empty at the end of
    /// each (the oracle's floor for the answers to later requests).
    reset_cycles: Vec<u64>,
    /// Commands a reset dropped (presented or in flight, never completed), oldest first.
    dropped: Vec<Command>,
}

pub struct SysLockstep {
    cfg: SysLockstepConfig,
    engine: Engine<RtlSystem, ModelSystem>,
    mem: PhysMem,
    pub tables: PageTables,
    ports: Vec<MemPort>,
    oracle: Oracle,
    attrs: Vec<Vec<AttrEpoch>>,
    side: Vec<CoreSide>,
    responses: VecDeque<SysResponse>,
    walk_restarts: u64,
}

impl SysLockstep {
    pub fn new(cfg: SysLockstepConfig) -> Result<SysLockstep, Error> {
        crate::check_system(&cfg.sys)?;
        cfg.mem.validate()?;
        let n = cfg.sys.cores;
        let rtl_cfg = RtlSysConfig { sys: cfg.sys, sva: cfg.sva };
        let engine = Engine::new(cfg.mode, (rtl_cfg, cfg.sys), cfg.history_limit, cfg.aftermath, None)?;
        Ok(SysLockstep {
            ports: (0..n).map(|c| MemPort::new(cfg.mem, cfg.seed.wrapping_add(c as u64 * 0x9e37_79b9))).collect(),
            engine,
            mem: PhysMem::new(),
            tables: PageTables::default(),
            oracle: Oracle::new(),
            attrs: vec![vec![AttrEpoch { root: 0, pm: 0, synced: Some(0) }]; cfg.sys.asids],
            side: (0..n).map(|_| CoreSide::default()).collect(),
            responses: VecDeque::new(),
            walk_restarts: 0,
            cfg,
        })
    }

    pub fn config(&self) -> &SysLockstepConfig {
        &self.cfg
    }
    pub fn cycle(&self) -> u64 {
        self.engine.cycle()
    }
    pub fn cores(&self) -> usize {
        self.cfg.sys.cores
    }
    pub fn model(&self) -> &TlbSystem {
        &self.engine.model().sys
    }
    /// The outputs of the design under test in the current cycle.
    pub fn outputs(&self) -> &SysOutputs {
        self.engine.outputs()
    }
    pub fn tables(&mut self) -> (&mut PageTables, &mut PhysMem) {
        (&mut self.tables, &mut self.mem)
    }
    pub fn set_status(&mut self, core: usize, sum: bool, mxr: bool) {
        self.side[core].sum = sum;
        self.side[core].mxr = mxr;
    }
    pub fn take_responses(&mut self) -> Vec<SysResponse> {
        self.responses.drain(..).collect()
    }
    pub fn oracle_checks(&self) -> u64 {
        self.oracle.checked
    }
    /// Poisoned walks restarted, all cores.
    pub fn walk_restarts(&self) -> u64 {
        self.walk_restarts
    }
    pub fn pte_reads(&self) -> u64 {
        self.ports.iter().map(|p| p.reads).sum()
    }

    fn fail(&mut self, what: String) {
        self.engine.fail(what);
    }

    /// The contexts an answer for `asid` accepted at `accepted` may come from.
    fn queries(&self, core: usize, accepted: u64, r: Request, asid: u16) -> Vec<Query> {
        let hist = &self.attrs[(asid as usize) & (self.cfg.sys.asids - 1)];
        let first = hist.iter().rposition(|e| e.synced.is_some_and(|s| s < accepted)).unwrap_or(0);
        hist[first..]
            .iter()
            .map(|e| Query {
                accepted,
                vaddr: r.vaddr,
                access: r.access,
                priv_u: r.priv_u,
                sum: self.side[core].sum,
                mxr: self.side[core].mxr,
                asid,
                root_ppn: e.root,
                pm: e.pm,
            })
            .collect()
    }

    /// One clock cycle.
    pub fn step(&mut self) -> Result<(), Failure> {
        let n = self.cores();
        let cycle = self.cycle();
        let out = self.engine.check();
        self.observe(&out);

        for (addr, value) in self.mem.take_writes() {
            if self.cfg.oracle {
                self.oracle.record_write(cycle, addr, value);
            }
        }
        let mut inputs = vec![SysCoreInputs::default(); n];
        for (c, i) in inputs.iter_mut().enumerate() {
            let o = &out.core[c];
            let m = self.ports[c].cycle(cycle, &to_core_outputs(o), &self.mem);
            let s = &mut self.side[c];
            i.ctx_sum = s.sum;
            i.ctx_mxr = s.mxr;
            i.mem_req_ready = m.req_ready;
            i.mem_resp_valid = m.resp_valid;
            i.mem_resp_data = m.resp_data;
            if s.rst_left > 0 {
                // In reset: what was answered or completed up to now was observed above;
                // the rest is dropped at the end of this cycle. Nothing is presented.
                s.rst_left -= 1;
                i.core_rst = true;
                s.reset_cycles.push(cycle);
                s.outstanding.clear();
                if let Some((cmd, _)) = s.cmd_inflight.take() {
                    s.dropped.push(cmd);
                }
                continue;
            }
            if let Some(r) = s.req_slot {
                i.req_valid = true;
                i.req_vaddr = r.vaddr;
                i.req_access = r.access as u8;
                i.req_priv_u = r.priv_u;
                if o.req_ready {
                    s.req_slot = None;
                    s.outstanding.push_back((cycle, r));
                }
            }
            if let Some(cmd) = s.cmd_slot {
                cmd.apply(i);
                if o.cmd_ready {
                    s.cmd_slot = None;
                    s.cmd_inflight = Some((cmd, cycle));
                }
            }
        }
        self.engine.clock(&inputs).map_err(|f| self.write_failure(f))
    }

    fn observe(&mut self, out: &SysOutputs) {
        let cycle = self.cycle();
        for c in 0..self.cores() {
            let o = out.core[c];
            self.walk_restarts += o.walk_restart as u64;
            if o.cmd_done {
                match self.side[c].cmd_inflight.take() {
                    None => self.fail(format!("core {c}: cmd_done with no command in flight")),
                    Some((cmd, accepted)) => {
                        self.command_done(c, cmd, accepted, o.cmd_error);
                        self.side[c].results.push_back(CmdResult { cmd, accepted, done: cycle, error: o.cmd_error });
                    }
                }
            }
            if o.resp_valid {
                let Some((accepted, r)) = self.side[c].outstanding.pop_front() else {
                    self.fail(format!("core {c}: a response with no request outstanding"));
                    continue;
                };
                let answer = if o.resp_fault { Answer::Fault } else { Answer::Paddr(o.resp_paddr) };
                if self.cfg.oracle {
                    // The ASID the core ran when it accepted the request: switches hold
                    // requests back, so it is the one it runs now.
                    let qs = self.queries(c, accepted, r, o.cur_asid);
                    let floor = self.reset_floor(c, accepted);
                    if let Err(why) = self.oracle.check_any_since(&qs, floor, cycle, answer) {
                        self.fail(format!("core {c}: oracle: {why}"));
                    }
                }
                self.responses.push_back(SysResponse {
                    core: c,
                    accepted,
                    cycle,
                    vaddr: r.vaddr,
                    fault: o.resp_fault,
                    paddr: o.resp_paddr,
                    hit: o.resp_hit,
                });
            }
        }
    }

    /// What a completed command promises (recorded for the oracle at the next sync, with
    /// the cycle it was accepted in as what it retires up to).
    fn command_done(&mut self, c: usize, cmd: Command, accepted: u64, error: bool) {
        if error {
            return;
        }
        let asids = self.cfg.sys.asids;
        let s = &mut self.side[c];
        match cmd {
            Command::Post { kind, asid, vaddr, npages } => s.unsynced.push((accepted, kind, asid, vaddr, npages)),
            Command::SetAttrs { asid, root, pm } => {
                s.unsynced.push((accepted, InvalKind::Asid, asid, 0, 0));
                let h = &mut self.attrs[asid as usize & (asids - 1)];
                h.push(AttrEpoch { root, pm, synced: None });
                s.unsynced_attrs.push((asid, h.len() - 1));
            }
            Command::Release(asid) => s.unsynced.push((accepted, InvalKind::Asid, asid, 0, 0)),
            Command::Sync => {
                let now = self.engine.cycle();
                for (posted, kind, asid, vaddr, npages) in std::mem::take(&mut s.unsynced) {
                    self.oracle.record_inval_posted(now, posted, kind, asid, vaddr, npages);
                }
                for (asid, k) in std::mem::take(&mut s.unsynced_attrs) {
                    self.attrs[asid as usize & (asids - 1)][k].synced = Some(now);
                }
            }
            _ => {}
        }
    }

    pub fn run(&mut self, cycles: u64) -> Result<(), Failure> {
        for _ in 0..cycles {
            self.step()?;
        }
        Ok(())
    }

    /// Queues a translation on `core` (waits for the previous one to be accepted).
    pub fn issue(&mut self, core: usize, req: Request) -> Result<(), Failure> {
        while self.side[core].req_slot.is_some() {
            self.step()?;
        }
        self.side[core].req_slot = Some(req);
        Ok(())
    }

    /// Clocks until `core` has no translation waiting or in flight.
    pub fn drain(&mut self, core: usize) -> Result<(), Failure> {
        let mut budget = 100_000;
        while self.side[core].req_slot.is_some() || !self.side[core].outstanding.is_empty() {
            self.step()?;
            budget -= 1;
            if budget == 0 {
                self.fail(format!("core {core}: no answer within 100000 cycles"));
            }
        }
        Ok(())
    }

    /// Translates on `core` and returns the answer.
    pub fn translate(&mut self, core: usize, vaddr: u64, access: Access, priv_u: bool) -> Result<SysResponse, Failure> {
        self.drain(core)?;
        self.issue(core, Request { vaddr, access, priv_u })?;
        self.drain(core)?;
        let r = self.responses.iter().rev().find(|r| r.core == core).copied();
        Ok(r.expect("the answer was recorded"))
    }

    /// Presents a command on `core` without waiting for it.
    pub fn post_cmd(&mut self, core: usize, cmd: Command) -> Result<(), Failure> {
        while self.side[core].cmd_slot.is_some() || self.side[core].cmd_inflight.is_some() {
            self.step()?;
        }
        self.side[core].cmd_slot = Some(cmd);
        Ok(())
    }

    /// Holds `core` in reset (`core_rst_i`) for the next `cycles` cycles (at least one). The
    /// translation and command it was presenting are dropped now, those in flight at the end
    /// of the first reset cycle (answers and completions due in that cycle still come);
    /// [`SysLockstep::take_dropped`] lists the commands. Requests and commands queued while
    /// it is in reset wait until it is out of it.
    pub fn reset_core(&mut self, core: usize, cycles: u64) {
        let s = &mut self.side[core];
        s.rst_left = s.rst_left.max(cycles.max(1));
        s.req_slot = None;
        if let Some(cmd) = s.cmd_slot.take() {
            s.dropped.push(cmd);
        }
    }

    /// Whether `core` is held in reset in the next cycle.
    pub fn in_reset(&self, core: usize) -> bool {
        self.side[core].rst_left > 0
    }

    /// Commands of `core` that a reset dropped (they never completed), oldest first.
    pub fn take_dropped(&mut self, core: usize) -> Vec<Command> {
        std::mem::take(&mut self.side[core].dropped)
    }

    /// The oracle's floor for an answer of `core` to a request accepted in cycle
    /// `accepted`: the last cycle before it in which the core was in reset (its TLB was
    /// empty at its end), or 0.
    fn reset_floor(&self, core: usize, accepted: u64) -> u64 {
        let r = &self.side[core].reset_cycles;
        let k = r.partition_point(|&t| t < accepted);
        if k == 0 {
            0
        } else {
            r[k - 1]
        }
    }

    /// Whether `core` has a command presented and not yet accepted.
    pub fn cmd_waiting(&self, core: usize) -> bool {
        self.side[core].cmd_slot.is_some()
    }

    /// Whether `core` has a command waiting or in flight.
    pub fn cmd_busy(&self, core: usize) -> bool {
        self.side[core].cmd_slot.is_some() || self.side[core].cmd_inflight.is_some()
    }

    /// Finished commands of `core`, oldest first.
    pub fn take_results(&mut self, core: usize) -> Vec<CmdResult> {
        self.side[core].results.drain(..).collect()
    }

    /// Runs a command on `core` to completion and returns how it ended.
    pub fn cmd(&mut self, core: usize, cmd: Command) -> Result<CmdResult, Failure> {
        self.post_cmd(core, cmd)?;
        let mut budget = 100_000;
        while self.cmd_busy(core) {
            self.step()?;
            budget -= 1;
            if budget == 0 {
                self.fail(format!("core {core}: command {cmd:?} did not complete in 100000 cycles"));
            }
        }
        Ok(self.side[core].results.pop_back().expect("a result"))
    }

    /// Replays the recorded inputs on a traced RTL and writes the waveform of cycles
    /// `from..to` (VCD times are the run's: cycle c has its rising edge at 10*(c+1)+5 ns).
    /// Works in every mode: the model's run is replayed on the RTL, which the lockstep tests
    /// hold equal to it cycle for cycle.
    pub fn write_vcd(&self, path: &std::path::Path, from: u64, to: u64) -> Result<(u64, u64), Error> {
        let recorded = self.engine.history().len();
        let to = to.min(recorded as u64);
        if from >= to {
            return Err(Error::EmptyWindow { from, to, recorded });
        }
        match self.engine.replay(to, Some((path, from)), None)?.rtl {
            Some(Err(e)) => Err(e.into()),
            _ => Ok((from, to)),
        }
    }

    /// Replays the recorded inputs of cycles `0..to` from reset and writes both waveforms:
    /// the RTL's to `rtl_vcd` and the model's, with the same hierarchy and names, to
    /// `model_vcd` (`harness/tests/waveforms.rs` holds them equal signal for signal). Returns the
    /// end of the window written.
    pub fn write_waveforms(
        &self,
        rtl_vcd: &std::path::Path,
        model_vcd: &std::path::Path,
        to: u64,
    ) -> Result<u64, Error> {
        let to = to.min(self.engine.history().len() as u64);
        let done = self.engine.replay(to, Some((rtl_vcd, 0)), Some(model_vcd))?;
        match (done.rtl, done.model) {
            (Some(Err(e)), _) | (_, Some(Err(e))) => Err(e.into()),
            _ => Ok(to),
        }
    }

    fn write_failure(&mut self, fault: Fault) -> Failure {
        let dir = failure_dir(&self.cfg.out_dir, &self.cfg.name);
        let mut notes = Vec::new();
        let mut wrote = false;
        // Replaying needs every cycle's inputs up to now.
        let replayable = self.engine.replayable();
        if !replayable {
            notes.push(format!(
                "no waveform: the run went past the {} cycles of inputs kept for replay",
                self.cfg.history_limit
            ));
        }
        let table = self.input_table(fault.cycle);
        // In model mode the RTL replays the model's inputs: its waveform shows the same run (and
        // whether the RTL goes wrong too). TLB_WAVES=0 skips it (the model mutation runs, where
        // a Verilator build per failure would cost more than the run).
        // The model's waveform, with the same hierarchy and names, is written beside it.
        let waves = std::env::var("TLB_WAVES").map_or(true, |v| v != "0");
        let mut wrote_model = false;
        let mut wrote_early = false;
        if replayable && waves && self.cfg.artifacts && std::fs::create_dir_all(&dir).is_ok() {
            if !self.cfg.mode.has_rtl() {
                // The RTL never ran on these inputs: driven by a model that went wrong, it may
                // break assertions of its own during the replay. Those are counted, not fatal
                // (`Dut::assertions_stop`), but anything else that stops the process then
                // would lose the report: it is written first (the final one replaces it).
                let mut first = notes.clone();
                first.push(
                    "the model's inputs were being replayed on the RTL for its waveform when this was \
                     written; if nothing replaced it, the process stopped during the replay"
                        .to_string(),
                );
                self.report(None, first, table.clone()).finish(&fault, Some(dir.clone()));
                wrote_early = true;
                eprintln!(
                    "tlbsim: lockstep failure at cycle {} (report in {}); replaying the model's inputs on the \
                     RTL for its waveform...",
                    fault.cycle,
                    dir.join("report.txt").display()
                );
            }
            let (rtl_vcd, model_vcd) = (dir.join("rtl.vcd"), dir.join("model.vcd"));
            // Verilator prints a failed assertion on stdout, which is the run's (`--json`).
            let replayed = crate::rtl::stdout_to_stderr(|| {
                self.engine.replay(u64::MAX, Some((&rtl_vcd, 0)), Some(&model_vcd)).or_else(|e| {
                    // The model's waveform could not be started: the RTL's alone.
                    notes.push(format!("could not write model.vcd: {e}"));
                    self.engine.replay(u64::MAX, Some((&rtl_vcd, 0)), None)
                })
            });
            match replayed {
                Ok(r) => {
                    if r.rtl_assertions > 0 {
                        notes.push(format!(
                            "the RTL, replaying the model's inputs, failed {} assertion check(s) of its own \
                             (messages on stderr): driven with answers it did not give, it went its own way; \
                             rtl.vcd shows where",
                            r.rtl_assertions
                        ));
                    }
                    match r.rtl {
                        Some(Ok(())) => wrote = true,
                        Some(Err(e)) => {
                            notes.push(format!("could not rebuild the RTL for its waveform: {}", Error::from(e)))
                        }
                        None => {}
                    }
                    match r.model {
                        Some(Ok(())) => wrote_model = true,
                        Some(Err(e)) => notes.push(format!("could not write model.vcd: {e}")),
                        None => {}
                    }
                }
                Err(e) => notes.push(format!("could not rebuild the RTL for its waveform: {}", Error::from(e))),
            }
        }
        let waves = wrote.then(|| match wrote_model {
            true => format!(
                "waveforms: {0}/rtl.vcd and {0}/model.vcd (same signal names; cycle c has its rising edge at \
                 10*(c+1)+5 ns)",
                dir.display()
            ),
            false => format!("waveform: {}/rtl.vcd (cycle c has its rising edge at 10*(c+1)+5 ns)", dir.display()),
        });
        self.report(waves, notes, table).finish(&fault, (wrote || wrote_early).then_some(dir))
    }

    /// A failure report of this run.
    fn report(&self, waves: Option<String>, notes: Vec<String>, table: String) -> Report {
        Report {
            title: format!("lockstep failure in {} (seed {:#x}, {:?})", self.cfg.name, self.cfg.seed, self.cfg.sys),
            aftermath: self.cfg.aftermath,
            reproduce: self.cfg.reproduce.clone(),
            waves,
            notes,
            table,
        }
    }

    /// The commands and requests of the cycles up to `cycle`, for a failure report.
    fn input_table(&self, cycle: u64) -> String {
        let mut table = String::from("  commands and requests of the cycles up to the failure (core: ...):\n");
        let from = cycle.saturating_sub(8) as usize;
        for (c, inputs) in self.engine.history().iter().enumerate().skip(from).take(9) {
            let mut line = format!("    {c:<6}");
            for (k, i) in inputs.iter().enumerate() {
                let cmd = if i.cmd_valid {
                    format!("cmd op{} k{} a{} va {:#x}", i.cmd_op.bits(), i.cmd_kind.bits(), i.cmd_asid, i.cmd_vaddr)
                } else {
                    String::new()
                };
                let req = if i.req_valid { format!("req {:#x}", i.req_vaddr) } else { String::new() };
                if !cmd.is_empty() || !req.is_empty() {
                    line += &format!(" | {k}: {cmd} {req}");
                }
            }
            table += &line;
            table += "\n";
        }
        table
    }
}

/// The memory-port view of a system core's outputs.
fn to_core_outputs(o: &tlb_sim::fabric::SysCoreOutputs) -> tlb_sim::CoreOutputs {
    tlb_sim::CoreOutputs {
        mem_req_valid: o.mem_req_valid,
        mem_req_addr: o.mem_req_addr,
        mem_resp_ready: o.mem_resp_ready,
        ..Default::default()
    }
}
