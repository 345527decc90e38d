// SPDX-License-Identifier: Apache-2.0
//! Bad parameters: entry counts refused by the harness and at elaboration.

use super::*;

fn bad_entry_counts_are_rejected_by_the_harness(bad: usize) {
    let err = tlb_harness::check_entries(bad).unwrap_err().to_string();
    assert!(err.contains(&format!("invalid entry count {bad}")), "{err}");
    let mut cfg = tlb_harness::LockstepConfig::new("bad", 1);
    cfg.entries = bad;
    assert!(Lockstep::new(cfg).is_err());
}

cases! { bad_entry_counts_are_rejected_by_the_harness:
    entries_0(0), entries_1(1), entries_3(3), entries_24(24), entries_128(128),
}

/// Verilator elaborates `tlb_core` with `Entries` set: the bad counts stop elaboration with
/// the RTL's own message, a good one passes.
fn bad_entry_counts_are_rejected_at_elaboration(entries: usize, accepted: bool) {
    let verilator = tlb_harness::toolchain::verilator().expect("verilator");
    let root = tlb_harness::toolchain::repo_root();
    let out = std::process::Command::new(&verilator)
        .current_dir(&root)
        .args(["--lint-only", "-Irtl", "--top-module", "tlb_core"])
        .arg(format!("-GEntries={entries}"))
        .args(tlb_harness::rtl::rtl_sources())
        .output()
        .expect("verilator runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.success(), accepted, "Entries={entries}: {err}");
    if !accepted {
        assert!(err.contains(&format!("Entries must be a power of two from 2 to 64, got {entries}")), "{err}");
    }
}

cases! { bad_entry_counts_are_rejected_at_elaboration:
    entries_24(24, false), entries_128(128, false), entries_16(16, true),
}
