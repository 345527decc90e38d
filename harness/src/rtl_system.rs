// SPDX-License-Identifier: Apache-2.0
//! The Verilated `tlb_system`, through the generic wrapper of `rtl.rs`: per-core ports are
//! packed arrays `[NumCores-1:0][W-1:0]`, so port `p` of core `c` is bits `c*W +: W` of the
//! wrapper's vector for `p`. It is a device under test of the lockstep engine
//! (`tlb_lockstep::Dut`).

use std::path::Path;

use tlb_lockstep::Dut;
use tlb_sim::fabric::{Counters, SysConfig, SysCoreInputs, SysCoreOutputs, SysOutputs};

use crate::rtl::{hit_latency_suffix, pack, unpack, RtlTop, TopSpec};

/// Name of the wrapper top for a configuration.
pub fn wrapper_name(c: &SysConfig) -> String {
    let h = hit_latency_suffix(c.hit_latency);
    format!("tlb_system_sim_n{}_e{}_s{}_l{}_a{}{h}", c.cores, c.entries, c.slots, c.log_depth, c.asids)
}

fn spec(c: &SysConfig) -> TopSpec {
    let n = c.cores as u32;
    let ins: Vec<(String, u32)> =
        SysCoreInputs::default().fields().iter().map(|f| (f.0.to_string(), f.1 * n)).collect();
    let mut outs: Vec<(String, u32)> =
        SysCoreOutputs::default().fields().iter().map(|f| (f.0.to_string(), f.1 * n)).collect();
    outs.extend(Counters::default().fields().iter().map(|f| (f.0.to_string(), f.1)));
    TopSpec::new(
        wrapper_name(c),
        "tlb_system",
        "u_sys",
        &[
            ("NumCores", c.cores),
            ("Entries", c.entries),
            ("Slots", c.slots),
            ("LogDepth", c.log_depth),
            ("NumAsids", c.asids),
            ("HitLatency", c.hit_latency as usize),
        ],
        &ins,
        &outs,
    )
}

/// One Verilated `tlb_system`.
pub struct RtlSystem {
    top: RtlTop,
    cfg: SysConfig,
    words: Vec<u32>,
}

impl RtlSystem {
    pub fn new(cfg: SysConfig) -> Result<RtlSystem, String> {
        cfg.validate()?;
        let s = spec(&cfg);
        Ok(RtlSystem { words: vec![0; s.in_bits.div_ceil(32) as usize], top: RtlTop::new(&s)?, cfg })
    }

    pub fn new_traced(cfg: SysConfig, vcd: &Path) -> Result<RtlSystem, String> {
        cfg.validate()?;
        let s = spec(&cfg);
        Ok(RtlSystem { words: vec![0; s.in_bits.div_ceil(32) as usize], top: RtlTop::new_traced(&s, vcd)?, cfg })
    }

    /// An instance that starts its VCD only when [`RtlSystem::open_vcd`] is called.
    pub fn new_traceable(cfg: SysConfig) -> Result<RtlSystem, String> {
        cfg.validate()?;
        let s = spec(&cfg);
        Ok(RtlSystem { words: vec![0; s.in_bits.div_ceil(32) as usize], top: RtlTop::new_traceable(&s)?, cfg })
    }

    pub fn open_vcd(&mut self, vcd: &Path) {
        self.top.open_vcd(vcd);
    }

    pub fn close_vcd(&mut self) {
        self.top.close_vcd();
    }

    pub fn outputs(&self) -> SysOutputs {
        let n = self.cfg.cores;
        let words = self.top.read_words();
        let fields = SysCoreOutputs::default().fields();
        let mut widths: Vec<u32> = Vec::new();
        for f in &fields {
            widths.extend(std::iter::repeat_n(f.1, n));
        }
        widths.extend(std::iter::repeat_n(32, 7));
        let v = unpack(&words, widths);
        let at = |k: usize, c: usize| v[k * n + c];
        let core = (0..n)
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
        let k = fields.len() * n;
        let cnt = Counters {
            posted: v[k] as u32,
            targets: v[k + 1] as u32,
            skipped: v[k + 2] as u32,
            catchup_log: v[k + 3] as u32,
            catchup_full: v[k + 4] as u32,
            errors: v[k + 5] as u32,
            stall: v[k + 6] as u32,
        };
        SysOutputs { core, cnt }
    }

    pub fn step(&mut self, inputs: &[SysCoreInputs]) {
        let per_core: Vec<_> = inputs.iter().map(|i| i.fields()).collect();
        let nf = per_core[0].len();
        let fields = (0..nf).flat_map(|k| per_core.iter().map(move |f| (f[k].1, f[k].2)));
        pack(fields, &mut self.words);
        self.top.step_words(&self.words);
    }
}

impl Dut for RtlSystem {
    type Config = SysConfig;
    type Inputs = Vec<SysCoreInputs>;
    type Outputs = SysOutputs;

    fn build(cfg: &SysConfig, traceable: bool) -> Result<RtlSystem, String> {
        if traceable {
            RtlSystem::new_traceable(*cfg)
        } else {
            RtlSystem::new(*cfg)
        }
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
    fn start_waveform(&mut self, path: &Path) -> Result<(), String> {
        self.open_vcd(path);
        Ok(())
    }
    fn stop_waveform(&mut self) -> Result<(), String> {
        self.close_vcd();
        Ok(())
    }
}
