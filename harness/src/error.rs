// SPDX-License-Identifier: Apache-2.0
//! The harness's errors, one type per concern: the toolchain and the Verilator build
//! ([`BuildError`]), a configuration refused before anything runs ([`ConfigError`]), a
//! workload that cannot be made or cannot go on ([`WorkloadError`]); and [`Error`], any of
//! them (or a lockstep failure, or a waveform that could not be written) where a call can
//! fail in more than one way. A waveform file read by `tlbsim wave` has its own
//! ([`crate::wave::WaveError`]), and so does a self-test status line
//! ([`crate::selftest::StatusLineError`]). The messages are the ones the user reads. As in
//! the lackey crate, an error that wraps another (an I/O error) prints it in its message
//! and does not also return it from `source()`, so that a chain does not show it twice.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use crate::trace::{OpenError, TraceError};
use crate::wave::WaveError;
use tlb_lockstep::Failure;

/// Finding (or installing) Verilator, and building a Verilated top with it. Clone: the
/// toolchain is looked up once per process and its answer kept.
#[derive(Clone, Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot run {}: {error}", exe.display())]
    Run { exe: PathBuf, error: Arc<io::Error> },
    #[error("{} --version printed {printed:?}, not `Verilator X.Y`", exe.display())]
    Version { exe: PathBuf, printed: String },
    #[error(
        "TLB_VERILATOR={} is Verilator {}.{:03}; marlin needs >= 5.025. Unset TLB_VERILATOR to use \
         the pinned 5.048 (bash scripts/setup-tools.sh)",
        exe.display(),
        version.0,
        version.1
    )]
    TooOld { exe: PathBuf, version: (u32, u32) },
    #[error("cannot run scripts/setup-tools.sh: {0}")]
    SetupRun(Arc<io::Error>),
    #[error("scripts/setup-tools.sh failed (its message is above); fix that and rerun")]
    SetupFailed,
    #[error("TLB_COVERAGE: cannot create {}: {error}", dir.display())]
    CoverageDir { dir: PathBuf, error: Arc<io::Error> },
    /// A generated file (wrapper top, its C++ helper, the coverage script).
    #[error("cannot write {}: {error}", path.display())]
    Write { path: PathBuf, error: Arc<io::Error> },
    /// marlin's own error, as it prints it (`{:?}`: its errors have no `Display` of note).
    #[error("marlin could not set up Verilator: {0}")]
    Marlin(String),
    #[error("building the Verilated {top} failed: {details}")]
    Verilate { top: String, details: String },
    #[error("no built library for {top} under {}", dir.display())]
    NoLibrary { top: String, dir: PathBuf },
    #[error("{0}: the model did not register its ports")]
    NoPorts(String),
}

/// A configuration refused before anything is built or run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "invalid entry count {0}: the TLB needs a power of two from 2 to {max} (tree-PLRU replacement)",
        max = tlb_sim::MAX_ENTRIES
    )]
    Entries(usize),
    #[error("invalid hit latency {0}: a hit is answered 1 or 2 cycles after its request")]
    HitLatency(u8),
    /// `tlb_sim::fabric::SysConfig::validate`: the RTL's elaboration checks, as one line.
    #[error("{0}")]
    System(String),
    #[error("memory latency range {min}..={max} is invalid: need 1 <= min <= max")]
    MemLatency { min: u32, max: u32 },
    #[error("ready percentage {0} must be 1..=100")]
    MemReady(u32),
    #[error("self-test: {0} cores (2 to 16)")]
    SelfTestCores(usize),
    #[error("self-test: clks_per_bit and status_cycles must be at least 2")]
    SelfTestTiming,
}

/// A workload that cannot be made (unknown, too few ASIDs, a trace that cannot be opened)
/// or cannot go on (a bad trace line, a trace without accesses).
#[derive(Debug, thiserror::Error)]
pub enum WorkloadError {
    #[error("unknown workload {name:?}; built-in workloads: {}", known.join(", "))]
    Unknown { name: String, known: Vec<&'static str> },
    #[error(
        "workload {name} on {cores} cores keeps {need} processes alive at once, more than the {} ASIDs \
         of --asids {asids}: use --asids {}",
        asids - 1,
        (need + 1).next_power_of_two()
    )]
    TooFewAsids { name: String, cores: usize, need: usize, asids: usize },
    /// The trace file could not be opened.
    #[error(transparent)]
    Open(OpenError),
    #[error("{}: {error} (--skip-bad-lines skips such lines)", path.display())]
    BadLine { path: PathBuf, error: TraceError },
    #[error("trace {} is a truncated gzip file (ends after {line} lines)", path.display())]
    Truncated { path: PathBuf, line: u64 },
    /// Reading failed, or a second process appeared.
    #[error("{}: {error}", path.display())]
    Trace { path: PathBuf, error: TraceError },
    #[error(
        "trace {} holds no data accesses, only {fetches} instruction fetches (--trace-fetches replays them)",
        path.display()
    )]
    OnlyFetches { path: PathBuf, fetches: u64 },
    #[error("trace {} holds no memory accesses{}", path.display(), no_accesses_why(*truncated, *skipped, *lines))]
    NoAccesses { path: PathBuf, lines: u64, skipped: u64, truncated: bool },
}

