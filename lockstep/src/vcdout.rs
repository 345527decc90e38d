// SPDX-License-Identifier: Apache-2.0
//! The models' VCDs, with the RTL's hierarchy and signal names and the RTL waveform's
//! timing (see the harness's `rtl.rs`), so a model's file and the RTL's can be opened side
//! by side and compared signal for signal (`harness/tests/waveforms.rs`).
//!
//! [`ModelVcd`] writes whatever a walk over a model names into [`Signals`]: one core
//! ([`core_signals`]: `u_core` with its ports and registers, `u_core.u_l1`, its PLRU
//! trees, `u_core.u_ptw`) here, the fabric in `vcdout_fabric.rs`.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;

use tlb_sim::{CoreInputs, TlbCore};
use vcd::{IdCode, TimescaleUnit, Value};

/// A signal value up to any width, as little-endian 64-bit words.
pub type Bits = Vec<u64>;

/// The signals of a model at one instant, as a walk over it names them: the same signals in
/// the same order at every walk, so only the first one keeps their scopes and names.
#[derive(Default)]
pub struct Signals {
    /// The scope signals are added to, relative to the wrapper (`u_sys.gen_core[0]`).
    scope: String,
    /// Whether this walk names the signals (the first one).
    naming: bool,
    /// (scope, name, width) of every signal, from the first walk.
    names: Vec<(String, String, u32)>,
    /// This walk's values, in order.
    values: Vec<Bits>,
    /// How many signals this walk has added so far.
    k: usize,
}

impl Signals {
    fn start(&mut self) {
        self.naming = self.names.is_empty() && self.values.is_empty();
        self.k = 0;
        self.scope.clear();
    }

    /// Adds the signals that follow to `scope` (dot-separated, relative to the wrapper).
    pub fn scope(&mut self, scope: &str) {
        if self.naming {
            scope.clone_into(&mut self.scope);
        }
    }

    /// [`Signals::scope`], formatted only by the walk that names the signals.
    pub fn scope_fmt(&mut self, scope: std::fmt::Arguments) {
        if self.naming {
            self.scope = scope.to_string();
        }
    }

    /// A signal of up to 64 bits.
    pub fn add(&mut self, name: &str, width: u32, value: u64) {
        self.add_bits(name, width, &[value]);
    }

    /// Element `index` of an unpacked array `name` (`name[index]`, as Verilator names it),
    /// named without formatting on every walk.
    pub fn add_element(&mut self, name: &str, index: usize, width: u32, value: &[u64]) {
        if self.naming {
            self.names.push((self.scope.clone(), format!("{name}[{index}]"), width));
        }
        self.set_value(value);
    }

    /// A signal of any width: `value` holds its bits, least significant word first.
    pub fn add_bits(&mut self, name: &str, width: u32, value: &[u64]) {
        if self.naming {
            self.names.push((self.scope.clone(), name.to_string(), width));
        }
        self.set_value(value);
    }

    fn set_value(&mut self, value: &[u64]) {
        match self.values.get_mut(self.k) {
            Some(v) => {
                v.clear();
                v.extend_from_slice(value);
            }
            None => self.values.push(value.to_vec()),
        }
        self.k += 1;
    }
}

/// A packed value built from its least significant field up, as a SystemVerilog packed
/// struct or array lays it out (its last field, or its element 0, lowest).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Packed {
    pub words: Bits,
    pub width: u32,
}

impl Packed {
    /// Puts `width` bits of `value` (at most 64) above the bits already there.
    pub fn put(&mut self, width: u32, value: u64) -> &mut Packed {
        assert!(width <= 64, "a field of {width} bits: put it in parts");
        if width == 0 {
            return self;
        }
        let v = if width == 64 { value } else { value & ((1 << width) - 1) };
        let (at, off) = ((self.width / 64) as usize, self.width % 64);
        self.words.resize((self.width + width).div_ceil(64) as usize, 0);
        self.words[at] |= v << off;
        if off != 0 && off + width > 64 {
            self.words[at + 1] |= v >> (64 - off);
        }
        self.width += width;
        self
    }

    /// Puts another packed value above the bits already there.
    pub fn put_packed(&mut self, p: &Packed) -> &mut Packed {
        for (k, &word) in p.words.iter().enumerate() {
            self.put((p.width - 64 * k as u32).min(64), word);
        }
        self
    }

