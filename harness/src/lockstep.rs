// SPDX-License-Identifier: Apache-2.0
//! One core in lockstep: the Verilated `tlb_core` against the model `tlb_sim::TlbCore` on
//! the lockstep engine (`tlb_lockstep::Engine`), with the oracle judging every answer.
//!
//! Each cycle: the engine compares both sides' outputs (registers only), every port; a
//! response is judged by the oracle; the inputs are decided (stimulus slots, and the memory
//! port from the outputs); the engine clocks both with them and records them, so a failure
//! can be replayed bit-exactly from reset with waveforms on.
//!
//! On the first failure the run continues `aftermath` more cycles (so the waveform shows
//! what followed, as XiangShan's difftest does), then writes `rtl.vcd`, `model.vcd` and
//! `report.txt` into `<out_dir>/<name>/` and returns a [`Failure`] carrying the report.

use std::collections::VecDeque;
use std::path::PathBuf;

use tlb_lockstep::{failure_dir, CoreParams, Engine, Fault, ModelCore, Report};
use tlb_sim::oracle::{Answer, Oracle, Query};
use tlb_sim::{Access, CoreInputs, CoreOutputs, InvalKind, TlbCore};

pub use tlb_lockstep::{Failure, Mode};

use crate::error::Error;
use crate::mem::{MemPort, MemTiming, PhysMem};
use crate::pagetable::PageTables;
use crate::rtl_core::RtlCore;

#[derive(Clone, Debug)]
pub struct LockstepConfig {
    /// Names the artifacts folder and the report (a test name, say).
    pub name: String,
    pub entries: usize,
    /// The core's `HitLatency` (1 or 2).
    pub hit_latency: u8,
    /// Seeds the memory port's latency and backpressure (and names the run in reports).
    pub seed: u64,
    pub mem: MemTiming,
    /// What runs: RTL and model in lockstep, the model alone, or the RTL alone.
    pub mode: Mode,
    /// Judge every answer with the architectural oracle.
    pub oracle: bool,
    /// Failure artifacts go to `<out_dir>/<name>/`.
    pub out_dir: PathBuf,
    /// Cycles to keep running after the first failure.
    pub aftermath: u32,
    /// Dump waveforms of the whole run: RTL to this path, model beside it (`.model.vcd`).
    pub vcd: Option<PathBuf>,
    /// How to rerun this case, for the report.
    pub reproduce: String,
    /// On failure, replay with waveforms and write the artifacts folder (off while a
    /// property test shrinks: it reruns the minimal case with artifacts at the end).
    pub artifacts: bool,
}

impl LockstepConfig {
    pub fn new(name: &str, seed: u64) -> LockstepConfig {
        LockstepConfig {
            name: name.to_string(),
            entries: 32,
            hit_latency: 1,
            seed,
            mem: MemTiming::default(),
            mode: Mode::Lockstep,
            oracle: true,
            out_dir: crate::toolchain::repo_root().join("target/lockstep-failures"),
            aftermath: 4,
            vcd: None,
            reproduce: format!("TLB_SEED={seed:#x} cargo test -p tlb-harness -- {name}"),
            artifacts: true,
        }
    }
}

/// Inputs recorded for replay at most (about 80 bytes a cycle); past this a failure report
/// comes without waveforms.
pub const HISTORY_LIMIT: usize = 4_000_000;

/// The translation context (satp and the sstatus bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ctx {
    pub asid: u16,
    pub root_ppn: u64,
    pub sum: bool,
    pub mxr: bool,
    /// Pointer masking (`pm_mode_e`).
    pub pm: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub vaddr: u64,
    pub access: Access,
    pub priv_u: bool,
}

/// One answer, as the RTL gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response {
    pub accepted: u64,
    pub cycle: u64,
    pub vaddr: u64,
    pub fault: bool,
    pub paddr: u64,
    pub hit: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub cycles: u64,
    pub requests: u64,
    pub hits: u64,
    pub walks: u64,
    pub faults: u64,
    pub invalidations: u64,
    pub walk_restarts: u64,
    pub pte_reads: u64,
    pub oracle_checks: u64,
}

pub struct Lockstep {
    cfg: LockstepConfig,
    engine: Engine<RtlCore, ModelCore>,
    mem: PhysMem,
    pub tables: PageTables,
    port: MemPort,
    oracle: Oracle,
    ctx: Ctx,
    req_slot: Option<Request>,
    inval_slot: Option<(u8, u16, u64, u16)>,
    /// Accepted requests not answered yet, oldest first (two with HitLatency 2).
    outstanding: VecDeque<Query>,
    responses: VecDeque<Response>,
    /// A failure met inside a call that cannot return one (`set_ctx`), handed out by the
    /// next `step`.
    deferred_failure: Option<Failure>,
    stats: Stats,
}

