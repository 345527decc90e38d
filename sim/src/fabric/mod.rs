// SPDX-License-Identifier: Apache-2.0
//! Mirror of the shootdown fabric: `rtl/tlb_agent.sv`, `rtl/tlb_directory.sv` and
//! `rtl/tlb_system.sv` (docs/shootdown.md is the contract).

use crate::core::{CoreInputs, TlbCore};
use crate::types::*;

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AgentState {
    #[default]
    Idle = 0,
    Dir = 1,
    Sync = 2,
    Bad = 3,
}

/// Mirror of `tlb_agent`.
#[derive(Clone, Debug, Default)]
pub struct Agent {
    pub index: usize,
    pub state_q: AgentState,
    pub cmd_q: DirCmd,
    pub cur_valid_q: bool,
    pub cur_asid_q: u16,
    pub lazy_q: bool,
    pub root_q: u64,
    pub pm_q: u8,
    pub ack_q: bool,
    pub ack_init_q: u8,
    pub ack_rel_q: bool,
}

impl Agent {
    fn mine(&self, bus: &BusMsg) -> bool {
        bus.valid && bus.init as usize == self.index
    }
    fn targeted(&self, bus: &BusMsg) -> bool {
        bus.valid && (bus.targets >> self.index) & 1 == 1
    }
    /// `holds_asid`: the message's ASID is the one loaded here.
    fn holds(&self, bus: &BusMsg) -> bool {
        self.cur_valid_q && self.cur_asid_q == bus.asid
    }
    pub fn cmd_ready(&self) -> bool {
        self.state_q == AgentState::Idle
    }
    pub fn switching(&self) -> bool {
        self.state_q == AgentState::Dir && self.cmd_q.op == op::SWITCH
    }
    /// `dir_req_o`: a switch waits until no walk of the old context is in flight. The
    /// request stays up while this core's completing message is on the bus; the directory
    /// masks it then (`Directory::grant`).
    pub fn dir_req(&self, core_idle: bool) -> bool {
        self.state_q == AgentState::Dir && (self.cmd_q.op != op::SWITCH || core_idle)
    }
    /// (`cmd_done_o`, `cmd_error_o`).
    pub fn done(&self, bus: &BusMsg, quiet: bool) -> (bool, bool) {
        match self.state_q {
            AgentState::Idle => (false, false),
            AgentState::Dir => {
                if self.mine(bus) && bus.done {
                    (true, bus.error)
                } else {
                    (false, false)
                }
            }
            AgentState::Sync => (quiet, false),
            AgentState::Bad => (true, true),
        }
    }
    /// The invalidation this agent hands its core this cycle.
    pub fn inval(&self, bus: &BusMsg) -> (bool, u8, u16, u64, u16) {
        (self.targeted(bus) && bus.inval, bus.kind, bus.asid, bus.vpn << 12, bus.npages)
    }

    /// `root_d` / `pm_d`: the attributes after this cycle's message. The core gets them a
    /// cycle later, from the registers (`root_o = root_q`), in the cycle it applies the
    /// flush that comes with them (the core applies an invalidation the cycle after it is
    /// handed over): a walk that restarts or starts then reads the new root under the new
    /// masking mode, and one still reading with the old root is poisoned then.
    pub fn attrs(&self, bus: &BusMsg) -> (u64, u8) {
        if (self.mine(bus) && bus.set_ctx) || (self.targeted(bus) && bus.set_attrs && self.holds(bus)) {
            (bus.root, bus.pm)
        } else {
            (self.root_q, self.pm_q)
        }
    }

    /// One clock edge; `clr` is the core's reset (`clr_i`): the command and the context are
    /// dropped, the acknowledgement is not (a message reaching a core in reset is
    /// acknowledged too: its TLB is empty).
    pub fn step(&mut self, clr: bool, cmd_valid: bool, cmd: DirCmd, bus: &BusMsg, quiet: bool) {
        let mine = self.mine(bus);
        let targeted = self.targeted(bus);
        let (done, _) = self.done(bus, quiet);
        let mut next = self.clone();
        match self.state_q {
            AgentState::Idle => {
                if cmd_valid {
                    next.cmd_q = cmd;
                    next.state_q = match cmd.op {
                        op::SYNC => AgentState::Sync,
                        op::POST | op::SWITCH | op::LAZY | op::SET_ATTRS | op::RELEASE => AgentState::Dir,
                        _ => AgentState::Bad,
                    };
                }
            }
            _ => {
                if done {
                    next.state_q = AgentState::Idle;
                }
            }
        }
        if mine && bus.set_ctx {
            next.cur_valid_q = true;
            next.cur_asid_q = bus.asid;
            next.lazy_q = false;
        }
        if mine && bus.set_lazy {
            next.lazy_q = true;
        }
        (next.root_q, next.pm_q) = self.attrs(bus);
        if targeted && bus.drop_ctx && self.holds(bus) {
            next.cur_valid_q = false;
            next.lazy_q = false;
        }
        if clr {
            next.state_q = AgentState::Idle;
            (next.cur_valid_q, next.cur_asid_q, next.lazy_q) = (false, 0, false);
            (next.root_q, next.pm_q) = (0, 0);
        }
        next.ack_q = targeted && bus.need_ack;
        next.ack_init_q = bus.init;
        next.ack_rel_q = bus.drop_ctx;
        *self = next;
    }
}

