// SPDX-License-Identifier: Apache-2.0
//! `tlbsim soak`: long randomised runs for a budget of cycles or minutes. Rounds alternate
//! between the built-in workloads (in this process, each with a fresh seed, a core count, a
//! TLB size and a memory timing drawn from the lists given) and the property tests (the
//! harness's `tests/properties.rs` and `tests/system_properties/`, run as their test
//! binaries with a fresh `TLB_PROPTEST_SEED`), on the model with the oracle or in lockstep.
//! Every round is logged with what reproduces it before it starts; the first failure stops
//! the soak with its report, its reproduce line and (for property tests) the shrunk case.
//!
//! A round's seed is a function of the soak's seed, its shard and the round number, so
//! `--shard K/N` on N machines explores N disjoint streams (docs/verification.md has a CI
//! matrix recipe beside `cargo nextest run --partition`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use tlb_harness::os::{Ending, Os, OsConfig, RunError};
use tlb_harness::os_workloads::WORKLOADS;
use tlb_harness::system::{SysLockstep, SysLockstepConfig};
use tlb_harness::{MemTiming, Mode};
use tlb_sim::fabric::SysConfig;

use crate::ModeArg;

#[derive(clap::Args)]
pub struct SoakArgs {
    /// Model alone with the oracle (fast), or RTL and model in lockstep with the oracle.
    #[arg(long, value_enum, default_value = "model")]
    mode: ModeArg,
    /// Stop after this many simulated cycles (all rounds together).
    #[arg(long, default_value_t = 20_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    cycles: u64,
    /// Stop after this many minutes, whichever comes first (rounds under way finish).
    #[arg(long)]
    minutes: Option<f64>,
    /// The soak's seed (default: from the clock; printed and logged either way).
    #[arg(long)]
    seed: Option<u64>,
    /// This machine's share of the seed space: K/N (1-based) explores the K-th of N disjoint
    /// seed streams.
    #[arg(long, value_name = "K/N", value_parser = parse_shard, default_value = "1/1")]
    shard: (u64, u64),
    /// Rounds run at once (threads; property rounds are child processes).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    jobs: u32,
    /// Core counts the workload rounds draw from (2 to 16).
    #[arg(long, value_delimiter = ',')]
    cores: Option<Vec<usize>>,
    /// L1 entries per core the workload rounds draw from (powers of two, 2 to 64).
    #[arg(long, value_delimiter = ',')]
    entries: Option<Vec<usize>>,
    /// Hit latencies the workload rounds draw from (1, 2).
    #[arg(long, value_delimiter = ',')]
    hit_latency: Option<Vec<u8>>,
    /// Cycles per workload round (default: 2 000 000 on the model, 200 000 in lockstep).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1000..))]
    round_cycles: Option<u64>,
    /// Cases per property test in a property round (default: 2 000 on the model, 50 in
    /// lockstep).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    cases: Option<u32>,
    /// Run only the built-in workloads.
    #[arg(long, conflicts_with = "properties_only")]
    workloads_only: bool,
    /// Run only the property tests.
    #[arg(long)]
    properties_only: bool,
    /// Append one line per round here (what it ran, its seed, how it ended).
    #[arg(long, default_value = "out/soak/rounds.log")]
    log: PathBuf,
}

fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let bad = || format!("{s:?} is not K/N with 1 <= K <= N (for example 2/4)");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (u64, u64) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k == 0 || k > n || n > 1 << 16 {
        return Err(bad());
    }
    Ok((k, n))
}

/// One unit of a soak.
#[derive(Clone, Debug)]
enum Round {
    Workload {
        name: &'static str,
        sys: SysConfig,
        mem: MemTiming,
        seed: u64,
        cycles: u64,
    },
    /// A property-test binary (`properties` or `system_properties`), all its property tests.
    Properties {
        binary: &'static str,
        seed: u64,
        cases: u32,
    },
}

/// The property-test binaries and the tests in them a property round runs.
const PROPERTY_BINARIES: [(&str, &str); 2] =
    [("system_properties", "system_os_model_"), ("properties", "lockstep_random_os_sequences_")];

const MEMORY: [MemTiming; 3] = [
    MemTiming { min_latency: 1, max_latency: 1, ready_percent: 100 },
    MemTiming { min_latency: 1, max_latency: 8, ready_percent: 70 },
    MemTiming { min_latency: 10, max_latency: 40, ready_percent: 60 },
];

