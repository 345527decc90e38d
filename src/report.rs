// SPDX-License-Identifier: Apache-2.0
//! What one `tlbsim run` on the multi-core system reports: built once at the end of the run
//! (`run.rs`), then read, and only read, by the text summary (`run.rs`), the JSON writer
//! (its `Serialize`, below) and the plots (`plots.rs`). Data flows one way: run -> report
//! -> printer, JSON, plots.

use std::path::PathBuf;

use serde::Serialize;
use tlb_harness::os::{Comparison, CoreSummary, Ending, Fabric, OsCounts, Summary};
use tlb_harness::Mode;
use tlb_sim::fabric::SysConfig;

use crate::RunArgs;

/// What a trace replay read, and how fast.
#[derive(Serialize)]
pub struct TraceInfo {
    pub path: PathBuf,
    pub lines: u64,
    pub bad_lines_skipped: u64,
    pub threads: usize,
    pub accesses_replayed: u64,
    pub accesses_per_second: f64,
    /// A truncated gzip file, replayed up to its last whole line (`--skip-bad-lines`).
    pub truncated: bool,
}

/// What `tlbsim run` reports on the multi-core system: the run's [`Summary`] (computed once
/// at its end, from the OS's counts alone) and what it was a run of. The text summary
/// (`run.rs`), the JSON (`--json`) and the plots ([`crate::plots`]) read this and nothing
/// else.
pub struct Report {
    pub workload: String,
    pub mode: Mode,
    pub sys: SysConfig,
    pub seed: u64,
    pub ending: Ending,
    /// Wall time of the run, and simulated cycles per second of it.
    pub seconds: f64,
    pub cycles_per_second: f64,
    pub run: Summary,
    pub trace: Option<TraceInfo>,
    pub vcd: Option<PathBuf>,
    /// The cycles the waveform covers (the window asked for, cut at the run's end).
    pub vcd_window: Option<(u64, u64)>,
    pub gtkw: Option<PathBuf>,
    pub plots: Vec<PathBuf>,
    /// Cycles per point of the hit-rate series (per_core[].series).
    pub series_window: u64,
}

/// The JSON of a [`Report`]: its fields in the order `--json` has always written them.
#[derive(Serialize)]
struct ReportJson<'a> {
    workload: &'a str,
    mode: &'static str,
    cores: usize,
    entries: usize,
    hit_latency: u8,
    slots: usize,
    log_depth: usize,
    asids: usize,
    seed: u64,
    ending: Ending,
    cycles: u64,
    seconds: f64,
    cycles_per_second: f64,
    translations: u64,
    hit_rate: f64,
    per_core: &'a [CoreSummary],
    fabric: &'a Fabric,
    os: &'a OsCounts,
    fabric_vs_ipi: &'a Comparison,
    oracle_checks: u64,
    trace: &'a Option<TraceInfo>,
    vcd: &'a Option<PathBuf>,
    vcd_window: Option<(u64, u64)>,
    gtkw: &'a Option<PathBuf>,
    plots: &'a [PathBuf],
    series_window: u64,
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let (r, sys) = (&self.run, &self.sys);
        ReportJson {
            workload: &self.workload,
            mode: self.mode.name(),
            cores: sys.cores,
            entries: sys.entries,
            hit_latency: sys.hit_latency,
            slots: sys.slots,
            log_depth: sys.log_depth,
            asids: sys.asids,
            seed: self.seed,
            ending: self.ending,
            cycles: r.cycles,
            seconds: self.seconds,
            cycles_per_second: self.cycles_per_second,
            translations: r.translations,
            hit_rate: r.hit_rate,
            per_core: &r.per_core,
            fabric: &r.fabric,
            os: &r.os,
            fabric_vs_ipi: &r.fabric_vs_ipi,
            oracle_checks: r.oracle_checks,
            trace: &self.trace,
            vcd: &self.vcd,
            vcd_window: self.vcd_window,
            gtkw: &self.gtkw,
            plots: &self.plots,
            series_window: self.series_window,
        }
        .serialize(ser)
    }
}

impl Report {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        a: &RunArgs,
        mode: Mode,
        sys: SysConfig,
        workload: String,
        ending: Ending,
        seconds: f64,
        run: Summary,
        trace: Option<tlb_harness::os::TraceInfo>,
        vcd: Option<((u64, u64), PathBuf)>,
        series_window: u64,
    ) -> Report {
        let trace = trace.map(|t| TraceInfo {
            path: t.path,
            lines: t.lines,
            bad_lines_skipped: t.bad_lines_skipped,
            threads: t.threads,
            accesses_replayed: t.accesses,
            accesses_per_second: t.accesses as f64 / seconds.max(1e-9),
            truncated: t.truncated,
        });
        let (vcd_window, vcd, gtkw) = match vcd {
            Some((window, gtkw)) => (Some(window), a.vcd.clone(), Some(gtkw)),
            None => (None, None, None),
        };
        Report {
            workload,
            mode,
            sys,
            seed: a.seed,
            ending,
            seconds,
            cycles_per_second: run.cycles as f64 / seconds.max(1e-9),
            run,
            trace,
            vcd,
            vcd_window,
            gtkw,
            plots: Vec::new(),
            series_window,
        }
    }
}
