//! `tlbsim`: runs workloads on the TLB RTL (through Verilator), on its cycle-accurate model,
//! or on both in lockstep, with the architectural oracle judging every translation.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tlb_harness::workload::{self, OpCounts};
use tlb_harness::{Lockstep, LockstepConfig, MemTiming, Mode, Stats};

#[derive(Parser)]
#[command(name = "tlbsim", version, about = "Multi-core ASID-tagged TLB: RTL, cycle-accurate model, lockstep simulator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a workload (default: os-mix, RTL and model in lockstep, waveform of the start).
    Run(RunArgs),
    /// List the built-in workloads.
    List,
    /// Measure simulated cycles per second: RTL alone, model alone, lockstep, lockstep with
    /// the oracle (os-mix workload; not a test: it only measures).
    Bench(BenchArgs),
    /// Measure the shootdown fabric: sync latency (cores x memory latency x walks in
    /// flight, and all cores at once), cores disturbed with targeting against broadcast,
    /// whole-ASID flushes the log avoids.
    FabricBench(FabricBenchArgs),
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
    /// Repetitions per mode; the best is reported.
    #[arg(long, default_value_t = 3)]
    repeat: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    /// RTL and model on the same inputs, every output compared every cycle.
    Lockstep,
    /// The Rust model alone (fast).
    Model,
    /// The Verilated RTL alone.
    Rtl,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Built-in workload (see `tlbsim list`).
    #[arg(long, default_value = "os-mix")]
    workload: String,
    #[arg(long, value_enum, default_value = "lockstep")]
    mode: ModeArg,
    /// L1 TLB entries: a power of two from 2 to 64.
    #[arg(long, default_value_t = 32)]
    entries: usize,
    /// Seed of the workload and of the memory's latency and backpressure.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Cycles to simulate.
    #[arg(long, default_value_t = 200_000)]
    cycles: u64,
    /// Page-table memory latency in cycles: N or MIN-MAX (uniformly random per read).
    #[arg(long, default_value = "1-8", value_parser = parse_latency)]
    mem_latency: (u32, u32),
    /// Percentage of cycles the memory accepts a request (backpressure).
    #[arg(long, default_value_t = 70, value_parser = clap::value_parser!(u32).range(1..=100))]
    mem_ready: u32,
    /// Waveform of the RTL; the model's goes beside it as <name>.model.vcd.
    #[arg(long, default_value = "out/tlb_rtl.vcd")]
    vcd: PathBuf,
    /// Cycles of the run the waveforms cover, from reset.
    #[arg(long, default_value_t = 2000)]
    vcd_cycles: u64,
    /// Write no waveforms.
    #[arg(long)]
    no_vcd: bool,
    /// Do not judge answers with the architectural oracle (faster; lockstep still compares).
    #[arg(long)]
    no_oracle: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
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
struct Summary {
    workload: String,
    mode: &'static str,
    entries: usize,
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

fn run(a: RunArgs) -> Result<(), String> {
    let mode = match a.mode {
        ModeArg::Lockstep => Mode::Lockstep,
        ModeArg::Model => Mode::Model,
        ModeArg::Rtl => Mode::Rtl,
    };
    if !workload::WORKLOADS.iter().any(|w| w.0 == a.workload) {
        return Err(format!(
            "unknown workload {:?}; built-in workloads: {}",
            a.workload,
            workload::WORKLOADS.iter().map(|w| w.0).collect::<Vec<_>>().join(", ")
        ));
    }
    tlb_harness::check_entries(a.entries)?;
    let mut cfg = LockstepConfig::new(&format!("tlbsim-run-{}-seed{}", a.workload, a.seed), a.seed);
    cfg.entries = a.entries;
    cfg.mode = mode;
    cfg.oracle = !a.no_oracle;
    cfg.mem = MemTiming { min_latency: a.mem_latency.0, max_latency: a.mem_latency.1, ready_percent: a.mem_ready };
    cfg.out_dir = PathBuf::from("out/failures");
    cfg.reproduce = std::env::args().collect::<Vec<_>>().join(" ");

    if mode.has_rtl() && !a.json {
        eprintln!("tlbsim: building the Verilated RTL (cached after the first time)...");
    }
    let mut ls = Lockstep::new(cfg)?;
    let bar = if a.json { ProgressBar::hidden() } else { ProgressBar::new(a.cycles) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} cycles ({per_sec}, eta {eta})")
            .expect("valid template"),
    );
    let start = Instant::now();
    let counts = match workload::run(&a.workload, &mut ls, a.seed, a.cycles, |c| bar.set_position(c))? {
        Ok(c) => c,
        Err(failure) => {
            bar.abandon();
            eprintln!("{failure}");
            return Err("lockstep failure (report above)".to_string());
        }
    };
    let seconds = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let stats = ls.stats();

