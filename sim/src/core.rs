// SPDX-License-Identifier: Apache-2.0
//! Mirror of `rtl/tlb_core.sv`: one core's TLB, walker and request/response control.

use crate::l1::{L1Inputs, L1};
use crate::ptw::{Ptw, PtwInputs};
use crate::types::*;

/// `tlb_core`'s `VcGroup`: entries counted together in the valid count's first stage.
pub const VC_GROUP: usize = 8;

/// Every input port of `tlb_core`, for one cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoreInputs {
    /// `clr_i`: synchronous clear (in `tlb_system`, the core's reset `core_rst_i`): the TLB
    /// is emptied, the walk and every request not yet answered abandoned, at the end of
    /// this cycle.
    pub clr: bool,
    pub ctx_asid: u16,
    pub ctx_root_ppn: u64,
    pub ctx_sum: bool,
    pub ctx_mxr: bool,
    pub ctx_pm: u8,
    pub req_valid: bool,
    pub req_vaddr: u64,
    pub req_access: u8,
    pub req_priv_u: bool,
    pub inval_valid: bool,
    pub inval_kind: u8,
    pub inval_asid: u16,
    pub inval_vaddr: u64,
    pub inval_npages: u16,
    pub mem_req_ready: bool,
    pub mem_resp_valid: bool,
    pub mem_resp_data: u64,
}

/// Every output port of `tlb_core`. All are functions of the registers alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoreOutputs {
    pub req_ready: bool,
    pub resp_valid: bool,
    pub resp_paddr: u64,
    pub resp_fault: bool,
    pub resp_hit: bool,
    pub mem_req_valid: bool,
    pub mem_req_addr: u64,
    pub mem_resp_ready: bool,
    pub walk_restart: bool,
    /// `idle_o`: no walk in flight and none can start this cycle (`CoreIdle`, no lookup
    /// of last cycle waiting for its hit-or-miss decision).
    pub idle: bool,
    pub valid_count: u8,
}

