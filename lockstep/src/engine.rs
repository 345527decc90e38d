// SPDX-License-Identifier: Apache-2.0
//! The lockstep engine: an RTL and its model on the same inputs, generic over [`Dut`].
//!
//! Each cycle the protocol that drives the engine asks for the outputs ([`Engine::check`]:
//! in lockstep the model's are compared with the RTL's, every port), judges them, decides
//! the inputs from them, and clocks both sides with those ([`Engine::clock`]). Every input
//! is recorded, so a failure can be replayed bit-exactly from reset with waveforms on
//! ([`Engine::replay`]). On the first failure ([`Engine::fail`]) the run goes on for the
//! aftermath (so the waveform shows what followed, as XiangShan's difftest does), then
//! [`Engine::clock`] hands the [`Fault`] back for the protocol to report.

use std::path::Path;

use crate::dut::{Dut, Ports};
use crate::failure::Fault;
use crate::Error;

/// What a run simulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// RTL and model on the same inputs, every output compared every cycle.
    Lockstep,
    /// The Rust model alone (fast).
    Model,
    /// The Verilated RTL alone.
    Rtl,
}

impl Mode {
    pub fn has_rtl(self) -> bool {
        self != Mode::Model
    }
    pub fn has_model(self) -> bool {
        self != Mode::Rtl
    }
    /// The mode's name on the command line and in JSON summaries.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Lockstep => "lockstep",
            Mode::Model => "model",
            Mode::Rtl => "rtl",
        }
    }
    /// What runs, for a summary's first line.
    pub fn describe(self) -> &'static str {
        match self {
            Mode::Lockstep => "RTL (Verilator) and model in lockstep",
            Mode::Model => "model alone",
            Mode::Rtl => "RTL (Verilator) alone",
        }
    }
}

/// A failure recorded, with the cycles of aftermath still to run.
struct Pending {
    what: String,
    cycle: u64,
    left: u32,
}

/// What a replay wrote, side by side (`None`: that side was not asked for).
#[derive(Debug)]
pub struct Replayed {
    /// The RTL's waveform, or why the RTL could not be rebuilt for it.
    pub rtl: Option<Result<(), Error>>,
    /// The model's waveform, or why it could not be written.
    pub model: Option<Result<(), Error>>,
    /// Assertions of the RTL's own that failed during the replay (counted, not stopping it:
    /// in model mode the RTL is driven with inputs it never answered).
    pub rtl_assertions: u64,
}

/// An RTL (`R`, absent in model mode) and a model (`M`) of the same device, in lockstep.
pub struct Engine<R: Dut, M: Dut<Inputs = R::Inputs, Outputs = R::Outputs>> {
    mode: Mode,
    rtl_cfg: R::Config,
    model_cfg: M::Config,
    rtl: Option<R>,
    model: M,
    /// Whether this run writes its own waveforms (then the model is clocked in every mode).
    traced: bool,
    /// This cycle's outputs of the design under test: the RTL's if it runs, else the model's.
    out: R::Outputs,
    history: Vec<R::Inputs>,
    history_limit: u64,
    cycle: u64,
    aftermath: u32,
    pending: Option<Pending>,
}

impl<R: Dut, M: Dut<Inputs = R::Inputs, Outputs = R::Outputs>> Engine<R, M> {
    /// Builds both sides out of reset (the RTL only if `mode` has it). `history_limit`
    /// caps the cycles of inputs kept for replay; `aftermath` is how many cycles run after
    /// the first failure. With `waveforms` (RTL, model) the run writes its own from reset.
    pub fn new(
        mode: Mode,
        (rtl_cfg, model_cfg): (R::Config, M::Config),
        history_limit: u64,
        aftermath: u32,
        waveforms: Option<(&Path, &Path)>,
    ) -> Result<Engine<R, M>, Error> {
        let rtl = if mode.has_rtl() {
            let mut r = R::build(&rtl_cfg, waveforms.is_some())?;
            if let Some((path, _)) = waveforms {
                r.start_waveform(path)?;
            }
            Some(r)
        } else {
            None
        };
        let mut model = M::build(&model_cfg, waveforms.is_some())?;
        if let Some((_, path)) = waveforms {
            model
                .start_waveform(path)
                .map_err(|e| Error::ModelWaveform { path: path.to_path_buf(), error: Box::new(e) })?;
        }
        let out = match &rtl {
            Some(r) => r.outputs(),
            None => model.outputs(),
        };
        Ok(Engine {
            mode,
            rtl_cfg,
            model_cfg,
            rtl,
            model,
            traced: waveforms.is_some(),
            out,
            history: Vec::new(),
            history_limit,
            cycle: 0,
            aftermath,
            pending: None,
        })
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }
    /// Cycles clocked since reset.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }
    pub fn model(&self) -> &M {
        &self.model
    }
    /// The outputs of the design under test this cycle (the RTL's if it runs).
    pub fn outputs(&self) -> &R::Outputs {
        &self.out
    }
    /// The inputs of every cycle so far, up to the history limit.
    pub fn history(&self) -> &[R::Inputs] {
        &self.history
    }
    /// Whether every cycle's inputs were kept, so the run can be replayed.
    pub fn replayable(&self) -> bool {
        self.history.len() as u64 == self.cycle
    }
    /// Cycles still to run after a failure (changing it does not change a failure already
    /// recorded).
    pub fn set_aftermath(&mut self, cycles: u32) {
        self.aftermath = cycles;
    }