/// One flush-log entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogEntry {
    pub kind: u8,
    pub vpn: u64,
    pub npages: u16,
}

/// One context slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Slot {
    pub valid: bool,
    pub asid: u16,
    pub lag: u8,
}

/// The directory's record of one core's context (RTL `ctx_t`): what its agent holds once
/// it has applied the message in `bus_q`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ctx {
    pub valid: bool,
    /// The ASID's index in the table (a switch loads only ASIDs inside it).
    pub asid: u16,
    pub lazy: bool,
}

/// Event counters (`cnt_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub posted: u32,
    pub targets: u32,
    pub skipped: u32,
    pub catchup_log: u32,
    pub catchup_full: u32,
    pub errors: u32,
    pub stall: u32,
}

/// One ASID's record in the directory's table (RTL `asid_rec_t`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AsidRec {
    /// Switched to or given attributes, and not released since.
    pub active: bool,
    /// The generation modulo the log (RTL `GenW = LogIdxW` bits): the log's write position.
    pub gen: u16,
}

/// The directory's memories, written at the end of the cycle and read as they stand. The
/// RTL reads them a cycle ahead into registers and forwards a write to the ASID it reads;
/// the model reads them directly, so lockstep checks that the read-ahead and the forwarding
/// give the decision what the memories hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirMems {
    /// The ASID table: RTL `asid_mem`, cleared by the reset sweep.
    pub asid: Vec<AsidRec>,
    /// The ASIDs' attributes (root, pm): RTL `attr_mem`, a memory without reset.
    pub attr: Vec<(u64, u8)>,
    /// The flush logs, `[asid][pos]`: RTL `gen_log[pos].mem[asid]` (one memory per log
    /// position), likewise.
    pub log: Vec<Vec<LogEntry>>,
}

/// Mirror of `tlb_directory`.
#[derive(Debug)]
pub struct Directory {
    /// The next state's storage, reused every cycle (not a register: never cloned).
    next_d: Option<Box<Directory>>,
    pub cfg: SysConfig,
    /// The memories: not copied with the registers each cycle; written after the decision.
    pub mems: DirMems,
    /// The reset sweep's next ASID (RTL `init_q`): `cfg.asids` once the table is clear.
    pub init_q: usize,
    /// Each core's context as its agent holds it once it has applied `bus_q` (RTL `ctx_q`):
    /// every change of it is a message the directory sends, so it keeps the record itself.
    pub ctx_q: Vec<Ctx>,
    pub slot_q: Vec<Vec<Slot>>,
    pub slot_rr_q: Vec<usize>,
    pub rr_q: usize,
    /// The registered grant: a granted command waits here for its decision, next cycle.
    pub gnt_valid_q: bool,
    pub gnt_idx_q: usize,
    pub gnt_cmd_q: DirCmd,
    pub out_q: Vec<u8>,
    pub rel_asid_q: usize,
    pub rel_pending_q: u8,
    pub cu_busy_q: bool,
    pub cu_core_q: usize,
    pub cu_asid_q: usize,
    pub cu_pos_q: usize,
    pub cu_left_q: u8,
    pub bus_q: BusMsg,
    pub cnt: Counters,
    /// The agent `bus_q` answers (RTL `answered_q`): the one whose command was decided, or
    /// whose replay sent its last message, in the last cycle (at a replay's start, an agent
    /// that nothing can be granted to anyway).
    pub answered_q: Vec<bool>,
}

/// What the directory sees of the agents in one cycle.
impl Clone for Directory {
    fn clone(&self) -> Directory {
        let mut d = Directory::new(self.cfg);
        d.clone_from(self);
        d
    }
    /// Field by field, reusing this directory's allocations.
    fn clone_from(&mut self, s: &Directory) {
        self.copy_regs_from(s);
        self.mems.clone_from(&s.mems);
    }
}

