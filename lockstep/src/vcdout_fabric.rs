// SPDX-License-Identifier: Apache-2.0
//! The fabric model's waveform as the Verilated `tlb_system` wrapper dumps it: `u_sys` with
//! its ports (per-core ports packed, core c at bits `c*W +: W`) and the wires between its
//! parts, each `gen_core[c]` with its `u_agent` and its `u_core` (`vcdout.rs`), and
//! `u_dir` with its ports, registers and memories, under the RTL's names. Only what the
//! model holds under the RTL's name is written: the RTL's read-ahead registers of the
//! directory's memories (`asid_rd_q`, `*_fwd_q`, `cu_log_q`, ...) and its next-state
//! wires (`*_d`) have no twin in the model and are left out.

use tlb_sim::fabric::{BusMsg, DirCmd, DirInputs, SysCoreInputs, TlbSystem};
use tlb_sim::CoreInputs;

use crate::vcdout::{core_signals, Packed, Signals};

/// `CoreIdxW`: a core index on the bus and in the directory.
const CORE_IDX_W: u32 = 4;
/// `MaxCores`: the width of the bus's target mask.
const MAX_CORES: u32 = 16;
/// Verilator dumps unpacked arrays (the directory's memories) of up to this many elements
/// (`--trace-max-array`, default 32); larger ones are not in the RTL's VCD either.
const TRACE_MAX_ARRAY: usize = 32;

/// `$clog2`.
fn clog2(x: usize) -> u32 {
    x.max(1).next_power_of_two().trailing_zeros()
}

/// `dir_cmd_t`, 111 bits.
fn pack_cmd(c: &DirCmd) -> Packed {
    Packed::fields(&[
        (3, c.op.bits() as u64),
        (3, c.kind.bits() as u64),
        (16, c.asid as u64),
        (27, c.vpn),
        (16, c.npages as u64),
        (44, c.root),
        (2, c.pm as u64),
    ])
}

/// `bus_msg_t`, 137 bits.
fn pack_bus(b: &BusMsg) -> Packed {
    Packed::fields(&[
        (1, b.valid as u64),
        (MAX_CORES, b.targets as u64),
        (1, b.inval as u64),
        (3, b.kind.bits() as u64),
        (16, b.asid as u64),
        (27, b.vpn),
        (16, b.npages as u64),
        (1, b.need_ack as u64),
        (CORE_IDX_W, b.init as u64),
        (1, b.done as u64),
        (1, b.error as u64),
        (1, b.set_ctx as u64),
        (1, b.set_lazy as u64),
        (1, b.set_attrs as u64),
        (1, b.drop_ctx as u64),
        (44, b.root),
        (2, b.pm as u64),
    ])
}

/// A packed array of one packed value per core, core 0 lowest.
fn per_core(values: impl IntoIterator<Item = Packed>) -> Packed {
    let mut p = Packed::default();
    for v in values {
        p.put_packed(&v);
    }
    p
}

/// The widths of `tlb_directory`'s derived parameters.
struct DirWidths {
    asid_idx: u32,
    lag: u32,
    slot_idx: u32,
    log_idx: u32,
}

impl DirWidths {
    fn new(m: &TlbSystem) -> DirWidths {
        let c = &m.cfg;
        DirWidths {
            asid_idx: clog2(c.asids),
            lag: clog2(c.log_depth + 2),
            slot_idx: if c.slots > 1 { clog2(c.slots) } else { 1 },
            log_idx: if c.log_depth > 1 { clog2(c.log_depth) } else { 1 },
        }
    }
}

