// SPDX-License-Identifier: Apache-2.0
//! The command-line tool: the main job runs end to end on the multi-core system (built-in
//! workloads and the shipped Valgrind trace), the single-core run still works, and bad input
//! gets one clear line and no panic.

#[macro_use]
mod common;

use std::path::PathBuf;
use std::process::Command;

fn tlbsim(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tlbsim")).args(args).output().expect("runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tlbsim-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

const TRACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/zstd.lackey.gz");

#[test]
fn default_run_is_four_cores_in_lockstep_with_a_waveform_window_and_plots() {
    let dir = scratch("run");
    let vcd = dir.join("w.vcd");
    let plots = dir.join("plots");
    let (ok, out, err) = tlbsim(&[
        "run",
        "--cycles",
        "30000",
        "--json",
        "--vcd",
        vcd.to_str().unwrap(),
        "--vcd-from",
        "1000",
        "--vcd-cycles",
        "300",
        "--plot",
        plots.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON summary");
    assert_eq!(
        (v["mode"].as_str(), v["cores"].as_u64(), v["workload"].as_str()),
        (Some("lockstep"), Some(4), Some("os-mix"))
    );
    assert_eq!(v["cycles"], 30000);
    assert!(v["translations"].as_u64().unwrap() > 1000);
    assert_eq!(v["oracle_checks"], v["translations"], "every answer judged");
    assert_eq!(v["per_core"].as_array().unwrap().len(), 4);
    assert!(v["fabric"]["shootdowns"].as_u64().unwrap() > 10);
    assert!(v["fabric"]["sync_latency"]["min"].as_u64().unwrap() >= 4);
    assert!(v["fabric_vs_ipi"]["ipis"].as_u64().unwrap() > 0);
    // The window only: cycle 1000 rises at 10*1001+5 ns, cycle 1299 at 10*1300+5.
    let rtl = std::fs::read_to_string(&vcd).expect("RTL VCD");
    assert!(rtl.contains("#13005") && !rtl.contains("#13015") && !rtl.contains("\n#5\n"), "window 1000..1300");
    assert!(rtl.contains("u_dir") && rtl.contains("gen_core"));
    let gtkw = std::fs::read_to_string(dir.join("w.gtkw")).expect("GTKWave save file");
    assert!(gtkw.contains("w.vcd") && gtkw.contains("core 3") && gtkw.contains("fabric"), "{gtkw}");
    for p in ["sync_latency.svg", "hit_rate.svg", "shootdown_cycles.svg"] {
        let svg = std::fs::read_to_string(plots.join(p)).expect("plot");
        assert!(svg.starts_with("<svg") && svg.len() > 2000, "{p}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_shipped_trace_replays_on_the_model_to_its_end() {
    let (ok, out, err) = tlbsim(&["run", "--trace", TRACE, "--mode", "model", "--cycles", "100000000", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON summary");
    assert_eq!(v["ending"], "Finished");
    let t = &v["trace"];
    assert!(t["threads"].as_u64().unwrap() >= 2 && t["accesses_replayed"].as_u64().unwrap() > 1_000_000, "{t}");
    assert_eq!(v["oracle_checks"], v["translations"]);
    assert!(v["os"]["munmaps"].as_u64().unwrap() > 0 && v["fabric"]["shootdowns"].as_u64().unwrap() > 0);
    let busy = v["per_core"].as_array().unwrap().iter().filter(|c| c["translations"].as_u64().unwrap() > 1000).count();
    assert!(busy >= 2, "threads run on several cores");
}

#[test]
fn the_start_of_the_trace_replays_in_lockstep() {
    let (ok, out, err) = tlbsim(&["run", "--trace", TRACE, "--cycles", "200000", "--no-vcd"]);
    assert!(ok, "{err}");
    assert!(out.contains("cycle budget spent") && out.contains("every output of RTL and model equal"), "{out}");
}

#[test]
fn trace_errors_name_the_line_and_can_be_skipped() {
    let dir = scratch("trace");
    let t = dir.join("bad.txt");
    std::fs::write(&t, "==1== Lackey\n L 4000000,8\n S 40000zz,8\n L 4001000,8\n").unwrap();
    let (ok, _, err) = tlbsim(&["run", "--trace", t.to_str().unwrap(), "--mode", "model"]);
    assert!(!ok && err.contains("line 3"), "{err}");
    assert!(!err.contains("panicked"));
    let (ok, out, err) =
        tlbsim(&["run", "--trace", t.to_str().unwrap(), "--mode", "model", "--skip-bad-lines", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["trace"]["bad_lines_skipped"], 1);
    assert_eq!(v["translations"].as_u64().unwrap() - v["per_core"][0]["demand_faults"].as_u64().unwrap(), 2);
    // An access to memory the program unmapped is a page fault in the statistics.
    let u = dir.join("unmapped.txt");
    std::fs::write(
        &u,
        " L 4000000,8\nSYSCALL[1,1](11) sys_munmap ( 0x4000000, 4096 )[sync] --> Success(0x0) \n L 4000008,8\n",
    )
    .unwrap();
    let (ok, out, err) = tlbsim(&["run", "--trace", u.to_str().unwrap(), "--mode", "model", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["per_core"][0]["unmapped_accesses"], 1, "{out}");
    assert_eq!(v["fabric"]["shootdowns"], 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn single_core_run_keeps_both_waveforms() {
    let dir = scratch("single");
    let vcd = dir.join("w.vcd");
    let (ok, out, err) = tlbsim(&[
        "run",
        "--cores",
        "1",
        "--cycles",
        "20000",
        "--json",
        "--vcd",
        vcd.to_str().unwrap(),
        "--vcd-cycles",
        "300",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON summary");
    assert_eq!(v["oracle_checks"], v["translations"]);
    let rtl = std::fs::read_to_string(&vcd).expect("RTL VCD");
    let model = std::fs::read_to_string(dir.join("w.model.vcd")).expect("model VCD");
    for sig in ["req_valid_i", "resp_paddr_o", "valid_q", "plru_q", "poison_q"] {
        assert!(rtl.contains(sig) && model.contains(sig), "{sig} in both waveforms");
    }
    assert!(rtl.contains("#3005") && model.contains("#3005"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn model_mode_runs_every_workload_name_listed() {
    let (ok, list, _) = tlbsim(&["list"]);
    assert!(ok && list.contains("os-mix") && list.contains("seed004") && list.contains("munmap-storm"));
    let (ok, out, err) = tlbsim(&["run", "--mode", "model", "--workload", "seed003", "--cycles", "20000", "--no-vcd"]);
    assert!(ok, "{err}");
    assert!(out.contains("model alone") && out.contains("all architecturally allowed"), "{out}");
}

/// `list --names`: exactly the names `run --workload` takes on several cores, one a line
/// (scripts/model-mutants.sh soaks each).
#[test]
fn list_names_gives_the_multi_core_workloads() {
    let (ok, out, err) = tlbsim(&["list", "--names"]);
    assert!(ok, "{err}");
    let names: Vec<&str> = out.lines().collect();
    let want: Vec<&str> = tlb_harness::os_workloads::WORKLOADS.iter().map(|w| w.0).collect();
    assert_eq!(names, want);
    assert!(names.contains(&"thp-collapse") && names.contains(&"seed004"), "{names:?}");
}

/// Bad input gets one clear error (`want` in it) and no panic.
fn bad_input_gets_a_clear_error(args: &[&str], want: &str) {
    let (ok, _, err) = tlbsim(args);
    assert!(!ok, "{args:?} must fail");
    assert!(err.contains(want), "{args:?}: expected {want:?} in {err:?}");
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
}

cases! { bad_input_gets_a_clear_error:
    entries_not_a_power_of_two(&["run", "--entries", "24"], "entries must be a power of two from 2 to 64, got 24"),
    single_core_entries_128(&["run", "--cores", "1", "--entries", "128"], "invalid entry count 128"),
    cores_17(&["run", "--cores", "17"], "cores must be 2 to 16, got 17"),
    hit_latency_3(&["run", "--hit-latency", "3"], "hit latency must be 1 or 2 cycles, got 3"),
    single_core_hit_latency_0(&["run", "--cores", "1", "--hit-latency", "0"], "invalid hit latency 0"),
    log_depth_3(&["run", "--log-depth", "3"], "flush-log depth must be 1, 2, 4 or 8, got 3"),
    unknown_workload(&["run", "--workload", "nope"], "unknown workload \"nope\""),
    too_few_asids_for_fork_exit(&["run", "--workload", "fork-exit", "--cores", "16"], "--asids 32"),
    mem_latency_0(&["run", "--mem-latency", "0"], "need 1 <= MIN <= MAX"),
    mem_latency_reversed(&["run", "--mem-latency", "9-3"], "need 1 <= MIN <= MAX"),
    mem_ready_0(&["run", "--mem-ready", "0"], "mem-ready"),
    unknown_mode(&["run", "--mode", "fpga"], "invalid value 'fpga'"),
    cycles_not_a_number(&["run", "--cycles", "lots"], "invalid digit"),
    missing_trace(&["run", "--trace", "/nonexistent/t.gz"], "/nonexistent/t.gz"),
    skip_bad_lines_without_a_trace(&["run", "--skip-bad-lines"], "--trace"),
    trace_and_workload(&["run", "--trace", TRACE, "--workload", "os-mix"], "cannot be used with"),
    single_core_trace(&["run", "--cores", "1", "--trace", TRACE], "needs the multi-core system"),
    vcd_window_after_the_run(
        &["run", "--mode", "model", "--cycles", "500", "--vcd", "/tmp/x.vcd", "--vcd-from", "900"],
        "window",
    ),
    vcd_cycles_0(&["run", "--mode", "model", "--vcd", "/tmp/x.vcd", "--vcd-cycles", "0"], "--vcd-cycles 0"),
    vcd_from_the_last_cycle(
        &["run", "--mode", "model", "--vcd-from", "18446744073709551615"],
        "starts after the run's last cycle",
    ),
    single_core_vcd_from(
        &["run", "--cores", "1", "--mode", "model", "--vcd-from", "100"],
        "single-core run's waveform starts at cycle 0",
    ),
    ipi_base(&["run", "--ipi-base", "18446744073709551615"], "not in 0..=1000000000"),
    ipi_send(&["run", "--ipi-send", "18446744073709551615"], "not in 0..=1000000000"),
    ipi_delivery(&["run", "--ipi-delivery", "18446744073709551615"], "not in 0..=1000000000"),
    ipi_handler(&["run", "--ipi-handler", "1000000001"], "not in 0..=1000000000"),
    ipi_invlpg(&["run", "--ipi-invlpg", "18446744073709551615"], "not in 0..=1000000000"),
    ipi_full_flush(&["run", "--ipi-full-flush", "18446744073709551615"], "not in 0..=1000000000"),
    ipi_ceiling(&["run", "--ipi-ceiling", "18446744073709551615"], "not in 0..=1000000000"),
    trace_without_accesses(
        &["run", "--trace", "/dev/null", "--mode", "model", "--no-vcd"],
        "trace /dev/null holds no memory accesses",
    ),
    wave_missing_vcd(&["wave", "/nonexistent.vcd", "-o", "/tmp/x.svg"], "/nonexistent.vcd"),
    soak_shard_0_of_2(&["soak", "--shard", "0/2"], "is not K/N"),
    soak_shard_3_of_2(&["soak", "--shard", "3/2"], "is not K/N"),
    soak_shard_not_k_n(&["soak", "--shard", "two"], "is not K/N"),
    soak_in_rtl_mode(&["soak", "--mode", "rtl"], "a soak needs the model"),
    soak_zero_minutes(&["soak", "--minutes", "0"], "positive number of minutes"),
    soak_zero_cycles(&["soak", "--cycles", "0"], "--cycles"),
    soak_cores_17(&["soak", "--cores", "2,17"], "cores must be 2 to 16, got 17"),
    soak_entries_24(&["soak", "--entries", "24"], "entries must be a power of two from 2 to 64, got 24"),
    soak_hit_latency_3(&["soak", "--hit-latency", "3"], "hit latency must be 1 or 2 cycles, got 3"),
    soak_workloads_and_properties_only(&["soak", "--workloads-only", "--properties-only"], "cannot be used with"),
}

/// stderr holds exactly one line, an error (or a warning), and no panic.
fn one_line(err: &str, prefix: &str) {
    let lines: Vec<_> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected: {err}");
    assert!(lines[0].starts_with(prefix), "{prefix:?} expected: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Exit status, stdout, stderr.
fn tlbsim_status(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tlbsim")).args(args).output().expect("runs");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// A short trace (five accesses) in `dir`.
fn short_trace(dir: &std::path::Path) -> String {
    let t = dir.join("short.txt");
    std::fs::write(&t, "==1== Lackey\n L 4000000,8\n S 4000008,8\n L 4001000,8\n").unwrap();
    t.to_str().unwrap().to_string()
}

/// A waveform window the run never reaches (a trace that ends sooner) loses nothing: the
/// summary is out (as JSON or text), one warning says why there is no waveform, and the
/// status is 1 (the file asked for is missing). Huge windows do not overflow (the test
/// binary is built with overflow checks).
fn a_waveform_window_after_the_run_keeps_the_summary(from: &str, cycles: &str, json: bool) {
    let dir = scratch(&format!("window-{from}-{json}"));
    let t = short_trace(&dir);
    let vcd = dir.join("w.vcd");
    let vcd = vcd.to_str().unwrap();
    let mut args = vec![
        "run",
        "--trace",
        &t,
        "--mode",
        "model",
        "--cycles",
        cycles,
        "--vcd",
        vcd,
        "--vcd-from",
        from,
        "--vcd-cycles",
        "18446744073709551000",
    ];
    if json {
        args.push("--json");
    }
    let (code, out, err) = tlbsim_status(&args);
    assert_eq!(code, Some(1), "{err}");
    one_line(&err, "tlbsim: warning: no waveform written: the run ended at cycle ");
    assert!(err.contains(&format!("before the window {from}..")), "{err}");
    if json {
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON summary");
        assert_eq!((v["ending"].as_str(), v["translations"].as_u64()), (Some("Finished"), Some(5)), "{out}");
        assert!(v["vcd"].is_null() && v["gtkw"].is_null(), "{out}");
    } else {
        assert!(out.contains("workload finished") && out.contains("all architecturally allowed"), "{out}");
        assert!(!out.contains("waveform"), "{out}");
    }
    assert!(!std::path::Path::new(vcd).exists());
    let _ = std::fs::remove_dir_all(dir);
}

cases! { a_waveform_window_after_the_run_keeps_the_summary:
    after_the_end_json("1000000", "100000000", true),
    after_the_end_text("1000000", "100000000", false),
    at_the_top_of_the_range_json("18446744073709551000", "18446744073709551615", true),
    at_the_top_of_the_range_text("18446744073709551000", "18446744073709551615", false),
}

/// A window that runs past the end of the run is written up to it: the cycles that exist
/// (replayed on the RTL), and the summary says which.
#[test]
fn a_waveform_window_past_the_run_is_written_up_to_its_end() {
    let dir = scratch("window-past");
    let t = short_trace(&dir);
    let vcd = dir.join("w.vcd");
    let vcd = vcd.to_str().unwrap();
    let (code, out, err) = tlbsim_status(&[
        "run",
        "--trace",
        &t,
        "--mode",
        "model",
        "--vcd",
        vcd,
        "--vcd-from",
        "10",
        "--vcd-cycles",
        "5000",
        "--json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON summary");
    let end = v["cycles"].as_u64().unwrap();
    assert!(end > 10 && end < 5000, "{out}");
    assert_eq!(v["vcd_window"], serde_json::json!([10, end]));
    assert!(
        std::fs::read_to_string(vcd).expect("RTL VCD").contains(&format!("#{}", 10 * end + 5)),
        "cycle {} in the window",
        end - 1
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Valgrind gives an exited thread's id to its next new thread: a thread that starts after
/// the holder of its id exited is a new thread, on a core of its own.
#[test]
fn a_recycled_thread_id_is_a_new_thread() {
    let dir = scratch("tids");
    let t = dir.join("tids.txt");
    let mut text =
        String::from("==7== Lackey\n--7--   SCHED[1]:  acquired lock (thread_wrapper(starting new thread))\n");
    text += " L 4000000,8\n";
    // Threads 2 and 3, then two more that get their ids: five threads, three ids.
    for (k, tid) in [2, 3, 2, 3].into_iter().enumerate() {
        text += "--7--   SCHED[1]: releasing lock (VG_(vg_yield)) -> VgTs_Yielding\n";
        text += &format!("--7--   SCHED[{tid}]:  acquired lock (thread_wrapper(starting new thread))\n");
        for i in 0..20 {
            text += &format!(" S {:x},8\n", 0x5000000 + 0x100000 * k + 8 * i);
        }
        text += &format!("SYSCALL[7,{tid}](60) exit( 0 ) --> [pre-success] Success(0x0) \n");
        text += &format!("--7--   SCHED[{tid}]: exiting VG_(scheduler)\n");
        text += &format!("--7--   SCHED[{tid}]: release lock in VG_(exit_thread)\n");
        text += "--7--   SCHED[1]:  acquired lock (VG_(vg_yield))\n L 4000008,8\n";
    }
    std::fs::write(&t, text).unwrap();
    let (ok, out, err) =
        tlbsim(&["run", "--trace", t.to_str().unwrap(), "--mode", "model", "--cores", "8", "--no-vcd", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON summary");
    assert_eq!(v["trace"]["threads"], 5, "{}", v["trace"]);
    let per_core: Vec<u64> =
        v["per_core"].as_array().unwrap().iter().map(|c| c["translations"].as_u64().unwrap()).collect();
    assert!(per_core[..5].iter().all(|&n| n > 0) && per_core[5..].iter().all(|&n| n == 0), "{per_core:?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A forking program recorded into one file: the second pid stops the replay with one line
/// naming the line, both pids and the fix, skipping bad lines (`skip`) or not.
fn two_processes_in_one_trace_are_refused(skip: bool) {
    let dir = scratch(&format!("fork-{skip}"));
    let t = dir.join("fork.txt");
    std::fs::write(&t, "==100== Lackey\n L 4000000,8\n\
                        SYSCALL[100,1](57) sys_fork ( ) --> [pre-success] Success(0x65) \n\
                        SYSCALL[101,1](9) sys_mmap ( 0x0, 4096, 3, 34, 4294967295, 0 ) --> [pre-success] Success(0x7000) \n\
                        \x20L 4000008,8\n").unwrap();
    let mut args = vec!["run", "--trace", t.to_str().unwrap(), "--mode", "model", "--no-vcd"];
    if skip {
        args.push("--skip-bad-lines");
    }
    let (ok, _, err) = tlbsim(&args);
    assert!(!ok, "{err}");
    one_line(&err, "tlbsim: error: ");
    assert!(err.contains("trace line 4: ") && err.contains("pid 100, then pid 101"), "{err}");
    assert!(err.contains("--log-file=t.%p.txt") && !err.contains("--skip-bad-lines"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

cases! { two_processes_in_one_trace_are_refused: strict(false), skipping_bad_lines(true) }

/// A gzip file cut short is not a bad line: one line says so; --skip-bad-lines replays it up
/// to the cut, prints the summary and warns.
#[test]
fn a_truncated_gzip_trace_says_so() {
    let dir = scratch("truncated");
    let t = dir.join("cut.gz");
    let whole = std::fs::read(TRACE).unwrap();
    std::fs::write(&t, &whole[..100_000]).unwrap();
    let t = t.to_str().unwrap();
    let (ok, _, err) = tlbsim(&["run", "--trace", t, "--mode", "model", "--no-vcd", "--cycles", "100000000"]);
    assert!(!ok);
    one_line(&err, &format!("tlbsim: error: trace {t} is a truncated gzip file (ends after "));
    assert!(!err.contains("--skip-bad-lines"), "{err}");
    let lines: u64 = err.split("ends after ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(lines > 10_000, "{err}");
    let (ok, out, err) = tlbsim(&[
        "run",
        "--trace",
        t,
        "--mode",
        "model",
        "--no-vcd",
        "--cycles",
        "100000000",
        "--skip-bad-lines",
        "--json",
    ]);
    assert!(ok, "{err}");
    one_line(
        &err,
        &format!("tlbsim: warning: trace {t} is a truncated gzip file (ends after {lines} lines): replayed"),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON summary");
    assert_eq!((v["trace"]["truncated"].as_bool(), v["trace"]["lines"].as_u64()), (Some(true), Some(lines)));
    assert_eq!(v["trace"]["bad_lines_skipped"], 0);
    assert!(v["trace"]["accesses_replayed"].as_u64().unwrap() > 1000);
    let _ = std::fs::remove_dir_all(dir);
}

/// A trace without a single access (empty, valgrind's banner only, nothing but bad lines,
/// instruction fetches only) is not a workload: one line says so.
fn a_trace_without_accesses_is_refused(name: &str, text: &str, skip: bool, why: &str) {
    let dir = scratch(&format!("empty-{name}"));
    let t = dir.join(name);
    std::fs::write(&t, text).unwrap();
    let t = t.to_str().unwrap();
    let mut args = vec!["run", "--trace", t, "--mode", "model", "--no-vcd"];
    if skip {
        args.push("--skip-bad-lines");
    }
    let (ok, out, err) = tlbsim(&args);
    assert!(!ok && out.is_empty(), "{name}: {out}");
    if name == "fetches.txt" {
        one_line(
            &err,
            &format!("tlbsim: error: trace {t} holds no data accesses, only 2 instruction fetches (--trace-fetches"),
        );
    } else {
        one_line(&err, &format!("tlbsim: error: trace {t} holds no memory accesses{why}"));
    }
    let _ = std::fs::remove_dir_all(dir);
}

cases! { a_trace_without_accesses_is_refused:
    empty("empty.txt", "", false, ""),
    banner_only("banner.txt", "==5== Lackey, an example Valgrind tool\n==5== Command: true\n", false, ""),
    bad_lines_only("junk.txt", "hello\nworld\n", true, " (bad lines skipped: 2 of 2)"),
    fetches_only("fetches.txt", "==5== Lackey\nI  1000,4\nI  1004,4\n", false, ""),
}

/// A short soak of workload rounds: every round is logged with its seed before it runs and
/// its end after, the summary counts cycles and judged answers, and the same soak seed
/// draws the same rounds (what makes a logged round reproducible).
#[test]
fn soak_logs_every_round_and_the_same_seed_draws_the_same_rounds() {
    let dir = scratch("soak");
    let mut starts = Vec::new();
    for run in 0..2 {
        let log = dir.join(format!("rounds{run}.log"));
        let (ok, out, err) = tlbsim(&[
            "soak",
            "--workloads-only",
            "--cycles",
            "40000",
            "--round-cycles",
            "10000",
            "--cores",
            "2",
            "--seed",
            "5",
            "--log",
            log.to_str().unwrap(),
        ]);
        assert!(ok, "{err}");
        assert!(out.contains("budget spent") && out.contains("answers judged by the oracle"), "{out}");
        let text = std::fs::read_to_string(&log).unwrap();
        let started: Vec<String> = text.lines().filter(|l| l.contains(" start workload ")).map(String::from).collect();
        let passed = text.lines().filter(|l| l.contains(" passed ")).count();
        assert!(started.len() >= 4 && passed >= 4, "{text}");
        assert!(started.iter().all(|l| l.contains(" seed ") && l.contains(" cores 2 ")), "{text}");
        starts.push(started);
    }
    let n = starts[0].len().min(starts[1].len());
    assert_eq!(starts[0][..n], starts[1][..n], "the same soak seed must draw the same rounds");
    let _ = std::fs::remove_dir_all(dir);
}