fn no_accesses_why(truncated: bool, skipped: u64, lines: u64) -> String {
    if truncated {
        format!(" (it is a truncated gzip file: it ends after {lines} lines)")
    } else if skipped > 0 {
        format!(" (bad lines skipped: {skipped} of {lines})")
    } else {
        String::new()
    }
}

/// Anything a harness call can fail with, where it can fail in more than one way.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Workload(#[from] WorkloadError),
    /// RTL and model disagreed, or the oracle refused an answer.
    #[error(transparent)]
    Lockstep(#[from] Failure),
    /// A device's waveform could not be written (the lockstep engine's error).
    #[error(transparent)]
    Dut(tlb_lockstep::Error),
    #[error(transparent)]
    Wave(#[from] WaveError),
    #[error("waveform window {from}..{to} is empty: the run recorded {recorded} cycles of inputs")]
    EmptyWindow { from: u64, to: u64, recorded: usize },
    /// A replay's waveforms, not (all) written: what went wrong, one note each.
    #[error("{}", .0.join("; "))]
    Waveforms(Vec<String>),
}

/// The engine's error, with the harness's own taken back out of it (a Verilated top's
/// build error crosses the engine boxed).
impl From<tlb_lockstep::Error> for Error {
    fn from(e: tlb_lockstep::Error) -> Error {
        match e {
            tlb_lockstep::Error::Build(b) => match b.downcast::<Error>() {
                Ok(e) => *e,
                Err(b) => Error::Dut(tlb_lockstep::Error::Build(b)),
            },
            e => Error::Dut(e),
        }
    }
}

/// A harness error as the engine carries it (from a Verilated top's `Dut::build`).
impl From<Error> for tlb_lockstep::Error {
    fn from(e: Error) -> tlb_lockstep::Error {
        match e {
            Error::Dut(e) => e,
            e => tlb_lockstep::Error::Build(Box::new(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_harness_error_crosses_the_engine_and_comes_back_as_itself() {
        let through: tlb_lockstep::Error = Error::from(ConfigError::Entries(3)).into();
        assert_eq!(through.to_string(), ConfigError::Entries(3).to_string());
        assert!(matches!(Error::from(through), Error::Config(ConfigError::Entries(3))));
        let engine_own = Error::from(tlb_lockstep::Error::NoWaveform);
        assert!(matches!(engine_own, Error::Dut(tlb_lockstep::Error::NoWaveform)));
    }

    #[test]
    fn the_messages_read_as_the_user_knows_them() {
        assert_eq!(
            ConfigError::Entries(24).to_string(),
            "invalid entry count 24: the TLB needs a power of two from 2 to 64 (tree-PLRU replacement)"
        );
        let asids = WorkloadError::TooFewAsids { name: "fork-exit".into(), cores: 16, need: 18, asids: 16 };
        assert_eq!(
            asids.to_string(),
            "workload fork-exit on 16 cores keeps 18 processes alive at once, more than the 15 ASIDs of \
             --asids 16: use --asids 32"
        );
        let empty =
            |truncated, skipped| WorkloadError::NoAccesses { path: "t.gz".into(), lines: 7, skipped, truncated };
        assert_eq!(empty(false, 0).to_string(), "trace t.gz holds no memory accesses");
        assert_eq!(empty(false, 2).to_string(), "trace t.gz holds no memory accesses (bad lines skipped: 2 of 7)");
        assert_eq!(
            empty(true, 0).to_string(),
            "trace t.gz holds no memory accesses (it is a truncated gzip file: it ends after 7 lines)"
        );
        assert_eq!(Error::Waveforms(vec!["a".into(), "b".into()]).to_string(), "a; b");
    }
}