impl Directory {
    /// Every register of `s` (not the memories), reusing this directory's allocations.
    fn copy_regs_from(&mut self, s: &Directory) {
        self.cfg = s.cfg;
        self.init_q = s.init_q;
        self.ctx_q.clone_from(&s.ctx_q);
        self.slot_q.clone_from(&s.slot_q);
        self.slot_rr_q.clone_from(&s.slot_rr_q);
        self.rr_q = s.rr_q;
        self.gnt_valid_q = s.gnt_valid_q;
        self.gnt_idx_q = s.gnt_idx_q;
        self.gnt_cmd_q = s.gnt_cmd_q;
        self.out_q.clone_from(&s.out_q);
        self.rel_asid_q = s.rel_asid_q;
        self.rel_pending_q = s.rel_pending_q;
        self.cu_busy_q = s.cu_busy_q;
        self.cu_core_q = s.cu_core_q;
        self.cu_asid_q = s.cu_asid_q;
        self.cu_pos_q = s.cu_pos_q;
        self.cu_left_q = s.cu_left_q;
        self.bus_q = s.bus_q;
        self.cnt = s.cnt;
        self.answered_q.clone_from(&s.answered_q);
    }
}

pub struct DirInputs<'a> {
    /// `core_rst_i`: the cores in reset this cycle.
    pub core_rst: &'a [bool],
    pub req: &'a [bool],
    pub cmd: &'a [DirCmd],
    pub ack: &'a [bool],
    pub ack_init: &'a [u8],
    pub ack_rel: &'a [bool],
}

impl Directory {
    pub fn new(cfg: SysConfig) -> Directory {
        Directory {
            next_d: None,
            cfg,
            mems: DirMems {
                asid: vec![AsidRec::default(); cfg.asids],
                attr: vec![(0, 0); cfg.asids],
                log: vec![vec![LogEntry::default(); cfg.log_depth]; cfg.asids],
            },
            init_q: 0,
            ctx_q: vec![Ctx::default(); cfg.cores],
            slot_q: vec![vec![Slot::default(); cfg.slots]; cfg.cores],
            slot_rr_q: vec![0; cfg.cores],
            rr_q: 0,
            gnt_valid_q: false,
            gnt_idx_q: 0,
            gnt_cmd_q: DirCmd::default(),
            out_q: vec![0; cfg.cores],
            rel_asid_q: 0,
            rel_pending_q: 0,
            cu_busy_q: false,
            cu_core_q: 0,
            cu_asid_q: 0,
            cu_pos_q: 0,
            cu_left_q: 0,
            bus_q: BusMsg::default(),
            cnt: Counters::default(),
            answered_q: vec![false; cfg.cores],
        }
    }

    /// `quiet_o[c]`.
    pub fn quiet(&self, c: usize) -> bool {
        self.out_q[c] == 0
    }

    /// The round-robin grant (`grant_valid`, `grant_idx`): not the requester whose command
    /// waits in the grant register, not a core in reset, nothing during a catch-up, and a
    /// release only when no other is in flight (acknowledged or granted).
    pub fn grant(&self, i: &DirInputs) -> Option<usize> {
        if self.cu_busy_q || self.init_busy() {
            return None;
        }
        let rel_busy = self.rel_pending_q != 0 || (self.gnt_valid_q && self.gnt_cmd_q.op == op::RELEASE);
        (0..self.cfg.cores).map(|k| (self.rr_q + k) % self.cfg.cores).find(|&c| {
            // Not grantable: its command waits in the grant register, or its core is in
            // reset (its agent drops the command at the end of this cycle).
            let held = (self.gnt_valid_q && self.gnt_idx_q == c) || i.core_rst[c];
            // RTL `req`: the agent whose answer is on the bus still requests; masked.
            let answered = self.answered_q[c];
            let release_waits = i.cmd[c].op == op::RELEASE && rel_busy;
            i.req[c] && !answered && !held && !release_waits
        })
    }

    fn log_at(&self, a: usize, pos: usize) -> LogEntry {
        self.mems.log[a][pos & (self.cfg.log_depth - 1)]
    }

    /// The reset sweep is clearing the ASID table (`init_busy`): nothing is granted.
    pub fn init_busy(&self) -> bool {
        self.init_q < self.cfg.asids
    }

    /// ASID `a`'s state as the decision reads it (`st_a`): releasing while its release is
    /// acknowledged, else the table's.
    pub fn asid_state(&self, a: usize) -> u8 {
        if self.rel_pending_q != 0 && self.rel_asid_q == a {
            asid_state::RELEASING
        } else if self.mems.asid[a].active {
            asid_state::ACTIVE
        } else {
            asid_state::FREE
        }
    }

