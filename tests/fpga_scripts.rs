// SPDX-License-Identifier: Apache-2.0
//! The FPGA scripts refuse bad input with one clear line and exit status 2 before any tool
//! runs (docs/fpga.md). The builds themselves are run by CI (`.ci/run`), not here.

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

#[test]
fn bad_arguments_are_refused_before_any_tool_runs() {
    let cases: &[(&str, &[&str], &str)] = &[
        ("build.sh", &["--board", "de10"], "unknown board 'de10' (ulx3s, arty)"),
        ("build.sh", &["--device", "100k"], "unknown ECP5 device '100k'"),
        ("build.sh", &["--board", "arty", "--device", "85k"], "unknown Arty A7 device '85k' (35t, 100t)"),
        ("build.sh", &["--cores", "17"], "--cores must be 2..16, not '17'"),
        ("build.sh", &["--entries", "24"], "--entries must be a power of two 2..64, not '24'"),
        (
            "build.sh",
            &["--hit-latency", "3"],
            "--hit-latency must be 1 or 2 (cycles from a request to its hit's answer), not '3'",
        ),
        ("build.sh", &["--freq", "fast"], "--freq must be an integer in MHz"),
        ("build.sh", &["--board", "arty", "--freq", "77"], "the Arty MMCM makes 1000/D MHz"),
        ("build.sh", &["--cores"], "--cores needs a value"),
        ("build.sh", &["--seed", "-1"], "--seed must be a non-negative integer, not '-1'"),
        ("build.sh", &["--bogus"], "unknown argument '--bogus'"),
        ("timing.sh", &["--device", "5k"], "unknown ECP5 device '5k'"),
        ("timing.sh", &["--unit", "l1"], "unknown --unit 'l1' (system, core, directory, cam)"),
        ("timing.sh", &["--stages", "2"], "--stages is for --unit cam only"),
        ("timing.sh", &["--seed", "x"], "--seed must be a non-negative integer, not 'x'"),
        ("timing.sh", &["--hit-latency", "3"], "--hit-latency must be 1 or 2"),
        ("timing.sh", &["--unit", "directory", "--asids", "48"], "--asids must be a power of two 2..4096, not '48'"),
        ("timing.sh", &["--asids", "64"], "--asids is for --unit directory only"),
        ("synth.sh", &["--family", "ice40"], "unknown family ice40"),
    ];
    for (script, args, want) in cases {
        let (code, err) = run(script, args);
        assert_eq!(code, 2, "{script} {args:?}: exit {code}, stderr {err:?}");
        assert!(err.contains(want), "{script} {args:?}: {err:?} does not say {want:?}");
        assert_eq!(err.trim_end().lines().count(), 1, "{script} {args:?}: more than one line: {err:?}");
    }
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
