// SPDX-License-Identifier: Apache-2.0
//! The Verilated `tlb_system`, through the generic wrapper of `rtl.rs`: per-core ports are
//! packed arrays `[NumCores-1:0][W-1:0]`, so port `p` of core `c` is bits `c*W +: W` of the
//! wrapper's vector for `p`. It is a device under test of the lockstep engine
//! (`tlb_lockstep::Dut`).

use std::path::Path;

use tlb_lockstep::Dut;
use tlb_sim::fabric::{Counters, SysConfig, SysCoreInputs, SysCoreOutputs, SysOutputs};

use crate::error::Error;
use crate::rtl::{get_bits, put_bits, RtlTop, TopSpec};

/// Name of the wrapper top for a configuration (one definition, in `tlb-lockstep`, for the
/// RTL and the model's waveform).
pub use tlb_lockstep::system_wrapper_name as wrapper_name;

fn spec(c: &SysConfig) -> TopSpec {
    let n = c.cores as u32;
    let ins: Vec<(String, u32)> =
        SysCoreInputs::default().fields().iter().map(|f| (f.0.to_string(), f.1 * n)).collect();
    let mut outs: Vec<(String, u32)> =
        SysCoreOutputs::default().fields().iter().map(|f| (f.0.to_string(), f.1 * n)).collect();
    outs.extend(Counters::default().fields().iter().map(|f| (f.0.to_string(), f.1)));
    let mut params = vec![
        ("NumCores", c.cores),
        ("Entries", c.entries),
        ("Slots", c.slots),
        ("LogDepth", c.log_depth),
        ("NumAsids", c.asids),
        ("HitLatency", c.hit_latency as usize),
    ];
    if let Some(ahead) = c.read_ahead {
        params.push(("ReadAhead", ahead as usize));
    }
    TopSpec::new(wrapper_name(c), "tlb_system", "u_sys", &params, &ins, &outs)
}

/// One Verilated `tlb_system`.
pub struct RtlSystem {
    top: RtlTop,
    cfg: SysConfig,
    words: Vec<u32>,
    /// Where each per-core input field starts in `sim_in_i`, and each output field in
    /// `sim_out_o` (core 0's; core `c`'s is `c` field widths above).
    in_at: [u32; SYS_IN_FIELDS],
    out_at: [u32; SYS_OUT_FIELDS],
    /// Where the counters start in `sim_out_o`.
    cnt_at: u32,
}

const SYS_IN_FIELDS: usize = 18;
const SYS_OUT_FIELDS: usize = 15;

/// The first bit of each field of a vector that holds `cores` copies of each in turn.
fn field_starts<const N: usize>(widths: [u32; N], cores: usize) -> ([u32; N], u32) {
    let mut at = [0; N];
    let mut bit = 0;
    for (a, w) in at.iter_mut().zip(widths) {
        *a = bit;
        bit += w * cores as u32;
    }
    (at, bit)
}

impl RtlSystem {
    fn with_top(cfg: SysConfig, s: &TopSpec, top: RtlTop) -> RtlSystem {
        let (in_at, _) = field_starts(SysCoreInputs::default().fields().map(|f| f.1), cfg.cores);
        let (out_at, cnt_at) = field_starts(SysCoreOutputs::default().fields().map(|f| f.1), cfg.cores);
        RtlSystem { words: vec![0; s.in_bits.div_ceil(32) as usize], top, cfg, in_at, out_at, cnt_at }
    }

    pub fn new(cfg: SysConfig) -> Result<RtlSystem, Error> {
        crate::check_system(&cfg)?;
        let s = spec(&cfg);
        Ok(Self::with_top(cfg, &s, RtlTop::new(&s)?))
    }

    /// An instance built with its assertions and covers compiled out ([`TopSpec::without_sva`]):
    /// for benchmarks, never for tests.
    pub fn new_without_sva(cfg: SysConfig) -> Result<RtlSystem, Error> {
        crate::check_system(&cfg)?;
        let s = spec(&cfg).without_sva();
        Ok(Self::with_top(cfg, &s, RtlTop::new(&s)?))
    }