    let (mut rtl_vcd, mut model_vcd) = (None, None);
    if !a.no_vcd {
        if let Some(dir) = a.vcd.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        ls.write_waveforms(&a.vcd, a.vcd_cycles)?;
        if mode.has_rtl() {
            rtl_vcd = Some(a.vcd.clone());
        }
        model_vcd = Some(a.vcd.with_extension("model.vcd"));
    }
    let summary = summarize(&a, mode, stats, counts, seconds, rtl_vcd, model_vcd);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary).expect("serializable"));
    } else {
        print_summary(&summary, a.vcd_cycles.min(stats.cycles));
    }
    Ok(())
}

fn summarize(a: &RunArgs, mode: Mode, s: Stats, c: OpCounts, seconds: f64, rtl_vcd: Option<PathBuf>,
             model_vcd: Option<PathBuf>) -> Summary {
    Summary {
        workload: a.workload.clone(),
        mode: match mode {
            Mode::Lockstep => "lockstep",
            Mode::Model => "model",
            Mode::Rtl => "rtl",
        },
        entries: a.entries,
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

fn print_summary(s: &Summary, vcd_cycles: u64) {
    let what = match s.mode {
        "lockstep" => "RTL (Verilator) and model in lockstep",
        "model" => "model alone",
        _ => "RTL (Verilator) alone",
    };
    println!("tlbsim: workload {}, 1 core x {} entries, {what}, seed {}", s.workload, s.entries, s.seed);
    println!("  cycles          {:>10}   {:.2} s, {:.0} k cycles/s", s.cycles, s.seconds, s.cycles_per_second / 1e3);
    println!("  translations    {:>10}   hit rate {:.1} %, walks {}, page faults {}",
             s.translations, 100.0 * s.hit_rate, s.walks, s.faults);
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

#[derive(Serialize)]
struct BenchRow {
    mode: &'static str,
    cycles: u64,
    best_seconds: f64,
    cycles_per_second: f64,
}

fn bench(b: BenchArgs) -> Result<(), String> {
    tlb_harness::check_entries(b.entries)?;
    let modes = [
        ("rtl (Verilator alone)", Mode::Rtl, false),
        ("model alone", Mode::Model, false),
        ("lockstep", Mode::Lockstep, false),
        ("lockstep + oracle", Mode::Lockstep, true),
        ("model + oracle", Mode::Model, true),
    ];
    let mut rows = Vec::new();
    for (name, mode, oracle) in modes {
        let mut best = f64::MAX;
        let mut cycles = 0;
        for _ in 0..b.repeat.max(1) {
            let mut cfg = LockstepConfig::new("bench", 1);
            cfg.entries = b.entries;
            cfg.mode = mode;
            cfg.oracle = oracle;
            let mut ls = Lockstep::new(cfg)?;
            let start = Instant::now();
            workload::run("os-mix", &mut ls, 1, b.cycles, |_| {})?.map_err(|f| f.report)?;
            best = best.min(start.elapsed().as_secs_f64());
            cycles = ls.cycle();
        }
        let row = BenchRow { mode: name, cycles, best_seconds: best, cycles_per_second: cycles as f64 / best };
        if !b.json {
            println!("{:<24} {:>9} cycles  {:>7.3} s  {:>8.0} k cycles/s", row.mode, row.cycles, row.best_seconds,
                     row.cycles_per_second / 1e3);
        }
        rows.push(row);
    }
    if b.json {
        println!("{}", serde_json::to_string_pretty(&rows).expect("serializable"));
    }
    Ok(())
}

fn fabric_bench(b: FabricBenchArgs) -> Result<(), String> {
    use tlb_harness::fabric_bench as fb;
    for &n in &b.cores {
        tlb_sim::fabric::SysConfig { cores: n, ..Default::default() }.validate()?;
    }
    let mut rows = Vec::new();
    if !b.json {
        println!("sync latency, cycles from post to sync done (min / median / max):");
        println!("{:>6} {:>8} {:>18} {:>18} {:>9} {:>18}", "cores", "mem lat", "idle", "walks in flight", "poisoned", "all cores at once");
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
        println!("{:>6} {:>6} {:>4} {:>11} {:>16} {:>16} {:>13} {:>13}", "cores", "procs", "log", "shootdowns",
                 "cores disturbed", "broadcast would", "catch-up log", "full flushes");
    }
    for &n in &b.cores {
        for log in [1usize, 4, 8] {
            let procs = (n / 2).max(2);
            let m = fb::os_mix(n, procs, log, 2000, b.rtl)?;
            if !b.json {
                println!("{n:>6} {procs:>6} {log:>4} {:>11} {:>16} {:>16} {:>13} {:>13}", m.shootdowns, m.targets, m.broadcast,
                         m.catchup_log, m.catchup_full);
            }
            mixes.push(serde_json::json!({
                "cores": n, "procs": procs, "log_depth": log, "shootdowns": m.shootdowns, "targets": m.targets,
                "broadcast": m.broadcast, "catchup_log": m.catchup_log, "catchup_full": m.catchup_full,
            }));
        }
    }
    if b.json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({"sync": rows, "os_mix": mixes})).expect("JSON"));
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run(a),
        Command::Bench(b) => bench(b),
        Command::FabricBench(b) => fabric_bench(b),
        Command::List => {
            for (name, what) in workload::WORKLOADS {
                println!("{name:<10} {what}");
            }
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
