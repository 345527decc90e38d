// SPDX-License-Identifier: Apache-2.0
//! The fabric's timing diagrams (docs/timing/fabric_*.json) checked cycle by cycle against
//! the model, as tests/timing_diagrams.rs does for one core. Lanes `cN.<port>` are ports of
//! core N; `cN.inval`, `cN.ack_q`, `cN.quiet` and `dir.<register>` are internal signals of
//! the agent and directory, read from the model's registers of the same name. Lockstep ties
//! the RTL to the model, so the diagrams hold for both.

mod common;
use tlb_sim::fabric::{DirOp, SysConfig, SysCoreInputs, TlbSystem};
use tlb_sim::InvalKind;

struct Bench {
    sys: TlbSystem,
}

impl Bench {
    fn step(&mut self, cmds: &[(usize, SysCoreInputs)]) {
        let mut inputs = vec![SysCoreInputs { mem_req_ready: true, ..Default::default() }; self.sys.cfg.cores];
        for (c, i) in cmds {
            inputs[*c] = *i;
        }
        self.sys.step(&inputs);
    }
    /// Runs a command on core `c` to completion (outside the diagram).
    fn cmd(&mut self, c: usize, i: SysCoreInputs) {
        self.step(&[(c, SysCoreInputs { cmd_valid: true, ..i })]);
        for _ in 0..40 {
            if self.sys.outputs().core[c].cmd_done {
                self.step(&[]);
                return;
            }
            self.step(&[]);
        }
        panic!("command did not complete");
    }
}

fn post(asid: u16, vaddr: u64) -> SysCoreInputs {
    SysCoreInputs {
        cmd_op: DirOp::Post,
        cmd_kind: InvalKind::VaAsid.into(),
        cmd_asid: asid,
        cmd_vaddr: vaddr,
        ..Default::default()
    }
}
fn switch(asid: u16) -> SysCoreInputs {
    SysCoreInputs { cmd_op: DirOp::Switch, cmd_asid: asid, ..Default::default() }
}

fn check(file: &str) {
    let (doc, lanes) = common::load_diagram(file);
    let cycles = lanes[0].1.len();
    let mut b = Bench {
        sys: TlbSystem::new(SysConfig {
            cores: 2,
            entries: 8,
            slots: 4,
            log_depth: 4,
            asids: 16,
            hit_latency: 1,
            read_ahead: None,
        }),
    };
    let attrs = |asid| SysCoreInputs { cmd_op: DirOp::SetAttrs, cmd_asid: asid, cmd_root: 0x80, ..Default::default() };
    b.cmd(0, attrs(1));
    b.cmd(0, attrs(2));
    match doc["tlb"]["setup"].as_str().unwrap() {
        "both_run_asid1" => {
            b.cmd(0, switch(1));
            b.cmd(1, switch(1));
        }
        "core1_lags_asid1_by_2" => {
            b.cmd(1, switch(1));
            b.cmd(1, switch(2));
            b.cmd(0, switch(1));
            b.cmd(0, post(1, 0x1000));
            b.cmd(0, post(1, 0x2000));
        }
        other => panic!("{file}: unknown setup {other}"),
    }
    let commands = doc["tlb"]["commands"].as_object().unwrap();
    for c in 0..cycles {
        let s = &b.sys;
        let o = s.outputs();
        for (name, wave) in &lanes {
            if !matches!(wave[c], '0' | '1') || name == "clk_i" || name.ends_with("_i") {
                continue;
            }
            let (scope, sig) = name.split_once('.').unwrap();
            let value: u64 = if scope == "dir" {
                match sig {
                    "bus_q.valid" => s.dir.bus_q.valid as u64,
                    "cu_busy_q" => s.dir.cu_busy_q as u64,
                    "gnt_valid_q" => s.dir.gnt_valid_q as u64,
                    _ => panic!("{file}: no directory signal {sig}"),
                }
            } else {
                let core: usize = scope.trim_start_matches('c').parse().unwrap();
                match sig {
                    "inval" => s.agents[core].inval(&s.dir.bus_q).valid as u64,
                    "ack_q" => s.agents[core].ack_q as u64,
                    "quiet" => s.dir.quiet(core) as u64,
                    port => {
                        o.core[core]
                            .fields()
                            .iter()
                            .find(|f| f.0 == port)
                            .unwrap_or_else(|| panic!("{file}: no port {port}"))
                            .2
                    }
                }
            };
            assert_eq!(value != 0, wave[c] == '1', "{file}: {name} in cycle {c}");
        }
        let mut cmds = Vec::new();
        if let Some(cmd) = commands.get(&c.to_string()) {
            let core: usize = cmd[0].as_str().unwrap().trim_start_matches('c').parse().unwrap();
            let i = match cmd[1].as_str().unwrap() {
                "post" => post(1, 0x5000),
                "sync" => SysCoreInputs { cmd_op: DirOp::Sync, ..Default::default() },
                "switch1" => switch(1),
                other => panic!("{file}: unknown command {other}"),
            };
            let lane = lanes.iter().find(|l| l.0 == format!("c{core}.cmd_valid_i")).expect("a cmd_valid lane");
            assert_eq!(lane.1[c], '1', "{file}: command in cycle {c} but its cmd_valid lane is low");
            cmds.push((core, SysCoreInputs { cmd_valid: true, mem_req_ready: true, ..i }));
        }
        b.step(&cmds);
    }
}

#[test]
fn fabric_shootdown() {
    check("fabric_shootdown.json");
}

#[test]
fn fabric_switch_catchup() {
    check("fabric_switch_catchup.json");
}