    pub fn step(&mut self, i: &DirInputs) {
        let cfg = self.cfg;
        let n = cfg.cores;
        let full = cfg.lag_full();
        let all: u16 = ((1u32 << n) - 1) as u16;
        let mut d = match self.next_d.take() {
            Some(mut d) => {
                d.copy_regs_from(self);
                d
            }
            None => Box::new(self.clone()),
        };
        d.bus_q = BusMsg::default();
        // A core in reset: its granted command is dropped (`gnt_drop`), its replay abandoned
        // (`cu_drop`), and nothing is decided or answered for it this cycle.
        let gnt_drop = self.gnt_valid_q && i.core_rst[self.gnt_idx_q];
        let cu_drop = self.cu_busy_q && i.core_rst[self.cu_core_q];
        let decide = self.gnt_valid_q && !self.cu_busy_q && !gnt_drop;
        for c in 0..n {
            d.answered_q[c] = ((decide && self.gnt_idx_q == c)
                || (self.cu_busy_q && self.cu_left_q == 1 && self.cu_core_q == c))
                && !i.core_rst[c];
        }

        // Acknowledgements.
        for init in 0..n {
            let dec = (0..n).filter(|&c| i.ack[c] && i.ack_init[c] as usize == init).count() as u8;
            d.out_q[init] = self.out_q[init].wrapping_sub(dec);
        }
        let rel_dec = (0..n).filter(|&c| i.ack[c] && i.ack_rel[c]).count() as u8;
        if self.rel_pending_q != 0 {
            // At zero, the ASID reads free again (the table says so since the decision).
            d.rel_pending_q = self.rel_pending_q.wrapping_sub(rel_dec);
        }
        // The memories' one write each this cycle, applied at the end (the decision's, or
        // the reset sweep's).
        let mut asid_w: Option<(usize, AsidRec)> = None;
        let mut attr_w: Option<(usize, (u64, u8))> = None;
        let mut log_w: Option<(usize, usize, LogEntry)> = None;
        if self.init_busy() {
            asid_w = Some((self.init_q, AsidRec::default()));
            d.init_q = self.init_q + 1;
        }

        // The grant register: the new grant replaces the one decided this cycle; during a
        // catch-up nothing is granted and the held command waits.
        if let Some(g) = self.grant(i) {
            d.gnt_valid_q = true;
            d.gnt_idx_q = g;
            d.gnt_cmd_q = i.cmd[g];
            d.rr_q = (g + 1) % n;
        } else if !self.cu_busy_q || gnt_drop {
            d.gnt_valid_q = false;
        }

        if self.cu_busy_q {
            let e = self.log_at(self.cu_asid_q, self.cu_pos_q);
            let last = self.cu_left_q == 1;
            d.bus_q = BusMsg {
                valid: true,
                targets: 1 << self.cu_core_q,
                inval: true,
                kind: e.kind,
                vpn: e.vpn,
                npages: e.npages,
                asid: self.cu_asid_q as u16,
                init: self.cu_core_q as u8,
                set_ctx: last,
                done: last,
                root: if last { self.mems.attr[self.cu_asid_q].0 } else { 0 },
                pm: if last { self.mems.attr[self.cu_asid_q].1 } else { 0 },
                ..Default::default()
            };
            d.cu_pos_q = (self.cu_pos_q + 1) & (cfg.log_depth - 1);
            d.cu_left_q = self.cu_left_q - 1;
            if last {
                d.cu_busy_q = false;
                d.ctx_q[self.cu_core_q] = Ctx { valid: true, asid: self.cu_asid_q as u16, lazy: false };
            }
            if cu_drop {
                // The switching core is reset: the replay is abandoned, its message not sent
                // (it must not load the context later; the reset clears ctx_q below).
                d.bus_q.valid = false;
                d.cu_busy_q = false;
            }
        } else if decide {
            let (g, cmd) = (self.gnt_idx_q, self.gnt_cmd_q);
            let a = (cmd.asid as usize) & (cfg.asids - 1);
            let asid_ok = (cmd.asid as usize) < cfg.asids;
            let (rec, st) = (self.mems.asid[a], self.asid_state(a));
            let next_gen = (rec.gen + 1) & cfg.gen_mask();
            // Who runs what as of the end of this cycle: the record includes the message on
            // the bus now (seed 000, case 2: a switch granted last cycle counts). Compared on
            // the index bits: holders are read only for an ASID inside the table.
            let holders: u16 =
                (0..n).filter(|&c| self.ctx_q[c].valid && self.ctx_q[c].asid as usize == a).fold(0, |m, c| m | 1 << c);
            let runners: u16 =
                (0..n).filter(|&c| (holders >> c) & 1 == 1 && !self.ctx_q[c].lazy).fold(0, |m, c| m | 1 << c);
            let mut bus = BusMsg {
                valid: true,
                init: g as u8,
                done: true,
                asid: cmd.asid,
                vpn: cmd.vpn,
                npages: cmd.npages,
                kind: cmd.kind,
                ..Default::default()
            };
            let error = |d: &mut Directory, bus: &mut BusMsg| {
                bus.error = true;
                d.cnt.errors = d.cnt.errors.wrapping_add(1);
            };
            match cmd.op {
                op::POST => {
                    let scoped = InvalKind::from_bits(cmd.kind).asid_scoped() && cmd.kind < 5;
                    if scoped && !asid_ok {
                        error(&mut d, &mut bus);
                    } else {
                        let targets = if scoped { holders } else { all };
                        if scoped {
                            for c in 0..n {
                                if (targets >> c) & 1 == 1 {
                                    continue;
                                }
                                for s in 0..cfg.slots {
                                    let sl = self.slot_q[c][s];
                                    if sl.valid && sl.asid as usize == a && sl.lag != full {
                                        d.slot_q[c][s].lag = sl.lag + 1;
                                    }
                                }
                            }
                            let pos = rec.gen as usize & (cfg.log_depth - 1);
                            log_w = Some((a, pos, LogEntry { kind: cmd.kind, vpn: cmd.vpn, npages: cmd.npages }));
                            asid_w = Some((a, AsidRec { gen: next_gen, ..rec }));
                            d.cnt.skipped = d.cnt.skipped.wrapping_add(n as u32 - targets.count_ones());
                        }
                        bus.targets = targets;
                        bus.inval = true;
                        bus.need_ack = true;
                        d.out_q[g] = d.out_q[g].wrapping_add(targets.count_ones() as u8);
                        d.cnt.posted = d.cnt.posted.wrapping_add(1);
                        d.cnt.targets = d.cnt.targets.wrapping_add(targets.count_ones());
                    }
                }
                op::SET_ATTRS => {
                    if !asid_ok || st == asid_state::RELEASING {
                        error(&mut d, &mut bus);
                    } else {
                        let targets = holders;
                        attr_w = Some((a, (cmd.root, cmd.pm)));
                        asid_w = Some((a, AsidRec { active: true, gen: next_gen }));
                        for c in 0..n {
                            if (targets >> c) & 1 == 1 {
                                continue;
                            }
                            for s in 0..cfg.slots {
                                let sl = self.slot_q[c][s];
                                if sl.valid && sl.asid as usize == a {
                                    d.slot_q[c][s].lag = full;
                                }
                            }
                        }
                        bus.targets = targets;
                        bus.inval = true;
                        bus.kind = InvalKind::Asid as u8;
                        bus.need_ack = true;
                        bus.set_attrs = true;
                        bus.root = cmd.root;
                        bus.pm = cmd.pm;
                        d.out_q[g] = d.out_q[g].wrapping_add(targets.count_ones() as u8);
                        d.cnt.posted = d.cnt.posted.wrapping_add(1);
                        d.cnt.targets = d.cnt.targets.wrapping_add(targets.count_ones());
                        d.cnt.skipped = d.cnt.skipped.wrapping_add(n as u32 - targets.count_ones());
                    }
                }
                op::SWITCH => {
                    if !asid_ok || st == asid_state::RELEASING {
                        error(&mut d, &mut bus);
                    } else {
                        asid_w = Some((a, AsidRec { active: true, ..rec }));
                        let hit =
                            (0..cfg.slots).find(|&s| self.slot_q[g][s].valid && self.slot_q[g][s].asid as usize == a);
                        let lag = self.slot_q[g][hit.unwrap_or(0)].lag;
                        bus.set_ctx = true;
                        (bus.root, bus.pm) = self.mems.attr[a];
                        bus.targets = 1 << g;
                        // Unless a replay loads it with its last message, below.
                        d.ctx_q[g] = Ctx { valid: true, asid: a as u16, lazy: false };
                        match hit {
                            Some(_) if lag == 0 => {}
                            Some(s) if lag != full => {
                                let start = (rec.gen as usize).wrapping_sub(lag as usize);
                                let e = self.log_at(a, start);
                                bus.inval = true;
                                bus.kind = e.kind;
                                bus.vpn = e.vpn;
                                bus.npages = e.npages;
                                if lag != 1 {
                                    bus.set_ctx = false;
                                    bus.done = false;
                                    d.ctx_q[g] = self.ctx_q[g];
                                    d.cu_busy_q = true;
                                    d.cu_core_q = g;
                                    d.cu_asid_q = a;
                                    d.cu_pos_q = start.wrapping_add(1) & (cfg.log_depth - 1);
                                    d.cu_left_q = lag - 1;
                                }
                                d.slot_q[g][s].lag = 0;
                                d.cnt.catchup_log = d.cnt.catchup_log.wrapping_add(1);
                            }
                            _ => {
                                bus.inval = true;
                                bus.kind = InvalKind::Asid as u8;
                                if let Some(s) = hit {
                                    d.slot_q[g][s].lag = 0;
                                } else {
                                    let free = (0..cfg.slots).find(|&s| !self.slot_q[g][s].valid);
                                    let victim = free.unwrap_or(self.slot_rr_q[g]);
                                    if free.is_none() {
                                        d.slot_rr_q[g] = (self.slot_rr_q[g] + 1) % cfg.slots;
                                    }
                                    d.slot_q[g][victim] = Slot { valid: true, asid: a as u16, lag: 0 };
                                }
                                d.cnt.catchup_full = d.cnt.catchup_full.wrapping_add(1);
                            }
                        }
                    }
                }
                op::LAZY => {
                    bus.set_lazy = true;
                    d.ctx_q[g].lazy = true;
                }
                op::RELEASE => {
                    if !asid_ok || st != asid_state::ACTIVE || runners != 0 {
                        error(&mut d, &mut bus);
                    } else {
                        let targets = all;
                        for c in 0..n {
                            for s in 0..cfg.slots {
                                if self.slot_q[c][s].valid && self.slot_q[c][s].asid as usize == a {
                                    d.slot_q[c][s].valid = false;
                                }
                            }
                        }
                        // The lazy holders let go of it (the running ones refused it).
                        for c in (0..n).filter(|&c| (holders >> c) & 1 == 1) {
                            d.ctx_q[c] = Ctx { valid: false, lazy: false, ..self.ctx_q[c] };
                        }
                        // Free in the table; releasing while rel_pending_q counts.
                        asid_w = Some((a, AsidRec { active: false, ..rec }));
                        d.rel_asid_q = a;
                        d.rel_pending_q = targets.count_ones() as u8;
                        bus.targets = targets;
                        bus.inval = true;
                        bus.kind = InvalKind::Asid as u8;
                        bus.need_ack = true;
                        bus.drop_ctx = true;
                        d.out_q[g] = d.out_q[g].wrapping_add(targets.count_ones() as u8);
                        d.cnt.posted = d.cnt.posted.wrapping_add(1);
                        d.cnt.targets = d.cnt.targets.wrapping_add(targets.count_ones());
                    }
                }
                _ => error(&mut d, &mut bus),
            }
            d.bus_q = bus;
        }
        // Core resets: the directory forgets the core (no context, no slot); the acks owed to
        // it or by it are left alone.
        for c in (0..n).filter(|&c| i.core_rst[c]) {
            d.ctx_q[c] = Ctx::default();
            for s in &mut d.slot_q[c] {
                s.valid = false;
            }
        }
        std::mem::swap(self, &mut d);
        // The memories stay with the directory; this cycle's writes land now.
        std::mem::swap(&mut self.mems, &mut d.mems);
        if let Some((a, r)) = asid_w {
            self.mems.asid[a] = r;
        }
        if let Some((a, v)) = attr_w {
            self.mems.attr[a] = v;
        }
        if let Some((a, pos, e)) = log_w {
            self.mems.log[a][pos] = e;
        }
        self.next_d = Some(d);
    }
}

