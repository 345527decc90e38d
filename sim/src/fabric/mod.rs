// SPDX-License-Identifier: Apache-2.0
//! Mirror of the shootdown fabric: `rtl/tlb_agent.sv`, `rtl/tlb_directory.sv` and
//! `rtl/tlb_system.sv` (docs/shootdown.md is the contract).
//!
//! One file per RTL module, named after it, so a mismatch report points at one file:
//!
//! | file          | RTL twin                           | holds                                      |
//! |---------------|------------------------------------|--------------------------------------------|
//! | `mod.rs`      | the fabric's part of `tlb_pkg.sv`  | [`SysConfig`], [`DirCmd`], [`DirOp`], [`Kind`], [`BusMsg`], [`AsidState`] |
//! | [`agent`]     | `rtl/tlb_agent.sv`                 | [`Agent`], [`AgentState`], [`AgentInputs`], [`Inval`] |
//! | [`directory`] | `rtl/tlb_directory.sv`             | [`Directory`], [`DirMems`], [`AsidRec`], [`DirInputs`], [`Ctx`], [`Slot`], [`LogEntry`], [`Counters`] |
//! | [`system`]    | `rtl/tlb_system.sv`                | [`TlbSystem`], [`SysCoreInputs`], [`SysCoreOutputs`], [`SysOutputs`] |
//!
//! Everything is re-exported here: `tlb_sim::fabric::X` names it wherever it lives. The
//! model's waveform, every register under its RTL name, is written by `tlb-lockstep`
//! (`vcdout_fabric.rs`).

pub mod agent;
pub mod directory;
pub mod system;

pub use agent::{Agent, AgentInputs, AgentState, Inval};
pub use directory::{AsidRec, Counters, Ctx, DirInputs, DirMems, Directory, LogEntry, Slot};
pub use system::{SysCoreInputs, SysCoreOutputs, SysOutputs, TlbSystem};

use crate::types::InvalKind;

/// A command's operation (`cmd_op_e`, 3 bits). The two encodings `cmd_op_e` leaves
/// undefined are carried as they are ([`DirOp::Unknown`]): the agent refuses them (`AgBad`)
/// and keeps them in `cmd_q`, and the directory refuses any it were granted, as the RTL's
/// `default` arms do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DirOp {
    /// `CmdPost`: post an invalidation (kind, asid, vaddr, npages).
    #[default]
    Post,
    /// `CmdSync`: wait until every invalidation posted so far is applied everywhere.
    Sync,
    /// `CmdSwitch`: run asid (catching up first if it lags).
    Switch,
    /// `CmdLazy`: run a kernel thread, keeping the current ASID loaded.
    Lazy,
    /// `CmdSetAttrs`: set asid's root PPN and pointer-masking mode.
    SetAttrs,
    /// `CmdRelease`: invalidate asid everywhere before it can be reused.
    Release,
    /// Any other encoding, kept as given (6 and 7 on the 3-bit port).
    Unknown(u8),
}

impl DirOp {
    /// Decodes the port value; anything `cmd_op_e` does not define is kept in
    /// [`DirOp::Unknown`], so [`DirOp::bits`] gives it back unchanged.
    pub fn from_bits(bits: u8) -> DirOp {
        match bits {
            0 => DirOp::Post,
            1 => DirOp::Sync,
            2 => DirOp::Switch,
            3 => DirOp::Lazy,
            4 => DirOp::SetAttrs,
            5 => DirOp::Release,
            other => DirOp::Unknown(other),
        }
    }
    /// The encoding (`cmd_op_e`'s, or the unknown value as given).
    pub fn bits(self) -> u8 {
        match self {
            DirOp::Post => 0,
            DirOp::Sync => 1,
            DirOp::Switch => 2,
            DirOp::Lazy => 3,
            DirOp::SetAttrs => 4,
            DirOp::Release => 5,
            DirOp::Unknown(bits) => bits,
        }
    }
}

/// The `kind` field of a command, a flush-log entry and a bus message (3 bits,
/// `inval_kind_e`). The fabric carries an encoding `inval_kind_e` does not define (5 to 7)
/// unchanged, from the core's command through the log to the bus, and treats it as InvAll
/// (never ASID-scoped), as every core does ([`Kind::applied`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Known(InvalKind),
    /// Any other encoding, kept as given.
    Unknown(u8),
}

impl Default for Kind {
    fn default() -> Self {
        Kind::Known(InvalKind::All)
    }
}

impl From<InvalKind> for Kind {
    fn from(k: InvalKind) -> Kind {
        Kind::Known(k)
    }
}

impl Kind {
    /// Decodes the port value, keeping an undefined one in [`Kind::Unknown`].
    pub fn from_bits(bits: u8) -> Kind {
        if bits <= InvalKind::RangeAsid as u8 {
            Kind::Known(InvalKind::from_bits(bits))
        } else {
            Kind::Unknown(bits)
        }
    }
    /// The encoding (`inval_kind_e`'s, or the unknown value as given).
    pub fn bits(self) -> u8 {
        match self {
            Kind::Known(k) => k as u8,
            Kind::Unknown(bits) => bits,
        }
    }
    /// What a post of this kind invalidates: an undefined kind acts as InvAll.
    pub fn applied(self) -> InvalKind {
        match self {
            Kind::Known(k) => k,
            Kind::Unknown(_) => InvalKind::All,
        }
    }
    /// Whether a post of this kind names one ASID (the directory targets its holders only).
    pub fn asid_scoped(self) -> bool {
        self.applied().asid_scoped()
    }
}

/// ASID table states (`asid_state_e`), as the decision reads them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AsidState {
    #[default]
    Free = 0,
    Active = 1,
    /// Release posted, acknowledgements outstanding.
    Releasing = 2,
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
    /// The directory's `ReadAhead`: its memories read a cycle ahead of the decision (block
    /// RAM, or an ASIC's synchronous SRAM) instead of in its cycle (LUT RAM). `None` leaves
    /// the RTL's default, by size: ahead above 64 ASIDs. The model's cycles are the same
    /// either way.
    pub read_ahead: Option<bool>,
}

impl Default for SysConfig {
    fn default() -> Self {
        SysConfig { cores: 4, entries: 32, slots: 4, log_depth: 4, asids: 16, hit_latency: 1, read_ahead: None }
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
    pub op: DirOp,
    pub kind: Kind,
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
    pub kind: Kind,
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
