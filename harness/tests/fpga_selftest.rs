// SPDX-License-Identifier: Apache-2.0
//! The FPGA boards' self-test (fpga/selftest/tlb_selftest.sv) in Verilator: it passes with
//! the real fabric, and fails when a debug input drops every shootdown's POST. Its UART is
//! decoded and every status line checked.

#[macro_use]
mod common;

use tlb_harness::selftest::{SelfTest, SelfTestConfig, StatusLine};

fn build() -> SelfTest {
    SelfTest::new(SelfTestConfig::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn selftest_passes_and_reports_every_period() {
    passes_and_reports(build(), 300_000);
}

/// The same self-test with every core's hits answered a cycle later (HitLatency 2, as
/// `fpga/build.sh --hit-latency 2` builds it): the generator waits for each answer.
#[test]
fn selftest_passes_at_hit_latency2() {
    let cfg = SelfTestConfig { hit_latency: 2, ..SelfTestConfig::default() };
    passes_and_reports(SelfTest::new(cfg).unwrap_or_else(|e| panic!("{e}")), 100_000);
}

#[test]
fn selftest_refuses_a_bad_hit_latency() {
    let cfg = SelfTestConfig { hit_latency: 3, ..SelfTestConfig::default() };
    let err = SelfTest::new(cfg).err().expect("hit latency 3 refused").to_string();
    assert!(err.contains("invalid hit latency 3"), "{err}");
}

fn passes_and_reports(mut st: SelfTest, cycles: u32) {
    let cfg = st.config();
    let mut beats = 0u32;
    let mut last = st.outputs();
    let mut lines: Vec<(u32, StatusLine)> = Vec::new();
    for cycle in 1..=cycles {
        let out = st.step(false);
        beats += (out.led_heartbeat != last.led_heartbeat) as u32;
        assert_eq!(out.fails, 0, "cycle {cycle}: the self-test failed: {}", out.fail_info);
        for l in st.take_lines() {
            let s = StatusLine::parse(&l).unwrap_or_else(|e| panic!("cycle {cycle}: {e}"));
            // The line was snapshotted at the end of its period, before these checks.
            assert!(s.get("tr") <= out.checks && s.get("sd") <= out.shootdowns, "{l}");
            lines.push((cycle, s));
        }
        last = out;
    }
    let out = st.outputs();
    eprintln!(
        "self-test {} cores x {} entries, hit latency {}, {cycles} cycles: {} translations checked \
         ({} hits, {} faults), {} shootdowns, {} status lines",
        cfg.cores,
        cfg.entries,
        cfg.hit_latency,
        out.checks,
        out.hits,
        out.faults,
        out.shootdowns,
        lines.len()
    );
    if let Some((_, s)) = lines.last() {
        eprintln!("last status: {:?}", s.fields);
    }
    assert!(out.led_pass && !out.led_fail, "LEDs: pass {} fail {}", out.led_pass, out.led_fail);
    assert_eq!(st.framing_errors(), 0);
    // Enough traffic of every kind to mean something.
    assert!(out.checks > cycles / 10, "only {} translations", out.checks);
    assert!(out.hits > out.checks / 10, "only {} hits of {}", out.hits, out.checks);
    assert!(out.faults > 0 && out.faults < out.checks / 2, "{} faults of {}", out.faults, out.checks);
    assert!(out.shootdowns > cycles / 100, "only {} shootdowns", out.shootdowns);
    // Heartbeat: two toggles a period.
    let periods = cycles / cfg.status_cycles;
    assert!(beats + 1 >= 2 * periods, "{beats} heartbeat toggles in {periods} periods");
    // One line a period (the last may still be on the wire), counting seconds, all PASS.
    assert!(lines.len() as u32 + 1 >= periods, "{} status lines in {periods} periods", lines.len());
    for (k, (cycle, s)) in lines.iter().enumerate() {
        assert_eq!(s.get("sec"), k as u32 + 1, "line {k} at cycle {cycle}");
        assert!(s.pass && s.get("err") == 0, "line {k}: {s:?}");
        if k > 0 {
            let p = &lines[k - 1].1;
            for f in ["tr", "hit", "sd", "tgt"] {
                assert!(s.get(f) > p.get(f), "line {k}: {f} did not grow: {s:?} after {p:?}");
            }
        }
    }
    let s = &lines.last().expect("status lines").1;
    // Targeted shootdowns skipped cores, and both catch-up kinds happened.
    for f in ["skp", "log", "ful"] {
        assert!(s.get(f) > 0, "{f} is zero: {s:?}");
    }
}

#[test]
fn injected_fault_is_reported() {
    let mut st = build();
    let cfg = st.config();
    // Initiators drop their POST: stale entries survive "completed" shootdowns.
    let mut cycle = 0u32;
    let out = loop {
        cycle += 1;
        let out = st.step(true);
        if out.fails > 0 {
            break out;
        }
        assert!(cycle < 100_000, "no failure in {cycle} cycles with shootdowns dropped");
    };
    eprintln!("fault injected: first failure at cycle {cycle}: {}", out.fail_info);
    assert!(out.led_fail && !out.led_pass);
    // The failure is a stale translation (or its fault/unmapped forms), never a broken
    // frame or a refused command: the checker names the right thing.
    assert!(matches!(out.fail_info.reason(), 2..=4), "{}", out.fail_info);
    // Sticky after the fault input goes away, and reported on the UART.
    let mut line = None;
    for _ in 0..2 * cfg.status_cycles {
        let out = st.step(false);
        assert!(out.led_fail && out.fails > 0);
        if let Some(l) = st.take_lines().pop() {
            line = Some(l);
            break;
        }
    }
    let l = line.expect("a status line after the failure");
    let s = StatusLine::parse(&l).unwrap_or_else(|e| panic!("{e}"));
    assert!(!s.pass && s.get("err") > 0, "{l}");
}

/// A status line as the self-test prints it.
const GOOD: &str = "TLB sec=00000001  tr=000016f7 hit=000005c1 flt=000005e1  sd=000002b9 tgt=00000422 \
                    skp=0000081a log=0000008d ful=000000e5 err=00000000 PASS";

#[test]
fn status_lines_are_parsed_strictly() {
    let s = StatusLine::parse(GOOD).unwrap();
    assert!(s.pass && s.get("tr") == 0x16f7 && s.get("err") == 0);
    assert!(StatusLine::parse(&GOOD.replace("PASS", "FAIL")).is_ok_and(|s| !s.pass));
}

/// A line that differs from a good one in one way is refused.
fn a_malformed_status_line_is_refused(bad: String) {
    assert!(StatusLine::parse(&bad).is_err(), "accepted {bad:?}");
}

cases! { a_malformed_status_line_is_refused:
    wrong_tag(GOOD.replace("TLB", "TLX")),
    bad_hex_digit(GOOD.replace("hit=000005c1", "hit=0000g5c1")),
    missing_counter(GOOD.replace(" skp=0000081a", "")),
    missing_verdict(GOOD.replace(" PASS", "")),
    two_verdicts(format!("{GOOD} PASS")),
}
