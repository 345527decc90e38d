// SPDX-License-Identifier: Apache-2.0
//! The models as devices under test, each with the waveform it writes when asked (the
//! RTL's hierarchy and names): one core ([`ModelCore`]: `tlb_sim::TlbCore`, `vcdout.rs`)
//! and the fabric ([`ModelSystem`]: `tlb_sim::fabric::TlbSystem`, `vcdout_fabric.rs`).

use std::path::Path;

use tlb_sim::fabric::{SysConfig, SysCoreInputs, SysOutputs, TlbSystem};
use tlb_sim::{CoreInputs, CoreOutputs, TlbCore};

use crate::dut::{system_wrapper_name, CoreParams, Dut};
use crate::vcdout::{core_top_signals, ModelVcd};
use crate::vcdout_fabric::system_signals;
use crate::Error;

/// The model of one `tlb_core`, with the waveform it writes when asked (the RTL's
/// hierarchy and names: `vcdout.rs`).
pub struct ModelCore {
    pub core: TlbCore,
    params: CoreParams,
    /// Cycles since reset (the waveform's time).
    cycle: u64,
    vcd: Option<ModelVcd>,
    /// The first error writing the waveform, reported when it stops.
    vcd_error: Option<std::io::Error>,
}

impl Dut for ModelCore {
    type Config = CoreParams;
    type Inputs = CoreInputs;
    type Outputs = CoreOutputs;

    fn build(cfg: &CoreParams, _traceable: bool) -> Result<ModelCore, Error> {
        Ok(ModelCore {
            core: TlbCore::new(cfg.entries, cfg.hit_latency),
            params: *cfg,
            cycle: 0,
            vcd: None,
            vcd_error: None,
        })
    }

    fn outputs(&self) -> CoreOutputs {
        self.core.outputs()
    }

    fn step(&mut self, inputs: &CoreInputs) {
        match self.vcd.as_mut() {
            // The waveform shows the inputs with the clock low, then the registers after the
            // edge: it needs the state on both sides of the step.
            Some(v) if self.vcd_error.is_none() => {
                let t = 10 * (self.cycle + 1);
                let low = v.dump(t, |s| core_top_signals(s, &self.core, inputs, false));
                self.core.step(inputs);
                let high = low.and_then(|_| v.dump(t + 5, |s| core_top_signals(s, &self.core, inputs, true)));
                if let Err(e) = high {
                    self.vcd_error = Some(e);
                }
            }
            _ => self.core.step(inputs),
        }
        self.cycle += 1;
    }

    fn reset(&mut self) {
        self.core = TlbCore::new(self.params.entries, self.params.hit_latency);
        self.cycle = 0;
    }

    fn start_waveform(&mut self, path: &Path) -> Result<(), Error> {
        let top = self.params.wrapper_name();
        let v = ModelVcd::create(path, &top, 10 * self.cycle + 5, |s| {
            core_top_signals(s, &self.core, &CoreInputs::default(), true)
        })?;
        self.vcd = Some(v);
        Ok(())
    }

    fn stop_waveform(&mut self) -> Result<(), Error> {
        if let Some(v) = self.vcd.take() {
            v.finish()?;
        }
        self.vcd_error.take().map_or(Ok(()), |e| Err(Error::Io(e)))
    }
}

/// The fabric model (`tlb_sim::fabric::TlbSystem`), with the waveform it writes when asked
/// (the Verilated `tlb_system` wrapper's hierarchy and names: `vcdout_fabric.rs`).
pub struct ModelSystem {
    pub sys: TlbSystem,
    /// Cycles since reset (the waveform's time).
    cycle: u64,
    vcd: Option<ModelVcd>,
    /// The first error writing the waveform, reported when it stops.
    vcd_error: Option<std::io::Error>,
}

impl Dut for ModelSystem {
    type Config = SysConfig;
    type Inputs = Vec<SysCoreInputs>;
    type Outputs = SysOutputs;

    fn build(cfg: &SysConfig, _traceable: bool) -> Result<ModelSystem, Error> {
        cfg.validate().map_err(Error::Config)?;
        Ok(ModelSystem { sys: TlbSystem::new(*cfg), cycle: 0, vcd: None, vcd_error: None })
    }

    fn outputs(&self) -> SysOutputs {
        self.sys.outputs()
    }

    fn step(&mut self, inputs: &Vec<SysCoreInputs>) {
        match self.vcd.as_mut() {
            // The inputs with the clock low, then the registers after the edge (after a
            // failed write, no more).
            Some(v) if self.vcd_error.is_none() => {
                let t = 10 * (self.cycle + 1);
                let low = v.dump(t, |s| system_signals(s, &self.sys, inputs, false));
                self.sys.step(inputs);
                let high = low.and_then(|_| v.dump(t + 5, |s| system_signals(s, &self.sys, inputs, true)));
                if let Err(e) = high {
                    self.vcd_error = Some(e);
                }
            }
            _ => self.sys.step(inputs),
        }
        self.cycle += 1;
    }

    fn reset(&mut self) {
        self.sys = TlbSystem::new(self.sys.cfg);
        self.cycle = 0;
    }

    fn start_waveform(&mut self, path: &Path) -> Result<(), Error> {
        let top = system_wrapper_name(&self.sys.cfg);
        let idle = vec![SysCoreInputs::default(); self.sys.cfg.cores];
        let v = ModelVcd::create(path, &top, 10 * self.cycle + 5, |s| system_signals(s, &self.sys, &idle, true))?;
        self.vcd = Some(v);
        Ok(())
    }

    fn stop_waveform(&mut self) -> Result<(), Error> {
        if let Some(v) = self.vcd.take() {
            v.finish()?;
        }
        self.vcd_error.take().map_or(Ok(()), |e| Err(Error::Io(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_returns_a_model_to_its_state_after_reset() {
        let p = CoreParams { entries: 8, hit_latency: 2 };
        let mut m = ModelCore::build(&p, false).unwrap();
        let fresh = m.outputs();
        let i = CoreInputs { req_valid: true, req_vaddr: 0x1000, ..Default::default() };
        m.step(&i);
        m.step(&CoreInputs::default());
        assert_ne!(m.outputs(), fresh, "a request changes the outputs");
        m.reset();
        assert_eq!(m.outputs(), fresh);

        let cfg = SysConfig::default();
        let mut s = ModelSystem::build(&cfg, false).unwrap();
        let fresh = Dut::outputs(&s);
        let mut i = vec![SysCoreInputs::default(); cfg.cores];
        i[0].req_valid = true;
        Dut::step(&mut s, &i);
        Dut::reset(&mut s);
        assert_eq!(Dut::outputs(&s), fresh);
    }
}