fn hex(v: u64) -> String {
    format!("{v:#x}")
}

impl Lockstep {
    pub fn new(cfg: LockstepConfig) -> Result<Lockstep, Error> {
        crate::check_entries(cfg.entries)?;
        crate::check_hit_latency(cfg.hit_latency)?;
        cfg.mem.validate()?;
        let params = CoreParams { entries: cfg.entries, hit_latency: cfg.hit_latency };
        let model_vcd = cfg.vcd.as_ref().map(|path| path.with_extension("model.vcd"));
        let waveforms = cfg.vcd.as_deref().zip(model_vcd.as_deref());
        let engine = Engine::new(cfg.mode, (params, params), HISTORY_LIMIT as u64, cfg.aftermath, waveforms)?;
        Ok(Lockstep {
            port: MemPort::new(cfg.mem, cfg.seed),
            cfg,
            engine,
            mem: PhysMem::new(),
            tables: PageTables::default(),
            oracle: Oracle::new(),
            ctx: Ctx::default(),
            req_slot: None,
            inval_slot: None,
            outstanding: VecDeque::new(),
            responses: VecDeque::new(),
            deferred_failure: None,
            stats: Stats::default(),
        })
    }

    pub fn config(&self) -> &LockstepConfig {
        &self.cfg
    }
    pub fn cycle(&self) -> u64 {
        self.engine.cycle()
    }
    pub fn model(&self) -> &TlbCore {
        &self.engine.model().core
    }
    pub fn stats(&self) -> Stats {
        Stats { cycles: self.cycle(), pte_reads: self.port.reads, oracle_checks: self.oracle.checked, ..self.stats }
    }
    /// Page tables and the memory they live in, for edits between cycles.
    pub fn tables(&mut self) -> (&mut PageTables, &mut PhysMem) {
        (&mut self.tables, &mut self.mem)
    }
    pub fn mem(&mut self) -> &mut PhysMem {
        &mut self.mem
    }
    pub fn ctx(&self) -> Ctx {
        self.ctx
    }
    /// Switches context (takes effect from the next cycle's inputs). A change of ASID, root
    /// or pointer masking first lets the translation in flight finish, as a CPU does: it cannot write
    /// satp while one of its own accesses is being translated (docs/architecture.md).
    /// Errors only if that drain fails.
    pub fn set_ctx(&mut self, ctx: Ctx) {
        if (ctx.asid, ctx.root_ppn, ctx.pm) != (self.ctx.asid, self.ctx.root_ppn, self.ctx.pm) && !self.idle() {
            if let Err(f) = self.drain() {
                self.deferred_failure.get_or_insert(f);
            }
        }
        self.ctx = ctx;
    }
    pub fn take_responses(&mut self) -> Vec<Response> {
        self.responses.drain(..).collect()
    }
    /// True when no request is waiting or in flight.
    pub fn idle(&self) -> bool {
        self.req_slot.is_none() && self.outstanding.is_empty()
    }

    /// The outputs of the design under test this cycle.
    pub fn outputs(&self) -> CoreOutputs {
        *self.engine.outputs()
    }

    fn fail(&mut self, what: String) {
        self.engine.fail(what);
    }

    /// One clock cycle.
    pub fn step(&mut self) -> Result<(), Failure> {
        if let Some(f) = self.deferred_failure.take() {
            return Err(f);
        }
        let cycle = self.cycle();
        let out = self.engine.check();
        self.observe(&out);

        for (addr, value) in self.mem.take_writes() {
            if self.cfg.oracle {
                self.oracle.record_write(cycle, addr, value);
            }
        }
        let m = self.port.cycle(cycle, &out, &self.mem);
        let mut inputs = CoreInputs {
            ctx_asid: self.ctx.asid,
            ctx_root_ppn: self.ctx.root_ppn,
            ctx_sum: self.ctx.sum,
            ctx_mxr: self.ctx.mxr,
            ctx_pm: self.ctx.pm,
            mem_req_ready: m.req_ready,
            mem_resp_valid: m.resp_valid,
            mem_resp_data: m.resp_data,
            ..Default::default()
        };
        if let Some(r) = self.req_slot {
            inputs.req_valid = true;
            inputs.req_vaddr = r.vaddr;
            inputs.req_access = r.access as u8;
            inputs.req_priv_u = r.priv_u;
            if out.req_ready {
                self.req_slot = None;
                self.outstanding.push_back(Query {
                    accepted: cycle,
                    vaddr: r.vaddr,
                    access: r.access,
                    priv_u: r.priv_u,
                    sum: self.ctx.sum,
                    mxr: self.ctx.mxr,
                    asid: self.ctx.asid,
                    root_ppn: self.ctx.root_ppn,
                    pm: self.ctx.pm,
                });
                self.stats.requests += 1;
            }
        }
        if let Some((kind, asid, vaddr, npages)) = self.inval_slot.take() {
            inputs.inval_valid = true;
            inputs.inval_kind = kind;
            inputs.inval_asid = asid;
            inputs.inval_vaddr = vaddr;
            inputs.inval_npages = npages;
            if self.cfg.oracle {
                self.oracle.record_inval(cycle, InvalKind::from_bits(kind), asid, vaddr, npages);
            }
            self.stats.invalidations += 1;
        }

        self.engine.clock(&inputs).map_err(|f| self.write_failure(f))
    }