/// splitmix64: a round's seed from the soak's seed, shard and round number.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl Round {
    fn describe(&self, mode: Mode) -> String {
        match self {
            Round::Workload { name, sys, mem, seed, cycles } => {
                format!(
                    "workload {name} cores {} entries {} hit-latency {} mem {}-{}/{} seed {seed} cycles {cycles}",
                    sys.cores, sys.entries, sys.hit_latency, mem.min_latency, mem.max_latency, mem.ready_percent
                ) + &format!(" mode {}", mode.name())
            }
            Round::Properties { binary, seed, cases } => {
                format!("properties {binary} TLB_PROPTEST_SEED={seed} cases {cases} mode {}", mode.name())
            }
        }
    }

    /// The command that runs this round again on its own.
    fn reproduce(&self, mode: Mode) -> String {
        match self {
            Round::Workload { name, sys, mem, seed, cycles } => format!(
                "cargo run --release -- run --mode {} --workload {name} --cores {} --entries {} --hit-latency {} \
                 --mem-latency {}-{} --mem-ready {} --seed {seed} --cycles {cycles} --no-vcd",
                mode.name(),
                sys.cores,
                sys.entries,
                sys.hit_latency,
                mem.min_latency,
                mem.max_latency,
                mem.ready_percent
            ),
            Round::Properties { binary, seed, cases } => format!(
                "TLB_MODE={} TLB_SOAK={cases} TLB_PROPTEST_SEED={seed} cargo test -p tlb-harness --test {binary} -- {} --nocapture",
                mode.name(),
                property_filter(binary)
            ),
        }
    }
}

fn property_filter(binary: &str) -> &'static str {
    PROPERTY_BINARIES.iter().find(|b| b.0 == binary).map_or("", |b| b.1)
}

/// How a round ended.
enum Outcome {
    Passed {
        cycles: u64,
        answers: Option<u64>,
    },
    Failed {
        cycles: u64,
        report: String,
    },
    /// Stopped from outside before its end (budget spent, Ctrl-C, another round failed).
    Interrupted {
        cycles: u64,
    },
}

struct Plan {
    mode: Mode,
    seed: u64,
    shard: (u64, u64),
    cores: Vec<usize>,
    entries: Vec<usize>,
    hit_latency: Vec<u8>,
    round_cycles: u64,
    cases: u32,
    workloads: bool,
    properties: bool,
}

impl Plan {
    /// Round `r`: workloads and property binaries interleaved (one property round after
    /// every four workload rounds when both run).
    fn round(&self, r: u64) -> Round {
        let seed = mix(self.seed ^ mix(self.shard.0 << 32 | self.shard.1) ^ mix(r));
        let pick = |n: usize, salt: u64| (mix(seed ^ salt) % n as u64) as usize;
        let property = self.properties && (!self.workloads || r % 5 == 4);
        if property {
            let binary = PROPERTY_BINARIES[((r / 5) % 2) as usize].0;
            return Round::Properties { binary, seed, cases: self.cases };
        }
        let cores = self.cores[pick(self.cores.len(), 1)];
        let entries = self.entries[pick(self.entries.len(), 2)];
        let hit_latency = self.hit_latency[pick(self.hit_latency.len(), 3)];
        let name = WORKLOADS[pick(WORKLOADS.len(), 4)].0;
        let sys = round_config(cores, entries, hit_latency);
        Round::Workload { name, sys, mem: MEMORY[pick(MEMORY.len(), 5)], seed, cycles: self.round_cycles }
    }
}

/// The system a workload round runs on: enough ASIDs for the workload's processes on this
/// many cores (fork-exit and os-mix keep cores + 2 alive), sometimes just enough, so reuse
/// is frequent.
fn round_config(cores: usize, entries: usize, hit_latency: u8) -> SysConfig {
    SysConfig {
        cores,
        entries,
        slots: 4,
        log_depth: 4,
        asids: (cores + 3).next_power_of_two().max(16),
        hit_latency,
        read_ahead: None,
    }
}

