// SPDX-License-Identifier: Apache-2.0
//! The device under test: what the engine needs of a Verilated top or a model, and how two
//! sides' outputs are compared.

use std::fmt::Debug;
use std::path::Path;

use tlb_sim::fabric::{SysConfig, SysOutputs};
use tlb_sim::CoreOutputs;

use crate::Error;

/// A clocked device the engine can drive: a Verilated top or a cycle-accurate model of it.
/// Outputs are functions of the registers only (Moore), so they can be read at any time
/// between two steps.
pub trait Dut: Sized {
    /// What builds one: the parameters of the top (the same for its model).
    type Config: Clone + Debug;
    /// One cycle's inputs.
    type Inputs: Clone;
    /// One cycle's outputs.
    type Outputs: Ports;

    /// A device straight out of reset. A `traceable` one can write a waveform (for a
    /// Verilated top: a fresh instance of its own, never taken from or given back to the
    /// pool of reused ones).
    fn build(cfg: &Self::Config, traceable: bool) -> Result<Self, Error>;
    /// This cycle's outputs.
    fn outputs(&self) -> Self::Outputs;
    /// One rising clock edge with these inputs.
    fn step(&mut self, inputs: &Self::Inputs);
    /// Back to the state right after reset.
    fn reset(&mut self);
    /// Starts a waveform of every signal into `path` from the current cycle on (traceable
    /// devices only). VCD time is the run's: cycle c has its rising edge at 10*(c+1)+5 ns.
    fn start_waveform(&mut self, path: &Path) -> Result<(), Error>;
    /// Ends the waveform (flushed and closed); an error says what could not be written.
    fn stop_waveform(&mut self) -> Result<(), Error>;
    /// Whether a failed assertion of the device's own stops the process (`true`: the default,
    /// and the only safe choice in a lockstep run) or is counted and the run goes on
    /// (`false`: a replay of inputs the device never answered itself, for its waveform).
    /// Returns the failures counted so far on this thread; a device without assertions has
    /// none.
    fn assertions_stop(&mut self, _stop: bool) -> u64 {
        0
    }
}

/// Outputs that two sides can be compared on, port by port.
pub trait Ports: Clone + PartialEq {
    /// Every port on which `self` (the RTL's) and `model` differ, one line each as a
    /// mismatch report prints it.
    fn mismatches(&self, model: &Self) -> Vec<String>;
}

impl Ports for CoreOutputs {
    fn mismatches(&self, model: &Self) -> Vec<String> {
        self.fields()
            .iter()
            .zip(model.fields())
            .filter(|(r, m)| r.2 != m.2)
            .map(|(r, m)| format!("{}: RTL {:#x} model {:#x}", r.0, r.2, m.2))
            .collect()
    }
}

impl Ports for SysOutputs {
    fn mismatches(&self, model: &Self) -> Vec<String> {
        let mut diffs = Vec::new();
        for (c, (rc, mc)) in self.core.iter().zip(&model.core).enumerate() {
            for (r, m) in rc.fields().iter().zip(mc.fields()) {
                if r.2 != m.2 {
                    diffs.push(format!("core {c} {}: RTL {:#x} model {:#x}", r.0, r.2, m.2));
                }
            }
        }
        // The counters read as counts, in decimal.
        for (r, m) in self.cnt.fields().iter().zip(model.cnt.fields()) {
            if r.2 != m.2 {
                diffs.push(format!("{}: RTL {} model {}", r.0, r.2, m.2));
            }
        }
        diffs
    }
}

/// One `tlb_core`'s parameters, as its Verilated top and its model both take them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoreParams {
    /// `Entries`: a power of two from 2 to 64.
    pub entries: usize,
    /// `HitLatency`: 1 or 2.
    pub hit_latency: u8,
}

impl CoreParams {
    /// The name of the Verilated wrapper top of this configuration (the harness builds it);
    /// the model's waveform uses it as its top scope, so both files read the same.
    pub fn wrapper_name(&self) -> String {
        format!("tlb_core_sim_e{}{}", self.entries, hit_latency_suffix(self.hit_latency))
    }
}

/// The name of the Verilated wrapper top of a `tlb_system` configuration (the harness
/// builds it); the fabric model's waveform uses it as its top scope, so both files read
/// the same.
pub fn system_wrapper_name(c: &SysConfig) -> String {
    let h = hit_latency_suffix(c.hit_latency);
    // The directory's read: said only when set (ReadAhead's default follows the table size).
    let ra = c.read_ahead.map_or(String::new(), |r| format!("_ra{}", r as u8));
    format!("tlb_system_sim_n{}_e{}_s{}_l{}_a{}{h}{ra}", c.cores, c.entries, c.slots, c.log_depth, c.asids)
}

/// The part of a wrapper top's name that says its HitLatency: none for the default 1,
/// `_h<n>` otherwise (every wrapper that has the parameter names it the same way).
pub fn hit_latency_suffix(hit_latency: u8) -> String {
    if hit_latency == 1 {
        String::new()
    } else {
        format!("_h{hit_latency}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlb_sim::fabric::SysCoreOutputs;

    #[test]
    fn a_core_mismatch_names_each_port_in_hex() {
        let rtl = CoreOutputs { resp_paddr: 0x55000, resp_hit: true, ..Default::default() };
        let model = CoreOutputs { resp_paddr: 0x66000, ..Default::default() };
        assert_eq!(
            rtl.mismatches(&model),
            ["resp_paddr_o: RTL 0x55000 model 0x66000", "resp_hit_o: RTL 0x1 model 0x0"]
        );
    }

    #[test]
    fn a_fabric_mismatch_names_the_core_and_counts_in_decimal() {
        let mut rtl = SysOutputs { core: vec![SysCoreOutputs::default(); 2], ..Default::default() };
        let mut model = rtl.clone();
        rtl.core[1].cur_asid = 0x11;
        model.cnt.posted = 12;
        assert_eq!(rtl.mismatches(&model), ["core 1 cur_asid_o: RTL 0x11 model 0x0", "cnt_posted_o: RTL 0 model 12"]);
    }

    #[test]
    fn wrapper_names_say_the_hit_latency_only_when_not_1() {
        assert_eq!(CoreParams { entries: 32, hit_latency: 1 }.wrapper_name(), "tlb_core_sim_e32");
        assert_eq!(CoreParams { entries: 8, hit_latency: 2 }.wrapper_name(), "tlb_core_sim_e8_h2");
    }
}
