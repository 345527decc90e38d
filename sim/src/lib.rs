// SPDX-License-Identifier: Apache-2.0
//! Cycle-accurate reference model of the TLB RTL in `rtl/`, and the untimed architectural
//! oracle that judges whether a translation or fault was allowed.
//!
//! The model is written by hand from the contract in `docs/architecture.md` and
//! `docs/timing.md`, not generated from the RTL. Each module here mirrors one RTL module and
//! keeps the same register names (`state_q`, `poison_q`, ...), so a mismatch report or a
//! waveform of either reads the same.
//!
//! - [`core`]: `tlb_core` (one core's TLB, walker and request/response control), built
//!   from [`l1`] (`tlb_l1`: the entry array, its flash and sweep), [`ptw`] (`tlb_ptw`: the
//!   Sv39 walker with poisoning) and [`plru`] (`tlb_plru`).
//! - [`fabric`]: the shootdown fabric, one file per RTL module: [`fabric::agent`]
//!   (`tlb_agent`), [`fabric::directory`] (`tlb_directory`) and [`fabric::system`]
//!   (`tlb_system`).
//! - [`types`]: `tlb_pkg` (Sv39 geometry, entry and PTE layouts, the shared pure functions).
//! - [`oracle`]: the untimed architectural oracle, not a mirror of any RTL.
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
pub use crate::l1::L1_SUPERS;
pub use crate::types::*;
