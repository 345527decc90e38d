//! `tlbsim run` on the multi-core system: a workload (built-in or a Valgrind trace) on the
//! operating system in miniature of `tlb_harness::os`, on the RTL, the model, or both in
//! lockstep; a summary (text or JSON), the waveform of a window, and plots.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tlb_harness::os::{latency_histogram, CoreStats, Ending, IpiCost, Os, OsConfig, OsCounts, RunError, Workload};
use tlb_harness::system::{SysLockstep, SysLockstepConfig};
use tlb_harness::{MemTiming, Mode};
use tlb_sim::fabric::SysConfig;

use crate::RunArgs;

#[derive(Serialize)]
pub struct CoreSummary {
    pub core: usize,
    pub hit_rate: f64,
    #[serde(flatten)]
    pub stats: CoreStats,
}

#[derive(Serialize)]
pub struct Latency {
    pub count: usize,
    pub min: u64,
    pub median: u64,
    pub p99: u64,
    pub max: u64,
    pub mean: f64,
    /// (upper bound in cycles, count), bounds powers of two.
    pub histogram: Vec<(u64, u64)>,
}

#[derive(Serialize)]
pub struct Fabric {
    pub shootdowns: u64,
    pub posts: u32,
    /// Cores the fabric sent invalidations to, in all.
    pub targets_sent: u32,
    /// Cores with a slot for the ASID that were skipped (they catch up when they switch in).
    pub targets_skipped: u32,
    pub catchups_by_log: u32,
    pub catchups_by_full_flush: u32,
    pub walks_poisoned: u64,
    /// Core-cycles a translation request waited (walks, switches, catch-ups).
    pub request_stall_cycles: u32,
    pub sync_latency: Latency,
}

#[derive(Serialize)]
pub struct Comparison {
    pub ipi_cost_model: IpiCost,
    /// Interrupts Linux would send.
    pub ipis: u64,
    /// Fabric: cycles initiators waited from first post to sync done, in all.
    pub fabric_initiator_cycles: u64,
    /// Fabric: cycles taken from the targets' instruction streams (none: agents apply in
    /// hardware; refills are paid by both schemes and simulated).
    pub fabric_target_cycles: u64,
    pub ipi_initiator_cycles: u64,
    pub ipi_target_cycles: u64,
    /// (IPI initiator + target cycles) / (fabric initiator + target cycles).
    pub ipi_over_fabric: f64,
}

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

#[derive(Serialize)]
pub struct Summary {
    pub workload: String,
    pub mode: &'static str,
    pub cores: usize,
    pub entries: usize,
    pub hit_latency: u8,
    pub slots: usize,
    pub log_depth: usize,
    pub asids: usize,
    pub seed: u64,
    pub ending: Ending,
    pub cycles: u64,
    pub seconds: f64,
    pub cycles_per_second: f64,
    pub translations: u64,
    pub hit_rate: f64,
    pub per_core: Vec<CoreSummary>,
    pub fabric: Fabric,
    pub os: OsCounts,
    pub fabric_vs_ipi: Comparison,
    pub oracle_checks: u64,
    pub trace: Option<TraceInfo>,
    pub vcd: Option<PathBuf>,
    /// The cycles the waveform covers (the window asked for, cut at the run's end).
    pub vcd_window: Option<(u64, u64)>,
    pub gtkw: Option<PathBuf>,
    pub plots: Vec<PathBuf>,
    /// Cycles per point of the hit-rate series (per_core[].series).
    pub series_window: u64,
}