/// Runs the `soak` command.
pub fn soak(a: SoakArgs, stop: Arc<AtomicBool>) -> Result<(), String> {
    let mode = Mode::from(a.mode);
    if mode == Mode::Rtl {
        return Err("--mode rtl: a soak needs the model (the oracle judges on it); use model or lockstep".into());
    }
    let model = mode == Mode::Model;
    let plan = Plan {
        mode,
        seed: a.seed.unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
        }),
        shard: a.shard,
        cores: a.cores.unwrap_or_else(|| if model { vec![2, 4, 8] } else { vec![2, 4] }),
        entries: a.entries.unwrap_or_else(|| if model { vec![8, 32] } else { vec![32] }),
        hit_latency: a.hit_latency.unwrap_or_else(|| if model { vec![1, 2] } else { vec![1] }),
        round_cycles: a.round_cycles.unwrap_or(if model { 2_000_000 } else { 200_000 }),
        cases: a.cases.unwrap_or(if model { 2_000 } else { 50 }),
        workloads: !a.properties_only,
        properties: !a.workloads_only,
    };
    for &cores in &plan.cores {
        for &entries in &plan.entries {
            for &hit_latency in &plan.hit_latency {
                round_config(cores, entries, hit_latency)
                    .validate()
                    .map_err(|e| format!("--cores/--entries/--hit-latency: {e}"))?;
            }
        }
    }
    if let Some(m) = a.minutes {
        if !(m > 0.0 && m.is_finite()) {
            return Err(format!("--minutes {m}: give a positive number of minutes"));
        }
    }
    let binaries = if plan.properties { build_property_binaries()? } else { Vec::new() };
    if let Some(dir) = a.log.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&a.log)
        .map_err(|e| format!("cannot open the soak log {}: {e}", a.log.display()))?;
    let header = format!(
        "soak seed {} shard {}/{} mode {} budget {} cycles{}",
        plan.seed,
        plan.shard.0,
        plan.shard.1,
        mode.name(),
        a.cycles,
        a.minutes.map_or(String::new(), |m| format!(" or {m} minutes"))
    );
    eprintln!("tlbsim: {header}; rounds logged to {}", a.log.display());
    writeln!(log, "# {header}").map_err(|e| format!("{}: {e}", a.log.display()))?;

    let plan = Arc::new(plan);
    let binaries = Arc::new(binaries);
    let next = Arc::new(AtomicU64::new(0));
    let halt = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<(u64, Round, Option<Outcome>)>();
    let mut workers = Vec::new();
    for _ in 0..a.jobs {
        let (plan, binaries, next, halt, stop, tx) =
            (plan.clone(), binaries.clone(), next.clone(), halt.clone(), stop.clone(), tx.clone());
        workers.push(std::thread::spawn(move || {
            while !halt.load(Ordering::Relaxed) && !stop.load(Ordering::Relaxed) {
                let r = next.fetch_add(1, Ordering::Relaxed);
                let round = plan.round(r);
                // Logged before it runs: a crash still leaves what reproduces it.
                if tx.send((r, round.clone(), None)).is_err() {
                    return;
                }
                let outcome = run_round(&round, plan.mode, &binaries, &halt, &stop);
                if tx.send((r, round, Some(outcome))).is_err() {
                    return;
                }
            }
        }));
    }
    drop(tx);

    let bar = ProgressBar::new(a.cycles);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {human_pos}/{human_len} cycles ({per_sec}) {msg}",
        )
        .expect("valid template"),
    );
    let start = Instant::now();
    let deadline = a.minutes.map(|m| start + Duration::from_secs_f64(m * 60.0));
    let (mut cycles, mut rounds, mut answers) = (0u64, 0u64, 0u64);
    let (mut workload_cycles, mut property_cycles, mut property_rounds) = (0u64, 0u64, 0u64);
    let mut failure: Option<(u64, Round, String)> = None;
    let mut logline = |line: String, bar: &ProgressBar| {
        if let Err(e) = writeln!(log, "{line}") {
            bar.println(format!("tlbsim: cannot write the soak log {}: {e}", a.log.display()));
        }
    };
    loop {
        let msg = match rx.recv_timeout(Duration::from_millis(500)) {
            Ok(m) => Some(m),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if let Some((r, round, outcome)) = msg {
            match outcome {
                None => logline(format!("round {r} start {}", round.describe(mode)), &bar),
                Some(Outcome::Passed { cycles: c, answers: n }) => {
                    rounds += 1;
                    cycles += c;
                    answers += n.unwrap_or(0);
                    if matches!(round, Round::Properties { .. }) {
                        property_cycles += c;
                        property_rounds += 1;
                    } else {
                        workload_cycles += c;
                    }
                    logline(format!("round {r} passed {c} cycles"), &bar);
                    bar.set_message(format!("{rounds} rounds, last: {}", short(&round)));
                }
                Some(Outcome::Interrupted { cycles: c }) => {
                    cycles += c;
                    logline(format!("round {r} interrupted after {c} cycles"), &bar);
                }
                Some(Outcome::Failed { cycles: c, report }) => {
                    cycles += c;
                    logline(format!("round {r} FAILED after {c} cycles: {}", round.reproduce(mode)), &bar);
                    if failure.is_none() {
                        failure = Some((r, round, report));
                    }
                    halt.store(true, Ordering::Relaxed);
                }
            }
            bar.set_position(cycles.min(a.cycles));
        }
        if cycles >= a.cycles || deadline.is_some_and(|d| Instant::now() >= d) {
            halt.store(true, Ordering::Relaxed);
        }
    }
    for w in workers {
        let _ = w.join();
    }
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    let rate = cycles as f64 / secs.max(1e-9);
    let why = if failure.is_some() {
        "stopped at the first failure"
    } else if stop.load(Ordering::Relaxed) {
        "interrupted (Ctrl-C)"
    } else {
        "budget spent"
    };
    let summary = format!(
        "soak seed {} shard {}/{} ({}): {rounds} rounds, {cycles} cycles in {secs:.0} s ({:.0} k cycles/s); \
         workloads {workload_cycles} cycles, {answers} answers judged by the oracle; property tests {property_rounds} \
         rounds, {property_cycles} cycles; {why}",
        plan.seed,
        plan.shard.0,
        plan.shard.1,
        mode.name(),
        rate / 1e3
    );
    logline(format!("# {summary}"), &ProgressBar::hidden());
    match failure {
        Some((r, round, report)) => {
            eprintln!("{report}");
            eprintln!("tlbsim: soak round {r} failed: {}", round.describe(mode));
            eprintln!("  reproduce: {}", round.reproduce(mode));
            eprintln!("  log: {}", a.log.display());
            Err(summary)
        }
        None => {
            println!("{summary}");
            if stop.load(Ordering::Relaxed) {
                std::process::exit(130);
            }
            Ok(())
        }
    }
}

