//! The command-line tool: the main job runs end to end, and bad input gets one clear line.

use std::process::Command;

fn tlbsim(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tlbsim")).args(args).output().expect("runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn run_in_lockstep_writes_both_waveforms_and_a_json_summary() {
    let dir = std::env::temp_dir().join(format!("tlbsim-cli-{}", std::process::id()));
    let vcd = dir.join("w.vcd");
    let (ok, out, err) = tlbsim(&["run", "--cycles", "20000", "--json", "--vcd", vcd.to_str().unwrap(), "--vcd-cycles", "300"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON summary");
    assert_eq!(v["mode"], "lockstep");
    assert!(v["cycles"].as_u64().unwrap() >= 20000);
    assert!(v["translations"].as_u64().unwrap() > 1000);
    assert_eq!(v["oracle_checks"], v["translations"]);
    let rtl = std::fs::read_to_string(&vcd).expect("RTL VCD");
    let model = std::fs::read_to_string(dir.join("w.model.vcd")).expect("model VCD");
    for sig in ["req_valid_i", "resp_paddr_o", "entries_q", "plru_q", "poison_q"] {
        assert!(rtl.contains(sig) && model.contains(sig), "{sig} in both waveforms");
    }
    // The last clock edge of the window: cycle 299 rises at 10*300+5 ns.
    assert!(rtl.contains("#3005") && model.contains("#3005"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn model_mode_runs_without_verilator_output() {
    let (ok, out, err) = tlbsim(&["run", "--mode", "model", "--cycles", "50000", "--no-vcd"]);
    assert!(ok, "{err}");
    assert!(out.contains("model alone") && out.contains("all architecturally allowed"), "{out}");
}

#[test]
fn bad_input_gets_a_clear_error() {
    let cases: &[(&[&str], &str)] = &[
        (&["run", "--entries", "24"], "invalid entry count 24"),
        (&["run", "--entries", "128"], "invalid entry count 128"),
        (&["run", "--workload", "nope"], "unknown workload \"nope\""),
        (&["run", "--mem-latency", "0"], "need 1 <= MIN <= MAX"),
        (&["run", "--mem-latency", "9-3"], "need 1 <= MIN <= MAX"),
        (&["run", "--mem-ready", "0"], "mem-ready"),
        (&["run", "--mode", "fpga"], "invalid value 'fpga'"),
        (&["run", "--cycles", "lots"], "invalid digit"),
    ];
    for (args, want) in cases {
        let (ok, _, err) = tlbsim(args);
        assert!(!ok, "{args:?} must fail");
        assert!(err.contains(want), "{args:?}: expected {want:?} in {err:?}");
        assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    }
}

#[test]
fn list_names_the_default_workload() {
    let (ok, out, _) = tlbsim(&["list"]);
    assert!(ok && out.contains("os-mix"));
}
