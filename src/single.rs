// SPDX-License-Identifier: Apache-2.0
//! `tlbsim run --cores 1`: one tlb_core (no fabric) on its own os-mix workload
//! (`tlb_harness::workload`), on the RTL, the model, or both in lockstep; a summary (text or
//! JSON) and the waveforms of the start.

use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tlb_harness::workload::{self, OpCounts};
use tlb_harness::{Lockstep, LockstepConfig, MemTiming, Mode, Stats, WorkloadError};

use crate::{CliResult, RunArgs};

/// What the single-core run reports: the lockstep's counts and the workload's OS events.
/// Its own type, apart from the multi-core [`crate::run::Report`]: a single tlb_core has no
/// fabric, no shootdowns and no OS model (`tlb_harness::workload` drives it directly).
#[derive(Serialize)]
struct SingleCoreSummary {
    workload: String,
    mode: &'static str,
    entries: usize,
    hit_latency: u8,
    seed: u64,
    cycles: u64,
    seconds: f64,
    cycles_per_second: f64,
    translations: u64,
    hits: u64,
    hit_rate: f64,
    walks: u64,
    faults: u64,
    invalidations: u64,
    walk_restarts: u64,
    pte_reads: u64,
    oracle_checks: u64,
    context_switches: u64,
    remaps: u64,
    mprotects: u64,
    thp_collapses: u64,
    thp_splits: u64,
    asid_flushes: u64,
    kernel_remaps: u64,
    rtl_vcd: Option<PathBuf>,
    model_vcd: Option<PathBuf>,
}

/// The single-core run (`--cores 1`): one tlb_core, no fabric, its own os-mix workload.
pub fn run(a: RunArgs) -> CliResult {
    if a.trace.is_some() {
        return Err("a trace replay needs the multi-core system: --cores 2 or more".into());
    }
    crate::run::check_window(&a)?;
    let mode = Mode::from(a.mode);
    if !workload::WORKLOADS.iter().any(|w| w.0 == a.workload) {
        let known = workload::WORKLOADS.iter().map(|w| w.0).collect();
        return Err(WorkloadError::Unknown { name: a.workload.clone(), known }.into());
    }
    tlb_harness::check_entries(a.entries)?;
    tlb_harness::check_hit_latency(a.hit_latency)?;
    let mut cfg = LockstepConfig::new(&format!("tlbsim-run-{}-seed{}", a.workload, a.seed), a.seed);
    cfg.entries = a.entries;
    cfg.hit_latency = a.hit_latency;
    cfg.mode = mode;
    cfg.oracle = !a.no_oracle;
    cfg.mem = MemTiming { min_latency: a.mem_latency.0, max_latency: a.mem_latency.1, ready_percent: a.mem_ready };
    cfg.out_dir = PathBuf::from("out/failures");
    cfg.reproduce = std::env::args().collect::<Vec<_>>().join(" ");

    if let Some(dir) = a.vcd.as_ref().and_then(|v| v.parent()).filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    if mode.has_rtl() && !a.json {
        eprintln!("tlbsim: building the Verilated RTL (cached after the first time)...");
    }
    let mut ls = Lockstep::new(cfg)?;
    let bar = if a.json { ProgressBar::hidden() } else { ProgressBar::new(a.cycles) };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} cycles ({per_sec}, eta {eta})",
        )
        .expect("valid template"),
    );
    let start = Instant::now();
    let counts = match workload::run(&a.workload, &mut ls, a.seed, a.cycles, |c| bar.set_position(c))? {
        Ok(c) => c,
        Err(failure) => {
            bar.abandon();
            eprintln!("{failure}");
            return Err("lockstep failure (report above)".into());
        }
    };
    let seconds = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let stats = ls.stats();

    // The summary is never lost to a waveform problem: it is reported after the summary.
    let (mut rtl_vcd, mut model_vcd) = (None, None);
    let mut late = Vec::new();
    if let Some(vcd) = &a.vcd {
        match ls.write_waveforms(vcd, a.vcd_cycles) {
            Ok(()) => {
                if mode.has_rtl() {
                    rtl_vcd = Some(vcd.clone());
                }
                model_vcd = Some(vcd.with_extension("model.vcd"));
            }
            Err(e) => late.push(format!("no waveform written: {e}")),
        }
    }
    let summary = summarize(&a, mode, stats, counts, seconds, rtl_vcd, model_vcd);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary).expect("serializable"));
    } else {
        print(&summary, mode, a.vcd_cycles.min(stats.cycles));
    }
    crate::run::report_late_problems(&late);
    Ok(())
}

fn summarize(
    a: &RunArgs,
    mode: Mode,
    s: Stats,
    c: OpCounts,
    seconds: f64,
    rtl_vcd: Option<PathBuf>,
    model_vcd: Option<PathBuf>,
) -> SingleCoreSummary {
    SingleCoreSummary {
        workload: a.workload.clone(),
        mode: mode.name(),
        entries: a.entries,
        hit_latency: a.hit_latency,
        seed: a.seed,
        cycles: s.cycles,
        seconds,
        cycles_per_second: s.cycles as f64 / seconds.max(1e-9),
        translations: s.requests,
        hits: s.hits,
        hit_rate: s.hits as f64 / (s.requests.max(1)) as f64,
        walks: s.walks,
        faults: s.faults,
        invalidations: s.invalidations,
        walk_restarts: s.walk_restarts,
        pte_reads: s.pte_reads,
        oracle_checks: s.oracle_checks,
        context_switches: c.context_switches,
        remaps: c.remaps,
        mprotects: c.mprotects,
        thp_collapses: c.thp_collapses,
        thp_splits: c.thp_splits,
        asid_flushes: c.asid_flushes,
        kernel_remaps: c.kernel_remaps,
        rtl_vcd,
        model_vcd,
    }
}

fn print(s: &SingleCoreSummary, mode: Mode, vcd_cycles: u64) {
    let what = mode.describe();
    let lat = if s.hit_latency == 1 { String::new() } else { format!(" (hit latency {})", s.hit_latency) };
    println!("tlbsim: workload {}, 1 core x {} entries{lat}, {what}, seed {}", s.workload, s.entries, s.seed);
    println!("  cycles          {:>10}   {:.2} s, {:.0} k cycles/s", s.cycles, s.seconds, s.cycles_per_second / 1e3);
    println!(
        "  translations    {:>10}   hit rate {:.1} %, walks {}, page faults {}",
        s.translations,
        100.0 * s.hit_rate,
        s.walks,
        s.faults
    );
    println!("  invalidations   {:>10}   walks poisoned and restarted {}", s.invalidations, s.walk_restarts);
    println!("  PTE reads       {:>10}", s.pte_reads);
    println!("  OS events       switches {}, remaps {}, mprotects {}, THP collapses {} / splits {}, ASID flushes {}, kernel remaps {}",
             s.context_switches, s.remaps, s.mprotects, s.thp_collapses, s.thp_splits, s.asid_flushes, s.kernel_remaps);
    if s.oracle_checks > 0 {
        println!("  oracle          {:>10}   answers judged, all architecturally allowed", s.oracle_checks);
    }
    if s.mode == "lockstep" {
        println!("  lockstep        every output of RTL and model equal on every cycle");
    }
    if let Some(p) = &s.rtl_vcd {
        println!("  RTL waveform    {} (cycles 0..{vcd_cycles}; open with gtkwave)", p.display());
    }
    if let Some(p) = &s.model_vcd {
        println!("  model waveform  {} (same signal names)", p.display());
    }
}