fn short(round: &Round) -> String {
    match round {
        Round::Workload { name, sys, .. } => format!("{name} on {}x{}", sys.cores, sys.entries),
        Round::Properties { binary, .. } => format!("{binary} (property tests)"),
    }
}

fn run_round(
    round: &Round,
    mode: Mode,
    binaries: &[(String, PathBuf)],
    halt: &AtomicBool,
    stop: &AtomicBool,
) -> Outcome {
    match round {
        Round::Workload { name, sys, mem, seed, cycles } => {
            run_workload(round, name, *sys, *mem, *seed, *cycles, mode, halt, stop)
        }
        Round::Properties { binary, seed, cases } => {
            let Some((_, exe)) = binaries.iter().find(|b| b.0 == *binary) else {
                return Outcome::Failed { cycles: 0, report: format!("no test binary for {binary}") };
            };
            run_properties(exe, binary, *seed, *cases, mode)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn run_workload(
    round: &Round,
    name: &str,
    sys: SysConfig,
    mem: MemTiming,
    seed: u64,
    cycles: u64,
    mode: Mode,
    halt: &AtomicBool,
    stop: &AtomicBool,
) -> Outcome {
    let mut w = match tlb_harness::os_workloads::build(name, sys.cores, sys.asids, seed) {
        Ok(w) => w,
        Err(e) => return Outcome::Failed { cycles: 0, report: e.to_string() },
    };
    let mut cfg = SysLockstepConfig::new(&format!("soak-{name}-{}c-seed{seed}", sys.cores), sys, seed);
    cfg.mode = mode;
    cfg.mem = mem;
    cfg.out_dir = PathBuf::from("out/soak/failures");
    cfg.reproduce = round.reproduce(mode);
    // Inputs kept for a failure's waveform: the first million core-cycles of a round (80 bytes
    // a core a cycle); a later failure prints the command that writes it.
    cfg.history_limit = cycles.min(1_000_000 / sys.cores as u64);
    let s = match SysLockstep::new(cfg) {
        Ok(s) => s,
        Err(e) => return Outcome::Failed { cycles: 0, report: e.to_string() },
    };
    let mut os = Os::new(s, OsConfig { window: cycles, max_cycles: cycles });
    // The run stops when the soak does (budget, Ctrl-C, another round's failure).
    let either = AtomicBool::new(false);
    let result = os.run(w.as_mut(), &either, &mut |_, _| {
        if halt.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
            either.store(true, Ordering::Relaxed);
        }
    });
    let done = os.cycle();
    match result {
        Ok(Ending::Interrupted) => Outcome::Interrupted { cycles: done },
        Ok(_) => Outcome::Passed { cycles: done, answers: Some(os.sys.oracle_checks()) },
        Err(RunError::Lockstep(f)) => {
            // The round alone again, keeping the inputs up to the failure, writes its
            // waveform (and a window around it).
            let from = f.cycle.saturating_sub(1000);
            let again = format!(
                "{} --vcd out/soak/failure.vcd --vcd-from {from} --vcd-cycles 1100",
                round.reproduce(Mode::Lockstep).replace(" --no-vcd", "")
            );
            Outcome::Failed { cycles: done, report: format!("{}\n  waveform around it: {again}", f.report.trim_end()) }
        }
        Err(e @ (RunError::Workload(_) | RunError::Os(_))) => {
            Outcome::Failed { cycles: done, report: format!("the workload could not go on: {e}") }
        }
    }
}

/// Runs the property tests of one test binary with a fresh seed; their summary lines give
/// the cycles (`<name>: <n> cases (TLB_PROPTEST_SEED=<s>), <c> lockstep cycles, ...`).
fn run_properties(exe: &Path, binary: &str, seed: u64, cases: u32, mode: Mode) -> Outcome {
    let out = Process::new(exe)
        .args([property_filter(binary), "--nocapture", "--test-threads", "1"])
        .env("TLB_MODE", mode.name())
        .env("TLB_SOAK", cases.to_string())
        .env("TLB_PROPTEST_SEED", seed.to_string())
        // A soak's failures are reported with their reproduce line, not saved into the
        // repository's regression files.
        .env("PROPTEST_DISABLE_FAILURE_PERSISTENCE", "1")
        .current_dir(tlb_harness::toolchain::repo_root())
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => return Outcome::Failed { cycles: 0, report: format!("cannot run {}: {e}", exe.display()) },
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let cycles: u64 = stdout
        .lines()
        .filter(|l| l.contains(" cases (TLB_PROPTEST_SEED="))
        .filter_map(|l| l.split("), ").nth(1)?.split(' ').next()?.parse::<u64>().ok())
        .sum();
    if out.status.success() {
        Outcome::Passed { cycles, answers: None }
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Outcome::Failed { cycles, report: format!("{stdout}{stderr}") }
    }
}

/// Builds the property-test binaries (`cargo test --no-run`) and returns their paths.
fn build_property_binaries() -> Result<Vec<(String, PathBuf)>, String> {
    eprintln!("tlbsim: building the property-test binaries (cargo test -p tlb-harness --no-run)...");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Process::new(cargo);
    // The property tests are the harness's (harness/tests/).
    cmd.args(["test", "-p", "tlb-harness", "--no-run", "--message-format=json"])
        .current_dir(tlb_harness::toolchain::repo_root());
    for (b, _) in PROPERTY_BINARIES {
        cmd.args(["--test", b]);
    }
    let out = cmd.output().map_err(|e| format!("cannot run cargo to build the property tests: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "building the property tests failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    let mut found = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let (Some(name), Some(exe)) = (v["target"]["name"].as_str(), v["executable"].as_str()) else { continue };
        if PROPERTY_BINARIES.iter().any(|b| b.0 == name) && v["profile"]["test"].as_bool() == Some(true) {
            found.push((name.to_string(), PathBuf::from(exe)));
        }
    }
    for (b, _) in PROPERTY_BINARIES {
        if !found.iter().any(|f| f.0 == b) {
            return Err(format!("cargo built no test binary named {b} (harness/tests/)"));
        }
    }
    // Copies, so that a rebuild while the soak runs neither races nor changes what it tests.
    let dir = tlb_harness::toolchain::repo_root().join(format!("target/soak-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, exe) in &mut found {
        let copy = dir.join(name.as_str());
        std::fs::copy(&*exe, &copy).map_err(|e| format!("cannot copy {} to {}: {e}", exe.display(), copy.display()))?;
        *exe = copy;
    }
    Ok(found)
}