impl CoreOutputs {
    /// (port name, width, value) for every output, in port order: the lockstep checker and
    /// the waveform writer walk this list.
    pub fn fields(&self) -> [(&'static str, u32, u64); 11] {
        [
            ("req_ready_o", 1, self.req_ready as u64),
            ("resp_valid_o", 1, self.resp_valid as u64),
            ("resp_paddr_o", PA_BITS, self.resp_paddr),
            ("resp_fault_o", 1, self.resp_fault as u64),
            ("resp_hit_o", 1, self.resp_hit as u64),
            ("mem_req_valid_o", 1, self.mem_req_valid as u64),
            ("mem_req_addr_o", PA_BITS, self.mem_req_addr),
            ("mem_resp_ready_o", 1, self.mem_resp_ready as u64),
            ("walk_restart_o", 1, self.walk_restart as u64),
            ("idle_o", 1, self.idle as u64),
            ("valid_count_o", 7, self.valid_count as u64),
        ]
    }
}

impl CoreInputs {
    /// (port name, width, value) for every input, in port order.
    pub fn fields(&self) -> [(&'static str, u32, u64); 18] {
        [
            ("clr_i", 1, self.clr as u64),
            ("ctx_asid_i", ASID_BITS, self.ctx_asid as u64),
            ("ctx_root_ppn_i", PPN_BITS, self.ctx_root_ppn),
            ("ctx_sum_i", 1, self.ctx_sum as u64),
            ("ctx_mxr_i", 1, self.ctx_mxr as u64),
            ("ctx_pm_i", 2, self.ctx_pm as u64),
            ("req_valid_i", 1, self.req_valid as u64),
            ("req_vaddr_i", 64, self.req_vaddr),
            ("req_access_i", 2, self.req_access as u64),
            ("req_priv_u_i", 1, self.req_priv_u as u64),
            ("inval_valid_i", 1, self.inval_valid as u64),
            ("inval_kind_i", 3, self.inval_kind as u64),
            ("inval_asid_i", ASID_BITS, self.inval_asid as u64),
            ("inval_vaddr_i", 64, self.inval_vaddr),
            ("inval_npages_i", 16, self.inval_npages as u64),
            ("mem_req_ready_i", 1, self.mem_req_ready as u64),
            ("mem_resp_valid_i", 1, self.mem_resp_valid as u64),
            ("mem_resp_data_i", 64, self.mem_resp_data),
        ]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CoreState {
    #[default]
    Idle = 0,
    Walk = 1,
    /// The walk's entry is written; its answer is out this cycle.
    Fill = 2,
}

/// What the answer stage presents (`ans_*` in the RTL): a hit, the entry it read
/// (`hit_entry_o`: asid, g and vpn read as zero) and the attributes its request was accepted
/// under, with the address's bits 29:0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub hit: bool,
    pub entry: TlbEntry,
    pub vaddr: u64,
    pub access: u8,
    pub priv_u: bool,
    pub sum: bool,
    pub mxr: bool,
}

/// The model of one `tlb_core`.
#[derive(Clone, Debug)]
pub struct TlbCore {
    pub state_q: CoreState,
    pub walk_vaddr_q: u64,
    pub walk_access_q: u8,
    pub walk_priv_u_q: bool,
    pub walk_sum_q: bool,
    pub walk_mxr_q: bool,
    pub walk_asid_q: u16,
    /// Answers of walks and of non-canonical requests.
    pub resp_valid_q: bool,
    pub resp_paddr_q: u64,
    pub resp_fault_q: bool,
    /// The canonical request accepted last cycle (its hit vector is the L1's `hit_q`), and
    /// the attributes it was accepted under (captured every cycle).
    pub look_valid_q: bool,
    pub look_vaddr_q: u64,
    pub look_access_q: u8,
    pub look_priv_u_q: bool,
    pub look_sum_q: bool,
    pub look_mxr_q: bool,
    /// The ASID the request accepted last cycle was looked up under (captured every cycle):
    /// a miss walks in it, the ASID of the L1's overlap probe (`pr_*_q`).
    pub look_asid_q: u16,
    /// Whether the registered (`look_canon_q`) and the walked (`walk_canon_q`) request's
    /// address is canonical under each pointer-masking mode (bit m: under pm m), judged when
    /// it was accepted. `look_vaddr_q` and `walk_vaddr_q` keep bits 38:0 only.
    pub look_canon_q: u8,
    pub walk_canon_q: u8,
    /// The entry a finished walk writes in `Fill` (captured every cycle), and whether an
    /// invalidation overlapped the walk in its last cycle (then it is not written).
    pub fill_entry_q: TlbEntry,
    pub fill_kill_q: bool,
    pub walk_restart_q: bool,
    /// The invalidation presented last cycle (`inv_*_q`), applied in this one: the range's
    /// last page is summed on the way in (`inv_last_q`, 28 bits with the carry).
    pub inv_valid_q: bool,
    pub inv_kind_q: u8,
    pub inv_asid_q: u16,
    pub inv_vpn_q: u64,
    pub inv_last_q: u64,
    /// `HitLatency`: 1 (a hit is answered from the lookup's registers) or 2 (from the
    /// answer stage's registers below, a cycle later).
    pub hit_latency: u8,
    /// The answer stage's registers (`gen_answer_stage`: `ans_hit_q`, `ans_entry_q` and the
    /// others; HitLatency 2 only): last cycle's lookup as HitLatency 1 answers it, its entry
    /// read every cycle (only a hit reads it); and a non-canonical request's fault held back a
    /// cycle (`nc_q`).
    pub ans_q: Answer,
    pub nc_q: bool,
    /// `valid_count_o` in two registered stages (`vc_part_q`, `vc_q`): each group of
    /// `VC_GROUP` entries' valid count, then their sum; the output counts the entries valid
    /// two cycles ago, and a clear zeroes both stages.
    pub vc_part_q: Vec<u8>,
    pub vc_q: u8,
    pub u_l1: L1,
    pub u_ptw: Ptw,
}

impl TlbCore {
    /// The state right after reset. `entries` must be a power of two from 2 to 64,
    /// `hit_latency` 1 or 2.
    pub fn new(entries: usize, hit_latency: u8) -> TlbCore {
        assert!(hit_latency == 1 || hit_latency == 2, "HitLatency must be 1 or 2");
        TlbCore {
            state_q: CoreState::Idle,
            walk_vaddr_q: 0,
            walk_access_q: 0,
            walk_priv_u_q: false,
            walk_sum_q: false,
            walk_mxr_q: false,
            walk_asid_q: 0,
            resp_valid_q: false,
            resp_paddr_q: 0,
            resp_fault_q: false,
            look_valid_q: false,
            look_vaddr_q: 0,
            look_access_q: 0,
            look_priv_u_q: false,
            look_sum_q: false,
            look_mxr_q: false,
            look_asid_q: 0,
            look_canon_q: 0,
            walk_canon_q: 0,
            fill_entry_q: TlbEntry::default(),
            fill_kill_q: false,
            walk_restart_q: false,
            inv_valid_q: false,
            inv_kind_q: 0,
            inv_asid_q: 0,
            inv_vpn_q: 0,
            inv_last_q: 0,
            hit_latency,
            ans_q: Answer::default(),
            nc_q: false,
            vc_part_q: vec![0; (entries + crate::l1::L1_SUPERS).div_ceil(VC_GROUP)],
            vc_q: 0,
            u_l1: L1::new(entries, hit_latency == 2),
            u_ptw: Ptw::default(),
        }
    }

    pub fn outputs(&self) -> CoreOutputs {
        CoreOutputs { valid_count: self.vc_q, ..self.port_outputs() }
    }

    /// The outputs but `valid_o`'s count (which scans every entry); for the system, which
    /// does not export it.
    pub fn port_outputs(&self) -> CoreOutputs {
        // A hit is answered from the answer stage (`look_ok`): the entry its registered hit
        // vector selects.
        let a = if self.hit_latency == 1 { self.answer_now() } else { self.ans_q };
        let (resp_paddr, resp_fault) = if a.hit {
            let e = a.entry;
            let ok = perm_ok(e.r, e.w, e.x, e.u, e.d, Access::from_bits(a.access), a.priv_u, a.sum, a.mxr);
            (if ok { leaf_paddr(e.level, e.ppn, a.vaddr) } else { 0 }, !ok)
        } else {
            (self.resp_paddr_q, self.resp_fault_q)
        };
        CoreOutputs {
            req_ready: self.req_ready(),
            resp_valid: self.resp_valid_q || a.hit,
            resp_paddr,
            resp_fault,
            resp_hit: a.hit,
            mem_req_valid: self.u_ptw.mem_req_valid(),
            mem_req_addr: self.u_ptw.addr_q,
            mem_resp_ready: self.u_ptw.mem_resp_ready(),
            walk_restart: self.walk_restart_q,
            idle: self.state_q == CoreState::Idle && !self.look_valid_q,
            valid_count: 0,
        }
    }

    /// Last cycle's lookup as an answer: what HitLatency 1 answers now, and what HitLatency
    /// 2's stage registers.
    fn answer_now(&self) -> Answer {
        Answer {
            hit: self.look_hit(),
            entry: TlbEntry { valid: self.u_l1.hit_entry_valid(), asid: 0, g: false, vpn: 0, ..self.u_l1.hit_entry() },
            vaddr: self.look_vaddr_q & ((1 << 30) - 1),
            access: self.look_access_q,
            priv_u: self.look_priv_u_q,
            sum: self.look_sum_q,
            mxr: self.look_mxr_q,
        }
    }

    /// `look_hit`: last cycle's lookup hit (an entry the invalidation compared alongside it
    /// retires does not count: `hit_o`).
    fn look_hit(&self) -> bool {
        self.look_valid_q && self.u_l1.hit_live().is_some()
    }

    /// `miss`: last cycle's lookup missed; its walk starts now and no request is taken.
    fn miss(&self) -> bool {
        self.look_valid_q && self.u_l1.hit_live().is_none()
    }

    /// `req_ready_o`.
    fn req_ready(&self) -> bool {
        self.state_q == CoreState::Idle && !self.miss()
    }

    /// `inval_overlap`: could the invalidation applied now (registered last cycle) retire
    /// the entry the walk may install? VAs compare at 1 GiB because the walk's page size is
    /// not known yet.
    fn inval_overlap(&self) -> bool {
        if !(self.inv_valid_q && self.u_ptw.busy()) {
            return false;
        }
        let asid_ov = self.inv_asid_q == self.walk_asid_q;
        let walk_g = (self.walk_vaddr_q >> 30) & 0x1ff;
        let va_ov = self.inv_vpn_q >> 18 == walk_g;
        // The range touches the walk's gigapage: it is its first or its last one.
        let range_ov = va_ov || self.inv_last_q >> 18 == walk_g;
        match InvalKind::from_bits(self.inv_kind_q) {
            InvalKind::Asid => asid_ov,
            InvalKind::Va => va_ov,
            InvalKind::VaAsid => asid_ov && va_ov,
            InvalKind::RangeAsid => asid_ov && range_ov,
            InvalKind::All => true,
        }
    }

    /// Advances one rising clock edge with this cycle's inputs.
    pub fn step(&mut self, i: &CoreInputs) {
        let accept = i.req_valid && self.req_ready();
        let miss = self.miss();
        // `miss_abort`: the walk would start in a context where the address is not canonical.
        let miss_abort = self.look_canon_q >> i.ctx_pm & 1 == 0;
        let req_vpn = va_vpn(i.req_vaddr);
        // `req_canon`: the request's address judged under every masking mode.
        let req_canon = (0..4u8).fold(0u8, |m, pm| m | (va_canonical(pm_apply(i.req_vaddr, pm)) as u8) << pm);
        let canonical = req_canon >> i.ctx_pm & 1 == 1;

        let inval_overlap = self.inval_overlap();
        let ptw_in = PtwInputs {
            clr: i.clr,
            start: miss && !miss_abort,
            vpn: va_vpn(self.look_vaddr_q),
            root_ppn: i.ctx_root_ppn,
            inval_overlap,
            abort: self.walk_canon_q >> i.ctx_pm & 1 == 0,
            mem_req_ready: i.mem_req_ready,
            mem_resp_valid: i.mem_resp_valid,
            mem_resp_data: i.mem_resp_data,
        };
        let ptw = self.u_ptw.comb(&ptw_in);
        let leaf = Pte(ptw.leaf);
        let level = PageLevel::from_level(ptw.level);
        let walk_entry = TlbEntry {
            valid: true,
            asid: self.walk_asid_q,
            g: ptw.global,
            level,
            vpn: vpn_align(level, va_vpn(self.walk_vaddr_q)),
            ppn: leaf.ppn(),
            r: leaf.r(),
            w: leaf.w(),
            x: leaf.x(),
            u: leaf.u(),
            d: leaf.d(),
        };

        let mut resp = (false, 0u64, false); // valid, paddr, fault
        let mut look_valid = false;
        let mut state_d = self.state_q;
        match self.state_q {
            CoreState::Idle => {
                if miss && miss_abort {
                    resp = (true, 0, true);
                } else if miss {
                    state_d = CoreState::Walk;
                }
                if accept {
                    if !canonical {
                        // Answered next cycle, or (HitLatency 2) the cycle after (`nc_q`).
                        if self.hit_latency == 1 {
                            resp = (true, 0, true);
                        }
                    } else {
                        look_valid = true; // hit or miss is known next cycle
                    }
                }
            }
            CoreState::Walk if ptw.done => {
                let ok = !ptw.fault
                    && perm_ok(
                        leaf.r(),
                        leaf.w(),
                        leaf.x(),
                        leaf.u(),
                        leaf.d(),
                        Access::from_bits(self.walk_access_q),
                        self.walk_priv_u_q,
                        self.walk_sum_q,
                        self.walk_mxr_q,
                    );
                let pa = if ok { leaf_paddr(level, leaf.ppn(), self.walk_vaddr_q) } else { 0 };
                resp = (true, pa, !ok);
                state_d = if ptw.fault { CoreState::Idle } else { CoreState::Fill };
            }
            CoreState::Fill => state_d = CoreState::Idle,
            _ => {}
        }
        if self.nc_q {
            resp = (true, 0, true);
        }
        if self.hit_latency == 2 {
            // The answer stage registers what HitLatency 1 would answer now; its entry
            // register loads every cycle (only a hit reads it).
            let now = self.answer_now();
            self.ans_q = now;
            self.nc_q = accept && !canonical && !i.clr;
            self.ans_q.hit &= !i.clr;
        }

        let l1_in = L1Inputs {
            clr: i.clr,
            lookup_valid: accept,
            lookup_vpn: req_vpn,
            lookup_asid: i.ctx_asid,
            install_valid: self.state_q == CoreState::Fill && !self.fill_kill_q,
            install_entry: self.fill_entry_q,
            inval_valid: i.inval_valid,
            inval_kind: i.inval_kind,
            inval_asid: i.inval_asid,
            inval_vpn: va_vpn(i.inval_vaddr),
            inval_last: va_vpn(i.inval_vaddr) + i.inval_npages as u64,
        };
        // The valid count's stages, from the valid bits as they are now.
        let valid = self.u_l1.valid_bits();
        self.vc_q = if i.clr { 0 } else { self.vc_part_q.iter().sum() };
        for (g, part) in self.vc_part_q.iter_mut().enumerate() {
            let group = (valid >> (VC_GROUP * g)) & ((1 << VC_GROUP) - 1);
            *part = if i.clr { 0 } else { group.count_ones() as u8 };
        }
        self.u_l1.step(&l1_in);
        self.u_ptw.step(&ptw_in);
        if self.state_q == CoreState::Idle {
            // The walk registers follow last cycle's request every idle cycle (a miss keeps
            // them), the ASID too: the lookup's.
            self.walk_vaddr_q = self.look_vaddr_q;
            self.walk_canon_q = self.look_canon_q;
            self.walk_access_q = self.look_access_q;
            self.walk_priv_u_q = self.look_priv_u_q;
            self.walk_sum_q = self.look_sum_q;
            self.walk_mxr_q = self.look_mxr_q;
            self.walk_asid_q = self.look_asid_q;
        }
        self.state_q = state_d;
        (self.resp_valid_q, self.resp_paddr_q, self.resp_fault_q) = resp;
        self.look_valid_q = look_valid;
        self.look_vaddr_q = i.req_vaddr & ((1 << 39) - 1);
        self.look_canon_q = req_canon;
        self.look_access_q = i.req_access;
        self.look_priv_u_q = i.req_priv_u;
        self.look_sum_q = i.ctx_sum;
        self.look_mxr_q = i.ctx_mxr;
        self.look_asid_q = i.ctx_asid;
        self.fill_entry_q = walk_entry;
        self.fill_kill_q = inval_overlap;
        self.walk_restart_q = ptw.restart;
        self.inv_valid_q = i.inval_valid;
        if i.inval_valid {
            self.inv_kind_q = i.inval_kind;
            self.inv_asid_q = i.inval_asid;
            self.inv_vpn_q = va_vpn(i.inval_vaddr);
            self.inv_last_q = self.inv_vpn_q + i.inval_npages as u64;
        }
        if i.clr {
            // Cleared: no walk, nothing accepted is answered any more, and an invalidation
            // handed over now is dropped (the TLB is empty).
            self.state_q = CoreState::Idle;
            (self.resp_valid_q, self.resp_paddr_q, self.resp_fault_q) = (false, 0, false);
            self.look_valid_q = false;
            self.walk_restart_q = false;
            self.inv_valid_q = false;
        }
    }
}
