// SPDX-License-Identifier: Apache-2.0
//! The multi-core system: protocol basics, in lockstep with the oracle's central property
//! checked on every answer (once a sync completes, no core answers from a mapping its
//! invalidations retired).
//!
//! The protocol (shootdowns, the latency bound, targeting, catch-ups), refusals of bad
//! commands and parameters, and core resets each have a file; the helpers they share are
//! below.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod protocol;
mod refusals;
mod reset;

use common::*;
use tlb_harness::system::{CmdResult, Command, SysLockstep};
use tlb_harness::{MemTiming, PteFlags};
use tlb_sim::fabric::SysConfig;
use tlb_sim::{Access, InvalKind, PageLevel};

const L: Access = Access::Load;

/// The configurations the tests build (each Verilated system takes about a minute):
/// 2, 4 and 8 cores with 16 entries each.
fn small(cores: usize) -> SysConfig {
    SysConfig { cores, entries: 16, slots: 4, log_depth: 4, asids: 16, hit_latency: 1, read_ahead: None }
}

fn remap(s: &mut SysLockstep, root: u64, va: u64, ppn: u64) {
    let (pt, mem) = s.tables();
    pt.map(mem, root, va, PageLevel::Page4K, ppn, PteFlags::URW);
}

/// Waits until `core` has no command in flight; returns the last that completed, if any.
fn finish(s: &mut SysLockstep, core: usize) -> Option<CmdResult> {
    while s.cmd_busy(core) {
        ok(s.step());
    }
    s.take_results(core).pop()
}
