// SPDX-License-Identifier: Apache-2.0
//! One lockstep engine, generic over the device under test, in the spirit of Ibex's
//! co-simulation interface (`Cosim`) and mooneye-gb's `Bus`: whatever implements [`Dut`]
//! (a Verilated top, a Rust model) can be driven, compared and replayed by the same code.
//!
//! - [`dut`]: the [`Dut`] trait (outputs, step, reset, waveform start and stop), the
//!   [`Ports`] comparison of two sides' outputs, and one core's parameters.
//! - [`model`]: the models as devices, each with its waveform: [`ModelCore`]
//!   (`tlb_sim::TlbCore`) and [`ModelSystem`] (`tlb_sim::fabric::TlbSystem`). The Verilated tops implement [`Dut`] in
//!   the harness, which builds them (`tlb-harness`: `rtl.rs`, `rtl_system.rs`).
//! - [`engine`]: [`Engine`], an RTL and a model on the same inputs: every output compared
//!   every cycle, the first failure followed by a few cycles of aftermath, the inputs kept
//!   for a replay with waveforms.
//! - [`error`]: what can go wrong building a device or writing its waveform ([`Error`]).
//! - [`failure`]: what a failure reports ([`Failure`]) and where its artifacts go.
//! - [`vcdout`]: the models' VCD writer ([`vcdout::ModelVcd`]: what a walk over a model
//!   names, under the RTL's hierarchy and signal names) and one core's signals.
//! - [`vcdout_fabric`]: the fabric model's signals, as the Verilated `tlb_system` dumps
//!   them (ports, each agent and core, the directory's registers and memories).
//!
//! What drives the ports (a core's requests and invalidations, the fabric's commands) and
//! what judges the answers (the oracle) is the protocol's, not the engine's: the harness's
//! `lockstep.rs` (one core) and `system.rs` (the fabric) each hold an [`Engine`].

pub mod dut;
pub mod engine;
pub mod error;
pub mod failure;
pub mod model;
pub mod vcdout;
pub mod vcdout_fabric;

pub use dut::{hit_latency_suffix, system_wrapper_name, CoreParams, Dut, Ports};
pub use engine::{Engine, Mode, Replayed};
pub use error::Error;
pub use failure::{failure_dir, Failure, Fault, Report};
pub use model::{ModelCore, ModelSystem};
