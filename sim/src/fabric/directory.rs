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

impl Counters {
    /// Each counter plus its increment in `inc`, wrapping like the RTL's 32-bit registers.
    pub fn wrapping_add(&self, inc: &Counters) -> Counters {
        Counters {
            posted: self.posted.wrapping_add(inc.posted),
            targets: self.targets.wrapping_add(inc.targets),
            skipped: self.skipped.wrapping_add(inc.skipped),
            catchup_log: self.catchup_log.wrapping_add(inc.catchup_log),
            catchup_full: self.catchup_full.wrapping_add(inc.catchup_full),
            errors: self.errors.wrapping_add(inc.errors),
            stall: self.stall.wrapping_add(inc.stall),
        }
    }
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
    /// The registered grant's requester in one hot, zero when none waits (RTL `gnt_oh_q`:
    /// what the arbiter reads instead of comparing `gnt_idx_q`).
    pub gnt_oh_q: u16,
    /// A release is in flight: on the bus, its acks owed, or granted (RTL
    /// `rel_inflight_q`, registered from the next cycle's values; [`Directory::grant`]).
    pub rel_inflight_q: bool,
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
    /// What the last cycle's decision adds to each counter (RTL `cnt_inc_t`, `cnt_inc_q`;
    /// `stall` unused: the system counts stalls), added a cycle after the decision.
    pub cnt_inc_q: Counters,
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
        self.gnt_oh_q = s.gnt_oh_q;
        self.rel_inflight_q = s.rel_inflight_q;
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
        self.cnt_inc_q = s.cnt_inc_q;
        self.cnt = s.cnt;
        self.answered_q.clone_from(&s.answered_q);
    }
}

/// The decision's verdict on the granted command (RTL `dec_t dec` and `targets`): all false
/// when nothing is decided. Each flag is an accepted command, except `refuse`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dec {
    /// Refused: an error message, nothing else changes.
    pub refuse: bool,
    /// A post (any kind).
    pub post: bool,
    /// ... of an ASID-scoped kind: the holders only, the skipped slots lag, logged.
    pub scoped: bool,
    /// SET_ATTRS.
    pub attrs: bool,
    /// A switch.
    pub sw: bool,
    /// ... behind by 1 to LogDepth: the oldest missed log entry goes with the decision.
    pub sw_log: bool,
    /// ... by 2 or more: the catch-up replay sends the rest.
    pub sw_replay: bool,
    /// ... too far behind, or no slot remembers the ASID: it is flushed.
    pub sw_flush: bool,
    /// LAZY.
    pub lazy: bool,
    /// RELEASE.
    pub rel: bool,
    /// The message's targets (a switch's: its own core).
    pub targets: u16,
}

/// What the decision read and decided: the granted command, its ASID's index and table
/// record, the cores holding the ASID, the requester's slot (RTL `hit`, `hit_s`, `lag`) and
/// the verdict.
#[derive(Clone, Copy, Debug, Default)]
struct Decided {
    decide: bool,
    cmd: DirCmd,
    a: usize,
    rec: AsidRec,
    holders: u16,
    hit: bool,
    hit_s: usize,
    lag: u8,
    dec: Dec,
}

impl Decided {
    /// The log position of the oldest invalidation a lagging switch's slot missed (RTL: the
    /// index of `log_rd`; the replay continues from the next one). Unmasked: readers mask it.
    fn oldest_missed(&self) -> usize {
        (self.rec.gen as usize).wrapping_sub(self.lag as usize)
    }
}