/// Every signal of the fabric model at one instant: the state `m` with this cycle's
/// `inputs` (one per core) applied, the clock at `clk`.
pub fn system_signals(s: &mut Signals, m: &TlbSystem, inputs: &[SysCoreInputs], clk: bool) {
    let n = m.cfg.cores;
    let bus = &m.dir.bus_q;
    let core_in: Vec<CoreInputs> = (0..n).map(|c| m.core_inputs(c, &inputs[c])).collect();
    let core_out: Vec<_> = m.cores.iter().map(|c| c.outputs()).collect();
    let dir_req: Vec<bool> = (0..n).map(|c| m.agents[c].dir_req(core_out[c].idle)).collect();
    let dir_cmd: Vec<DirCmd> = m.agents.iter().map(|a| a.cmd_q).collect();
    let quiet: Vec<bool> = (0..n).map(|c| m.dir.quiet(c)).collect();
    let bits = |v: &[bool]| Packed::array(1, v.iter().map(|&b| b as u64));
    let out = m.outputs();

    s.scope("");
    s.add("clk_i", 1, clk as u64);
    s.add("rst_ni", 1, 1);

    // ---- tlb_system's ports and the wires between its parts.
    s.scope("u_sys");
    s.add("clk_i", 1, clk as u64);
    s.add("rst_ni", 1, 1);
    let ports_in: Vec<_> = inputs.iter().map(|i| i.fields()).collect();
    for (k, &(name, width, _)) in ports_in[0].iter().enumerate() {
        let p = Packed::array(width, ports_in.iter().map(|f| f[k].2));
        s.add_bits(name, p.width, &p.words);
    }
    let ports_out: Vec<_> = out.core.iter().map(|o| o.fields()).collect();
    for (k, &(name, width, _)) in ports_out[0].iter().enumerate() {
        let p = Packed::array(width, ports_out.iter().map(|f| f[k].2));
        s.add_bits(name, p.width, &p.words);
    }
    for (name, width, v) in out.cnt.fields() {
        s.add(name, width, v);
    }
    let bus_p = pack_bus(bus);
    s.add_bits("bus", bus_p.width, &bus_p.words);
    let p = bits(&dir_req);
    s.add_bits("dir_req", p.width, &p.words);
    let p = bits(&quiet);
    s.add_bits("quiet", p.width, &p.words);
    let p = Packed::array(1, m.agents.iter().map(|a| a.ack_q as u64));
    s.add_bits("ack", p.width, &p.words);
    let p = Packed::array(1, m.agents.iter().map(|a| a.ack_rel_q as u64));
    s.add_bits("ack_rel", p.width, &p.words);
    let p = Packed::array(1, m.agents.iter().map(|a| a.switching() as u64));
    s.add_bits("switching", p.width, &p.words);
    let p = Packed::array(1, core_out.iter().map(|o| o.idle as u64));
    s.add_bits("core_idle", p.width, &p.words);
    let cmds = per_core(dir_cmd.iter().map(pack_cmd));
    s.add_bits("dir_cmd", cmds.width, &cmds.words);
    let p = Packed::array(CORE_IDX_W, m.agents.iter().map(|a| a.ack_init_q as u64));
    s.add_bits("ack_init", p.width, &p.words);
    let p = Packed::array(44, m.agents.iter().map(|a| a.root_q));
    s.add_bits("root", p.width, &p.words);
    let p = Packed::array(2, m.agents.iter().map(|a| a.pm_q as u64));
    s.add_bits("pm", p.width, &p.words);
    let p = Packed::array(1, core_out.iter().map(|o| o.req_ready as u64));
    s.add_bits("core_ready", p.width, &p.words);
    s.add("cnt_stall_q", 32, m.cnt_stall_q as u64);

    // ---- Each core: its command, its agent, its TLB.
    for c in 0..n {
        let (a, i, ci) = (&m.agents[c], &inputs[c], &core_in[c]);
        let inval = a.inval(bus);
        let g = format!("u_sys.gen_core[{c}]");
        s.scope(&g);
        let cmd = pack_cmd(&i.cmd());
        s.add_bits("cmd", cmd.width, &cmd.words);
        s.add("inval_valid", 1, inval.valid as u64);
        s.add("inval_kind", 3, inval.kind.bits() as u64);
        s.add("inval_asid", 16, inval.asid as u64);
        s.add("inval_vaddr", 64, inval.vaddr);
        s.add("inval_npages", 16, inval.npages as u64);
        s.add("valid_count", 7, core_out[c].valid_count as u64);

        s.scope_fmt(format_args!("{g}.u_agent"));
        let (done, error) = a.done(bus, quiet[c]);
        let cmd_q = pack_cmd(&a.cmd_q);
        s.add("clk_i", 1, clk as u64);
        s.add("rst_ni", 1, 1);
        s.add("clr_i", 1, i.core_rst as u64);
        s.add("cmd_valid_i", 1, i.cmd_valid as u64);
        s.add("cmd_ready_o", 1, a.cmd_ready() as u64);
        s.add_bits("cmd_i", cmd.width, &cmd.words);
        s.add("cmd_done_o", 1, done as u64);
        s.add("cmd_error_o", 1, error as u64);
        s.add("dir_req_o", 1, dir_req[c] as u64);
        s.add_bits("dir_cmd_o", cmd_q.width, &cmd_q.words);
        s.add_bits("bus_i", bus_p.width, &bus_p.words);
        s.add("quiet_i", 1, quiet[c] as u64);
        s.add("ack_o", 1, a.ack_q as u64);
        s.add("ack_init_o", CORE_IDX_W, a.ack_init_q as u64);
        s.add("ack_rel_o", 1, a.ack_rel_q as u64);
        s.add("core_idle_i", 1, core_out[c].idle as u64);
        s.add("switching_o", 1, a.switching() as u64);
        s.add("cur_valid_o", 1, a.cur_valid_q as u64);
        s.add("cur_asid_o", 16, a.cur_asid_q as u64);
        s.add("lazy_o", 1, a.lazy_q as u64);
        s.add("root_o", 44, a.root_q);
        s.add("pm_o", 2, a.pm_q as u64);
        s.add("inval_valid_o", 1, inval.valid as u64);
        s.add("inval_kind_o", 3, inval.kind.bits() as u64);
        s.add("inval_asid_o", 16, inval.asid as u64);
        s.add("inval_vaddr_o", 64, inval.vaddr);
        s.add("inval_npages_o", 16, inval.npages as u64);
        s.add("state_q", 2, a.state_q as u64);
        s.add_bits("cmd_q", cmd_q.width, &cmd_q.words);
        s.add("cur_valid_q", 1, a.cur_valid_q as u64);
        s.add("cur_asid_q", 16, a.cur_asid_q as u64);
        s.add("lazy_q", 1, a.lazy_q as u64);
        s.add("root_q", 44, a.root_q);
        s.add("pm_q", 2, a.pm_q as u64);
        s.add("ack_q", 1, a.ack_q as u64);
        s.add("ack_init_q", CORE_IDX_W, a.ack_init_q as u64);
        s.add("ack_rel_q", 1, a.ack_rel_q as u64);
        s.add("mine", 1, a.mine(bus) as u64);
        s.add("targeted", 1, a.targeted(bus) as u64);
        s.add("holds_asid", 1, a.holds(bus) as u64);

        core_signals(s, &format!("{g}.u_core"), &m.cores[c], ci, clk);
    }

    directory_signals(s, m, inputs, &dir_req, &dir_cmd, clk);
}

