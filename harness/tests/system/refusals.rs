// SPDX-License-Identifier: Apache-2.0
//! Bad commands are refused with `cmd_error_o` and change nothing; bad system parameters
//! are refused by the harness and at elaboration.

use super::*;

/// Bad commands are refused with cmd_error_o and change nothing.
#[test]
fn bad_commands_are_refused() {
    let mut s = sys_setup("bad_commands_are_refused", small(2), MemTiming::default());
    let root = s.tables.alloc_table();
    {
        let (pt, mem) = s.tables();
        pt.map(mem, root, 0x1000, PageLevel::Page4K, 0x11, PteFlags::URW);
    }
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 1, root, pm: 0 });
    cmd_ok(&mut s, 0, Command::Switch(1));
    let bad = [
        Command::Raw(6),
        Command::Raw(7),
        Command::Switch(16),
        Command::SetAttrs { asid: 99, root, pm: 0 },
        Command::Post { kind: InvalKind::Asid, asid: 300, vaddr: 0, npages: 0 },
        Command::Release(5),
        Command::Release(1),
    ];
    for c in bad {
        let before = s.outputs().cnt.errors;
        let r = ok(s.cmd(0, c));
        assert!(r.error, "{c:?} must be refused");
        // Unknown opcodes are refused by the agent; the rest by the directory, which counts.
        let counted = !matches!(c, Command::Raw(_));
        assert_eq!(s.outputs().cnt.errors - before, counted as u32, "{c:?}");
    }
    let o = s.outputs().core[0];
    assert!(o.cur_valid && o.cur_asid == 1 && !o.lazy, "context unchanged: {o:?}");
    assert_eq!(ok(s.translate(0, 0x1000, L, true)).paddr, 0x11000);
    // A switch to a free ASID makes it active, and an active ASID that no core runs can be
    // released (the refusal of Release(5) above was about its being free).
    cmd_ok(&mut s, 1, Command::Switch(5));
    cmd_ok(&mut s, 1, Command::Switch(1));
    cmd_ok(&mut s, 0, Command::Release(5));
    cmd_ok(&mut s, 0, Command::Sync);
    assert!(ok(s.cmd(0, Command::Release(5))).error, "free again once released");
}

fn bad_system_parameters_are_rejected(bad: SysConfig) {
    let err = bad.validate().unwrap_err();
    assert!(err.starts_with("invalid configuration:"), "{err}");
    assert!(tlb_harness::system::SysLockstep::new(tlb_harness::system::SysLockstepConfig::new("bad", bad, 1)).is_err());
}

cases! { bad_system_parameters_are_rejected:
    cores_1(SysConfig { cores: 1, ..SysConfig::default() }),
    cores_17(SysConfig { cores: 17, ..SysConfig::default() }),
    slots_0(SysConfig { slots: 0, ..SysConfig::default() }),
    log_depth_3(SysConfig { log_depth: 3, ..SysConfig::default() }),
    asids_48(SysConfig { asids: 48, ..SysConfig::default() }),
    entries_12(SysConfig { entries: 12, ..SysConfig::default() }),
}

/// The same refused at elaboration, with the RTL's own message.
fn bad_system_parameters_are_rejected_at_elaboration(param: &str, msg: &str) {
    let verilator = tlb_harness::toolchain::verilator().expect("verilator");
    let root = tlb_harness::toolchain::repo_root();
    let out = std::process::Command::new(&verilator)
        .current_dir(&root)
        .args(["--lint-only", "-Irtl", "--top-module", "tlb_system", param])
        .args(tlb_harness::rtl::rtl_sources())
        .output()
        .expect("verilator runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains(msg), "{param}: {err}");
}

cases! { bad_system_parameters_are_rejected_at_elaboration:
    num_cores_17("-GNumCores=17", "NumCores must be 2 to 16"),
    log_depth_3("-GLogDepth=3", "LogDepth must be 1, 2, 4 or 8"),
    num_asids_48("-GNumAsids=48", "NumAsids must be a power of two"),
    slots_9("-GSlots=9", "Slots must be 1 to 8"),
}
