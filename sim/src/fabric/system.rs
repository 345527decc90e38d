// SPDX-License-Identifier: Apache-2.0
//! Mirror of `rtl/tlb_system.sv`: the cores, one agent each, and the directory, wired
//! together; its ports as structs (`SysCoreInputs`, `SysCoreOutputs`, `SysOutputs`).

use super::{Agent, AgentInputs, Counters, Ctx, DirCmd, DirInputs, DirOp, Directory, Kind, SysConfig};
use crate::core::{CoreInputs, TlbCore};
use crate::types::*;

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
    pub cmd_op: DirOp,
    pub cmd_kind: Kind,
    pub cmd_asid: u16,
    pub cmd_vaddr: u64,
    pub cmd_npages: u16,
    pub cmd_root: u64,
    pub cmd_pm: u8,
}

impl SysCoreInputs {
    /// The command as the core hands it to its agent (`tlb_system`'s `gen_core[c].cmd`).
    pub fn cmd(&self) -> DirCmd {
        DirCmd {
            op: self.cmd_op,
            kind: self.cmd_kind,
            asid: self.cmd_asid,
            vpn: va_vpn(self.cmd_vaddr),
            npages: self.cmd_npages,
            root: self.cmd_root & PPN_MASK,
            pm: self.cmd_pm,
        }
    }

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
            ("cmd_op_i", 3, self.cmd_op.bits() as u64),
            ("cmd_kind_i", 3, self.cmd_kind.bits() as u64),
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
    /// How many cores' requests waited last cycle (RTL `stall_q`, counted here rather than
    /// kept as the vector), added to `cnt_stall_q` this cycle.
    pub stall_q: u32,
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
            stall_q: 0,
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

    /// What core `c`'s `tlb_core` takes this cycle, given the system's inputs `i` for that
    /// core: its context and invalidation from its agent, its requests held while a switch
    /// is under way.
    pub fn core_inputs(&self, c: usize, i: &SysCoreInputs) -> CoreInputs {
        let ag = &self.agents[c];
        let inval = ag.inval(&self.dir.bus_q);
        CoreInputs {
            clr: i.core_rst,
            ctx_asid: ag.cur_asid_q,
            ctx_root_ppn: ag.root_q,
            ctx_sum: i.ctx_sum,
            ctx_mxr: i.ctx_mxr,
            ctx_pm: ag.pm_q,
            req_valid: i.req_valid && !ag.switching(),
            req_vaddr: i.req_vaddr,
            req_access: i.req_access,
            req_priv_u: i.req_priv_u,
            inval_valid: inval.valid,
            inval_kind: inval.kind.bits(),
            inval_asid: inval.asid,
            inval_vaddr: inval.vaddr,
            inval_npages: inval.npages,
            mem_req_ready: i.mem_req_ready,
            mem_resp_valid: i.mem_resp_valid,
            mem_resp_data: i.mem_resp_data,
        }
    }

    /// Advances one rising clock edge with this cycle's inputs (one entry per core).
    pub fn step(&mut self, inputs: &[SysCoreInputs]) {
        let n = self.cfg.cores;
        assert_eq!(inputs.len(), n);
        let bus = self.dir.bus_q;
        // Per-core wires as fixed arrays (at most 16 cores): no allocation per cycle.
        let mut core_ins = [CoreInputs::default(); 16];
        let mut dir_req = [false; 16];
        let mut dir_cmd = [DirCmd::default(); 16];
        let mut core_rst = [false; 16];
        let (mut ack, mut ack_init, mut ack_rel, mut quiet) = ([false; 16], [0u8; 16], [false; 16], [false; 16]);
        let mut stall = 0u32;
        for c in 0..n {
            let a = &self.agents[c];
            let o = self.cores[c].port_outputs();
            dir_req[c] = a.dir_req(o.idle);
            dir_cmd[c] = a.cmd_q;
            (ack[c], ack_init[c], ack_rel[c]) = (a.ack_q, a.ack_init_q, a.ack_rel_q);
            quiet[c] = self.dir.quiet(c);
            core_rst[c] = inputs[c].core_rst;
            let taken = o.req_ready && !a.switching();
            if inputs[c].req_valid && !taken {
                stall += 1;
            }
            core_ins[c] = self.core_inputs(c, &inputs[c]);
        }
        for (core, i) in self.cores.iter_mut().zip(&core_ins) {
            core.step(i);
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
            self.agents[c].step(&AgentInputs {
                clr: i.core_rst,
                cmd_valid: i.cmd_valid,
                cmd: i.cmd(),
                bus,
                quiet: quiet[c],
            });
            // RTL DirKnowsContext_A: the agent now holds what the directory recorded (or, if
            // the core was reset, nothing, like the directory's record now).
            let (a, r) = (&self.agents[c], if i.core_rst { Ctx::default() } else { record[c] });
            debug_assert!(
                (a.cur_valid_q, a.cur_asid_q, a.lazy_q) == (r.valid, r.asid, r.lazy),
                "core {c}: the directory's context record {r:?} differs from the agent's"
            );
        }
        self.cnt_stall_q = self.cnt_stall_q.wrapping_add(self.stall_q);
        self.stall_q = stall;
    }
}
