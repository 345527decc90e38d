// SPDX-License-Identifier: Apache-2.0
//! `tlbsim`: runs workloads on the TLB RTL (through Verilator), on its cycle-accurate model,
//! or on both in lockstep, with the architectural oracle judging every translation.

mod coverage;
mod mutate;
mod plots;
mod report;
mod run;
mod single;
mod soak;
mod wave;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;
use tlb_harness::workload;
use tlb_harness::{Lockstep, LockstepConfig, Mode};

/// What a command ends with: any library error, or a message of the CLI's own, printed as
/// one line (`tlbsim: error: ...`).
type CliResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[derive(Parser)]
#[command(
    name = "tlbsim",
    version,
    about = "Multi-core ASID-tagged TLB: RTL, cycle-accurate model, lockstep simulator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct ListArgs {
    /// Only the names of the multi-core workloads (`run --workload`), one a line, for scripts.
    #[arg(long)]
    names: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run a workload (default: os-mix, RTL and model in lockstep, waveform of the start).
    Run(RunArgs),
    /// List the built-in workloads.
    List(ListArgs),
    /// Render a window of a VCD to SVG, and/or write a GTKWave save file for it.
    Wave(wave::WaveArgs),
    /// Measure simulated cycles per second: RTL alone, model alone, lockstep, lockstep with
    /// the oracle (os-mix workload; not a test: it only measures).
    Bench(BenchArgs),
    /// Measure the shootdown fabric: sync latency (cores x memory latency x walks in
    /// flight, and all cores at once), cores disturbed with targeting against broadcast,
    /// whole-ASID flushes the log avoids.
    FabricBench(FabricBenchArgs),
    /// Merge the coverage files of a coverage run (scripts/coverage.sh) and report line,
    /// toggle and functional coverage of rtl/, with annotated sources.
    Coverage(coverage::CoverageArgs),
    /// Apply each RTL mutant of the catalog to a copy of rtl/, run its tests, and report
    /// which mutants the tests kill (slow: a Verilator build per mutant).
    Mutate(mutate::MutateArgs),
    /// Soak: the built-in workloads and the property tests with fresh seeds, on the model
    /// with the oracle or in lockstep, for a budget of cycles or minutes; stops at the
    /// first failure with its reproduce line (docs/verification.md).
    Soak(soak::SoakArgs),
}

#[derive(clap::Args)]
struct FabricBenchArgs {
    /// Run on the Verilated RTL in lockstep with the model (oracle on) instead of the model
    /// alone (cycle-for-cycle the same; builds each core count, slow for 16).
    #[arg(long)]
    rtl: bool,
    /// Core counts to measure.
    #[arg(long, value_delimiter = ',', default_value = "2,4,8,16")]
    cores: Vec<usize>,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct BenchArgs {
    /// Cycles per measurement.
    #[arg(long, default_value_t = 1_000_000)]
    cycles: u64,
    #[arg(long, default_value_t = 32)]
    entries: usize,
    /// Core counts: 1 is a single tlb_core (os-mix of one core); 2 to 16 the multi-core
    /// system running the os-mix of `tlbsim list`.
    #[arg(long, value_delimiter = ',', default_value = "1,4,8")]
    cores: Vec<usize>,
    /// Repetitions per mode; the best is reported.
    #[arg(long, default_value_t = 3)]
    repeat: u32,
    /// Also measure trace replay speed on the model (accesses per second) on this trace.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ModeArg {
    /// RTL and model on the same inputs, every output compared every cycle.
    Lockstep,
    /// The Rust model alone (fast).
    Model,
    /// The Verilated RTL alone.
    Rtl,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Lockstep => Mode::Lockstep,
            ModeArg::Model => Mode::Model,
            ModeArg::Rtl => Mode::Rtl,
        }
    }
}

