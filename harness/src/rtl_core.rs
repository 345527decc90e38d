// SPDX-License-Identifier: Apache-2.0
//! The Verilated `tlb_core`, through the generic wrapper of `rtl.rs`, as a device under
//! test of the lockstep engine (`tlb_lockstep::Dut`).

use std::path::Path;

use tlb_lockstep::{CoreParams, Dut};
use tlb_sim::{CoreInputs, CoreOutputs};

use crate::error::{BuildError, Error};
use crate::rtl::{pack, unpack, RtlTop, TopSpec};

/// Name of the wrapper top for a configuration of `tlb_core`.
pub fn wrapper_name(entries: usize, hit_latency: u8) -> String {
    CoreParams { entries, hit_latency }.wrapper_name()
}

fn core_spec(entries: usize, hit_latency: u8) -> TopSpec {
    let ins: Vec<(String, u32)> = CoreInputs::default().fields().iter().map(|f| (f.0.to_string(), f.1)).collect();
    let outs: Vec<(String, u32)> = CoreOutputs::default().fields().iter().map(|f| (f.0.to_string(), f.1)).collect();
    TopSpec::new(
        wrapper_name(entries, hit_latency),
        "tlb_core",
        "u_core",
        &[("Entries", entries), ("HitLatency", hit_latency as usize)],
        &ins,
        &outs,
    )
}

/// One Verilated `tlb_core`.
pub struct RtlCore {
    top: RtlTop,
    entries: usize,
    words: Vec<u32>,
}

impl RtlCore {
    /// Builds (or reuses) the Verilated model for `entries` and `hit_latency` and resets it.
    pub fn new(entries: usize, hit_latency: u8) -> Result<RtlCore, Error> {
        Self::with_top(entries, hit_latency, RtlTop::new)
    }

    /// A fresh instance dumping a VCD of its whole hierarchy to `vcd`.
    pub fn new_traced(entries: usize, hit_latency: u8, vcd: &Path) -> Result<RtlCore, Error> {
        Self::with_top(entries, hit_latency, |spec| RtlTop::new_traced(spec, vcd))
    }

    /// A fresh instance that starts its VCD only when [`RtlCore::open_vcd`] is called.
    pub fn new_traceable(entries: usize, hit_latency: u8) -> Result<RtlCore, Error> {
        Self::with_top(entries, hit_latency, RtlTop::new_traceable)
    }

    fn with_top(
        entries: usize,
        hit_latency: u8,
        top: impl FnOnce(&TopSpec) -> Result<RtlTop, BuildError>,
    ) -> Result<RtlCore, Error> {
        crate::check_entries(entries)?;
        crate::check_hit_latency(hit_latency)?;
        let spec = core_spec(entries, hit_latency);
        let words = vec![0; spec.in_words()];
        Ok(RtlCore { top: top(&spec)?, entries, words })
    }

    pub fn entries(&self) -> usize {
        self.entries
    }

    pub fn open_vcd(&mut self, vcd: &Path) {
        self.top.open_vcd(vcd);
    }

    pub fn close_vcd(&mut self) {
        self.top.close_vcd();
    }

    pub fn outputs(&self) -> CoreOutputs {
        let words = self.top.read_words();
        let v = unpack(words, CoreOutputs::default().fields().iter().map(|f| f.1));
        CoreOutputs {
            req_ready: v[0] != 0,
            resp_valid: v[1] != 0,
            resp_paddr: v[2],
            resp_fault: v[3] != 0,
            resp_hit: v[4] != 0,
            mem_req_valid: v[5] != 0,
            mem_req_addr: v[6],
            mem_resp_ready: v[7] != 0,
            walk_restart: v[8] != 0,
            idle: v[9] != 0,
            valid_count: v[10] as u8,
        }
    }

    /// One clock cycle.
    pub fn step(&mut self, inputs: &CoreInputs) {
        pack(inputs.fields().iter().map(|f| (f.1, f.2)), &mut self.words);
        self.top.step_words(&self.words);
    }
}

impl Dut for RtlCore {
    type Config = CoreParams;
    type Inputs = CoreInputs;
    type Outputs = CoreOutputs;

    fn build(cfg: &CoreParams, traceable: bool) -> Result<RtlCore, tlb_lockstep::Error> {
        let core = if traceable {
            RtlCore::new_traceable(cfg.entries, cfg.hit_latency)
        } else {
            RtlCore::new(cfg.entries, cfg.hit_latency)
        };
        Ok(core?)
    }
    fn outputs(&self) -> CoreOutputs {
        RtlCore::outputs(self)
    }
    fn step(&mut self, inputs: &CoreInputs) {
        RtlCore::step(self, inputs)
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