    /// Bookkeeping and the oracle's judgement of this cycle's outputs.
    fn observe(&mut self, out: &CoreOutputs) {
        let cycle = self.cycle();
        if out.walk_restart {
            self.stats.walk_restarts += 1;
        }
        if !out.resp_valid {
            return;
        }
        let Some(q) = self.outstanding.pop_front() else {
            self.fail("a response with no request outstanding".to_string());
            return;
        };
        let answer = if out.resp_fault { Answer::Fault } else { Answer::Paddr(out.resp_paddr) };
        if self.cfg.oracle {
            if let Err(why) = self.oracle.check(&q, cycle, answer) {
                self.fail(format!("oracle: {why}"));
            }
        }
        self.stats.hits += out.resp_hit as u64;
        self.stats.walks += (!out.resp_hit && tlb_sim::va_canonical(q.vaddr)) as u64;
        self.stats.faults += out.resp_fault as u64;
        self.responses.push_back(Response {
            accepted: q.accepted,
            cycle,
            vaddr: q.vaddr,
            fault: out.resp_fault,
            paddr: out.resp_paddr,
            hit: out.resp_hit,
        });
    }

    /// Runs `n` cycles.
    pub fn run(&mut self, n: u64) -> Result<(), Failure> {
        for _ in 0..n {
            self.step()?;
        }
        Ok(())
    }

    /// Queues a request; waits (clocking) until the previous one has been accepted.
    pub fn issue(&mut self, req: Request) -> Result<(), Failure> {
        while self.req_slot.is_some() {
            self.step()?;
        }
        self.req_slot = Some(req);
        Ok(())
    }

    /// Clocks until no request is waiting or in flight.
    pub fn drain(&mut self) -> Result<(), Failure> {
        let mut budget = 1_000_000u64;
        while !self.idle() {
            self.step()?;
            budget -= 1;
            if budget == 0 {
                self.fail("no answer within a million cycles (deadlock?)".to_string());
                self.cfg.aftermath = 0;
                self.engine.set_aftermath(0);
            }
        }
        Ok(())
    }

    /// Issues one request and clocks until its answer, which it returns.
    pub fn translate(&mut self, vaddr: u64, access: Access, priv_u: bool) -> Result<Response, Failure> {
        self.drain()?;
        self.issue(Request { vaddr, access, priv_u })?;
        self.drain()?;
        Ok(*self.responses.back().expect("drain leaves the answer in responses"))
    }

    /// Presents an invalidation for one cycle (kind as raw bits: unknown kinds are legal
    /// input, the hardware treats them as InvAll) and clocks once more: the core applies it
    /// in the cycle after it is presented, so on return its effect is in the model's state
    /// (the L1's `entries`). `post_invalidate` presents one without waiting.
    pub fn invalidate_raw(&mut self, kind: u8, asid: u16, vaddr: u64) -> Result<(), Failure> {
        self.present_and_apply((kind, asid, vaddr, 0))
    }

    /// Invalidates pages `vaddr .. vaddr + (npages+1)*4KiB` of `asid` (two cycles, as
    /// `invalidate_raw`).
    pub fn invalidate_range(&mut self, asid: u16, vaddr: u64, npages: u16) -> Result<(), Failure> {
        self.present_and_apply((InvalKind::RangeAsid as u8, asid, vaddr, npages))
    }

    /// Presents an invalidation for one cycle, then clocks the cycle the core applies it in.
    fn present_and_apply(&mut self, inval: (u8, u16, u64, u16)) -> Result<(), Failure> {
        self.inval_slot = Some(inval);
        self.step()?;
        self.step()
    }

    pub fn invalidate(&mut self, kind: InvalKind, asid: u16, vaddr: u64) -> Result<(), Failure> {
        self.invalidate_raw(kind as u8, asid, vaddr)
    }

