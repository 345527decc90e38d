// SPDX-License-Identifier: Apache-2.0
//! Property tests of the multi-core system: an operating system in miniature drives every
//! core at once. Processes have ASIDs and page tables; threads are scheduled on cores;
//! kernel threads keep the previous ASID lazily; munmap / mprotect / remap / THP collapse
//! edit the tables and post the invalidations they owe (sometimes several before one sync,
//! as deferred flushes do); processes fork and exit, and exit releases the ASID for reuse;
//! attribute changes switch pointer masking and page tables. Each core's commands run in
//! its own queue, so initiators overlap each other and the translations in flight. A core
//! (or every core) is reset in the middle of all that: what it was doing is lost, the OS
//! posts again the invalidations it owed and schedules it again (docs/shootdown.md, "Core
//! reset").
//!
//! RTL and model in lockstep on 2, 4 and 8 cores; the oracle checks every answer of every
//! core against the central property: once an initiator's sync completes, no core returns
//! a translation from a mapping those invalidations retired. TLB_SOAK=<cases> for longer.
//!
//! The operations and their generators are in ops.rs, the OS that applies them to the
//! system in os.rs; the properties (one per configuration) and the minimal cases found by
//! soaks are below.

#[path = "../common/mod.rs"]
mod common;

mod ops;
mod os;

use std::collections::VecDeque;

use proptest::prelude::*;

use ops::{case, Case, OsOp};
use os::run_case;
use tlb_harness::system::{Command, Request, SysLockstep, SysLockstepConfig};
use tlb_harness::{Failure, MemTiming, PteFlags};
use tlb_sim::fabric::SysConfig;
use tlb_sim::{Access, InvalKind, PageLevel, Pte};

fn sys_config(cores: usize) -> SysConfig {
    SysConfig { cores, entries: 16, slots: 4, log_depth: 4, asids: 16, hit_latency: 1, read_ahead: None }
}

fn check(cores: usize, default_cases: u32) {
    check_config(&format!("system_os_model_{cores}_cores"), sys_config(cores), default_cases);
}

fn check_config(name: &str, sys: SysConfig, default_cases: u32) {
    let cores = sys.cores;
    let name = name.to_string();
    common::property(
        &name,
        default_cases,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/system_properties.regressions"),
        case(cores),
        |c, artifacts| run_case(&name, sys, c, artifacts),
        |c| {
            let ops: Vec<String> = c.ops.iter().map(|o| format!("  {o:?}")).collect();
            format!("memory {:?}, seed {:#x}, {} ops:\n{}", c.mem, c.seed, ops.len(), ops.join("\n"))
        },
    );
}

/// Regression (issue 22, found by `TLB_SOAK=20000` on 2 cores): core 1 remaps VA 0x3000
/// and posts its invalidation without a sync (a deferred flush); core 1's later kernel
/// remap syncs, then core 1 munmaps the page and its request for 0x3000 is answered from the
/// remap before the munmap's sync. That answer is allowed: the deferred post retires only
/// what was superseded before it was posted, not the munmap written after it. The oracle
/// once stamped the deferred post with its sync's cycle and refused the answer.
#[test]
fn deferred_flush_synced_after_a_later_unmap_2_cores() {
    let c = Case {
        seed: 0,
        mem: MemTiming::fixed(1),
        ops: vec![
            OsOp::Remap { core: 1, slot: 2, ppn: 1, defer: true },
            OsOp::Access { core: 1, slot: 2, offset: 0, access: 0, wait: 0, user_if_lazy: false },
            OsOp::Access { core: 1, slot: 3, offset: 0, access: 0, wait: 0, user_if_lazy: false },
            OsOp::Access { core: 1, slot: 2, offset: 0, access: 0, wait: 0, user_if_lazy: false },
            OsOp::Munmap { core: 0, slot: 0, defer: false },
            OsOp::KernelRemap { core: 1, page: 0 },
            OsOp::Munmap { core: 1, slot: 2, defer: false },
        ],
    };
    let name = "deferred_flush_synced_after_a_later_unmap_2_cores";
    common::ok(run_case(name, sys_config(2), &c, true));
}

/// The same race on 4 cores, with the munmap on another core than the deferred remap
/// (found by `TLB_SOAK=20000` on 4 cores): core 3 remaps and defers, core 3's kernel remap
/// syncs it late, core 2 munmaps the page, and core 1's hit on the remap before core 2's
/// sync is allowed.
#[test]
fn deferred_flush_synced_after_another_cores_unmap_4_cores() {
    let c = Case {
        seed: 0x37eb_9030_4d94_99fe,
        mem: MemTiming { min_latency: 1, max_latency: 8, ready_percent: 70 },
        ops: vec![
            OsOp::Exit { proc_: 2 },
            OsOp::Access { core: 1, slot: 1, offset: 4096, access: 0, wait: 0, user_if_lazy: false },
            OsOp::Remap { core: 3, slot: 2, ppn: 1, defer: true },
            OsOp::Idle { cycles: 27 },
            OsOp::KernelRemap { core: 3, page: 0 },
            OsOp::Schedule { core: 2, proc_: 0 },
            OsOp::Idle { cycles: 6 },
            OsOp::Munmap { core: 2, slot: 2, defer: false },
            OsOp::Access { core: 1, slot: 1, offset: 4096, access: 0, wait: 0, user_if_lazy: false },
        ],
    };
    let name = "deferred_flush_synced_after_another_cores_unmap_4_cores";
    common::ok(run_case(name, sys_config(4), &c, true));
}

#[test]
fn system_os_model_2_cores() {
    check(2, 200);
}

#[test]
fn system_os_model_4_cores() {
    check(4, 150);
}

#[test]
fn system_os_model_8_cores() {
    check(8, 100);
}

/// The directory at its largest table, 4096 ASIDs: its memories in block RAM on an FPGA,
/// cleared by a 4096-cycle sweep after reset, the processes' ASIDs spread over all of it.
/// The directory reading its memories a cycle ahead (`ReadAhead`, the default above 64
/// ASIDs: block RAM) on the default 16-ASID table, so that the traffic of a small table
/// (back-to-back decisions on one ASID, catch-ups over them) exercises the read-ahead's
/// forwarding; the 4096-ASID test below runs it at a block-RAM size.
#[test]
fn system_os_model_4_cores_read_ahead() {
    check_config("system_os_model_4_cores_read_ahead", SysConfig { read_ahead: Some(true), ..sys_config(4) }, 150);
}

#[test]
fn system_os_model_4_cores_4096_asids() {
    check_config("system_os_model_4_cores_4096_asids", SysConfig { asids: 4096, ..sys_config(4) }, 60);
}
