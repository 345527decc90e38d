// SPDX-License-Identifier: Apache-2.0
//! Mirror of `rtl/tlb_directory.sv`: the arbiter, the ASID table, the flush logs, the
//! context slots and the catch-up replay, and the messages it puts on the bus.

use super::{AsidState, BusMsg, DirCmd, DirOp, Kind, SysConfig};
use crate::types::*;

/// One flush-log entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogEntry {
    pub kind: Kind,
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
    /// The granted requester's slot for its command's ASID, searched when it was granted
    /// (RTL `gnt_hit_q`, `gnt_hit_s_q`, `gnt_lag_q`; [`Directory::granted_slot`]).
    pub gnt_hit_q: bool,
    pub gnt_hit_s_q: usize,
    pub gnt_lag_q: u8,
    /// Acknowledgements owed (RTL `owed_q`): bit c of `owed_q[i]` says core c owes
    /// initiator i the acknowledgement of a need-ack message it was sent, from the cycle
    /// after the message was on the bus until the ack arrives.
    pub owed_q: Vec<u16>,
    pub rel_asid_q: usize,
    /// A release's acknowledgements owed, one bit per core (RTL `rel_owed_q`).
    pub rel_owed_q: u16,
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
        self.gnt_hit_q = s.gnt_hit_q;
        self.gnt_hit_s_q = s.gnt_hit_s_q;
        self.gnt_lag_q = s.gnt_lag_q;
        self.owed_q.clone_from(&s.owed_q);
        self.rel_asid_q = s.rel_asid_q;
        self.rel_owed_q = s.rel_owed_q;
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