/// Every per-core input port of `tlb_system`, for one cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SysCoreInputs {
    /// `core_rst_i`: this core's synchronous reset (docs/shootdown.md, "Core reset").
    pub core_rst: bool,
    pub ctx_sum: bool,
    pub ctx_mxr: bool,
    pub req_valid: bool,
    pub req_vaddr: u64,
    pub req_access: u8,
    pub req_priv_u: bool,
    pub mem_req_ready: bool,
    pub mem_resp_valid: bool,
    pub mem_resp_data: u64,
    pub cmd_valid: bool,
    pub cmd_op: u8,
    pub cmd_kind: u8,
    pub cmd_asid: u16,
    pub cmd_vaddr: u64,
    pub cmd_npages: u16,
    pub cmd_root: u64,
    pub cmd_pm: u8,
}

impl SysCoreInputs {
    /// (port name, width, value) per input port, in port order.
    pub fn fields(&self) -> [(&'static str, u32, u64); 18] {
        [
            ("core_rst_i", 1, self.core_rst as u64),
            ("ctx_sum_i", 1, self.ctx_sum as u64),
            ("ctx_mxr_i", 1, self.ctx_mxr as u64),
            ("req_valid_i", 1, self.req_valid as u64),
            ("req_vaddr_i", 64, self.req_vaddr),
            ("req_access_i", 2, self.req_access as u64),
            ("req_priv_u_i", 1, self.req_priv_u as u64),
            ("mem_req_ready_i", 1, self.mem_req_ready as u64),
            ("mem_resp_valid_i", 1, self.mem_resp_valid as u64),
            ("mem_resp_data_i", 64, self.mem_resp_data),
            ("cmd_valid_i", 1, self.cmd_valid as u64),
            ("cmd_op_i", 3, self.cmd_op as u64),
            ("cmd_kind_i", 3, self.cmd_kind as u64),
            ("cmd_asid_i", 16, self.cmd_asid as u64),
            ("cmd_vaddr_i", 64, self.cmd_vaddr),
            ("cmd_npages_i", 16, self.cmd_npages as u64),
            ("cmd_root_i", PPN_BITS, self.cmd_root),
            ("cmd_pm_i", 2, self.cmd_pm as u64),
        ]
    }
}

/// Every per-core output port of `tlb_system`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SysCoreOutputs {
    pub req_ready: bool,
    pub resp_valid: bool,
    pub resp_paddr: u64,
    pub resp_fault: bool,
    pub resp_hit: bool,
    pub mem_req_valid: bool,
    pub mem_req_addr: u64,
    pub mem_resp_ready: bool,
    pub cmd_ready: bool,
    pub cmd_done: bool,
    pub cmd_error: bool,
    pub cur_valid: bool,
    pub cur_asid: u16,
    pub lazy: bool,
    pub walk_restart: bool,
}

