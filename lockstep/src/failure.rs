// SPDX-License-Identifier: Apache-2.0
//! What a lockstep failure reports and where it leaves its artifacts: the folder
//! `<out_dir>/<name>/` with the waveforms of a replay and `report.txt`.

use std::fmt;
use std::path::{Path, PathBuf};

/// A lockstep mismatch or an oracle refusal, with its report.
#[derive(Clone, Debug)]
pub struct Failure {
    pub cycle: u64,
    pub report: String,
    pub dir: Option<PathBuf>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report)
    }
}

impl std::error::Error for Failure {}

/// The first thing that went wrong in a run, and when: the engine hands it back once the
/// aftermath has been simulated, for the protocol to write up as a [`Failure`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub what: String,
    pub cycle: u64,
    /// The cycle the run stopped at.
    pub stopped: u64,
}

/// The folder a failure of the run `name` writes into.
pub fn failure_dir(out_dir: &Path, name: &str) -> PathBuf {
    out_dir.join(name.replace(['/', ' ', ':'], "_"))
}

/// A failure report: its parts in the order they are printed.
pub struct Report {
    /// The first line: `lockstep failure in <name> (seed ...)`.
    pub title: String,
    /// Cycles simulated after the fault.
    pub aftermath: u32,
    /// The command that reruns the case.
    pub reproduce: String,
    /// Where the waveforms are, when they were written.
    pub waves: Option<String>,
    pub notes: Vec<String>,
    /// The inputs of the cycles up to the fault, as the protocol tabulates them (heading
    /// and rows, each ending in a newline).
    pub table: String,
}

impl Report {
    /// The report's text; with `dir` (the waveforms were written there) it is saved beside
    /// them as `report.txt`.
    pub fn finish(self, fault: &Fault, dir: Option<PathBuf>) -> Failure {
        let mut r = String::new();
        r += &format!("{}\n", self.title);
        r += &format!("  at cycle {}: {}\n", fault.cycle, fault.what);
        r += &format!("  stopped at cycle {} ({} cycles of aftermath)\n", fault.stopped, self.aftermath);
        r += &format!("  reproduce: {}\n", self.reproduce);
        if let Some(w) = &self.waves {
            r += &format!("  {w}\n");
        }
        for n in &self.notes {
            r += &format!("  note: {n}\n");
        }
        r += &self.table;
        if let Some(d) = &dir {
            let _ = std::fs::write(d.join("report.txt"), &r);
        }
        Failure { cycle: fault.cycle, report: r, dir }
    }
}
