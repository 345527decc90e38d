// SPDX-License-Identifier: Apache-2.0
//! Mirror of `rtl/tlb_ptw.sv`: the Sv39 walker with poisoning, and the drain of a read a
//! clear (the core's reset) abandoned.

use crate::types::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PtwState {
    #[default]
    Idle = 0,
    Req = 1,
    Wait = 2,
}

/// Inputs of one walker cycle.
#[derive(Clone, Copy, Debug, Default)]
pub struct PtwInputs {
    /// `clr_i`: the core's reset; the walk is abandoned at the end of this cycle.
    pub clr: bool,
    pub start: bool,
    pub vpn: u64,
    pub root_ppn: u64,
    pub inval_overlap: bool,
    /// `abort_i`: a restart would be illegal (the address is not canonical in the context
    /// in force): the walk ends in a fault instead.
    pub abort: bool,
    pub mem_req_ready: bool,
    pub mem_resp_valid: bool,
    pub mem_resp_data: u64,
}

/// The walker's combinational result in the cycle its final PTE arrives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PtwResult {
    /// `done_o`: finished and not poisoned.
    pub done: bool,
    /// `fault_o`: structural fault (bad PTE, misaligned superpage, A=0, last-level pointer).
    pub fault: bool,
    /// `leaf_o`.
    pub leaf: u64,
    /// `level_o`.
    pub level: u8,
    /// `global_o`.
    pub global: bool,
    /// `restart_o`: a poisoned walk starts over this cycle.
    pub restart: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Ptw {
    pub state_q: PtwState,
    pub level_q: u8,
    pub addr_q: u64,
    pub global_q: bool,
    pub poison_q: bool,
    pub vpn_q: u64,
    /// `drain_q`: a read of a walk a clear abandoned is still owed by the memory; its answer
    /// is taken and dropped, and no request goes out until it has come.
    pub drain_q: bool,
}

impl Ptw {
    pub fn busy(&self) -> bool {
        self.state_q != PtwState::Idle
    }
    pub fn mem_req_valid(&self) -> bool {
        self.state_q == PtwState::Req && !self.drain_q
    }
    pub fn mem_resp_ready(&self) -> bool {
        self.state_q == PtwState::Wait || self.drain_q
    }

    /// Combinational outputs for this cycle's inputs (no state change).
    pub fn comb(&self, i: &PtwInputs) -> PtwResult {
        let mut r = PtwResult { level: self.level_q, ..Default::default() };
        let pte = Pte(i.mem_resp_data);
        r.leaf = pte.0;
        r.global = self.global_q || pte.g();
        if self.state_q == PtwState::Wait && i.mem_resp_valid {
            let (finish, fault) = if pte.is_bad() {
                (true, true)
            } else if pte.is_leaf() {
                (true, pte.is_misaligned(self.level_q) || !pte.a())
            } else if self.level_q == 0 {
                (true, true)
            } else {
                (false, false)
            };
            r.fault = fault;
            if finish {
                // Only a poison from an earlier cycle counts: an overlapping invalidation in
                // this very cycle is ordered after the walk (the core does not cache it).
                if self.poison_q && i.abort {
                    r.done = true;
                    r.fault = true;
                } else if self.poison_q {
                    r.restart = true;
                } else {
                    r.done = true;
                }
            }
        }
        r
    }

    /// Advances one clock edge.
    pub fn step(&mut self, i: &PtwInputs) {
        let r = self.comb(i);
        let pte = Pte(i.mem_resp_data);
        // `owed`: a read accepted and not yet answered, after this cycle's handshakes.
        let owed = (self.mem_req_valid() && i.mem_req_ready)
            || ((self.state_q == PtwState::Wait || self.drain_q) && !i.mem_resp_valid);
        let drain_d = if i.clr { owed } else { self.drain_q && !i.mem_resp_valid };
        match self.state_q {
            PtwState::Idle => {
                // The walk's registers follow the request every idle cycle; `start` only
                // moves the state (`mem_req_addr_o` means something only with its valid).
                if i.start {
                    self.state_q = PtwState::Req;
                }
                self.level_q = 2;
                self.addr_q = pte_addr(i.root_ppn, vpn_part(i.vpn, 2));
                self.global_q = false;
                self.poison_q = false;
                self.vpn_q = i.vpn;
            }
            PtwState::Req => {
                if i.inval_overlap {
                    self.poison_q = true;
                }
                if self.mem_req_valid() && i.mem_req_ready {
                    self.state_q = PtwState::Wait;
                }
            }
            PtwState::Wait => {
                if i.inval_overlap {
                    self.poison_q = true;
                }
                if i.mem_resp_valid {
                    if r.restart {
                        // From the root in force now (an attribute change may have moved it).
                        self.state_q = PtwState::Req;
                        self.level_q = 2;
                        self.addr_q = pte_addr(i.root_ppn, vpn_part(self.vpn_q, 2));
                        self.global_q = false;
                        self.poison_q = false;
                    } else if r.done {
                        self.state_q = PtwState::Idle;
                    } else {
                        // A pointer: descend.
                        self.state_q = PtwState::Req;
                        self.level_q -= 1;
                        self.addr_q = pte_addr(pte.ppn(), vpn_part(self.vpn_q, self.level_q));
                        self.global_q = self.global_q || pte.g();
                    }
                }
            }
        }
        if i.clr {
            // The core's reset: the walk is abandoned (its registers keep what they hold and
            // follow the next request from the idle state, as after a walk).
            self.state_q = PtwState::Idle;
            self.poison_q = false;
        }
        self.drain_q = drain_d;
    }
}

/// Address of PTE `index` in the table at `ppn`.
pub fn pte_addr(ppn: u64, index: u64) -> u64 {
    ((ppn & PPN_MASK) << 12) | (index << 3)
}