    /// A packed struct from its fields (width, value) as the struct declares them, most
    /// significant first.
    pub fn fields(fields: &[(u32, u64)]) -> Packed {
        let mut p = Packed::default();
        for &(w, v) in fields.iter().rev() {
            p.put(w, v);
        }
        p
    }

    /// A packed array `[N-1:0]` of `width`-bit elements, element 0 first.
    pub fn array(width: u32, elements: impl IntoIterator<Item = u64>) -> Packed {
        let mut p = Packed::default();
        for v in elements {
            p.put(width, v);
        }
        p
    }
}

/// A signal's place in the file and what was last written for it.
struct Sig {
    id: IdCode,
    width: u32,
    last: Option<Bits>,
}

/// A model's VCD: the signals a walk names ([`Signals`]), under `TOP.<wrapper>` as the
/// Verilated wrapper top dumps them.
pub struct ModelVcd {
    w: vcd::Writer<BufWriter<File>>,
    sigs: Vec<Sig>,
    walk: Signals,
}

fn bits_to_values(bits: &Bits, width: u32) -> Vec<Value> {
    (0..width)
        .rev()
        .map(|b| {
            let word = bits.get((b / 64) as usize).copied().unwrap_or(0);
            if (word >> (b % 64)) & 1 == 1 {
                Value::V1
            } else {
                Value::V0
            }
        })
        .collect()
}

impl ModelVcd {
    /// Opens `path`, declares the signals `walk` names under `TOP.<top>`, and writes their
    /// values at `time` (just after reset).
    pub fn create(path: &Path, top: &str, time: u64, walk: impl FnOnce(&mut Signals)) -> io::Result<ModelVcd> {
        let mut w = vcd::Writer::new(BufWriter::new(File::create(path)?));
        let mut signals = Signals::default();
        signals.start();
        walk(&mut signals);
        w.timescale(1, TimescaleUnit::NS)?;
        w.add_module("TOP")?;
        w.add_module(top)?;
        let mut sigs = Vec::new();
        let mut open: Vec<&str> = Vec::new();
        for (scope, name, width) in &signals.names {
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
            let id = w.add_wire(*width, name)?;
            sigs.push(Sig { id, width: *width, last: None });
        }
        for _ in 0..open.len() + 2 {
            w.upscope()?;
        }
        w.enddefinitions()?;
        let mut v = ModelVcd { w, sigs, walk: signals };
        v.write(time)?;
        Ok(v)
    }

    /// Writes the signals `walk` finds changed, at `time`.
    pub fn dump(&mut self, time: u64, walk: impl FnOnce(&mut Signals)) -> io::Result<()> {
        self.walk.start();
        walk(&mut self.walk);
        assert_eq!(self.walk.k, self.sigs.len(), "a waveform walk names the same signals every time");
        self.write(time)
    }