    /// Records the first failure of the run (later ones are ignored): the run goes on for
    /// the aftermath, then [`Engine::clock`] returns it.
    pub fn fail(&mut self, what: String) {
        if self.pending.is_none() {
            self.pending = Some(Pending { what, cycle: self.cycle, left: self.aftermath });
        }
    }

    /// This cycle's outputs; in lockstep the model's are compared with the RTL's first, and
    /// a difference is the run's failure.
    pub fn check(&mut self) -> R::Outputs {
        if self.mode == Mode::Lockstep {
            let model = self.model.outputs();
            if model != self.out {
                let diffs = self.out.mismatches(&model);
                self.fail(format!("outputs differ: {}", diffs.join("; ")));
            }
        }
        self.out.clone()
    }

    /// Clocks both sides with `inputs` (recorded for replay). Returns the failure once its
    /// aftermath has run.
    pub fn clock(&mut self, inputs: &R::Inputs) -> Result<(), Fault> {
        if (self.history.len() as u64) < self.history_limit {
            self.history.push(inputs.clone());
        }
        if self.mode.has_model() || self.traced {
            self.model.step(inputs);
        }
        if let Some(r) = self.rtl.as_mut() {
            r.step(inputs);
        }
        self.cycle += 1;
        self.out = match &self.rtl {
            Some(r) => r.outputs(),
            None => self.model.outputs(),
        };
        if let Some(p) = self.pending.as_mut() {
            if p.left == 0 {
                let p = self.pending.take().expect("pending");
                return Err(Fault { what: p.what, cycle: p.cycle, stopped: self.cycle });
            }
            p.left -= 1;
        }
        Ok(())
    }

    /// Ends the waveforms of a run that writes its own.
    pub fn finish(&mut self) -> Result<(), Error> {
        if !self.traced {
            return Ok(());
        }
        if let Some(r) = self.rtl.as_mut() {
            r.stop_waveform()?;
        }
        self.model.stop_waveform().map_err(|e| Error::ModelVcd(Box::new(e)))
    }

    /// Replays the recorded inputs of cycles `0..to` from reset on fresh devices: the RTL
    /// writing its waveform of cycles `from..to` to `rtl`'s path (in every mode: the RTL
    /// then shows the model's run), the model its waveform from reset to `model`. An error:
    /// the model's waveform could not be started, and nothing was replayed.
    pub fn replay(&self, to: u64, rtl: Option<(&Path, u64)>, model: Option<&Path>) -> Result<Replayed, Error> {
        let to = to.min(self.history.len() as u64) as usize;
        let mut m = None;
        if let Some(path) = model {
            let mut d = M::build(&self.model_cfg, true)?;
            d.start_waveform(path)?;
            m = Some(d);
        }
        let mut r = None;
        let mut rtl_result = None;
        let mut assertions_before = 0;
        if let Some((path, from)) = rtl {
            match R::build(&self.rtl_cfg, true) {
                Ok(mut d) => {
                    assertions_before = d.assertions_stop(false);
                    r = Some((d, path, from));
                }
                Err(e) => rtl_result = Some(Err(e)),
            }
        }
        for c in 0..=to {
            if let Some((d, path, from)) = r.as_mut() {
                if c as u64 == *from {
                    if let Err(e) = d.start_waveform(path) {
                        rtl_result = Some(Err(e));
                    }
                }
            }
            let Some(inputs) = self.history[..to].get(c) else { break };
            if let Some(m) = m.as_mut() {
                m.step(inputs);
            }
            if let Some((d, _, _)) = r.as_mut() {
                d.step(inputs);
            }
        }
        let mut rtl_assertions = 0;
        if let Some((mut d, _, _)) = r {
            rtl_assertions = d.assertions_stop(true).saturating_sub(assertions_before);
            rtl_result = Some(rtl_result.unwrap_or_else(|| d.stop_waveform()));
        }
        Ok(Replayed { rtl: rtl_result, model: m.map(|mut d| d.stop_waveform()), rtl_assertions })
    }
}

