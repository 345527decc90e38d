// SPDX-License-Identifier: Apache-2.0
//! The picture in docs/img/shootdown.svg: a real RTL waveform of a 2-core shootdown, drawn
//! by `tlb_harness::wave`. Ignored by default (it builds a Verilated system); regenerate with
//!
//!     cargo test --test wave_picture -- --ignored
//!
//! It also leaves the VCD and a GTKWave save file under target/wave_picture/ to open the
//! same run in a viewer (`gtkwave target/wave_picture/shootdown.gtkw`).
//!
//! The run is a `SysLockstep` (RTL and model compared every cycle, the oracle judging every
//! answer), replayed on a traced RTL for the window by `SysLockstep::write_vcd`.

use tlb_harness::system::{Command, SysLockstep, SysLockstepConfig};
use tlb_harness::toolchain::repo_root;
use tlb_harness::wave::{default_groups, render_svg, write_gtkw, WaveSpec};
use tlb_harness::{Failure, MemTiming, PteFlags};
use tlb_sim::fabric::SysConfig;
use tlb_sim::{Access, InvalKind, PageLevel};

/// The configuration `tests/system.rs` builds for 2 cores, so no extra Verilator build.
const SYS: SysConfig =
    SysConfig { cores: 2, entries: 16, slots: 4, log_depth: 4, asids: 16, hit_latency: 1, read_ahead: None };

fn ok<T>(r: Result<T, Failure>) -> T {
    r.unwrap_or_else(|f| panic!("\n{f}"))
}

/// (physical address, hit) of a user load on `core`.
fn load(s: &mut SysLockstep, core: usize, va: u64) -> (u64, bool) {
    let r = ok(s.translate(core, va, Access::Load, true));
    assert!(!r.fault, "core {core}: fault at {va:#x}");
    (r.paddr, r.hit)
}

#[test]
#[ignore = "builds a Verilated 2-core system; regenerates docs/img/shootdown.svg"]
fn shootdown_picture() {
    let mut cfg = SysLockstepConfig::new("shootdown_picture", SYS, 1);
    // Page-table reads answered after one cycle, always ready: a tidy walk in the picture.
    cfg.mem = MemTiming::fixed(1);
    let mut s = SysLockstep::new(cfg).unwrap_or_else(|e| panic!("{e}"));
    let root = s.tables.alloc_table();
    let remap = |s: &mut SysLockstep, ppn| {
        let (pt, mem) = s.tables();
        pt.map(mem, root, 0x1000, PageLevel::Page4K, ppn, PteFlags::URW);
    };
    remap(&mut s, 0x11);

    // Set-up: ASID 1 gets its root table; core 1 runs it and caches 0x1000.
    ok(s.cmd(0, Command::SetAttrs { asid: 1, root, pm: 0 }));
    ok(s.cmd(1, Command::Switch(1)));
    assert_eq!(load(&mut s, 1, 0x1000), (0x11000, false));

    // The story: core 1 hits, the OS remaps the page, core 0 posts the invalidation and
    // syncs, core 1 applies it and acknowledges, and its next access walks again.
    let from = s.cycle() - 1;
    ok(s.run(1));
    assert_eq!(load(&mut s, 1, 0x1000), (0x11000, true));
    remap(&mut s, 0x22);
    for cmd in [Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: 0x1000, npages: 0 }, Command::Sync] {
        let r = ok(s.cmd(0, cmd));
        assert!(!r.error, "{cmd:?} refused");
    }
    assert_eq!(load(&mut s, 1, 0x1000), (0x22000, false));
    ok(s.run(2));

    let dir = repo_root().join("target/wave_picture");
    std::fs::create_dir_all(&dir).unwrap();
    let vcd = dir.join("shootdown.vcd");
    // Cycles from..to-1, with the run's own cycle numbers.
    let (from, to) = s.write_vcd(&vcd, from, s.cycle()).unwrap_or_else(|e| panic!("{e}"));
    let signals: Vec<String> = PICTURE.iter().map(|s| s.to_string()).collect();
    let spec = WaveSpec { vcd: vcd.clone(), signals: signals.clone(), from_cycle: from, to_cycle: to - 1, clock: None };
    let svg = render_svg(&spec).unwrap_or_else(|e| panic!("{e}"));
    let out = repo_root().join("docs/img/shootdown.svg");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, svg).unwrap();
    // The viewer layout: the picture's rows, then every core's and the fabric's signals.
    let mut groups = vec![("shootdown".to_string(), signals)];
    groups.extend(default_groups(&vcd).unwrap_or_else(|e| panic!("{e}")));
    write_gtkw(&vcd, &dir.join("shootdown.gtkw"), &groups).unwrap_or_else(|e| panic!("{e}"));
    println!("wrote {} (cycles {from}..={} of {})", out.display(), to - 1, vcd.display());
}

/// The rows of the picture: `label=signal`, `# heading`.
const PICTURE: &[&str] = &[
    "clk_i=u_sys.clk_i",
    "# core 0: posts the invalidation, then syncs",
    "cmd_valid_i=gen_core[0].u_agent.cmd_valid_i",
    "cmd_op_i (0 post, 1 sync)=u_sys.cmd_op_i[2:0]",
    "cmd_ready_o=gen_core[0].u_agent.cmd_ready_o",
    "state_q (1 dir, 2 sync)=gen_core[0].u_agent.state_q",
    "cmd_done_o=gen_core[0].u_agent.cmd_done_o",
    "# directory: grants, targets core 1, waits for its ack",
    "req_i[0]=u_dir.req_i[0]",
    "gnt_valid_q (grant held)=u_dir.gnt_valid_q",
    "bus_q.valid=u_dir.bus_q[136]",
    "bus_q.targets (core mask)=u_dir.bus_q[135:120]",
    "ack_i[1]=u_dir.ack_i[1]",
    "owed_q[0] (acks owed to core 0, a bit per core)=u_dir.owed_q[1:0]",
    "quiet_o[0]=u_dir.quiet_o[0]",
    "# core 1: runs ASID 1, applies and acks",
    "cur_asid_o=gen_core[1].u_agent.cur_asid_o",
    "inval_valid_o=gen_core[1].u_agent.inval_valid_o",
    "ack_o=gen_core[1].u_agent.ack_o",
    "req_valid_i=gen_core[1].u_core.req_valid_i",
    "resp_valid_o=gen_core[1].u_core.resp_valid_o",
    "resp_hit_o=gen_core[1].u_core.resp_hit_o",
    "resp_paddr_o=gen_core[1].u_core.resp_paddr_o",
    "mem_req_valid_o=gen_core[1].u_core.mem_req_valid_o",
    "# counters",
    "cnt_posted_o=u_dir.cnt_posted_o",
    "cnt_targets_o=u_dir.cnt_targets_o",
    "cnt_skipped_o=u_dir.cnt_skipped_o",
];