    fn write(&mut self, time: u64) -> io::Result<()> {
        self.w.timestamp(time)?;
        for (sig, bits) in self.sigs.iter_mut().zip(&self.walk.values) {
            if sig.last.as_ref() == Some(bits) {
                continue;
            }
            if sig.width == 1 {
                self.w.change_scalar(sig.id, if bits[0] & 1 == 1 { Value::V1 } else { Value::V0 })?;
            } else {
                self.w.change_vector(sig.id, bits_to_values(bits, sig.width))?;
            }
            sig.last = Some(bits.clone());
        }
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<()> {
        use std::io::Write;
        self.w.writer().flush()
    }
}

/// One core's waveform as its Verilated wrapper top (`tlb_core_sim_*`) dumps it: the
/// wrapper's clock and reset, then [`core_signals`] under `u_core`.
pub fn core_top_signals(s: &mut Signals, m: &TlbCore, i: &CoreInputs, clk: bool) {
    s.scope("");
    s.add("clk_i", 1, clk as u64);
    s.add("rst_ni", 1, 1);
    core_signals(s, "u_core", m, i, clk);
}

/// A `tlb_core` instance at `scope` (`u_core`, or `u_sys.gen_core[c].u_core` in the
/// fabric): its ports, its registers, and those of `u_l1`, its PLRU trees and `u_ptw`.
pub fn core_signals(s: &mut Signals, scope: &str, m: &TlbCore, i: &CoreInputs, clk: bool) {
    s.scope(scope);
    s.add("clk_i", 1, clk as u64);
    s.add("rst_ni", 1, 1);
    for (n, w, v) in i.fields() {
        s.add(n, w, v);
    }
    for (n, w, v) in m.outputs().fields() {
        s.add(n, w, v);
    }
    for (n, w, v) in [
        ("state_q", 2, m.state_q as u64),
        ("walk_vaddr_q", 39, m.walk_vaddr_q),
        ("walk_canon_q", 4, m.walk_canon_q as u64),
        ("walk_access_q", 2, m.walk_access_q as u64),
        ("walk_priv_u_q", 1, m.walk_priv_u_q as u64),
        ("walk_sum_q", 1, m.walk_sum_q as u64),
        ("walk_mxr_q", 1, m.walk_mxr_q as u64),
        ("walk_asid_q", 16, m.walk_asid_q as u64),
        ("resp_valid_q", 1, m.resp_valid_q as u64),
        ("resp_paddr_q", 56, m.resp_paddr_q),
        ("resp_fault_q", 1, m.resp_fault_q as u64),
        ("look_valid_q", 1, m.look_valid_q as u64),
        ("look_access_q", 2, m.look_access_q as u64),
        ("look_priv_u_q", 1, m.look_priv_u_q as u64),
        ("look_sum_q", 1, m.look_sum_q as u64),
        ("look_mxr_q", 1, m.look_mxr_q as u64),
        ("look_vaddr_q", 39, m.look_vaddr_q),
        ("look_canon_q", 4, m.look_canon_q as u64),
        ("fill_kill_q", 1, m.fill_kill_q as u64),
        ("walk_restart_q", 1, m.walk_restart_q as u64),
        ("inv_valid_q", 1, m.inv_valid_q as u64),
        ("inv_kind_q", 3, m.inv_kind_q as u64),
        ("inv_asid_q", 16, m.inv_asid_q as u64),
        ("inv_vpn_q", 27, m.inv_vpn_q),
        ("inv_last_q", 28, m.inv_last_q),
    ] {
        s.add(n, w, v);
    }
    // The valid count's two stages: each group's count (group 0 least significant), the sum.
    let part_bits = 4 * m.vc_part_q.len() as u32;
    s.add("vc_part_q", part_bits, m.vc_part_q.iter().rev().fold(0, |v, &c| v << 4 | c as u64));
    s.add("vc_q", 7, m.vc_q as u64);
    if m.hit_latency == 2 {
        // The answer stage (tlb_core's gen_answer_stage block).
        s.scope_fmt(format_args!("{scope}.gen_answer_stage"));
        let a = &m.ans_q;
        let e = a.entry.packed();
        s.add("ans_hit_q", 1, a.hit as u64);
        s.add("ans_priv_u_q", 1, a.priv_u as u64);
        s.add("ans_sum_q", 1, a.sum as u64);
        s.add("ans_mxr_q", 1, a.mxr as u64);
        s.add("nc_q_r", 1, m.nc_q as u64);
        s.add_bits("ans_entry_q", 96, &[e as u64, (e >> 64) as u64]);
        s.add("ans_vaddr_q", 30, a.vaddr);
        s.add("ans_access_q", 2, a.access as u64);
    }
    // The L1: valid and kill bits (4 KiB entries, then superpages), the registered lookup,
    // the touch, the superpages' tags (`sup_q`, superpage 0 least significant) and the PLRU
    // trees, one per set and one over the superpages.
    let l1 = &m.u_l1;
    let n = l1.slots();
    let idx = n.next_power_of_two().trailing_zeros();
    let lo_hi = |v: u128| [v as u64, (v >> 64) as u64];
    s.scope_fmt(format_args!("{scope}.u_l1"));
    s.add_bits("valid_q", n as u32, &lo_hi(l1.valid_q));
    s.add_bits("kill_q", n as u32, &lo_hi(l1.kill_q));
    s.add_bits("sw_kill_q", n as u32, &lo_hi(l1.sw_kill_q));
    s.add_bits("ins_slot_q", n as u32, &lo_hi(l1.ins_slot_q));
    s.add("touch_hit_q", 1, l1.touch_hit_q as u64);
    s.add("touch_idx_q", idx, l1.touch_idx_q as u64);
    s.add("p_valid_q", 1, l1.p_valid_q as u64);
    s.add("p_tail_q", 1, l1.p_tail_q as u64);
    // Flags packed as the RTL's vectors: element 0 least significant.
    let bits = |v: &[bool]| v.iter().enumerate().fold(0, |acc, (i, &b)| acc | (b as u64) << i);
    // The queue's slots.
    let q = tlb_sim::l1::L1_QUEUE;
    s.add("q_valid_q", q as u32, bits(&l1.q_valid_q));
    s.add("q_asid_q", 16 * q as u32, (0..q).fold(0, |v, i| v | (l1.q_asid_q[i] as u64) << (16 * i)));
    s.add("lk_q_q", 1, l1.lk_q_q as u64);
    // The invalidation applied now: valid, swept, and its ASID's compares made when it was
    // presented; the last lookup's set, where an install's way is chosen.
    s.add("in_valid_q", 1, l1.in_valid_q as u64);
    s.add("in_swept_q", 1, l1.in_swept_q as u64);
    s.add("in_eq_p_q", 1, l1.in_eq_p_q as u64);
    s.add("in_eq_q_q", q as u32, bits(&l1.in_eq_q_q));
    s.add("pr_set_q", l1.sets.trailing_zeros().max(1), l1.pr_set_q as u64);
    // The registered lookup: the entry that answers (gen_lookup_whole), or the matches it is
    // formed from (gen_lookup_split, HitLatency 2).
    if l1.split {
        s.scope_fmt(format_args!("{scope}.u_l1.gen_lookup_split"));
        s.add("lv_q", 1, l1.lv_q as u64);
        s.add("hw_q", l1.ways as u32, bits(&l1.hw_q));
        s.add("hwg_q", l1.ways as u32, bits(&l1.hwg_q));
        s.add("hs_q", tlb_sim::L1_SUPERS as u32, bits(&l1.hs_q));
    } else {
        s.scope_fmt(format_args!("{scope}.u_l1.gen_lookup_whole"));
        s.add("hit_q", 1, l1.hit_q as u64);
        s.add("hit_idx_q", idx, l1.hit_idx_q as u64);
        s.add("hit_g_q", 1, l1.hit_g_q as u64);
        s.add("hit_level_q", 2, l1.hit_level_q as u64);
    }
    s.scope_fmt(format_args!("{scope}.u_l1"));
    let mut sup = Packed::default();
    for e in &l1.mem[l1.entries..] {
        sup.put_packed(&Packed::fields(&[(16, e.asid as u64), (1, e.g as u64), (2, e.level as u64), (27, e.vpn)]));
    }
    s.add_bits("sup_q", sup.width, &sup.words);
    for (set, tree) in l1.plru.iter().enumerate() {
        s.scope_fmt(format_args!("{scope}.u_l1.gen_set[{set}].u_plru"));
        s.add("plru_q", (l1.ways - 1) as u32, tree.plru_q);
    }
    s.scope_fmt(format_args!("{scope}.u_l1.u_sup_plru"));
    s.add("plru_q", (tlb_sim::L1_SUPERS - 1) as u32, l1.sup_plru.plru_q);
    let p = &m.u_ptw;
    s.scope_fmt(format_args!("{scope}.u_ptw"));
    s.add("state_q", 2, p.state_q as u64);
    s.add("level_q", 2, p.level_q as u64);
    s.add("addr_q", 56, p.addr_q);
    s.add("global_q", 1, p.global_q as u64);
    s.add("poison_q", 1, p.poison_q as u64);
    s.add("vpn_q", 27, p.vpn_q);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_values_lay_out_as_systemverilog_does() {
        // struct packed { logic [2:0] a; logic [3:0] b; }: a in bits 6:4.
        assert_eq!(Packed::fields(&[(3, 0b101), (4, 0b0011)]), Packed { words: vec![0b101_0011], width: 7 });
        // [2:0][3:0] array: element 0 lowest; wider than one word.
        let e1 = 0x12_3456_789a;
        let p = Packed::array(40, [1, e1, 3]);
        assert_eq!((p.width, p.words.len()), (120, 2));
        assert_eq!(p.words[0], 1 | (e1 << 40));
        assert_eq!(p.words[1], (e1 >> 24) | (3 << 16));
        let mut q = Packed::default();
        q.put(1, 1).put_packed(&p);
        assert_eq!((q.width, q.words[0] & 0b11), (121, 0b11));
    }
}