#[cfg(test)]
mod tests {
    //! The engine against a test double: a counter that adds its input each cycle, and a
    //! "model" of it that goes wrong from a chosen cycle on.
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    struct Count(u64);

    impl Ports for Count {
        fn mismatches(&self, model: &Self) -> Vec<String> {
            vec![format!("count: RTL {} model {}", self.0, model.0)]
        }
    }

    thread_local! {
        /// The waveforms started, by path and cycle.
        static WAVES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    /// Adds its input every cycle; from cycle `Config` on it adds one more.
    struct Counter {
        wrong_from: u64,
        cycle: u64,
        count: u64,
    }

    impl Dut for Counter {
        type Config = u64;
        type Inputs = u64;
        type Outputs = Count;
        fn build(cfg: &u64, _traceable: bool) -> Result<Counter, Error> {
            Ok(Counter { wrong_from: *cfg, cycle: 0, count: 0 })
        }
        fn outputs(&self) -> Count {
            Count(self.count)
        }
        fn step(&mut self, inputs: &u64) {
            self.count += inputs + (self.cycle >= self.wrong_from) as u64;
            self.cycle += 1;
        }
        fn reset(&mut self) {
            (self.cycle, self.count) = (0, 0);
        }
        fn start_waveform(&mut self, path: &Path) -> Result<(), Error> {
            WAVES.with(|w| w.borrow_mut().push(format!("{} from {}", path.display(), self.cycle)));
            Ok(())
        }
        fn stop_waveform(&mut self) -> Result<(), Error> {
            Ok(())
        }
    }

    fn engine(mode: Mode, wrong_from: u64) -> Engine<Counter, Counter> {
        Engine::new(mode, (u64::MAX, wrong_from), 100, 2, None).unwrap()
    }

    #[test]
    fn the_first_mismatch_comes_back_after_the_aftermath() {
        let mut e = engine(Mode::Lockstep, 5);
        let mut fault = None;
        for _ in 0..20 {
            e.check();
            if let Err(f) = e.clock(&1) {
                fault = Some(f);
                break;
            }
        }
        // The model adds 2 in cycle 5, so the outputs differ from cycle 6 on; the failing
        // cycle is clocked, then the 2 cycles of aftermath.
        let f = fault.expect("a mismatch");
        assert_eq!(f.what, "outputs differ: count: RTL 6 model 7");
        assert_eq!((f.cycle, f.stopped), (6, 9));
        assert_eq!(e.history().len(), 9);
        assert!(e.replayable());
    }

    #[test]
    fn model_mode_compares_nothing_and_shows_the_model() {
        let mut e = engine(Mode::Model, 0);
        for _ in 0..10 {
            assert!(e.check().0 <= 20);
            e.clock(&1).unwrap();
        }
        assert_eq!(e.outputs(), &Count(20));
    }

    #[test]
    fn history_past_its_limit_is_not_replayable() {
        let mut e: Engine<Counter, Counter> = Engine::new(Mode::Lockstep, (u64::MAX, u64::MAX), 3, 0, None).unwrap();
        for _ in 0..5 {
            e.clock(&1).unwrap();
        }
        assert_eq!(e.history(), [1, 1, 1]);
        assert!(!e.replayable());
    }

    #[test]
    fn a_replay_starts_the_rtl_waveform_at_its_window() {
        let mut e = engine(Mode::Lockstep, u64::MAX);
        for _ in 0..10 {
            e.clock(&1).unwrap();
        }
        let r = e.replay(8, Some((Path::new("w.vcd"), 3)), Some(Path::new("m.vcd"))).unwrap();
        assert!(matches!(r.rtl, Some(Ok(()))) && matches!(r.model, Some(Ok(()))));
        assert_eq!(WAVES.with(|w| w.take()), ["m.vcd from 0", "w.vcd from 3"]);
    }
}
