// SPDX-License-Identifier: Apache-2.0
//! Mirror of `rtl/tlb_agent.sv`: one core's end of the shootdown fabric, which takes the
//! core's command, asks the directory, and applies the directory's messages to its context.

use super::{BusMsg, DirCmd, DirOp, Kind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AgentState {
    #[default]
    Idle = 0,
    Dir = 1,
    Sync = 2,
    Bad = 3,
}

/// What an agent takes in one cycle (`tlb_agent`'s inputs but the core's `core_idle_i`,
/// which only its `dir_req_o` reads: [`Agent::dir_req`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AgentInputs {
    /// `clr_i`: the core's reset.
    pub clr: bool,
    pub cmd_valid: bool,
    pub cmd: DirCmd,
    /// `bus_i`: the directory's `bus_q`.
    pub bus: BusMsg,
    /// `quiet_i`: no acknowledgements owed to this core.
    pub quiet: bool,
}

/// The invalidation an agent hands its core (`inval_*_o`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Inval {
    pub valid: bool,
    pub kind: Kind,
    pub asid: u16,
    pub vaddr: u64,
    pub npages: u16,
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
    /// `mine`: the message answers this agent's command.
    pub fn mine(&self, bus: &BusMsg) -> bool {
        bus.valid && bus.init as usize == self.index
    }
    /// `targeted`: the message is addressed to this core.
    pub fn targeted(&self, bus: &BusMsg) -> bool {
        bus.valid && (bus.targets >> self.index) & 1 == 1
    }
    /// `holds_asid`: the message's ASID is the one loaded here.
    pub fn holds(&self, bus: &BusMsg) -> bool {
        self.cur_valid_q && self.cur_asid_q == bus.asid
    }
    pub fn cmd_ready(&self) -> bool {
        self.state_q == AgentState::Idle
    }
    pub fn switching(&self) -> bool {
        self.state_q == AgentState::Dir && self.cmd_q.op == DirOp::Switch
    }
    /// `dir_req_o`: a switch waits until no walk of the old context is in flight. The
    /// request stays up while this core's completing message is on the bus; the directory
    /// masks it then (`Directory::grant`).
    pub fn dir_req(&self, core_idle: bool) -> bool {
        self.state_q == AgentState::Dir && (self.cmd_q.op != DirOp::Switch || core_idle)
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
    pub fn inval(&self, bus: &BusMsg) -> Inval {
        Inval {
            valid: self.targeted(bus) && bus.inval,
            kind: bus.kind,
            asid: bus.asid,
            vaddr: bus.vpn << 12,
            npages: bus.npages,
        }
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

    /// One clock edge; `i.clr` is the core's reset (`clr_i`): the command and the context are
    /// dropped, the acknowledgement is not (a message reaching a core in reset is
    /// acknowledged too: its TLB is empty).
    pub fn step(&mut self, i: &AgentInputs) {
        let AgentInputs { clr, cmd_valid, cmd, quiet, .. } = *i;
        let bus = &i.bus;
        let mine = self.mine(bus);
        let targeted = self.targeted(bus);
        let (done, _) = self.done(bus, quiet);
        let mut next = self.clone();
        match self.state_q {
            AgentState::Idle => {
                if cmd_valid {
                    next.cmd_q = cmd;
                    next.state_q = match cmd.op {
                        DirOp::Sync => AgentState::Sync,
                        DirOp::Post | DirOp::Switch | DirOp::Lazy | DirOp::SetAttrs | DirOp::Release => AgentState::Dir,
                        DirOp::Unknown(_) => AgentState::Bad,
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
