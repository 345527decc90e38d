// SPDX-License-Identifier: Apache-2.0
//! Shared set-up for the harness's integration tests: lockstep runs of one core or of the
//! system, seeds and modes from the environment, and the property runner.
#![allow(dead_code)]

/// One `#[test]` per case, as mooneye-gb's suite generates one per (test ROM, model):
///
/// ```ignore
/// cases! { latencies_match_the_timing_contract: latency_1(1), latency_13(13) }
/// ```
///
/// makes a module named after the function, holding one test per case that calls it with
/// the case's arguments (`latencies_match_the_timing_contract::latency_1`, ...). A failing
/// case hides no other, `cargo test latencies_match` still runs them all, and nextest shards
/// them one by one. `CASES` lists the case names (for a check that a list of cases is
/// complete).
#[allow(unused_macros)]
macro_rules! cases {
    ($run:ident: $($case:ident($($arg:expr),* $(,)?)),+ $(,)?) => {
        mod $run {
            #[allow(unused_imports)]
            use super::*;
            #[allow(dead_code)]
            pub const CASES: &[&str] = &[$(stringify!($case)),+];
            $(
                #[test]
                fn $case() {
                    super::$run($($arg),*);
                }
            )+
        }
    };
}

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

/// Appends `<name> TLB_PROPTEST_SEED=<seed> cases=<n>` to the file `TLB_SEED_LOG` names, if
/// set, before the property runs: a shard of a sharded run (docs/verification.md) keeps the
/// seeds it ran even if it crashes.
pub fn log_seed(name: &str, seed: u64, cases: u32) {
    use std::io::Write;
    let Some(path) = std::env::var_os("TLB_SEED_LOG") else { return };
    let line = format!("{name} TLB_PROPTEST_SEED={seed} cases={cases}\n");
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = written {
        panic!("TLB_SEED_LOG={}: cannot append: {e}", std::path::Path::new(&path).display());
    }
}

/// Runs a property over `strategy` (`TLB_SOAK` cases, else `default_cases`), failures
/// saved in `regressions`. `run(case, artifacts)` returns the lockstep cycles it ran. On a
/// failure proptest shrinks it to a minimal case, which is run once more with waveforms and
/// the full report; the test then fails with `describe(minimal)` and that report.
pub fn property<C: Clone + std::fmt::Debug>(
    name: &str,
    default_cases: u32,
    regressions: &'static str,
    strategy: impl proptest::strategy::Strategy<Value = C>,
    run: impl Fn(&C, bool) -> Result<u64, tlb_harness::Failure>,
    describe: impl Fn(&C) -> String,
) {
    use proptest::test_runner::{
        Config, FileFailurePersistence, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
    };
    let soak: Option<u32> = std::env::var("TLB_SOAK").ok().and_then(|s| s.parse().ok());
    let cases = soak.unwrap_or(default_cases);
    // The default run is the same every time (CI must not turn red by chance); a soak run
    // explores new cases. TLB_PROPTEST_SEED=<n> replays a given run either way.
    let seed: u64 = match std::env::var("TLB_PROPTEST_SEED") {
        Ok(s) => s.trim().parse().unwrap_or_else(|_| panic!("TLB_PROPTEST_SEED={s:?} is not a number")),
        Err(_) if soak.is_some() => {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
        }
        Err(_) => 0x7e57_5eed,
    };
    log_seed(name, seed, cases);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            // proptest's own switch, which this explicit setting would otherwise override
            // (`tlbsim mutate` sets it: failures under a mutant are expected and must not
            // land in the regression files).
            failure_persistence: if std::env::var_os("PROPTEST_DISABLE_FAILURE_PERSISTENCE").is_some() {
                None
            } else {
                Some(Box::new(FileFailurePersistence::Direct(regressions)))
            },
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let cycles = std::cell::Cell::new(0u64);
    let count = std::cell::Cell::new(0u64);
    let result = runner.run(&strategy, |c| match run(&c, false) {
        Ok(n) => {
            cycles.set(cycles.get() + n);
            count.set(count.get() + 1);
            Ok(())
        }
        Err(f) => Err(TestCaseError::fail(f.report)),
    });
    match result {
        Ok(()) => println!(
            "{name}: {} cases (TLB_PROPTEST_SEED={seed}), {} lockstep cycles, every answer allowed",
            count.get(),
            cycles.get()
        ),
        Err(TestError::Fail(_, minimal)) => {
            // The rerun may panic rather than return a failure (an assertion of the test's
            // own, say a command the OS model did not expect refused): the minimal case is
            // printed either way.
            let rerun = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&minimal, true)));
            let report = match rerun {
                Ok(Err(f)) => f.report,
                Ok(Ok(_)) => "the minimal case passed when rerun (non-determinism?)".to_string(),
                Err(panic) => {
                    let msg = panic
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| panic.downcast_ref::<&str>().copied())
                        .unwrap_or("(no message)");
                    format!("the test panicked: {msg}")
                }
            };
            panic!("\nminimal failing case (TLB_PROPTEST_SEED={seed}): {}\n\n{report}", describe(&minimal));
        }
        Err(e) => panic!("{e}"),
    }
}
