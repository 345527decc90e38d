// SPDX-License-Identifier: Apache-2.0
//! A VCD of the core model, with the RTL's hierarchy and signal names (`u_core` with its
//! ports and registers, `u_core.u_l1`, `u_core.u_l1.u_plru`, `u_core.u_ptw` registers), and
//! the RTL waveform's timing (see the harness's `rtl.rs`), so the two files can be opened
//! side by side.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;

use tlb_sim::{CoreInputs, TlbCore};
use vcd::{IdCode, TimescaleUnit, Value};

/// A signal value up to any width, as little-endian 64-bit words.
type Bits = Vec<u64>;

struct Sig {
    id: IdCode,
    width: u32,
    last: Option<Bits>,
}

pub struct ModelVcd {
    w: vcd::Writer<BufWriter<File>>,
    sigs: Vec<Sig>,
}

/// Every dumped signal: scope (relative to the wrapper), name, width, value.
/// The scopes of the L1's per-set PLRU trees (at most 16 sets: 64 entries in 4 ways).
const SET_PLRU: [&str; 16] = [
    "u_core.u_l1.gen_set[0].u_plru",
    "u_core.u_l1.gen_set[1].u_plru",
    "u_core.u_l1.gen_set[2].u_plru",
    "u_core.u_l1.gen_set[3].u_plru",
    "u_core.u_l1.gen_set[4].u_plru",
    "u_core.u_l1.gen_set[5].u_plru",
    "u_core.u_l1.gen_set[6].u_plru",
    "u_core.u_l1.gen_set[7].u_plru",
    "u_core.u_l1.gen_set[8].u_plru",
    "u_core.u_l1.gen_set[9].u_plru",
    "u_core.u_l1.gen_set[10].u_plru",
    "u_core.u_l1.gen_set[11].u_plru",
    "u_core.u_l1.gen_set[12].u_plru",
    "u_core.u_l1.gen_set[13].u_plru",
    "u_core.u_l1.gen_set[14].u_plru",
    "u_core.u_l1.gen_set[15].u_plru",
];

fn signals(m: &TlbCore, i: &CoreInputs, clk: bool) -> Vec<(&'static str, &'static str, u32, Bits)> {
    let mut s: Vec<(&'static str, &'static str, u32, Bits)> = vec![
        ("", "clk_i", 1, vec![clk as u64]),
        ("", "rst_ni", 1, vec![1]),
        ("u_core", "clk_i", 1, vec![clk as u64]),
        ("u_core", "rst_ni", 1, vec![1]),
    ];
    for (n, w, v) in i.fields() {
        s.push(("u_core", n, w, vec![v]));
    }
    for (n, w, v) in m.outputs().fields() {
        s.push(("u_core", n, w, vec![v]));
    }
    let c = "u_core";
    s.extend([
        (c, "state_q", 2, vec![m.state_q as u64]),
        (c, "walk_vaddr_q", 39, vec![m.walk_vaddr_q]),
        (c, "walk_canon_q", 4, vec![m.walk_canon_q as u64]),
        (c, "walk_access_q", 2, vec![m.walk_access_q as u64]),
        (c, "walk_priv_u_q", 1, vec![m.walk_priv_u_q as u64]),
        (c, "walk_sum_q", 1, vec![m.walk_sum_q as u64]),
        (c, "walk_mxr_q", 1, vec![m.walk_mxr_q as u64]),
        (c, "walk_asid_q", 16, vec![m.walk_asid_q as u64]),
        (c, "resp_valid_q", 1, vec![m.resp_valid_q as u64]),
        (c, "resp_paddr_q", 56, vec![m.resp_paddr_q]),
        (c, "resp_fault_q", 1, vec![m.resp_fault_q as u64]),
        (c, "look_valid_q", 1, vec![m.look_valid_q as u64]),
        (c, "look_access_q", 2, vec![m.look_access_q as u64]),
        (c, "look_priv_u_q", 1, vec![m.look_priv_u_q as u64]),
        (c, "look_sum_q", 1, vec![m.look_sum_q as u64]),
        (c, "look_mxr_q", 1, vec![m.look_mxr_q as u64]),
        (c, "look_vaddr_q", 39, vec![m.look_vaddr_q]),
        (c, "look_canon_q", 4, vec![m.look_canon_q as u64]),
        (c, "fill_kill_q", 1, vec![m.fill_kill_q as u64]),
        (c, "walk_restart_q", 1, vec![m.walk_restart_q as u64]),
        (c, "inv_valid_q", 1, vec![m.inv_valid_q as u64]),
        (c, "inv_kind_q", 3, vec![m.inv_kind_q as u64]),
        (c, "inv_asid_q", 16, vec![m.inv_asid_q as u64]),
        (c, "inv_vpn_q", 27, vec![m.inv_vpn_q]),
        (c, "inv_last_q", 28, vec![m.inv_last_q]),
    ]);
    if m.hit_latency == 2 {
        // The answer stage (tlb_core's gen_answer_stage block).
        let g = "u_core.gen_answer_stage";
        let a = &m.ans_q;
        let e = a.entry.packed();
        s.extend([
            (g, "ans_hit_q", 1, vec![a.hit as u64]),
            (g, "ans_priv_u_q", 1, vec![a.priv_u as u64]),
            (g, "ans_sum_q", 1, vec![a.sum as u64]),
            (g, "ans_mxr_q", 1, vec![a.mxr as u64]),
            (g, "nc_q_r", 1, vec![m.nc_q as u64]),
            (g, "ans_entry_q", 96, vec![e as u64, (e >> 64) as u64]),
            (g, "ans_vaddr_q", 30, vec![a.vaddr]),
            (g, "ans_access_q", 2, vec![a.access as u64]),
        ]);
    }
    // The L1: valid and kill bits (4 KiB entries, then superpages), the registered lookup,
    // the touch, the superpages' tags (`sup_q` packs superpage S-1 in the most significant
    // 46 bits, as the RTL's packed array) and the PLRU trees.
    let l1 = &m.u_l1;
    let n = l1.slots();
    let idx_w = n.next_power_of_two().trailing_zeros();
    let lo_hi = |v: u128| vec![v as u64, (v >> 64) as u64];
    let u = "u_core.u_l1";
    s.push((u, "valid_q", n as u32, lo_hi(l1.valid_q)));
    s.push((u, "kill_q", n as u32, lo_hi(l1.kill_q)));
    s.push((u, "hit_q", 1, vec![l1.hit_q as u64]));
    s.push((u, "hit_idx_q", idx_w, vec![l1.hit_idx_q as u64]));
    s.push((u, "hit_g_q", 1, vec![l1.hit_g_q as u64]));
    s.push((u, "hit_level_q", 2, vec![l1.hit_level_q as u64]));
    s.push((u, "touch_hit_q", 1, vec![l1.touch_hit_q as u64]));
    s.push((u, "touch_idx_q", idx_w, vec![l1.touch_idx_q as u64]));
    s.push((u, "p_valid_q", 1, vec![l1.p_valid_q as u64]));
    let mut sup = vec![0u64; (tlb_sim::L1_SUPERS * 46).div_ceil(64)];
    for k in 0..tlb_sim::L1_SUPERS {
        let e = &l1.mem[l1.entries + k];
        let v: u64 = (e.asid as u64) << 30 | (e.g as u64) << 29 | (e.level as u64) << 27 | (e.vpn & tlb_sim::VPN_MASK);
        for b in 0..46 {
            if (v >> b) & 1 == 1 {
                let bit = k * 46 + b;
                sup[bit / 64] |= 1 << (bit % 64);
            }
        }
    }
    s.push((u, "sup_q", (tlb_sim::L1_SUPERS * 46) as u32, sup));
    for (set, tree) in l1.plru.iter().enumerate() {
        s.push((SET_PLRU[set], "plru_q", (l1.ways - 1) as u32, vec![tree.plru_q]));
    }
    s.push(("u_core.u_l1.u_sup_plru", "plru_q", (tlb_sim::L1_SUPERS - 1) as u32, vec![l1.sup_plru.plru_q]));
    let p = &m.u_ptw;
    let w = "u_core.u_ptw";
    s.extend([
        (w, "state_q", 2, vec![p.state_q as u64]),
        (w, "level_q", 2, vec![p.level_q as u64]),
        (w, "addr_q", 56, vec![p.addr_q]),
        (w, "global_q", 1, vec![p.global_q as u64]),
        (w, "poison_q", 1, vec![p.poison_q as u64]),
        (w, "vpn_q", 27, vec![p.vpn_q]),
    ]);
    s
}