impl SysCoreOutputs {
    pub fn fields(&self) -> [(&'static str, u32, u64); 15] {
        [
            ("req_ready_o", 1, self.req_ready as u64),
            ("resp_valid_o", 1, self.resp_valid as u64),
            ("resp_paddr_o", PA_BITS, self.resp_paddr),
            ("resp_fault_o", 1, self.resp_fault as u64),
            ("resp_hit_o", 1, self.resp_hit as u64),
            ("mem_req_valid_o", 1, self.mem_req_valid as u64),
            ("mem_req_addr_o", PA_BITS, self.mem_req_addr),
            ("mem_resp_ready_o", 1, self.mem_resp_ready as u64),
            ("cmd_ready_o", 1, self.cmd_ready as u64),
            ("cmd_done_o", 1, self.cmd_done as u64),
            ("cmd_error_o", 1, self.cmd_error as u64),
            ("cur_valid_o", 1, self.cur_valid as u64),
            ("cur_asid_o", 16, self.cur_asid as u64),
            ("lazy_o", 1, self.lazy as u64),
            ("walk_restart_o", 1, self.walk_restart as u64),
        ]
    }
}

impl Counters {
    /// (port name, value) of the counter outputs, in port order (each 32 bits).
    pub fn fields(&self) -> [(&'static str, u32, u64); 7] {
        [
            ("cnt_posted_o", 32, self.posted as u64),
            ("cnt_targets_o", 32, self.targets as u64),
            ("cnt_skipped_o", 32, self.skipped as u64),
            ("cnt_catchup_log_o", 32, self.catchup_log as u64),
            ("cnt_catchup_full_o", 32, self.catchup_full as u64),
            ("cnt_errors_o", 32, self.errors as u64),
            ("cnt_stall_o", 32, self.stall as u64),
        ]
    }
}

/// Every output of `tlb_system`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SysOutputs {
    pub core: Vec<SysCoreOutputs>,
    pub cnt: Counters,
}

/// Mirror of `tlb_system`.
#[derive(Clone, Debug)]
pub struct TlbSystem {
    pub cfg: SysConfig,
    pub cores: Vec<TlbCore>,
    pub agents: Vec<Agent>,
    pub dir: Directory,
    pub cnt_stall_q: u32,
}

impl TlbSystem {
    pub fn new(cfg: SysConfig) -> TlbSystem {
        cfg.validate().expect("valid configuration");
        TlbSystem {
            cfg,
            cores: (0..cfg.cores).map(|_| TlbCore::new(cfg.entries, cfg.hit_latency)).collect(),
            agents: (0..cfg.cores).map(|index| Agent { index, ..Agent::default() }).collect(),
            dir: Directory::new(cfg),
            cnt_stall_q: 0,
        }
    }

