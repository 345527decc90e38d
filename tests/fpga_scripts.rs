// SPDX-License-Identifier: Apache-2.0
//! The FPGA scripts refuse bad input with one clear line and exit status 2 before any tool
//! runs (docs/fpga.md). The builds themselves are run by CI (`.ci/run`), not here.

#[macro_use]
mod common;

use std::process::Command;

fn run(script: &str, args: &[&str]) -> (i32, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg(format!("{root}/fpga/{script}"))
        .args(args)
        .current_dir(root)
        .output()
        .expect("bash runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `script args` exits with status 2 and one line on stderr that says `want`.
fn bad_arguments_are_refused_before_any_tool_runs(script: &str, args: &[&str], want: &str) {
    let (code, err) = run(script, args);
    assert_eq!(code, 2, "{script} {args:?}: exit {code}, stderr {err:?}");
    assert!(err.contains(want), "{script} {args:?}: {err:?} does not say {want:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "{script} {args:?}: more than one line: {err:?}");
}

cases! { bad_arguments_are_refused_before_any_tool_runs:
    build_unknown_board("build.sh", &["--board", "de10"], "unknown board 'de10' (ulx3s, arty)"),
    build_unknown_ecp5_device("build.sh", &["--device", "100k"], "unknown ECP5 device '100k'"),
    build_unknown_arty_device(
        "build.sh",
        &["--board", "arty", "--device", "85k"],
        "unknown Arty A7 device '85k' (35t, 100t)",
    ),
    build_cores_17("build.sh", &["--cores", "17"], "--cores must be 2..16, not '17'"),
    build_entries_24("build.sh", &["--entries", "24"], "--entries must be a power of two 2..64, not '24'"),
    build_hit_latency_3(
        "build.sh",
        &["--hit-latency", "3"],
        "--hit-latency must be 1 or 2 (cycles from a request to its hit's answer), not '3'",
    ),
    build_freq_not_a_number("build.sh", &["--freq", "fast"], "--freq must be an integer in MHz"),
    build_arty_freq_77("build.sh", &["--board", "arty", "--freq", "77"], "the Arty MMCM makes 1000/D MHz"),
    build_cores_without_a_value("build.sh", &["--cores"], "--cores needs a value"),
    build_negative_seed("build.sh", &["--seed", "-1"], "--seed must be a non-negative integer, not '-1'"),
    build_unknown_argument("build.sh", &["--bogus"], "unknown argument '--bogus'"),
    timing_unknown_device("timing.sh", &["--device", "5k"], "unknown ECP5 device '5k'"),
    timing_unknown_unit("timing.sh", &["--unit", "l1"], "unknown --unit 'l1' (system, core, directory, cam)"),
    timing_stages_without_cam("timing.sh", &["--stages", "2"], "--stages is for --unit cam only"),
    timing_seed_not_a_number("timing.sh", &["--seed", "x"], "--seed must be a non-negative integer, not 'x'"),
    timing_hit_latency_3("timing.sh", &["--hit-latency", "3"], "--hit-latency must be 1 or 2"),
    timing_directory_asids_48(
        "timing.sh",
        &["--unit", "directory", "--asids", "48"],
        "--asids must be a power of two 2..4096, not '48'",
    ),
    timing_asids_without_directory("timing.sh", &["--asids", "64"], "--asids is for --unit directory only"),
    timing_seeds_not_a_list(
        "timing.sh",
        &["--seeds", "1,x"],
        "--seeds must be placement seeds separated by commas, such as 1,2,3, not '1,x'",
    ),
    timing_seeds_trailing_comma("timing.sh", &["--seeds", "1,2,"], "--seeds must be placement seeds"),
    timing_seed_and_seeds("timing.sh", &["--seed", "2", "--seeds", "1,2"], "--seed and --seeds are exclusive"),
    timing_jobs_without_seeds("timing.sh", &["--jobs", "2"], "--jobs is for --seeds only"),
    timing_jobs_zero("timing.sh", &["--seeds", "1,2", "--jobs", "0"], "--jobs must be a positive integer, not '0'"),
    timing_depth_with_seeds("timing.sh", &["--depth", "--seeds", "1,2"], "--depth stops after synthesis"),
    timing_speed_5("timing.sh", &["--speed", "5"], "--speed must be an ECP5 speed grade, 6, 7 or 8, not '5'"),
    timing_speed_without_a_value("timing.sh", &["--speed"], "--speed needs a value"),
    timing_depth_with_speed("timing.sh", &["--depth", "--speed", "8"], "it takes no --speed"),
    synth_unknown_family("synth.sh", &["--family", "ice40"], "unknown family ice40"),
}

#[test]
fn help_describes_the_flags() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash").arg(format!("{root}/fpga/build.sh")).arg("--help").output().expect("bash runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in ["--board", "--device", "--cores", "--entries", "--hit-latency", "--freq", "--seed", "Exit status"] {
        assert!(text.contains(flag), "help lacks {flag}: {text}");
    }
}