fn latency(mut v: Vec<u64>) -> Latency {
    v.sort_unstable();
    let at = |q: f64| v.get(((v.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0);
    Latency {
        count: v.len(),
        min: at(0.0),
        median: at(0.5),
        p99: at(0.99),
        max: at(1.0),
        mean: if v.is_empty() { 0.0 } else { v.iter().sum::<u64>() as f64 / v.len() as f64 },
        histogram: latency_histogram(&v),
    }
}

/// Refuses a waveform window that cannot be written, before anything is simulated.
pub fn check_window(a: &RunArgs) -> Result<(), String> {
    if a.vcd.is_none() {
        return Ok(());
    }
    if a.vcd_cycles == 0 {
        return Err("--vcd-cycles 0: a waveform window needs at least 1 cycle (--no-vcd writes none)".to_string());
    }
    if a.cores == 1 && a.vcd_from != 0 {
        return Err(format!(
            "--vcd-from {}: the single-core run's waveform starts at cycle 0 (--vcd-cycles sets its length)",
            a.vcd_from
        ));
    }
    if a.vcd_from >= a.cycles {
        return Err(format!(
            "waveform window {}..{} starts after the run's last cycle (--cycles {}): lower --vcd-from, or --no-vcd",
            a.vcd_from,
            a.vcd_from.saturating_add(a.vcd_cycles),
            a.cycles
        ));
    }
    Ok(())
}

/// Problems found after the run (no waveform, no plots): reported after the summary, which
/// is never lost to them; the exit status is then 1, so that a script notices the file
/// it asked for is missing.
pub fn report_late_problems(problems: &[String]) {
    if problems.is_empty() {
        return;
    }
    let _ = std::io::stdout().flush();
    for p in problems {
        eprintln!("tlbsim: warning: {p}");
    }
    std::process::exit(1);
}

/// Runs the multi-core `run` command.
pub fn run(a: RunArgs, stop: Arc<AtomicBool>) -> Result<(), String> {
    check_window(&a)?;
    let mode = Mode::from(a.mode);
    let sys = SysConfig {
        cores: a.cores,
        entries: a.entries,
        slots: a.slots,
        log_depth: a.log_depth,
        asids: a.asids,
        hit_latency: a.hit_latency,
    };
    sys.validate()?;
    let mem = MemTiming { min_latency: a.mem_latency.0, max_latency: a.mem_latency.1, ready_percent: a.mem_ready };
    mem.validate()?;
    let ipi = IpiCost {
        initiator_base: a.ipi_base,
        per_target_send: a.ipi_send,
        delivery: a.ipi_delivery,
        remote_handler: a.ipi_handler,
        invlpg: a.ipi_invlpg,
        full_flush: a.ipi_full_flush,
        ceiling: a.ipi_ceiling,
    };
    let (name, mut workload, trace_total): (String, Box<dyn Workload>, Option<u64>) = match &a.trace {
        Some(path) => {
            let w: Box<dyn Workload> = Box::new(tlb_harness::trace_workload::TraceWorkload::open(
                path,
                a.cores,
                a.skip_bad_lines,
                a.trace_fetches,
            )?);
            let total = std::fs::metadata(path).map(|m| m.len()).ok();
            (format!("trace {}", path.display()), w, total)
        }
        None => (a.workload.clone(), tlb_harness::os_workloads::build(&a.workload, a.cores, a.asids, a.seed)?, None),
    };
    let window = a.vcd.as_ref().map(|_| (a.vcd_from, a.vcd_from.saturating_add(a.vcd_cycles)));
    if let Some(dir) = &a.plot {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create plot folder {}: {e}", dir.display()))?;
    }
    if let Some(vcd) = &a.vcd {
        if let Some(dir) = vcd.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
    }

    let mut cfg =
        SysLockstepConfig::new(&format!("tlbsim-run-{}-seed{}", name.replace(['/', ' '], "_"), a.seed), sys, a.seed);
    cfg.mode = mode;
    cfg.mem = mem;
    cfg.oracle = !a.no_oracle;
    cfg.out_dir = PathBuf::from("out/failures");
    cfg.reproduce = std::env::args().collect::<Vec<_>>().join(" ");
    // Inputs are kept for the waveform window (and a failure's waveform early in a run).
    cfg.history_limit = window.map_or(0, |w| w.1).max(200_000);
    if mode.has_rtl() && !a.json {
        eprintln!("tlbsim: building the Verilated RTL (cached after the first time)...");
    }
    let s = SysLockstep::new(cfg)?;
    let series_window = (a.cycles / 100).max(1000);
    let mut os = Os::new(s, OsConfig { window: series_window, max_cycles: a.cycles });

    let bar = if a.json { ProgressBar::hidden() } else { ProgressBar::new(trace_total.unwrap_or(a.cycles)) };
    let template = if trace_total.is_some() {
        "{spinner} [{elapsed_precise}] {bar:40} {bytes}/{total_bytes} of the trace ({msg})"
    } else {
        "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} cycles ({per_sec}, eta {eta})"
    };
    bar.set_style(ProgressStyle::with_template(template).expect("valid template"));
    let start = Instant::now();
    let result = os.run(workload.as_mut(), &stop, &mut |os, w| match (trace_total, w.progress()) {
        (Some(_), Some((done, _))) => {
            bar.set_position(done);
            bar.set_message(format!("{} cycles", os.cycle()));
        }
        _ => bar.set_position(os.cycle()),
    });
    let seconds = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let ending = match result {
        Ok(e) => e,
        Err(RunError::Lockstep(f)) => {
            eprintln!("{f}");
            return Err("lockstep failure (report above)".to_string());
        }
        Err(RunError::Workload(why)) => return Err(why),
    };
    if ending == Ending::Interrupted && !a.json {
        eprintln!("tlbsim: interrupted at cycle {}; writing what was gathered", os.cycle());
    }

    // From here on nothing may lose the summary: problems are reported after it.
    let mut late = Vec::new();
    let mut vcd_out = None;
    if let (Some(path), Some((from, to))) = (&a.vcd, window) {
        let end = os.cycle();
        if from >= end {
            let why = match ending {
                Ending::Finished => "the workload finished",
                Ending::Interrupted => "interrupted",
                Ending::CycleLimit => "the cycle budget",
            };
            late.push(format!(
                "no waveform written: the run ended at cycle {end} ({why}), before the window {from}..{to} \
                 (--vcd-from below {end} shows its last cycles)"
            ));
        } else {
            let to = to.min(end);
            if !a.json {
                eprintln!("tlbsim: writing the waveform of cycles {from}..{to} (replayed on the RTL)...");
            }
            match write_waveform(&os, path, from, to) {
                Ok(w) => vcd_out = Some(w),
                Err(e) => late.push(format!("no waveform written: {e}")),
            }
        }
    }

    let mut summary = summarize(&a, mode, &name, &os, ending, seconds, ipi, workload.as_ref(), vcd_out, series_window);
    if let Some(dir) = &a.plot {
        match crate::plots::write_all(dir, &summary, &os.stats.shootdowns) {
            Ok(p) => summary.plots = p,
            Err(e) => late.push(format!("no plots written: {e}")),
        }
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary).expect("serializable"));
    } else {
        print(&summary, mode);
    }
    if let Some(t) = summary.trace.as_ref().filter(|t| t.truncated) {
        eprintln!(
            "tlbsim: warning: trace {} is a truncated gzip file (ends after {} lines): replayed up to there \
             (--skip-bad-lines)",
            t.path.display(),
            t.lines
        );
    }
    if ending == Ending::Interrupted {
        // What was gathered is out; the exit status still says the run was cut short.
        for p in &late {
            eprintln!("tlbsim: warning: {p}");
        }
        std::process::exit(130);
    }
    report_late_problems(&late);
    Ok(())
}