/// What the directory sees of the agents in one cycle.
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
            gnt_hit_q: false,
            gnt_hit_s_q: 0,
            gnt_lag_q: 0,
            owed_q: vec![0; cfg.cores],
            rel_asid_q: 0,
            rel_owed_q: 0,
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

    /// Core c's slot for ASID index a: whether one holds it, which (the first), and its lag
    /// (slot 0's when none does), as the RTL's search gives them.
    pub fn slot_search(&self, c: usize, a: usize) -> (bool, usize, u8) {
        let hit = (0..self.cfg.slots).find(|&s| self.slot_q[c][s].valid && self.slot_q[c][s].asid as usize == a);
        (hit.is_some(), hit.unwrap_or(0), self.slot_q[c][hit.unwrap_or(0)].lag)
    }

    /// The slot the RTL decides a switch with (`hit`, `hit_s`, `lag`): the one searched
    /// when the command was granted, brought up to date with the message on the bus (a
    /// scoped post of the ASID that skipped the requester added one to the lag, a
    /// SET_ATTRS of it made the lag full). The model decides from the slots themselves
    /// (`slot_search`); the two agree whenever a switch is decided and not refused (RTL
    /// `GrantSlotExact_A`, and an assertion in `step`).
    pub fn granted_slot(&self) -> (bool, usize, u8) {
        let a = self.gnt_cmd_q.asid as usize & (self.cfg.asids - 1);
        let b = &self.bus_q;
        let skipped = b.valid
            && b.need_ack
            && !b.drop_ctx
            && (b.targets >> self.gnt_idx_q) & 1 == 0
            && b.asid as usize & (self.cfg.asids - 1) == a
            && (b.set_attrs || b.kind.asid_scoped());
        let full = self.cfg.lag_full();
        let lag = if !skipped || !self.gnt_hit_q {
            self.gnt_lag_q
        } else if b.set_attrs || self.gnt_lag_q == full {
            full
        } else {
            self.gnt_lag_q + 1
        };
        (self.gnt_hit_q, self.gnt_hit_s_q, lag)
    }

    /// `quiet_o[c]`: no acknowledgement owed to core c, and no need-ack message of its on
    /// the bus.
    pub fn quiet(&self, c: usize) -> bool {
        self.owed_q[c] == 0 && !self.bus_owes(c)
    }

    /// RTL `bus_owes[i]`: `bus_q` is a need-ack message of initiator i with targets (they owe
    /// their acks from the next cycle).
    pub fn bus_owes(&self, i: usize) -> bool {
        let b = &self.bus_q;
        b.valid && b.need_ack && b.init as usize == i && b.targets != 0
    }

    /// The acknowledgements initiator i is owed now, counted: its need-ack message on the bus
    /// and those of its targets that have not acknowledged yet (for tests; the directory
    /// counts nothing).
    pub fn acks_owed(&self, i: usize) -> u32 {
        self.owed_q[i].count_ones() + if self.bus_owes(i) { self.bus_q.targets.count_ones() } else { 0 }
    }

    /// RTL `rel_on_bus`: `bus_q` is a release (its targets owe their acks from the next
    /// cycle).
    pub fn rel_on_bus(&self) -> bool {
        self.bus_q.valid && self.bus_q.drop_ctx
    }

    /// RTL `release_busy`: a release is on the bus, or its acks are owed.
    pub fn release_busy(&self) -> bool {
        self.rel_owed_q != 0 || self.rel_on_bus()
    }

    /// The round-robin grant (`grant_valid`, `grant_idx`): not the requester whose command
    /// waits in the grant register, not a core in reset, nothing during a catch-up, and a
    /// release only when no other is in flight (acknowledged or granted).
    pub fn grant(&self, i: &DirInputs) -> Option<usize> {
        if self.cu_busy_q || self.init_busy() {
            return None;
        }
        let rel_busy = self.release_busy() || (self.gnt_valid_q && self.gnt_cmd_q.op == DirOp::Release);
        (0..self.cfg.cores).map(|k| (self.rr_q + k) % self.cfg.cores).find(|&c| {
            // Not grantable: its command waits in the grant register, or its core is in
            // reset (its agent drops the command at the end of this cycle).
            let held = (self.gnt_valid_q && self.gnt_idx_q == c) || i.core_rst[c];
            // RTL `req`: the agent whose answer is on the bus still requests; masked.
            let answered = self.answered_q[c];
            let release_waits = i.cmd[c].op == DirOp::Release && rel_busy;
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
    pub fn asid_state(&self, a: usize) -> AsidState {
        if self.release_busy() && self.rel_asid_q == a {
            AsidState::Releasing
        } else if self.mems.asid[a].active {
            AsidState::Active
        } else {
            AsidState::Free
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

        // Acknowledgements: the targets of the need-ack message on the bus owe from the next
        // cycle; an ack clears what its core owes its initiator. A release's likewise (its
        // ASID reads free again once nothing is owed: the table says so since the decision).
        for init in 0..n {
            let acked = (0..n).filter(|&c| i.ack[c] && i.ack_init[c] as usize == init).fold(0u16, |m, c| m | 1 << c);
            let sent = if self.bus_owes(init) { self.bus_q.targets } else { 0 };
            d.owed_q[init] = (self.owed_q[init] & !acked) | sent;
        }
        let rel_acked = (0..n).filter(|&c| i.ack[c] && i.ack_rel[c]).fold(0u16, |m, c| m | 1 << c);
        let rel_sent = if self.rel_on_bus() { self.bus_q.targets } else { 0 };
        d.rel_owed_q = (self.rel_owed_q & !rel_acked) | rel_sent;
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
            (d.gnt_hit_q, d.gnt_hit_s_q, d.gnt_lag_q) = self.slot_search(g, i.cmd[g].asid as usize & (cfg.asids - 1));
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
                DirOp::Post => {
                    let scoped = cmd.kind.asid_scoped();
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
                        d.cnt.posted = d.cnt.posted.wrapping_add(1);
                        d.cnt.targets = d.cnt.targets.wrapping_add(targets.count_ones());
                    }
                }
                DirOp::SetAttrs => {
                    if !asid_ok || st == AsidState::Releasing {
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
                        bus.kind = InvalKind::Asid.into();
                        bus.need_ack = true;
                        bus.set_attrs = true;
                        bus.root = cmd.root;
                        bus.pm = cmd.pm;
                        d.cnt.posted = d.cnt.posted.wrapping_add(1);
                        d.cnt.targets = d.cnt.targets.wrapping_add(targets.count_ones());
                        d.cnt.skipped = d.cnt.skipped.wrapping_add(n as u32 - targets.count_ones());
                    }
                }
                DirOp::Switch => {
                    if !asid_ok || st == AsidState::Releasing {
                        error(&mut d, &mut bus);
                    } else {
                        asid_w = Some((a, AsidRec { active: true, ..rec }));
                        let (found, hit_s, lag) = self.slot_search(g, a);
                        let hit = found.then_some(hit_s);
                        // The RTL decides with the slot searched at the grant, brought up to
                        // date: the same slot and lag whenever there is one.
                        let (rtl_found, rtl_s, rtl_lag) = self.granted_slot();
                        assert!(
                            rtl_found == found && (!found || (rtl_s, rtl_lag) == (hit_s, lag)),
                            "the slot searched at the grant, brought up to date, is the slot now"
                        );
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
                                bus.kind = InvalKind::Asid.into();
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
                DirOp::Lazy => {
                    bus.set_lazy = true;
                    d.ctx_q[g].lazy = true;
                }
                DirOp::Release => {
                    if !asid_ok || st != AsidState::Active || runners != 0 {
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
                        // Free in the table; releasing while its acks are owed.
                        asid_w = Some((a, AsidRec { active: false, ..rec }));
                        d.rel_asid_q = a;
                        bus.targets = targets;
                        bus.inval = true;
                        bus.kind = InvalKind::Asid.into();
                        bus.need_ack = true;
                        bus.drop_ctx = true;
                        d.cnt.posted = d.cnt.posted.wrapping_add(1);
                        d.cnt.targets = d.cnt.targets.wrapping_add(targets.count_ones());
                    }
                }
                // The RTL's default arm. Never granted: a sync waits in its agent for the acks,
                // and an agent refuses an unknown operation itself (`AgBad`).
                DirOp::Sync | DirOp::Unknown(_) => error(&mut d, &mut bus),
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