/// The memories' one write each in a cycle, applied at the end of it.
#[derive(Default)]
struct MemWrites {
    asid: Option<(usize, AsidRec)>,
    attr: Option<(usize, (u64, u8))>,
    log: Option<(usize, usize, LogEntry)>,
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
            gnt_oh_q: 0,
            rel_inflight_q: false,
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
            cnt_inc_q: Counters::default(),
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
        (0..self.cfg.cores).map(|k| (self.rr_q + k) % self.cfg.cores).find(|&c| {
            // Not grantable: its command waits in the grant register, or its core is in
            // reset (its agent drops the command at the end of this cycle).
            let held = self.gnt_oh_q >> c & 1 != 0 || i.core_rst[c];
            // RTL `req`: the agent whose answer is on the bus still requests; masked.
            let answered = self.answered_q[c];
            let release_waits = i.cmd[c].op == DirOp::Release && self.rel_inflight_q;
            i.req[c] && !answered && !held && !release_waits
        })
    }

    fn log_at(&self, a: usize, pos: usize) -> LogEntry {
        self.mems.log[a][pos & (self.cfg.log_depth - 1)]
    }

    /// What a reset of the cores in `core_rst` does to this cycle (RTL `gnt_drop`, `cu_drop`,
    /// `decide`): whether the granted command is dropped (its requester in reset), whether the
    /// catch-up replay is abandoned (its core in reset), and whether the granted command is
    /// decided (held, no replay, not dropped).
    pub fn drops(&self, core_rst: &[bool]) -> (bool, bool, bool) {
        let gnt_drop = (0..self.cfg.cores).any(|c| self.gnt_oh_q >> c & 1 != 0 && core_rst[c]);
        let cu_drop = self.cu_busy_q && core_rst[self.cu_core_q];
        (gnt_drop, cu_drop, self.gnt_valid_q && !self.cu_busy_q && !gnt_drop)
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

    /// One clock edge: the parts of the RTL's next-state logic, each a function of the same
    /// name (the acknowledgements, the arbiter, the decision, the message, the ASID table,
    /// the slot table, the context record, the catch-up replay, the counters), each writing
    /// its registers of `d` from the registers of `self` as they stand.
    pub fn step(&mut self, i: &DirInputs) {
        let mut d = match self.next_d.take() {
            Some(mut d) => {
                d.copy_regs_from(self);
                d
            }
            None => Box::new(self.clone()),
        };
        // A core in reset: its granted command is dropped (`gnt_drop`), its replay abandoned
        // (`cu_drop`), and nothing is decided or answered for it this cycle.
        let (gnt_drop, cu_drop, decide) = self.drops(i.core_rst);
        for c in 0..self.cfg.cores {
            d.answered_q[c] = ((decide && self.gnt_idx_q == c)
                || (self.cu_busy_q && self.cu_left_q == 1 && self.cu_core_q == c))
                && !i.core_rst[c];
        }
        self.acks(i, &mut d);
        self.arbiter(i, gnt_drop, &mut d);
        let x = self.decision(decide);
        d.bus_q = self.message(&x, cu_drop);
        // RTL `rel_inflight_d`: a release decided now (on the bus next cycle), acks of one
        // owed next cycle, or a release in the grant register next cycle.
        d.rel_inflight_q = x.dec.rel || d.rel_owed_q != 0 || (d.gnt_valid_q && d.gnt_cmd_q.op == DirOp::Release);
        let writes = self.asid_table(&x, &mut d);
        self.slot_table(&x, i, &mut d);
        self.ctx_record(&x, i, &mut d);
        self.catch_up(&x, cu_drop, &mut d);
        self.counters(&x, &mut d);
        std::mem::swap(self, &mut d);
        // The memories stay with the directory; this cycle's writes land now.
        std::mem::swap(&mut self.mems, &mut d.mems);
        if let Some((a, r)) = writes.asid {
            self.mems.asid[a] = r;
        }
        if let Some((a, v)) = writes.attr {
            self.mems.attr[a] = v;
        }
        if let Some((a, pos, e)) = writes.log {
            self.mems.log[a][pos] = e;
        }
        self.next_d = Some(d);
    }

    /// The acknowledgements (RTL `gen_owed`, `rel_owed_d`): the targets of the need-ack
    /// message on the bus owe from the next cycle; an ack clears what its core owes its
    /// initiator. A release's likewise (its ASID reads free again once nothing is owed: the
    /// table says so since the decision).
    fn acks(&self, i: &DirInputs, d: &mut Directory) {
        let n = self.cfg.cores;
        for init in 0..n {
            let acked = (0..n).filter(|&c| i.ack[c] && i.ack_init[c] as usize == init).fold(0u16, |m, c| m | 1 << c);
            let sent = if self.bus_owes(init) { self.bus_q.targets } else { 0 };
            d.owed_q[init] = (self.owed_q[init] & !acked) | sent;
        }
        let rel_acked = (0..n).filter(|&c| i.ack[c] && i.ack_rel[c]).fold(0u16, |m, c| m | 1 << c);
        let rel_sent = if self.rel_on_bus() { self.bus_q.targets } else { 0 };
        d.rel_owed_q = (self.rel_owed_q & !rel_acked) | rel_sent;
    }

    /// The grant register (RTL `gnt_*_d`, `rr_d`): the new grant replaces the one decided
    /// this cycle, with its requester's slot for the command's ASID searched now; during a
    /// catch-up nothing is granted and the held command waits.
    fn arbiter(&self, i: &DirInputs, gnt_drop: bool, d: &mut Directory) {
        if let Some(g) = self.grant(i) {
            d.gnt_valid_q = true;
            d.gnt_idx_q = g;
            d.gnt_oh_q = 1 << g;
            d.gnt_cmd_q = i.cmd[g];
            (d.gnt_hit_q, d.gnt_hit_s_q, d.gnt_lag_q) =
                self.slot_search(g, i.cmd[g].asid as usize & (self.cfg.asids - 1));
            d.rr_q = (g + 1) % self.cfg.cores;
        } else if !self.cu_busy_q || gnt_drop {
            d.gnt_valid_q = false;
            d.gnt_oh_q = 0;
        }
    }

    /// The decision (RTL `dec`, `targets`): what the granted command does, from the command,
    /// its ASID's state in the table, the cores that hold the ASID and the requester's slot.
    fn decision(&self, decide: bool) -> Decided {
        let cfg = self.cfg;
        let (g, cmd) = (self.gnt_idx_q, self.gnt_cmd_q);
        let a = (cmd.asid as usize) & (cfg.asids - 1);
        let mut x = Decided { decide, cmd, a, rec: self.mems.asid[a], ..Default::default() };
        if !decide {
            return x;
        }
        let asid_ok = (cmd.asid as usize) < cfg.asids;
        let st = self.asid_state(a);
        // SET_ATTRS and SWITCH: the ASID in the table and not being released.
        let attrs_ok = asid_ok && st != AsidState::Releasing;
        let sw_ok = asid_ok && st != AsidState::Releasing;
        let all: u16 = ((1u32 << cfg.cores) - 1) as u16;
        // Who runs what as of the end of this cycle: the record includes the message on the
        // bus now (seed 000, case 2: a switch granted last cycle counts). Compared on the
        // index bits: holders are read only for an ASID inside the table.
        x.holders = (0..cfg.cores)
            .filter(|&c| self.ctx_q[c].valid && self.ctx_q[c].asid as usize == a)
            .fold(0, |m, c| m | 1 << c);
        // The holders running it for real (not lazily): a release is refused while any does.
        let runners: u16 =
            (0..cfg.cores).filter(|&c| (x.holders >> c) & 1 == 1 && !self.ctx_q[c].lazy).fold(0, |m, c| m | 1 << c);
        let v = &mut x.dec;
        match cmd.op {
            DirOp::Post => {
                // ASID-scoped: only the cores running the ASID, lazily or not (seeds 000,
                // 003). Everything else may touch global entries: every core.
                let scoped = cmd.kind.asid_scoped();
                v.refuse = scoped && !asid_ok;
                v.post = !v.refuse;
                v.scoped = scoped && asid_ok;
                v.targets = if v.refuse {
                    0
                } else if scoped {
                    x.holders
                } else {
                    all
                };
            }
            DirOp::SetAttrs => {
                // Seed 002: new attributes are a new generation for the holders; every other
                // slot holding the ASID flushes it on its next switch.
                v.refuse = !attrs_ok;
                v.attrs = attrs_ok;
                v.targets = if attrs_ok { x.holders } else { 0 };
            }
            DirOp::Switch => {
                v.refuse = !sw_ok;
                v.sw = sw_ok;
                if sw_ok {
                    let (found, hit_s, lag) = self.slot_search(g, a);
                    // The RTL decides with the slot searched at the grant, brought up to
                    // date: the same slot and lag whenever there is one.
                    let (rtl_found, rtl_s, rtl_lag) = self.granted_slot();
                    assert!(
                        rtl_found == found && (!found || (rtl_s, rtl_lag) == (hit_s, lag)),
                        "the slot searched at the grant, brought up to date, is the slot now"
                    );
                    (x.hit, x.hit_s, x.lag) = (found, hit_s, lag);
                    let full = cfg.lag_full();
                    v.sw_log = found && lag != 0 && lag != full;
                    v.sw_replay = v.sw_log && lag != 1;
                    v.sw_flush = !(found && lag != full);
                    v.targets = 1 << g;
                }
            }
            DirOp::Lazy => v.lazy = true,
            DirOp::Release => {
                // Refused if not in use, or if a core still runs it for real (seed 003).
                v.refuse = !asid_ok || st != AsidState::Active || runners != 0;
                v.rel = !v.refuse;
                v.targets = if v.refuse { 0 } else { all };
            }
            // The RTL's default arm. Never granted: a sync waits in its agent for the acks,
            // and an agent refuses an unknown operation itself (`AgBad`).
            DirOp::Sync | DirOp::Unknown(_) => v.refuse = true,
        }
        x
    }

    /// The message (RTL `bus_d`): the replay's next logged invalidation while a catch-up
    /// runs, else the decided command's.
    fn message(&self, x: &Decided, cu_drop: bool) -> BusMsg {
        let v = &x.dec;
        if self.cu_busy_q {
            let e = self.log_at(self.cu_asid_q, self.cu_pos_q);
            let last = self.cu_left_q == 1;
            // The switching core is reset: the replay is abandoned, its message not sent.
            BusMsg {
                valid: !cu_drop,
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
            }
        } else if x.decide {
            let cmd = x.cmd;
            let mut bus = BusMsg {
                valid: true,
                init: self.gnt_idx_q as u8,
                done: !v.sw_replay,
                error: v.refuse,
                asid: cmd.asid,
                vpn: cmd.vpn,
                npages: cmd.npages,
                kind: cmd.kind,
                targets: v.targets,
                inval: v.post || v.attrs || v.rel || v.sw_log || v.sw_flush,
                need_ack: v.post || v.attrs || v.rel,
                set_attrs: v.attrs,
                set_ctx: v.sw && !v.sw_replay,
                set_lazy: v.lazy,
                drop_ctx: v.rel,
                ..Default::default()
            };
            if v.attrs || v.rel || v.sw_flush {
                bus.kind = InvalKind::Asid.into();
            }
            if v.sw_log {
                // The oldest invalidation the slot missed.
                let e = self.log_at(x.a, x.oldest_missed());
                (bus.kind, bus.vpn, bus.npages) = (e.kind, e.vpn, e.npages);
            }
            if v.attrs {
                (bus.root, bus.pm) = (cmd.root, cmd.pm);
            }
            if v.sw {
                (bus.root, bus.pm) = self.mems.attr[x.a];
            }
            bus
        } else {
            BusMsg::default()
        }
    }

    /// The ASID table, the attributes and the flush log (RTL `asid_we`, `attr_we`, `log_we`):
    /// the reset sweep's write, else the decision's one write each at the command's ASID;
    /// and the ASID a release frees (`rel_asid_q`). Seed 001: the generation moves on every
    /// scoped invalidation and on new attributes; a scoped invalidation is logged at the old
    /// generation's position.
    fn asid_table(&self, x: &Decided, d: &mut Directory) -> MemWrites {
        let v = &x.dec;
        let cfg = self.cfg;
        let mut w = MemWrites::default();
        if self.init_busy() {
            w.asid = Some((self.init_q, AsidRec::default()));
            d.init_q = self.init_q + 1;
        }
        if v.scoped || v.attrs || v.sw || v.rel {
            let mut r = x.rec;
            if v.scoped || v.attrs {
                r.gen = (r.gen + 1) & cfg.gen_mask();
            }
            if v.attrs || v.sw {
                r.active = true;
            }
            if v.rel {
                r.active = false;
            }
            w.asid = Some((x.a, r));
        }
        if v.attrs {
            w.attr = Some((x.a, (x.cmd.root, x.cmd.pm)));
        }
        if v.scoped {
            let pos = x.rec.gen as usize & (cfg.log_depth - 1);
            w.log = Some((x.a, pos, LogEntry { kind: x.cmd.kind, vpn: x.cmd.vpn, npages: x.cmd.npages }));
        }
        if v.rel {
            d.rel_asid_q = x.a;
        }
        w
    }

    /// The slot table (RTL `slot_*_d`). A scoped post makes every slot holding its ASID on a
    /// skipped core lag by one more (saturating); new attributes make them lag past the log;
    /// a switch brings its slot up to date, or takes a free slot (else the round robin's
    /// victim); a release forgets the ASID in every slot; a core's reset forgets its slots.
    fn slot_table(&self, x: &Decided, i: &DirInputs, d: &mut Directory) {
        let v = &x.dec;
        let cfg = self.cfg;
        let full = cfg.lag_full();
        // Every slot is visited only when a decision can touch every slot (RTL: the same guard).
        if v.scoped || v.attrs || v.rel {
            for c in 0..cfg.cores {
                // Skipped: not holding the ASID now (a scoped post's and SET_ATTRS's targets are
                // the holders).
                let skipped = (x.holders >> c) & 1 == 0;
                for s in 0..cfg.slots {
                    let sl = self.slot_q[c][s];
                    let holds = sl.valid && sl.asid as usize == x.a;
                    if v.scoped && skipped && holds && sl.lag != full {
                        d.slot_q[c][s].lag = sl.lag + 1;
                    }
                    if v.attrs && skipped && holds {
                        d.slot_q[c][s].lag = full;
                    }
                    if v.rel && holds {
                        d.slot_q[c][s].valid = false;
                    }
                }
            }
        }
        let g = self.gnt_idx_q;
        if (v.sw_log || v.sw_flush) && x.hit {
            d.slot_q[g][x.hit_s].lag = 0;
        }
        if v.sw_flush && !x.hit {
            let free = (0..cfg.slots).find(|&s| !self.slot_q[g][s].valid);
            let victim = free.unwrap_or(self.slot_rr_q[g]);
            if free.is_none() {
                d.slot_rr_q[g] = (self.slot_rr_q[g] + 1) % cfg.slots;
            }
            d.slot_q[g][victim] = Slot { valid: true, asid: x.a as u16, lag: 0 };
        }
        for c in (0..cfg.cores).filter(|&c| i.core_rst[c]) {
            for s in &mut d.slot_q[c] {
                s.valid = false;
            }
        }
    }

    /// The context record (RTL `ctx_d`): what each agent holds once it has applied the next
    /// message. A switch loads its core's context (a replayed one with the replay's last
    /// message), LAZY marks it lazy, a release makes the lazy holders let go of the ASID (the
    /// running ones refused it), a core's reset forgets it.
    fn ctx_record(&self, x: &Decided, i: &DirInputs, d: &mut Directory) {
        let v = &x.dec;
        let g = self.gnt_idx_q;
        if self.cu_busy_q && self.cu_left_q == 1 {
            d.ctx_q[self.cu_core_q] = Ctx { valid: true, asid: self.cu_asid_q as u16, lazy: false };
        }
        if v.sw && !v.sw_replay {
            d.ctx_q[g] = Ctx { valid: true, asid: x.a as u16, lazy: false };
        }
        if v.lazy {
            d.ctx_q[g].lazy = true;
        }
        for c in 0..self.cfg.cores {
            if v.rel && (x.holders >> c) & 1 == 1 {
                d.ctx_q[c] = Ctx { valid: false, lazy: false, ..self.ctx_q[c] };
            }
            if i.core_rst[c] {
                d.ctx_q[c] = Ctx::default();
            }
        }
    }

    /// The catch-up replay (RTL `cu_*_d`): a switch behind by two or more logged
    /// invalidations sends the first with its decision and the rest from here, one a cycle;
    /// abandoned if its core is reset.
    fn catch_up(&self, x: &Decided, cu_drop: bool, d: &mut Directory) {
        let cfg = self.cfg;
        if self.cu_busy_q {
            d.cu_pos_q = (self.cu_pos_q + 1) & (cfg.log_depth - 1);
            d.cu_left_q = self.cu_left_q - 1;
            if self.cu_left_q == 1 || cu_drop {
                d.cu_busy_q = false;
            }
        } else if x.dec.sw_replay {
            d.cu_busy_q = true;
            d.cu_core_q = self.gnt_idx_q;
            d.cu_asid_q = x.a;
            d.cu_pos_q = x.oldest_missed().wrapping_add(1) & (cfg.log_depth - 1);
            d.cu_left_q = x.lag - 1;
        }
    }

    /// The event counters (RTL `cnt_inc_d`, `cnt_*_q`). What is counted goes to the holders
    /// (a scoped post, SET_ATTRS) or to every core (any other post, a release): RTL `held`.
    /// The decision's increments are registered and added a cycle later.
    fn counters(&self, x: &Decided, d: &mut Directory) {
        let v = &x.dec;
        let n = self.cfg.cores as u32;
        let held = x.holders.count_ones();
        let counted = v.post || v.attrs || v.rel;
        let to_holders = v.scoped || v.attrs;
        d.cnt_inc_q = Counters {
            posted: counted as u32,
            targets: if to_holders {
                held
            } else if counted {
                n
            } else {
                0
            },
            skipped: if to_holders { n - held } else { 0 },
            catchup_log: v.sw_log as u32,
            catchup_full: v.sw_flush as u32,
            errors: v.refuse as u32,
            stall: 0,
        };
        d.cnt = self.cnt.wrapping_add(&self.cnt_inc_q);
    }
}
