//! Shared set-up for the integration tests: a lockstep run with one address space.
#![allow(dead_code)]

use tlb_harness::lockstep::Ctx;
use tlb_harness::{Lockstep, LockstepConfig, MemTiming};

/// The seed for randomised parts: `TLB_SEED` if set (to reproduce a report), else `default`.
pub fn seed(default: u64) -> u64 {
    match std::env::var("TLB_SEED") {
        Ok(s) => {
            let s = s.trim();
            let v = if let Some(h) = s.strip_prefix("0x") { u64::from_str_radix(h, 16) } else { s.parse() };
            v.unwrap_or_else(|_| panic!("TLB_SEED={s:?} is not a number"))
        }
        Err(_) => default,
    }
}

/// What the tests run: `TLB_MODE=lockstep` (default: RTL and model), `model` (the model
/// alone, fast, for iterating on it) or `rtl` (the Verilated RTL alone).
pub fn mode() -> tlb_harness::Mode {
    match std::env::var("TLB_MODE").as_deref() {
        Err(_) | Ok("lockstep") => tlb_harness::Mode::Lockstep,
        Ok("model") => tlb_harness::Mode::Model,
        Ok("rtl") => tlb_harness::Mode::Rtl,
        Ok(other) => panic!("TLB_MODE={other:?}: use lockstep, model or rtl"),
    }
}

/// A lockstep run named after the test, with a fresh root table for ASID 1 made current.
pub fn setup(name: &str, mem: MemTiming) -> (Lockstep, u64) {
    let mut cfg = LockstepConfig::new(name, seed(0x7e57));
    cfg.mem = mem;
    cfg.mode = mode();
    let mut ls = Lockstep::new(cfg).unwrap_or_else(|e| panic!("{e}"));
    let root = ls.tables.alloc_table();
    ls.set_ctx(Ctx { asid: 1, root_ppn: root, ..Ctx::default() });
    (ls, root)
}

/// Unwraps a lockstep result, printing the failure report.
pub fn ok<T>(r: Result<T, tlb_harness::Failure>) -> T {
    r.unwrap_or_else(|f| panic!("\n{f}"))
}

use tlb_harness::system::{Command, SysLockstep, SysLockstepConfig};
use tlb_sim::fabric::SysConfig;

/// A system lockstep run named after the test.
pub fn sys_setup(name: &str, sys: SysConfig, mem: MemTiming) -> SysLockstep {
    let mut cfg = SysLockstepConfig::new(name, sys, seed(0x5157));
    cfg.mem = mem;
    cfg.mode = mode();
    SysLockstep::new(cfg).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a command that must succeed; returns its result.
pub fn cmd_ok(s: &mut SysLockstep, core: usize, c: Command) -> tlb_harness::system::CmdResult {
    let r = ok(s.cmd(core, c));
    assert!(!r.error, "core {core}: {c:?} was refused");
    r
}