fn bits_to_values(bits: &Bits, width: u32) -> Vec<Value> {
    (0..width)
        .rev()
        .map(|b| if (bits[(b / 64) as usize] >> (b % 64)) & 1 == 1 { Value::V1 } else { Value::V0 })
        .collect()
}

impl ModelVcd {
    /// Opens `path` and writes the header and the state at `time` (just after reset).
    pub fn create(path: &Path, top: &str, model: &TlbCore, inputs: &CoreInputs, time: u64) -> io::Result<ModelVcd> {
        let mut w = vcd::Writer::new(BufWriter::new(File::create(path)?));
        w.timescale(1, TimescaleUnit::NS)?;
        w.add_module("TOP")?;
        w.add_module(top)?;
        let mut sigs = Vec::new();
        let mut open: Vec<&str> = Vec::new();
        for (scope, name, width, _) in signals(model, inputs, true) {
            let want: Vec<&str> = if scope.is_empty() { vec![] } else { scope.split('.').collect() };
            let common = open.iter().zip(&want).take_while(|(a, b)| a == b).count();
            for _ in common..open.len() {
                w.upscope()?;
            }
            open.truncate(common);
            for part in &want[common..] {
                w.add_module(part)?;
                open.push(part);
            }
            let id = w.add_wire(width, name)?;
            sigs.push(Sig { id, width, last: None });
        }
        for _ in 0..open.len() + 2 {
            w.upscope()?;
        }
        w.enddefinitions()?;
        let mut v = ModelVcd { w, sigs };
        v.dump(time, model, inputs, true)?;
        Ok(v)
    }

    /// Writes the signals that changed, at `time`.
    pub fn dump(&mut self, time: u64, model: &TlbCore, inputs: &CoreInputs, clk: bool) -> io::Result<()> {
        self.w.timestamp(time)?;
        for (sig, (_, _, _, bits)) in self.sigs.iter_mut().zip(signals(model, inputs, clk)) {
            if sig.last.as_ref() == Some(&bits) {
                continue;
            }
            if sig.width == 1 {
                self.w.change_scalar(sig.id, if bits[0] & 1 == 1 { Value::V1 } else { Value::V0 })?;
            } else {
                self.w.change_vector(sig.id, bits_to_values(&bits, sig.width))?;
            }
            sig.last = Some(bits);
        }
        Ok(())
    }

    /// One cycle, as `RtlCore::step` dumps it: inputs with the clock low, then the edge.
    pub fn cycle(&mut self, cycle: u64, before: &TlbCore, after: &TlbCore, inputs: &CoreInputs) -> io::Result<()> {
        let t = 10 * (cycle + 1);
        self.dump(t, before, inputs, false)?;
        self.dump(t + 5, after, inputs, true)
    }

    pub fn finish(mut self) -> io::Result<()> {
        use std::io::Write;
        self.w.writer().flush()
    }
}