#[derive(clap::Args)]
pub struct RunArgs {
    /// Built-in workload (see `tlbsim list`).
    #[arg(long, default_value = "os-mix", conflicts_with = "trace")]
    workload: String,
    /// Replay a Valgrind lackey trace (plain or gzip) instead of a built-in workload: its
    /// threads run on the cores, its mmap/munmap/mprotect/brk/madvise are kernel operations.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Count and skip malformed trace lines instead of stopping at the first one.
    #[arg(long, requires = "trace")]
    skip_bad_lines: bool,
    /// Replay the trace's instruction fetches too (default: data accesses only).
    #[arg(long, requires = "trace")]
    trace_fetches: bool,
    #[arg(long, value_enum, default_value = "lockstep")]
    mode: ModeArg,
    /// Cores: 2 to 16 run the multi-core system; 1 runs a single tlb_core (no fabric) on its
    /// own os-mix workload.
    #[arg(long, default_value_t = 4)]
    cores: usize,
    /// L1 TLB entries per core: a power of two from 2 to 64.
    #[arg(long, default_value_t = 32)]
    entries: usize,
    /// Cycles from a request to its hit's answer: 1, or 2 (the RTL's HitLatency: the entry a
    /// hit reads is registered before its check; docs/timing.md).
    #[arg(long, default_value_t = 1)]
    hit_latency: u8,
    /// ASID context slots per core (1 to 8).
    #[arg(long, default_value_t = 4)]
    slots: usize,
    /// Invalidations the flush log remembers per ASID (1, 2, 4 or 8).
    #[arg(long, default_value_t = 4)]
    log_depth: usize,
    /// Hardware ASIDs (a power of two from 2 to 4096).
    #[arg(long, default_value_t = 16)]
    asids: usize,
    /// Seed of the workload and of the memory's latency and backpressure.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Cycles to simulate at most (a trace replay stops earlier at its end).
    #[arg(long, default_value_t = 200_000)]
    cycles: u64,
    /// Page-table memory latency in cycles: N or MIN-MAX (uniformly random per read).
    #[arg(long, default_value = "1-8", value_parser = parse_latency)]
    mem_latency: (u32, u32),
    /// Percentage of cycles the memory accepts a request (backpressure).
    #[arg(long, default_value_t = 70, value_parser = clap::value_parser!(u32).range(1..=100))]
    mem_ready: u32,
    /// Waveform of the RTL (replayed on the RTL in model mode), with a GTKWave save file
    /// beside it (<name>.gtkw, signals grouped per core and for the fabric).
    #[arg(long, default_value = "out/tlb_rtl.vcd")]
    vcd: Option<PathBuf>,
    /// First cycle of the waveform window.
    #[arg(long, default_value_t = 0)]
    vcd_from: u64,
    /// Cycles the waveform covers.
    #[arg(long, default_value_t = 2000)]
    vcd_cycles: u64,
    /// Write no waveforms.
    #[arg(long)]
    no_vcd: bool,
    /// Write SVG charts here: sync-latency distribution, per-core hit rate over time,
    /// shootdown cycles fabric against IPIs.
    #[arg(long, value_name = "DIR")]
    plot: Option<PathBuf>,
    /// Do not judge answers with the architectural oracle (faster; lockstep still compares).
    #[arg(long)]
    no_oracle: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// IPI model: initiator cycles per shootdown (flush request, cpumask).
    #[arg(long, default_value_t = 250, help_heading = "IPI baseline (cycles; sources in docs/perf.md)", value_parser = ipi_range())]
    ipi_base: u64,
    /// IPI model: initiator cycles per target CPU.
    #[arg(long, default_value_t = 170, help_heading = "IPI baseline (cycles; sources in docs/perf.md)", value_parser = ipi_range())]
    ipi_send: u64,
    /// IPI model: delivery until the target's handler runs.
    #[arg(long, default_value_t = 650, help_heading = "IPI baseline (cycles; sources in docs/perf.md)", value_parser = ipi_range())]
    ipi_delivery: u64,
    /// IPI model: target's interrupt entry, handler, exit, acknowledgement.
    #[arg(long, default_value_t = 620, help_heading = "IPI baseline (cycles; sources in docs/perf.md)", value_parser = ipi_range())]
    ipi_handler: u64,
    /// IPI model: one invlpg.
    #[arg(long, default_value_t = 250, help_heading = "IPI baseline (cycles; sources in docs/perf.md)", value_parser = ipi_range())]
    ipi_invlpg: u64,
    /// IPI model: a full flush (CR3 reload; the refills are simulated, not costed).
    #[arg(long, default_value_t = 250, help_heading = "IPI baseline (cycles; sources in docs/perf.md)", value_parser = ipi_range())]
    ipi_full_flush: u64,
    /// IPI model: ranges longer than this many pages are flushed whole.
    #[arg(long, default_value_t = 33, help_heading = "IPI baseline (cycles; sources in docs/perf.md)", value_parser = ipi_range())]
    ipi_ceiling: u64,
}

/// The IPI model's figures: 0 to 10^9 (cycles, or pages for the ceiling), generous for any
/// machine and small enough that a shootdown's cost cannot overflow.
fn ipi_range() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(0..=1_000_000_000)
}

fn parse_latency(s: &str) -> Result<(u32, u32), String> {
    let parse = |t: &str| t.trim().parse::<u32>().map_err(|_| format!("{t:?} is not a cycle count"));
    let (lo, hi) = match s.split_once('-') {
        Some((a, b)) => (parse(a)?, parse(b)?),
        None => (parse(s)?, parse(s)?),
    };
    if lo == 0 || lo > hi {
        return Err(format!("latency {s:?}: need 1 <= MIN <= MAX"));
    }
    Ok((lo, hi))
}

