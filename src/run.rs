// SPDX-License-Identifier: Apache-2.0
//! `tlbsim run` on the multi-core system: a workload (built-in or a Valgrind trace) on the
//! operating system in miniature of `tlb_harness::os`, on the RTL, the model, or both in
//! lockstep; a summary (text or JSON), the waveform of a window, and plots.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use tlb_harness::os::{Ending, IpiCost, Os, OsConfig, RunError, Workload};
use tlb_harness::system::{SysLockstep, SysLockstepConfig};
use tlb_harness::{MemTiming, Mode};
use tlb_sim::fabric::SysConfig;

use crate::report::Report;
use crate::{CliResult, RunArgs};

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
pub fn run(a: RunArgs, stop: Arc<AtomicBool>) -> CliResult {
    check_window(&a)?;
    let mode = Mode::from(a.mode);
    let sys = SysConfig {
        cores: a.cores,
        entries: a.entries,
        slots: a.slots,
        log_depth: a.log_depth,
        asids: a.asids,
        hit_latency: a.hit_latency,
        read_ahead: None,
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
            return Err("lockstep failure (report above)".into());
        }
        Err(e) => return Err(e.into()),
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

    // The run's summary, computed once; from here on nothing reads the OS or the system.
    let summary = os.stats.summary(&ipi);
    let trace = workload.trace_info();
    let mut report = Report::new(&a, mode, sys, name, ending, seconds, summary, trace, vcd_out, series_window);
    if let Some(dir) = &a.plot {
        match crate::plots::write_all(dir, &report) {
            Ok(p) => report.plots = p,
            Err(e) => late.push(format!("no plots written: {e}")),
        }
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report).expect("serializable"));
    } else {
        print(&report);
    }
    if let Some(t) = report.trace.as_ref().filter(|t| t.truncated) {
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
fn write_waveform(os: &Os, path: &Path, from: u64, to: u64) -> CliResult<((u64, u64), PathBuf)> {
    let window = os.sys.write_vcd(path, from, to)?;
    let gtkw = path.with_extension("gtkw");
    let groups = tlb_harness::wave::default_groups(path)?;
    tlb_harness::wave::write_gtkw(path, &gtkw, &groups)?;
    Ok((window, gtkw))
}

/// The text summary.
fn print(s: &Report) {
    let (r, sys) = (&s.run, &s.sys);
    let what = s.mode.describe();
    let ending = match s.ending {
        Ending::Finished => "workload finished",
        Ending::CycleLimit => "cycle budget spent",
        Ending::Interrupted => "INTERRUPTED (Ctrl-C): partial results",
    };
    let lat = if sys.hit_latency == 1 { String::new() } else { format!(", hit latency {}", sys.hit_latency) };
    println!(
        "tlbsim: {}, {} cores x {} entries ({} slots, log {}, {} ASIDs{lat}), {what}, seed {}",
        s.workload, sys.cores, sys.entries, sys.slots, sys.log_depth, sys.asids, s.seed
    );
    println!(
        "  cycles        {:>10}   {ending}; {:.2} s, {:.0} k cycles/s",
        r.cycles,
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
    for c in &r.per_core {
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
    let f = &r.fabric;
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
    let o = &r.os;
    println!("  OS            execs {}, forks {}, exits {} (ASIDs reused {}), mmap {}, munmap {}, mprotect {}, madvise {}, THP collapse {} / split {}, migrations {}, LAM {}",
             o.execs, o.forks, o.exits, o.asid_reuses, o.mmaps, o.munmaps, o.mprotects, o.madvises, o.collapses, o.splits,
             o.migrations, o.attr_changes);
    let c = &r.fabric_vs_ipi;
    println!("  vs IPIs       fabric: {} initiator cycles, 0 on targets | Linux IPIs: {} interrupts, {} initiator + {} target cycles = {:.1}x",
             c.fabric_initiator_cycles, c.ipis, c.ipi_initiator_cycles, c.ipi_target_cycles, c.ipi_over_fabric);
    if r.oracle_checks > 0 {
        println!("  oracle        {:>10}   answers judged, all architecturally allowed", r.oracle_checks);
    }
    if s.mode == Mode::Lockstep {
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
