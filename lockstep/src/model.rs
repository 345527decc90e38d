// SPDX-License-Identifier: Apache-2.0
//! The models as devices under test, each with the waveform it writes when asked (the
//! RTL's hierarchy and names): one core ([`ModelCore`]: `tlb_sim::TlbCore`, `vcdout.rs`)
//! and the fabric ([`ModelSystem`]: `tlb_sim::fabric::TlbSystem`, `vcdout_fabric.rs`).

use std::path::Path;

use tlb_sim::fabric::{SysConfig, SysCoreInputs, SysOutputs, TlbSystem};
use tlb_sim::{CoreInputs, CoreOutputs, TlbCore};

use crate::dut::{system_wrapper_name, CoreParams, Dut};
use crate::vcdout::{core_top_signals, ModelVcd, Signals};
use crate::vcdout_fabric::system_signals;
use crate::Error;

/// A model's waveform as it is written: the cycles since reset (its time), the file, and the
/// first error writing it (after which nothing more is written; reported when it stops).
/// One for both models.
#[derive(Default)]
struct Wave {
    cycle: u64,
    vcd: Option<ModelVcd>,
    error: Option<std::io::Error>,
}

impl Wave {
    /// Steps `model` one cycle (`step`); while a waveform is open, writes what `walk` names
    /// with the clock low (the inputs), then after the edge (the registers).
    fn step<M>(&mut self, model: &mut M, walk: impl Fn(&mut Signals, &M, bool), step: impl FnOnce(&mut M)) {
        match self.vcd.as_mut() {
            Some(v) if self.error.is_none() => {
                let t = 10 * (self.cycle + 1);
                let low = v.dump(t, |s| walk(s, model, false));
                step(model);
                if let Err(e) = low.and_then(|_| v.dump(t + 5, |s| walk(s, model, true))) {
                    self.error = Some(e);
                }
            }
            _ => step(model),
        }
        self.cycle += 1;
    }

    fn start(&mut self, path: &Path, top: &str, walk: impl FnOnce(&mut Signals)) -> Result<(), Error> {
        self.vcd = Some(ModelVcd::create(path, top, 10 * self.cycle + 5, walk)?);
        Ok(())
    }

    fn stop(&mut self) -> Result<(), Error> {
        if let Some(v) = self.vcd.take() {
            v.finish()?;
        }
        self.error.take().map_or(Ok(()), |e| Err(Error::Io(e)))
    }
}

/// The model of one `tlb_core`, with the waveform it writes when asked (the RTL's
/// hierarchy and names: `vcdout.rs`).
pub struct ModelCore {
    pub core: TlbCore,
    params: CoreParams,
    wave: Wave,
}

impl Dut for ModelCore {
    type Config = CoreParams;
    type Inputs = CoreInputs;
    type Outputs = CoreOutputs;

    fn build(cfg: &CoreParams, _traceable: bool) -> Result<ModelCore, Error> {
        Ok(ModelCore { core: TlbCore::new(cfg.entries, cfg.hit_latency), params: *cfg, wave: Wave::default() })
    }

    fn outputs(&self) -> CoreOutputs {
        self.core.outputs()
    }

    fn step(&mut self, inputs: &CoreInputs) {
        self.wave.step(&mut self.core, |s, core, clk| core_top_signals(s, core, inputs, clk), |core| core.step(inputs));
    }

    fn reset(&mut self) {
        self.core = TlbCore::new(self.params.entries, self.params.hit_latency);
        self.wave.cycle = 0;
    }

    fn start_waveform(&mut self, path: &Path) -> Result<(), Error> {
        let core = &self.core;
        self.wave.start(path, &self.params.wrapper_name(), |s| core_top_signals(s, core, &CoreInputs::default(), true))
    }

    fn stop_waveform(&mut self) -> Result<(), Error> {
        self.wave.stop()
    }
}

/// The fabric model (`tlb_sim::fabric::TlbSystem`), with the waveform it writes when asked
/// (the Verilated `tlb_system` wrapper's hierarchy and names: `vcdout_fabric.rs`).
pub struct ModelSystem {
    pub sys: TlbSystem,
    wave: Wave,
}

impl Dut for ModelSystem {
    type Config = SysConfig;
    type Inputs = Vec<SysCoreInputs>;
    type Outputs = SysOutputs;

    fn build(cfg: &SysConfig, _traceable: bool) -> Result<ModelSystem, Error> {
        cfg.validate().map_err(Error::Config)?;
        Ok(ModelSystem { sys: TlbSystem::new(*cfg), wave: Wave::default() })
    }

    fn outputs(&self) -> SysOutputs {
        self.sys.outputs()
    }

    fn step(&mut self, inputs: &Vec<SysCoreInputs>) {
        self.wave.step(&mut self.sys, |s, sys, clk| system_signals(s, sys, inputs, clk), |sys| sys.step(inputs));
    }

    fn reset(&mut self) {
        self.sys = TlbSystem::new(self.sys.cfg);
        self.wave.cycle = 0;
    }

    fn start_waveform(&mut self, path: &Path) -> Result<(), Error> {
        let idle = vec![SysCoreInputs::default(); self.sys.cfg.cores];
        let sys = &self.sys;
        self.wave.start(path, &system_wrapper_name(&sys.cfg), |s| system_signals(s, sys, &idle, true))
    }

    fn stop_waveform(&mut self) -> Result<(), Error> {
        self.wave.stop()
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