    pub fn new_traced(cfg: SysConfig, vcd: &Path) -> Result<RtlSystem, Error> {
        crate::check_system(&cfg)?;
        let s = spec(&cfg);
        Ok(Self::with_top(cfg, &s, RtlTop::new_traced(&s, vcd)?))
    }

    /// An instance that starts its VCD only when [`RtlSystem::open_vcd`] is called.
    pub fn new_traceable(cfg: SysConfig) -> Result<RtlSystem, Error> {
        crate::check_system(&cfg)?;
        let s = spec(&cfg);
        Ok(Self::with_top(cfg, &s, RtlTop::new_traceable(&s)?))
    }

    pub fn open_vcd(&mut self, vcd: &Path) {
        self.top.open_vcd(vcd);
    }

    pub fn close_vcd(&mut self) {
        self.top.close_vcd();
    }

    pub fn outputs(&self) -> SysOutputs {
        let words = self.top.read_words();
        let widths = SysCoreOutputs::default().fields().map(|f| f.1);
        let at = |k: usize, c: usize| get_bits(words, self.out_at[k] + c as u32 * widths[k], widths[k]);
        let core = (0..self.cfg.cores)
            .map(|c| SysCoreOutputs {
                req_ready: at(0, c) != 0,
                resp_valid: at(1, c) != 0,
                resp_paddr: at(2, c),
                resp_fault: at(3, c) != 0,
                resp_hit: at(4, c) != 0,
                mem_req_valid: at(5, c) != 0,
                mem_req_addr: at(6, c),
                mem_resp_ready: at(7, c) != 0,
                cmd_ready: at(8, c) != 0,
                cmd_done: at(9, c) != 0,
                cmd_error: at(10, c) != 0,
                cur_valid: at(11, c) != 0,
                cur_asid: at(12, c) as u16,
                lazy: at(13, c) != 0,
                walk_restart: at(14, c) != 0,
            })
            .collect();
        let cnt = |k: u32| get_bits(words, self.cnt_at + 32 * k, 32) as u32;
        let cnt = Counters {
            posted: cnt(0),
            targets: cnt(1),
            skipped: cnt(2),
            catchup_log: cnt(3),
            catchup_full: cnt(4),
            errors: cnt(5),
            stall: cnt(6),
        };
        SysOutputs { core, cnt }
    }

    pub fn step(&mut self, inputs: &[SysCoreInputs]) {
        self.words.fill(0);
        for (c, i) in inputs.iter().enumerate() {
            for (k, (_, width, value)) in i.fields().into_iter().enumerate() {
                put_bits(&mut self.words, self.in_at[k] + c as u32 * width, width, value);
            }
        }
        self.top.step_words(&self.words);
    }
}

/// How the lockstep engine builds a Verilated system: its parameters, and whether its
/// assertions and covers are compiled in (a traceable instance, for a failure's waveforms,
/// always has them).
#[derive(Clone, Copy, Debug)]
pub struct RtlSysConfig {
    pub sys: SysConfig,
    pub sva: bool,
}

impl Dut for RtlSystem {
    type Config = RtlSysConfig;
    type Inputs = Vec<SysCoreInputs>;
    type Outputs = SysOutputs;

    fn build(cfg: &RtlSysConfig, traceable: bool) -> Result<RtlSystem, tlb_lockstep::Error> {
        let sys = match (traceable, cfg.sva) {
            (true, _) => RtlSystem::new_traceable(cfg.sys),
            (false, true) => RtlSystem::new(cfg.sys),
            (false, false) => RtlSystem::new_without_sva(cfg.sys),
        };
        Ok(sys?)
    }
    fn outputs(&self) -> SysOutputs {
        RtlSystem::outputs(self)
    }
    fn step(&mut self, inputs: &Vec<SysCoreInputs>) {
        RtlSystem::step(self, inputs)
    }
    fn reset(&mut self) {
        self.top.reset();
    }
    fn start_waveform(&mut self, path: &Path) -> Result<(), tlb_lockstep::Error> {
        self.open_vcd(path);
        Ok(())
    }
    fn stop_waveform(&mut self) -> Result<(), tlb_lockstep::Error> {
        self.close_vcd();
        Ok(())
    }
    fn assertions_stop(&mut self, stop: bool) -> u64 {
        self.top.assertions_stop(stop)
    }
}