/// `u_dir`: its ports, its registers, its memories (when Verilator dumps them) and the
/// few wires the model computes under the RTL's name.
fn directory_signals(
    s: &mut Signals,
    m: &TlbSystem,
    inputs: &[SysCoreInputs],
    dir_req: &[bool],
    dir_cmd: &[DirCmd],
    clk: bool,
) {
    let (cfg, d) = (&m.cfg, &m.dir);
    let n = cfg.cores;
    let w = DirWidths::new(m);
    let core_rst: Vec<bool> = inputs.iter().map(|i| i.core_rst).collect();
    let ack: Vec<bool> = m.agents.iter().map(|a| a.ack_q).collect();
    let ack_init: Vec<u8> = m.agents.iter().map(|a| a.ack_init_q).collect();
    let ack_rel: Vec<bool> = m.agents.iter().map(|a| a.ack_rel_q).collect();
    let bits = |v: &[bool]| Packed::array(1, v.iter().map(|&b| b as u64));
    fn add(s: &mut Signals, name: &str, p: Packed) {
        s.add_bits(name, p.width, &p.words);
    }

    s.scope("u_sys.u_dir");
    s.add("clk_i", 1, clk as u64);
    s.add("rst_ni", 1, 1);
    add(s, "core_rst_i", bits(&core_rst));
    add(s, "req_i", bits(dir_req));
    add(s, "cmd_i", per_core(dir_cmd.iter().map(pack_cmd)));
    add(s, "ack_i", bits(&ack));
    add(s, "ack_init_i", Packed::array(CORE_IDX_W, ack_init.iter().map(|&v| v as u64)));
    add(s, "ack_rel_i", bits(&ack_rel));
    add(s, "bus_o", pack_bus(&d.bus_q));
    add(s, "quiet_o", Packed::array(1, (0..n).map(|c| d.quiet(c) as u64)));
    // The directory's counters (tlb_system's cnt_stall_o is its own).
    for (name, width, v) in d.cnt.fields().into_iter().take(6) {
        s.add(name, width, v);
    }

    // The memories, ASID a of each: `asid_mem[a]`, `attr_mem[a]`, `gen_log[p].mem[a]`.
    let show_mems = cfg.asids <= TRACE_MAX_ARRAY;
    if show_mems {
        for (a, r) in d.mems.asid.iter().enumerate() {
            let v = Packed::fields(&[(1, r.active as u64), (w.log_idx, r.gen as u64)]);
            s.add_element("asid_mem", a, v.width, &v.words);
        }
        for (a, &(root, pm)) in d.mems.attr.iter().enumerate() {
            let v = Packed::fields(&[(44, root), (2, pm as u64)]);
            s.add_element("attr_mem", a, v.width, &v.words);
        }
    }

    // The registers.
    s.add("init_q", w.asid_idx + 1, d.init_q as u64);
    s.add("init_busy", 1, d.init_busy() as u64);
    let ctx = Packed::array(
        w.asid_idx + 2,
        d.ctx_q
            .iter()
            .map(|x| Packed::fields(&[(1, x.valid as u64), (w.asid_idx, x.asid as u64), (1, x.lazy as u64)]).words[0]),
    );
    add(s, "ctx_q", ctx);
    let slots = || d.slot_q.iter().flatten();
    add(s, "slot_valid_q", Packed::array(1, slots().map(|x| x.valid as u64)));
    add(s, "slot_asid_q", Packed::array(w.asid_idx, slots().map(|x| x.asid as u64)));
    add(s, "slot_lag_q", Packed::array(w.lag, slots().map(|x| x.lag as u64)));
    add(s, "slot_rr_q", Packed::array(w.slot_idx, d.slot_rr_q.iter().map(|&v| v as u64)));
    s.add("rr_q", CORE_IDX_W, d.rr_q as u64);
    s.add("gnt_valid_q", 1, d.gnt_valid_q as u64);
    s.add("gnt_idx_q", CORE_IDX_W, d.gnt_idx_q as u64);
    s.add("gnt_oh_q", n as u32, d.gnt_oh_q as u64);
    s.add("rel_inflight_q", 1, d.rel_inflight_q as u64);
    add(s, "gnt_cmd_q", pack_cmd(&d.gnt_cmd_q));
    s.add("gnt_hit_q", 1, d.gnt_hit_q as u64);
    s.add("gnt_hit_s_q", w.slot_idx, d.gnt_hit_s_q as u64);
    s.add("gnt_lag_q", w.lag, d.gnt_lag_q as u64);
    add(s, "owed_q", Packed::array(n as u32, d.owed_q.iter().map(|&v| v as u64)));
    s.add("rel_asid_q", w.asid_idx, d.rel_asid_q as u64);
    s.add("rel_owed_q", n as u32, d.rel_owed_q as u64);
    s.add("cu_busy_q", 1, d.cu_busy_q as u64);
    s.add("cu_core_q", CORE_IDX_W, d.cu_core_q as u64);
    s.add("cu_asid_q", w.asid_idx, d.cu_asid_q as u64);
    s.add("cu_pos_q", w.log_idx, d.cu_pos_q as u64);
    s.add("cu_left_q", w.lag, d.cu_left_q as u64);
    add(s, "bus_q", pack_bus(&d.bus_q));
    s.add("cnt_posted_q", 32, d.cnt.posted as u64);
    s.add("cnt_targets_q", 32, d.cnt.targets as u64);
    s.add("cnt_skipped_q", 32, d.cnt.skipped as u64);
    s.add("cnt_cu_log_q", 32, d.cnt.catchup_log as u64);
    s.add("cnt_cu_full_q", 32, d.cnt.catchup_full as u64);
    s.add("cnt_errors_q", 32, d.cnt.errors as u64);
    add(s, "answered_q", Packed::array(1, d.answered_q.iter().map(|&v| v as u64)));

    // The wires of this cycle's decision that the model names too.
    let grant = d.grant(&DirInputs {
        core_rst: &core_rst,
        req: dir_req,
        cmd: dir_cmd,
        ack: &ack,
        ack_init: &ack_init,
        ack_rel: &ack_rel,
    });
    let (gnt_drop, cu_drop, decide) = d.drops(&core_rst);
    s.add("grant_valid", 1, grant.is_some() as u64);
    s.add("grant_oh", n as u32, grant.map_or(0, |g| 1 << g));
    add(s, "req", Packed::array(1, (0..n).map(|c| (dir_req[c] && !d.answered_q[c]) as u64)));
    s.add("decide", 1, decide as u64);
    s.add("gnt_drop", 1, gnt_drop as u64);
    s.add("cu_drop", 1, cu_drop as u64);
    s.add("core_rst", MAX_CORES, core_rst.iter().rev().fold(0, |v, &r| v << 1 | r as u64));
    // What the decision reads of the granted command (`cmd = gnt_cmd_q`), whether or not
    // it is decided this cycle.
    let cmd = &d.gnt_cmd_q;
    let a = cmd.asid as usize & (cfg.asids - 1);
    s.add("a", w.asid_idx, a as u64);
    s.add("asid_ok", 1, ((cmd.asid as usize) < cfg.asids) as u64);
    s.add("all_cores", n as u32, (1 << n) - 1);
    add(s, "ctx_valid", Packed::array(1, d.ctx_q.iter().map(|x| x.valid as u64)));
    add(s, "ctx_lazy", Packed::array(1, d.ctx_q.iter().map(|x| x.lazy as u64)));
    add(s, "holders", Packed::array(1, d.ctx_q.iter().map(|x| (x.valid && x.asid as usize == a) as u64)));
    s.add("releasing", 1, (d.release_busy() && d.rel_asid_q == a) as u64);
    // The requester's slot: searched at the grant, brought up to date from the bus.
    let (hit, hit_s, lag) = d.granted_slot();
    s.add("hit", 1, hit as u64);
    s.add("hit_s", w.slot_idx, hit_s as u64);
    s.add("lag", w.lag, lag as u64);

    if show_mems {
        for p in 0..cfg.log_depth {
            s.scope_fmt(format_args!("u_sys.u_dir.gen_log[{p}]"));
            for a in 0..cfg.asids {
                let e = d.mems.log[a][p];
                let v = Packed::fields(&[(3, e.kind.bits() as u64), (27, e.vpn), (16, e.npages as u64)]);
                s.add_element("mem", a, v.width, &v.words);
            }
        }
    }
}