#[derive(Serialize)]
struct BenchRow {
    cores: usize,
    mode: &'static str,
    cycles: u64,
    best_seconds: f64,
    cycles_per_second: f64,
    /// Trace replay only: data accesses replayed per second.
    accesses_per_second: Option<f64>,
}

/// (name, mode, oracle, SVA compiled in). The RTL without its assertions and covers is
/// measured for the multi-core system only.
const BENCH_MODES: [(&str, Mode, bool, bool); 6] = [
    ("rtl (Verilator alone)", Mode::Rtl, false, true),
    ("rtl, SVA compiled out", Mode::Rtl, false, false),
    ("model alone", Mode::Model, false, true),
    ("lockstep", Mode::Lockstep, false, true),
    ("lockstep + oracle", Mode::Lockstep, true, true),
    ("model + oracle", Mode::Model, true, true),
];

/// One bench row to measure: (cores, name, mode, oracle, SVA compiled in, trace).
type BenchRun<'a> = (usize, &'static str, Mode, bool, bool, Option<&'a std::path::Path>);

/// One measurement of `cores` cores: (cycles, seconds, accesses).
fn bench_once(
    cores: usize,
    entries: usize,
    mode: Mode,
    oracle: bool,
    sva: bool,
    cycles: u64,
    trace: Option<&std::path::Path>,
) -> CliResult<(u64, f64, u64)> {
    if cores == 1 {
        let mut cfg = LockstepConfig::new("bench", 1);
        cfg.entries = entries;
        cfg.mode = mode;
        cfg.oracle = oracle;
        let mut ls = Lockstep::new(cfg)?;
        let start = Instant::now();
        workload::run("os-mix", &mut ls, 1, cycles, |_| {})?.map_err(|f| f.report)?;
        return Ok((ls.cycle(), start.elapsed().as_secs_f64(), 0));
    }
    use tlb_harness::os::{Os, OsConfig, Workload};
    use tlb_harness::system::{SysLockstep, SysLockstepConfig};
    let sys = tlb_sim::fabric::SysConfig { cores, entries, ..Default::default() };
    let mut cfg = SysLockstepConfig::new("bench", sys, 1);
    cfg.mode = mode;
    cfg.oracle = oracle;
    cfg.history_limit = 0;
    cfg.sva = sva;
    let mut os = Os::new(SysLockstep::new(cfg)?, OsConfig { window: cycles, max_cycles: cycles });
    let mut w: Box<dyn Workload> = match trace {
        Some(t) => Box::new(tlb_harness::trace_workload::TraceWorkload::open(t, cores, false, false)?),
        None => tlb_harness::os_workloads::build("os-mix", cores, sys.asids, 1)?,
    };
    let stop = AtomicBool::new(false);
    let start = Instant::now();
    os.run(w.as_mut(), &stop, &mut |_, _| {})?;
    let secs = start.elapsed().as_secs_f64();
    let accesses = w.trace_info().map_or(0, |t| t.accesses);
    Ok((os.cycle(), secs, accesses))
}

fn bench(b: BenchArgs) -> CliResult {
    tlb_harness::check_entries(b.entries)?;
    for &n in &b.cores {
        if n != 1 {
            tlb_sim::fabric::SysConfig { cores: n, entries: b.entries, ..Default::default() }.validate()?;
        }
    }
    let mut rows = Vec::new();
    let mut runs: Vec<BenchRun> = Vec::new();
    for &n in &b.cores {
        for (name, mode, oracle, sva) in BENCH_MODES {
            if sva || n != 1 {
                runs.push((n, name, mode, oracle, sva, None));
            }
        }
    }
    if let Some(t) = &b.trace {
        runs.push((4, "trace replay, model alone", Mode::Model, false, true, Some(t.as_path())));
        runs.push((4, "trace replay, model + oracle", Mode::Model, true, true, Some(t.as_path())));
    }
    for (n, name, mode, oracle, sva, trace) in runs {
        let mut best = f64::MAX;
        let (mut cycles, mut accesses) = (0, 0);
        for _ in 0..b.repeat.max(1) {
            let (c, secs, acc) =
                bench_once(n, b.entries, mode, oracle, sva, if trace.is_some() { u64::MAX } else { b.cycles }, trace)?;
            if secs < best {
                (best, cycles, accesses) = (secs, c, acc);
            }
        }
        let row = BenchRow {
            cores: n,
            mode: name,
            cycles,
            best_seconds: best,
            cycles_per_second: cycles as f64 / best,
            accesses_per_second: trace.map(|_| accesses as f64 / best),
        };
        if !b.json {
            let extra = row.accesses_per_second.map_or(String::new(), |a| format!("  {:>8.0} k accesses/s", a / 1e3));
            println!(
                "{:>2} cores  {:<30} {:>9} cycles  {:>7.3} s  {:>8.0} k cycles/s{extra}",
                row.cores,
                row.mode,
                row.cycles,
                row.best_seconds,
                row.cycles_per_second / 1e3
            );
        }
        rows.push(row);
    }
    if b.json {
        println!("{}", serde_json::to_string_pretty(&rows).expect("serializable"));
    }
    Ok(())
}

