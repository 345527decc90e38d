// SPDX-License-Identifier: Apache-2.0
//! The timing diagrams in docs/timing/*.json are the contract of docs/timing.md. This test
//! drives the cycle-accurate model with each diagram's input lanes (its `tlb` section says
//! which pages are mapped and which addresses are requested) and checks every output lane
//! drawn with 0/1 cycle by cycle; lanes `l1.<register>` are registers of the L1 inside the
//! core, read from the model's register of the same name. Lockstep ties the RTL to the
//! model, so the diagrams hold for both.

mod common;
use std::collections::VecDeque;

use tlb_harness::{PageTables, PhysMem, PteFlags};
use tlb_sim::{CoreInputs, PageLevel, Pte, TlbCore};

fn hex(v: &serde_json::Value) -> u64 {
    let s = v.as_str().expect("hex string");
    u64::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex")
}

fn check(file: &str) {
    let (doc, lanes) = common::load_diagram(file);
    let lane = |name: &str| lanes.iter().find(|l| l.0 == name).map(|l| l.1.clone());
    let cycles = lanes[0].1.len();
    let tlb = &doc["tlb"];

    let mut mem = PhysMem::new();
    let mut pt = PageTables::default();
    let root = pt.alloc_table();
    for m in tlb["map"].as_array().unwrap() {
        let flags = Pte::R | Pte::W | Pte::U | Pte::A | Pte::D;
        pt.map(
            &mut mem,
            root,
            hex(&m[0]),
            PageLevel::from_level(m[1].as_u64().unwrap() as u8),
            hex(&m[2]),
            PteFlags(flags),
        );
    }
    let base = CoreInputs { ctx_asid: 1, ctx_root_ppn: root, req_priv_u: true, ..Default::default() };
    let hit_latency = tlb["hit_latency"].as_u64().unwrap_or(1) as u8;
    let mut core = TlbCore::new(32, hit_latency);

    // Warm-up outside the diagram: translate with a memory that answers at once.
    for va in tlb["warm"].as_array().into_iter().flatten() {
        let mut pending: Option<u64> = None;
        let mut issued = false;
        for _ in 0..64 {
            let o = core.outputs();
            let mut i = base;
            if !issued {
                i.req_valid = true;
                i.req_vaddr = hex(va);
                issued = o.req_ready;
            }
            i.mem_req_ready = pending.is_none();
            if let Some(d) = pending.take() {
                i.mem_resp_valid = true;
                i.mem_resp_data = d;
            }
            if o.mem_req_valid && i.mem_req_ready {
                pending = Some(mem.read(o.mem_req_addr));
            }
            core.step(&i);
        }
    }

    let vaddrs: Vec<u64> = tlb["vaddr"].as_array().unwrap().iter().map(hex).collect();
    let mut next_vaddr = 0;
    let mut reads: VecDeque<u64> = VecDeque::new();
    let bit = |lane: &Option<Vec<char>>, c: usize| lane.as_ref().is_some_and(|l| l[c] == '1');
    let (req_valid, req_ready_in, resp_valid_in, inval_valid) =
        (lane("req_valid_i"), lane("mem_req_ready_i"), lane("mem_resp_valid_i"), lane("inval_valid_i"));
    for c in 0..cycles {
        let o = core.outputs();
        for (name, wave) in &lanes {
            if !matches!(wave[c], '0' | '1') {
                continue;
            }
            let value = if let Some(reg) = name.strip_prefix("l1.") {
                match reg {
                    "p_valid_q" => core.u_l1.p_valid_q as u64,
                    _ => panic!("{file}: no L1 register {reg}"),
                }
            } else if name.ends_with("_o") {
                o.fields().iter().find(|f| f.0 == name).unwrap_or_else(|| panic!("{file}: no output {name}")).2
            } else {
                continue;
            };
            assert_eq!(value != 0, wave[c] == '1', "{file}: {name} in cycle {c}");
        }
        let mut i = base;
        if bit(&req_valid, c) {
            i.req_valid = true;
            i.req_vaddr = vaddrs[next_vaddr];
            if o.req_ready {
                next_vaddr += 1;
            }
        }
        i.mem_req_ready = bit(&req_ready_in, c);
        if o.mem_req_valid && i.mem_req_ready {
            reads.push_back(mem.read(o.mem_req_addr));
        }
        if bit(&resp_valid_in, c) {
            i.mem_resp_valid = true;
            i.mem_resp_data = *reads.front().unwrap_or_else(|| panic!("{file}: response before request in cycle {c}"));
            if o.mem_resp_ready {
                reads.pop_front();
            }
        }
        if bit(&inval_valid, c) {
            // One invalidation (`inval`), or several (`invals`), each with its cycle.
            let iv = match tlb["invals"].as_array() {
                Some(list) => list.iter().find(|iv| iv["cycle"].as_u64() == Some(c as u64)),
                None => Some(&tlb["inval"]).filter(|iv| iv["cycle"].as_u64() == Some(c as u64)),
            }
            .unwrap_or_else(|| panic!("{file}: the inval lane is high in cycle {c}, no tlb invalidation says so"));
            i.inval_valid = true;
            i.inval_kind = iv["kind"].as_u64().unwrap() as u8;
            i.inval_asid = iv["asid"].as_u64().unwrap() as u16;
            i.inval_vaddr = hex(&iv["vaddr"]);
        }
        core.step(&i);
    }
}

#[test]
fn hit() {
    check("hit.json");
}

#[test]
fn hit_latency2() {
    check("hit_latency2.json");
}

#[test]
fn miss_walk() {
    check("miss_walk.json");
}

#[test]
fn fault() {
    check("fault.json");
}

#[test]
fn inval_during_walk() {
    check("inval_during_walk.json");
}

#[test]
fn sweep() {
    check("sweep.json");
}

#[test]
fn sweep_merge() {
    check("sweep_merge.json");
}