    /// Queues an invalidation for the next cycle without clocking (to race it against
    /// whatever else that cycle does).
    pub fn post_invalidate(&mut self, kind: InvalKind, asid: u16, vaddr: u64) {
        self.post_invalidate_raw(kind as u8, asid, vaddr);
    }

    /// `post_invalidate` with the kind's raw encoding (5 to 7 are unknown kinds, which the
    /// core applies as InvAll).
    pub fn post_invalidate_raw(&mut self, kind: u8, asid: u16, vaddr: u64) {
        self.inval_slot = Some((kind, asid, vaddr, 0));
    }

    fn write_failure(&mut self, fault: Fault) -> Failure {
        let dir = failure_dir(&self.cfg.out_dir, &self.cfg.name);
        let mut notes = Vec::new();
        // A run that was traced from the start already has its waveforms; otherwise replay.
        let wrote = match &self.cfg.vcd {
            Some(path) => {
                notes.push(format!(
                    "this run's own waveforms: {} and {}",
                    path.display(),
                    path.with_extension("model.vcd").display()
                ));
                false
            }
            None if !self.cfg.artifacts => false,
            None if !self.engine.replayable() => {
                notes.push(format!("the run is longer than the {HISTORY_LIMIT} cycles kept for replay: no waveforms"));
                false
            }
            None => {
                std::fs::create_dir_all(&dir).is_ok()
                    && self.replay_with_waveforms(&dir.join("rtl.vcd"), u64::MAX, &mut notes)
            }
        };
        let mut table = String::new();
        table += "  inputs of the cycles up to the failure:\n";
        table += "    cycle  req vaddr              acc U | inval kind asid vaddr            | asid root        | mem rdy rsp data\n";
        let from = fault.cycle.saturating_sub(8) as usize;
        for (c, i) in self.engine.history().iter().enumerate().skip(from).take(9) {
            table += &format!(
                "    {:<6} {}   {:<18} {}   {} | {}     {}    {:<4x} {:<16x} | {:<4x} {:<11x} | {}   {}   {:x}\n",
                c,
                i.req_valid as u8,
                hex(i.req_vaddr),
                i.req_access,
                i.req_priv_u as u8,
                i.inval_valid as u8,
                i.inval_kind,
                i.inval_asid,
                i.inval_vaddr,
                i.ctx_asid,
                i.ctx_root_ppn,
                i.mem_req_ready as u8,
                i.mem_resp_valid as u8,
                i.mem_resp_data
            );
        }
        let report = Report {
            title: format!("lockstep failure in {} (seed {:#x})", self.cfg.name, self.cfg.seed),
            aftermath: self.cfg.aftermath,
            reproduce: self.cfg.reproduce.clone(),
            waves: wrote.then(|| {
                format!(
                    "waveforms: {}/rtl.vcd and {}/model.vcd (same signal names; cycle c has its rising edge at 10*(c+1)+5 ns)",
                    dir.display(),
                    dir.display()
                )
            }),
            notes,
            table,
        };
        report.finish(&fault, wrote.then_some(dir))
    }

    /// Writes waveforms of the first `cycles` cycles of this run: the recorded inputs are
    /// replayed from reset into a fresh RTL (to `rtl_vcd`) and model (beside it, as
    /// `.model.vcd`). Returns false, with a note, if something could not be written.
    pub fn write_waveforms(&self, rtl_vcd: &std::path::Path, cycles: u64) -> Result<(), Error> {
        let mut notes = Vec::new();
        if self.replay_with_waveforms(rtl_vcd, cycles, &mut notes) {
            Ok(())
        } else {
            Err(Error::Waveforms(notes))
        }
    }

    fn replay_with_waveforms(&self, rtl_vcd: &std::path::Path, cycles: u64, notes: &mut Vec<String>) -> bool {
        let model_vcd = if rtl_vcd.file_name().is_some_and(|n| n == "rtl.vcd") {
            rtl_vcd.with_file_name("model.vcd")
        } else {
            rtl_vcd.with_extension("model.vcd")
        };
        let rtl = self.cfg.mode.has_rtl().then_some((rtl_vcd, 0));
        let done = match self.engine.replay(cycles, rtl, Some(&model_vcd)) {
            Ok(done) => done,
            Err(e) => {
                notes.push(format!("could not write model.vcd: {e}"));
                return false;
            }
        };
        if let Some(Err(e)) = done.rtl {
            notes.push(format!("could not rebuild the RTL for its waveform: {}", Error::from(e)));
        }
        if let Some(Err(_)) = done.model {
            notes.push("model.vcd write failed".to_string());
            return false;
        }
        true
    }

    /// Flushes waveforms of a traced run.
    pub fn finish(mut self) -> Result<Stats, Error> {
        let stats = self.stats();
        self.engine.finish()?;
        Ok(stats)
    }
}