/// The RTL's waveform of cycles `from..to` (replayed from the run's inputs) and its GTKWave
/// save file: (the window written, the save file).
fn write_waveform(os: &Os, path: &Path, from: u64, to: u64) -> Result<((u64, u64), PathBuf), String> {
    let window = os.sys.write_vcd(path, from, to)?;
    let gtkw = path.with_extension("gtkw");
    let groups = tlb_harness::wave::default_groups(path)?;
    tlb_harness::wave::write_gtkw(path, &gtkw, &groups)?;
    Ok((window, gtkw))
}

#[allow(clippy::too_many_arguments)]
fn summarize(
    a: &RunArgs,
    mode: Mode,
    name: &str,
    os: &Os,
    ending: Ending,
    seconds: f64,
    ipi: IpiCost,
    w: &dyn Workload,
    vcd: Option<((u64, u64), PathBuf)>,
    series_window: u64,
) -> Summary {
    let st = &os.stats;
    let cnt = os.sys.outputs().cnt;
    let translations: u64 = st.cores.iter().map(|c| c.translations).sum();
    let hits: u64 = st.cores.iter().map(|c| c.hits).sum();
    let lat: Vec<u64> = st.shootdowns.iter().map(|s| s.synced - s.posted).collect();
    let (mut ipi_init, mut ipi_tgt, mut ipis) = (0u64, 0u64, 0);
    for s in &st.shootdowns {
        let (i, t) = s.ipi_cycles(&ipi);
        ipi_init = ipi_init.saturating_add(i);
        ipi_tgt = ipi_tgt.saturating_add(t);
        ipis += s.ipi_targets;
    }
    let fabric_init: u64 = lat.iter().sum();
    let trace = w.trace_info().map(|t| TraceInfo {
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
    Summary {
        workload: name.to_string(),
        mode: mode.name(),
        cores: a.cores,
        entries: a.entries,
        hit_latency: a.hit_latency,
        slots: a.slots,
        log_depth: a.log_depth,
        asids: a.asids,
        seed: a.seed,
        ending,
        cycles: st.cycles,
        seconds,
        cycles_per_second: st.cycles as f64 / seconds.max(1e-9),
        translations,
        hit_rate: hits as f64 / translations.max(1) as f64,
        per_core: st
            .cores
            .iter()
            .enumerate()
            .map(|(core, c)| CoreSummary {
                core,
                hit_rate: c.hits as f64 / c.translations.max(1) as f64,
                stats: c.clone(),
            })
            .collect(),
        fabric: Fabric {
            shootdowns: st.shootdowns.len() as u64,
            posts: cnt.posted,
            targets_sent: cnt.targets,
            targets_skipped: cnt.skipped,
            catchups_by_log: cnt.catchup_log,
            catchups_by_full_flush: cnt.catchup_full,
            walks_poisoned: st.walk_restarts,
            request_stall_cycles: cnt.stall,
            sync_latency: latency(lat),
        },
        os: st.os.clone(),
        fabric_vs_ipi: Comparison {
            ipi_cost_model: ipi,
            ipis,
            fabric_initiator_cycles: fabric_init,
            fabric_target_cycles: 0,
            ipi_initiator_cycles: ipi_init,
            ipi_target_cycles: ipi_tgt,
            ipi_over_fabric: ipi_init.saturating_add(ipi_tgt) as f64 / fabric_init.max(1) as f64,
        },
        oracle_checks: st.oracle_checks,
        trace,
        vcd,
        vcd_window,
        gtkw,
        plots: Vec::new(),
        series_window,
    }
}

fn print(s: &Summary, mode: Mode) {
    let what = mode.describe();
    let ending = match s.ending {
        Ending::Finished => "workload finished",
        Ending::CycleLimit => "cycle budget spent",
        Ending::Interrupted => "INTERRUPTED (Ctrl-C): partial results",
    };
    let lat = if s.hit_latency == 1 { String::new() } else { format!(", hit latency {}", s.hit_latency) };
    println!(
        "tlbsim: {}, {} cores x {} entries ({} slots, log {}, {} ASIDs{lat}), {what}, seed {}",
        s.workload, s.cores, s.entries, s.slots, s.log_depth, s.asids, s.seed
    );
    println!(
        "  cycles        {:>10}   {ending}; {:.2} s, {:.0} k cycles/s",
        s.cycles,
        s.seconds,
        s.cycles_per_second / 1e3
    );
    if let Some(t) = &s.trace {
        println!(
            "  trace         {:>10}   lines, {} threads, {} accesses replayed ({:.0} k/s), {} bad lines skipped",
            t.lines,
            t.threads,
            t.accesses_replayed,
            t.accesses_per_second / 1e3,
            t.bad_lines_skipped
        );
    }
    println!("  core  translations  hit rate    walks  demand  COW  prot  unmapped  switches  kthreads  shootdowns");
    for c in &s.per_core {
        let x = &c.stats;
        println!(
            "  {:>4}  {:>12}  {:>7.1} %  {:>7}  {:>6}  {:>3}  {:>4}  {:>8}  {:>8}  {:>8}  {:>10}",
            c.core,
            x.translations,
            100.0 * c.hit_rate,
            x.walks,
            x.demand_faults,
            x.cow_faults,
            x.protection_faults,
            x.unmapped_accesses,
            x.context_switches,
            x.kernel_threads,
            x.shootdowns
        );
    }
    let f = &s.fabric;
    println!("  fabric        {:>10}   shootdowns ({} posts): {} targets sent, {} skipped; catch-ups {} by log, {} by full flush; {} walks poisoned",
             f.shootdowns, f.posts, f.targets_sent, f.targets_skipped, f.catchups_by_log, f.catchups_by_full_flush, f.walks_poisoned);
    let l = &f.sync_latency;
    if l.count > 0 {
        println!(
            "  sync latency  min {} / median {} / p99 {} / max {} cycles (mean {:.1})",
            l.min, l.median, l.p99, l.max, l.mean
        );
        let peak = l.histogram.iter().map(|h| h.1).max().unwrap_or(1);
        for (bound, n) in &l.histogram {
            let bar = "#".repeat(((40 * n).div_ceil(peak)) as usize);
            println!("    <= {bound:>5} {n:>8} {bar}");
        }
    }
    let o = &s.os;
    println!("  OS            execs {}, forks {}, exits {} (ASIDs reused {}), mmap {}, munmap {}, mprotect {}, madvise {}, THP collapse {} / split {}, migrations {}, LAM {}",
             o.execs, o.forks, o.exits, o.asid_reuses, o.mmaps, o.munmaps, o.mprotects, o.madvises, o.collapses, o.splits,
             o.migrations, o.attr_changes);
    let c = &s.fabric_vs_ipi;
    println!("  vs IPIs       fabric: {} initiator cycles, 0 on targets | Linux IPIs: {} interrupts, {} initiator + {} target cycles = {:.1}x",
             c.fabric_initiator_cycles, c.ipis, c.ipi_initiator_cycles, c.ipi_target_cycles, c.ipi_over_fabric);
    if s.oracle_checks > 0 {
        println!("  oracle        {:>10}   answers judged, all architecturally allowed", s.oracle_checks);
    }
    if s.mode == "lockstep" {
        println!("  lockstep      every output of RTL and model equal on every cycle");
    }
    if let (Some(v), Some((from, to))) = (&s.vcd, s.vcd_window) {
        println!(
            "  waveform      {}, cycles {from}..{to} (gtkwave {})",
            v.display(),
            s.gtkw.as_deref().unwrap_or(Path::new("")).display()
        );
    }
    for p in &s.plots {
        println!("  plot          {}", p.display());
    }
}
