// SPDX-License-Identifier: Apache-2.0
//! Cycle-accurate reference model of the TLB RTL in `rtl/`, and the untimed architectural
//! oracle that judges whether a translation or fault was allowed.
//!
//! The model is written by hand from the contract in `docs/architecture.md` and
//! `docs/timing.md`, not generated from the RTL. Each module here mirrors one RTL module and
//! keeps the same register names (`state_q`, `poison_q`, ...), so a mismatch report or a
//! waveform of either reads the same.
//!
//! Clocking convention, shared with the harness: every output is a function of the
//! registers only (Moore), so [`TlbCore::outputs`] can be read at any time; [`TlbCore::step`]
//! takes the inputs of one cycle and advances to the next rising edge.

pub mod core;
pub mod fabric;
pub mod l1;
pub mod oracle;
pub mod plru;
pub mod ptw;
pub mod types;

pub use crate::core::{CoreInputs, CoreOutputs, TlbCore};
pub use crate::types::*;
