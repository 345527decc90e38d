// SPDX-License-Identifier: Apache-2.0
//! The models as devices under test: one core ([`ModelCore`]: `tlb_sim::TlbCore` and its
//! waveform) and the fabric (`tlb_sim::fabric::TlbSystem` itself).

use std::path::Path;

use tlb_sim::fabric::{SysConfig, SysCoreInputs, SysOutputs, TlbSystem};
use tlb_sim::{CoreInputs, CoreOutputs, TlbCore};

use crate::dut::{CoreParams, Dut};
use crate::vcdout::ModelVcd;
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
            Some(v) => {
                let before = self.core.clone();
                self.core.step(inputs);
                if self.vcd_error.is_none() {
                    if let Err(e) = v.cycle(self.cycle, &before, &self.core, inputs) {
                        self.vcd_error = Some(e);
                    }
                }
            }
            None => self.core.step(inputs),
        }
        self.cycle += 1;
    }

    fn reset(&mut self) {
        self.core = TlbCore::new(self.params.entries, self.params.hit_latency);
        self.cycle = 0;
    }

    fn start_waveform(&mut self, path: &Path) -> Result<(), Error> {
        let top = self.params.wrapper_name();
        let v = ModelVcd::create(path, &top, &self.core, &CoreInputs::default(), 10 * self.cycle + 5)?;
        self.vcd = Some(v);
        Ok(())
    }

    fn stop_waveform(&mut self) -> Result<(), Error> {
        if let Some(v) = self.vcd.take() {
            v.finish()?;
        }
        self.vcd_error.take().map_or(Ok(()), |e| Err(e.into()))
    }
}

impl Dut for TlbSystem {
    type Config = SysConfig;
    type Inputs = Vec<SysCoreInputs>;
    type Outputs = SysOutputs;

    fn build(cfg: &SysConfig, _traceable: bool) -> Result<TlbSystem, Error> {
        cfg.validate().map_err(Error::Config)?;
        Ok(TlbSystem::new(*cfg))
    }

    fn outputs(&self) -> SysOutputs {
        TlbSystem::outputs(self)
    }

    fn step(&mut self, inputs: &Vec<SysCoreInputs>) {
        TlbSystem::step(self, inputs)
    }

    fn reset(&mut self) {
        *self = TlbSystem::new(self.cfg);
    }

    fn start_waveform(&mut self, _path: &Path) -> Result<(), Error> {
        Err(Error::NoWaveform)
    }

    fn stop_waveform(&mut self) -> Result<(), Error> {
        Ok(())
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
        let mut s = <TlbSystem as Dut>::build(&cfg, false).unwrap();
        let fresh = Dut::outputs(&s);
        let mut i = vec![SysCoreInputs::default(); cfg.cores];
        i[0].req_valid = true;
        Dut::step(&mut s, &i);
        Dut::reset(&mut s);
        assert_eq!(Dut::outputs(&s), fresh);
        assert!(s.start_waveform(Path::new("/dev/null")).is_err());
    }
}