fn fabric_bench(b: FabricBenchArgs) -> CliResult {
    use tlb_harness::fabric_bench as fb;
    for &n in &b.cores {
        tlb_sim::fabric::SysConfig { cores: n, ..Default::default() }.validate()?;
    }
    let mut rows = Vec::new();
    if !b.json {
        println!("sync latency, cycles from post to sync done (min / median / max):");
        println!(
            "{:>6} {:>8} {:>18} {:>18} {:>9} {:>18}",
            "cores", "mem lat", "idle", "walks in flight", "poisoned", "all cores at once"
        );
    }
    for &n in &b.cores {
        for lat in [1u32, 20, 100] {
            let idle = fb::sync_latency(n, lat, false, 100, b.rtl)?;
            let busy = fb::sync_latency(n, lat, true, 100, b.rtl)?;
            let all = fb::contended(n, 20, b.rtl)?;
            if !b.json {
                let f = |s: fb::Spread| format!("{} / {} / {}", s.min, s.median, s.max);
                println!("{n:>6} {lat:>8} {:>18} {:>18} {:>9} {:>18}", f(idle), f(busy), busy.restarts, f(all));
            }
            rows.push(serde_json::json!({
                "cores": n, "mem_latency": lat,
                "idle": [idle.min, idle.median, idle.max],
                "walks_in_flight": [busy.min, busy.median, busy.max],
                "walks_poisoned": busy.restarts,
                "all_cores_at_once": [all.min, all.median, all.max],
            }));
        }
    }
    let mut mixes = Vec::new();
    if !b.json {
        println!();
        println!("OS mix (context switches, kernel threads, shootdowns), 2000 operations:");
        println!(
            "{:>6} {:>6} {:>4} {:>11} {:>16} {:>16} {:>13} {:>13}",
            "cores", "procs", "log", "shootdowns", "cores disturbed", "broadcast would", "catch-up log", "full flushes"
        );
    }
    for &n in &b.cores {
        for log in [1usize, 4, 8] {
            let procs = (n / 2).max(2);
            let m = fb::os_mix(n, procs, log, 2000, b.rtl)?;
            if !b.json {
                println!(
                    "{n:>6} {procs:>6} {log:>4} {:>11} {:>16} {:>16} {:>13} {:>13}",
                    m.shootdowns, m.targets, m.broadcast, m.catchup_log, m.catchup_full
                );
            }
            mixes.push(serde_json::json!({
                "cores": n, "procs": procs, "log_depth": log, "shootdowns": m.shootdowns, "targets": m.targets,
                "broadcast": m.broadcast, "catchup_log": m.catchup_log, "catchup_full": m.catchup_full,
            }));
        }
    }
    if b.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"sync": rows, "os_mix": mixes})).expect("JSON")
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C stops a run at the next check (every 4096 cycles) and it still reports.
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let result = match cli.command {
        Command::Run(mut a) => {
            if a.no_vcd {
                a.vcd = None;
            }
            if a.cores == 1 {
                single::run(a)
            } else {
                run::run(a, stop)
            }
        }
        Command::Wave(w) => wave::run(w),
        Command::Bench(b) => bench(b),
        Command::FabricBench(b) => fabric_bench(b),
        Command::Coverage(c) => match coverage::run(&c) {
            Ok(true) => Ok(()),
            Ok(false) => {
                eprintln!("tlbsim: coverage goals not met (see the summary above)");
                return ExitCode::from(1);
            }
            Err(e) => Err(e.into()),
        },
        Command::Mutate(m) => mutate::run(&m).map_err(Into::into),
        Command::Soak(s) => soak::soak(s, stop).map_err(Into::into),
        Command::List(ListArgs { names: true }) => {
            for (name, _) in tlb_harness::os_workloads::WORKLOADS {
                println!("{name}");
            }
            Ok(())
        }
        Command::List(ListArgs { names: false }) => {
            for (name, what) in tlb_harness::os_workloads::WORKLOADS {
                println!("{name:<13} {what}");
            }
            println!("{:<13} --cores 1 only: {}", "os-mix", workload::WORKLOADS[0].1);
            println!("{:<13} --trace FILE: a Valgrind lackey trace (see docs/traces.md)", "(trace)");
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tlbsim: error: {e}");
            ExitCode::FAILURE
        }
    }
}