    pub fn outputs(&self) -> SysOutputs {
        let bus = &self.dir.bus_q;
        let core = (0..self.cfg.cores)
            .map(|c| {
                let o = self.cores[c].port_outputs();
                let ag = &self.agents[c];
                let (done, error) = ag.done(bus, self.dir.quiet(c));
                SysCoreOutputs {
                    req_ready: o.req_ready && !ag.switching(),
                    resp_valid: o.resp_valid,
                    resp_paddr: o.resp_paddr,
                    resp_fault: o.resp_fault,
                    resp_hit: o.resp_hit,
                    mem_req_valid: o.mem_req_valid,
                    mem_req_addr: o.mem_req_addr,
                    mem_resp_ready: o.mem_resp_ready,
                    cmd_ready: ag.cmd_ready(),
                    cmd_done: done,
                    cmd_error: error,
                    cur_valid: ag.cur_valid_q,
                    cur_asid: ag.cur_asid_q,
                    lazy: ag.lazy_q,
                    walk_restart: o.walk_restart,
                }
            })
            .collect();
        SysOutputs { core, cnt: Counters { stall: self.cnt_stall_q, ..self.dir.cnt } }
    }

    /// Advances one rising clock edge with this cycle's inputs (one entry per core).
    pub fn step(&mut self, inputs: &[SysCoreInputs]) {
        let n = self.cfg.cores;
        assert_eq!(inputs.len(), n);
        let bus = self.dir.bus_q;
        // Per-core wires as fixed arrays (at most 16 cores): no allocation per cycle.
        let (mut core_ready, mut core_idle) = ([false; 16], [false; 16]);
        let mut dir_req = [false; 16];
        let mut dir_cmd = [DirCmd::default(); 16];
        let mut core_rst = [false; 16];
        let (mut ack, mut ack_init, mut ack_rel, mut quiet) = ([false; 16], [0u8; 16], [false; 16], [false; 16]);
        for c in 0..n {
            let a = &self.agents[c];
            let o = self.cores[c].port_outputs();
            (core_ready[c], core_idle[c]) = (o.req_ready, o.idle);
            dir_req[c] = a.dir_req(core_idle[c]);
            dir_cmd[c] = a.cmd_q;
            (ack[c], ack_init[c], ack_rel[c]) = (a.ack_q, a.ack_init_q, a.ack_rel_q);
            quiet[c] = self.dir.quiet(c);
            core_rst[c] = inputs[c].core_rst;
        }
        let mut stall = 0u32;
        for c in 0..n {
            let i = &inputs[c];
            let ag = &self.agents[c];
            let switching = ag.switching();
            let (inval_valid, inval_kind, inval_asid, inval_vaddr, inval_npages) = ag.inval(&bus);
            let (root, pm) = (ag.root_q, ag.pm_q);
            let taken = core_ready[c] && !switching;
            if i.req_valid && !taken {
                stall += 1;
            }
            let ci = CoreInputs {
                clr: i.core_rst,
                ctx_asid: ag.cur_asid_q,
                ctx_root_ppn: root,
                ctx_sum: i.ctx_sum,
                ctx_mxr: i.ctx_mxr,
                ctx_pm: pm,
                req_valid: i.req_valid && !switching,
                req_vaddr: i.req_vaddr,
                req_access: i.req_access,
                req_priv_u: i.req_priv_u,
                inval_valid,
                inval_kind,
                inval_asid,
                inval_vaddr,
                inval_npages,
                mem_req_ready: i.mem_req_ready,
                mem_resp_valid: i.mem_resp_valid,
                mem_resp_data: i.mem_resp_data,
            };
            self.cores[c].step(&ci);
        }
        let mut record = [Ctx::default(); 16];
        record[..n].copy_from_slice(&self.dir.ctx_q);
        self.dir.step(&DirInputs {
            core_rst: &core_rst[..n],
            req: &dir_req[..n],
            cmd: &dir_cmd[..n],
            ack: &ack[..n],
            ack_init: &ack_init[..n],
            ack_rel: &ack_rel[..n],
        });
        for c in 0..n {
            let i = &inputs[c];
            let cmd = DirCmd {
                op: i.cmd_op,
                kind: i.cmd_kind,
                asid: i.cmd_asid,
                vpn: va_vpn(i.cmd_vaddr),
                npages: i.cmd_npages,
                root: i.cmd_root & PPN_MASK,
                pm: i.cmd_pm,
            };
            self.agents[c].step(i.core_rst, i.cmd_valid, cmd, &bus, quiet[c]);
            // RTL DirKnowsContext_A: the agent now holds what the directory recorded (or, if
            // the core was reset, nothing, like the directory's record now).
            let (a, r) = (&self.agents[c], if i.core_rst { Ctx::default() } else { record[c] });
            debug_assert!(
                (a.cur_valid_q, a.cur_asid_q, a.lazy_q) == (r.valid, r.asid, r.lazy),
                "core {c}: the directory's context record {r:?} differs from the agent's"
            );
        }
        self.cnt_stall_q = self.cnt_stall_q.wrapping_add(stall);
    }
}
