// SPDX-License-Identifier: Apache-2.0
//! Mirror of the shootdown fabric: `rtl/tlb_agent.sv`, `rtl/tlb_directory.sv` and
//! `rtl/tlb_system.sv` (docs/shootdown.md is the contract).
//!
//! One file per RTL module, named after it, so a mismatch report points at one file:
//!
//! | file          | RTL twin                           | holds                                      |
//! |---------------|------------------------------------|--------------------------------------------|
//! | `mod.rs`      | the fabric's part of `tlb_pkg.sv`  | [`SysConfig`], [`DirCmd`], [`BusMsg`], [`op`], [`asid_state`] |
//! | [`agent`]     | `rtl/tlb_agent.sv`                 | [`Agent`], [`AgentState`]                  |
//! | [`directory`] | `rtl/tlb_directory.sv`             | [`Directory`], [`DirMems`], [`AsidRec`], [`DirInputs`], [`Ctx`], [`Slot`], [`LogEntry`], [`Counters`] |
//! | [`system`]    | `rtl/tlb_system.sv`                | [`TlbSystem`], [`SysCoreInputs`], [`SysCoreOutputs`], [`SysOutputs`] |
//!
//! Everything is re-exported here: `tlb_sim::fabric::X` names it wherever it lives.

pub mod agent;
pub mod directory;
pub mod system;

pub use agent::{Agent, AgentState};
pub use directory::{AsidRec, Counters, Ctx, DirInputs, DirMems, Directory, LogEntry, Slot};
pub use system::{SysCoreInputs, SysCoreOutputs, SysOutputs, TlbSystem};

/// Commands (`cmd_op_e`).
pub mod op {
    pub const POST: u8 = 0;
    pub const SYNC: u8 = 1;
    pub const SWITCH: u8 = 2;
    pub const LAZY: u8 = 3;
    pub const SET_ATTRS: u8 = 4;
    pub const RELEASE: u8 = 5;
}

/// ASID table states (`asid_state_e`).
pub mod asid_state {
    pub const FREE: u8 = 0;
    pub const ACTIVE: u8 = 1;
    pub const RELEASING: u8 = 2;
}

/// Parameters of `tlb_system`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SysConfig {
    pub cores: usize,
    pub entries: usize,
    pub slots: usize,
    pub log_depth: usize,
    pub asids: usize,
    /// The cores' `HitLatency`: 1 or 2 cycles from a request to its hit's answer.
    pub hit_latency: u8,
}

impl Default for SysConfig {
    fn default() -> Self {
        SysConfig { cores: 4, entries: 32, slots: 4, log_depth: 4, asids: 16, hit_latency: 1 }
    }
}

impl SysConfig {
    /// The RTL's elaboration checks, as one line.
    pub fn validate(&self) -> Result<(), String> {
        let mut bad = Vec::new();
        if !(2..=16).contains(&self.cores) {
            bad.push(format!("cores must be 2 to 16, got {}", self.cores));
        }
        if !self.entries.is_power_of_two() || !(2..=64).contains(&self.entries) {
            bad.push(format!("entries must be a power of two from 2 to 64, got {}", self.entries));
        }
        if !(1..=8).contains(&self.slots) {
            bad.push(format!("context slots must be 1 to 8, got {}", self.slots));
        }
        if ![1, 2, 4, 8].contains(&self.log_depth) {
            bad.push(format!("flush-log depth must be 1, 2, 4 or 8, got {}", self.log_depth));
        }
        if !self.asids.is_power_of_two() || !(2..=4096).contains(&self.asids) {
            bad.push(format!("ASIDs must be a power of two from 2 to 4096, got {}", self.asids));
        }
        if self.hit_latency != 1 && self.hit_latency != 2 {
            bad.push(format!("hit latency must be 1 or 2 cycles, got {}", self.hit_latency));
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(format!("invalid configuration: {}", bad.join("; ")))
        }
    }
    fn lag_full(&self) -> u8 {
        self.log_depth as u8 + 1
    }
    /// The mask of an ASID's generation: tlb_directory's `GenW = LogIdxW` bits,
    /// `$clog2(LogDepth)` and at least 1.
    fn gen_mask(&self) -> u16 {
        (self.log_depth.max(2) - 1) as u16
    }
}

/// `dir_cmd_t`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirCmd {
    pub op: u8,
    pub kind: u8,
    pub asid: u16,
    pub vpn: u64,
    pub npages: u16,
    pub root: u64,
    pub pm: u8,
}

/// `bus_msg_t`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BusMsg {
    pub valid: bool,
    pub targets: u16,
    pub inval: bool,
    pub kind: u8,
    pub asid: u16,
    pub vpn: u64,
    pub npages: u16,
    pub need_ack: bool,
    pub init: u8,
    pub done: bool,
    pub error: bool,
    pub set_ctx: bool,
    pub set_lazy: bool,
    pub set_attrs: bool,
    pub drop_ctx: bool,
    pub root: u64,
    pub pm: u8,
}
