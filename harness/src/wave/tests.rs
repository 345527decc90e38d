// SPDX-License-Identifier: Apache-2.0
//! Tests of the whole: a small VCD written here, drawn, listed and saved for GTKWave.

use std::path::{Path, PathBuf};

use super::draw::X_FILL;
use super::select::glob;
use super::*;

/// A 10 ns clock, high at 0 (no edge: nothing before it), rising at 10, 20, ... 50: cycle
/// c is (10c, 10c + 10]. `valid` high from 20 to 30 (cycle 2), `data` 8 bits changing in
/// the middle of cycles 1 and 3, `u_sub.state_q` unknown until 25.
const VCD: &str = "$timescale 1ns $end
$scope module top $end
$var wire 1 ! clk $end
$var wire 1 \" valid $end
$var wire 8 # data [7:0] $end
$scope module u_sub $end
$var wire 1 $ ready_o $end
$var wire 4 % state_q [3:0] $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
1!
0\"
b0 #
0$
bxxxx %
#5
0!
#10
1!
#15
0!
b10100101 #
#20
1!
1\"
#25
0!
b0001 %
#30
1!
0\"
#35
0!
b11111111 #
#40
1!
#45
0!
#50
1!
";

fn vcd(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tlb-wave-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn spec(path: &Path, signals: &[&str], from: u64, to: u64) -> WaveSpec {
    WaveSpec {
        vcd: path.to_path_buf(),
        signals: signals.iter().map(|s| s.to_string()).collect(),
        from_cycle: from,
        to_cycle: to,
        clock: None,
    }
}

fn attr(svg: &str, name: &str) -> f64 {
    let at = svg.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
}

/// The drawing of one row.
fn row<'a>(svg: &'a str, signal: &str) -> &'a str {
    let at = svg.find(&format!("<g data-signal=\"{signal}\">")).unwrap_or_else(|| panic!("no row {signal}"));
    &svg[at..at + svg[at..].find("</g>").unwrap()]
}

#[test]
fn cycles_count_clock_periods_from_time_zero() {
    let p = vcd("count.vcd", VCD);
    assert_eq!(cycle_range(&p, None).unwrap(), (0, 4));
    // A window the harness dumped mid-run keeps the run's time: cycle c ends at 10c + 10.
    let late: String = VCD
        .lines()
        .map(|l| match l.strip_prefix('#') {
            Some(t) => format!("#{}", t.parse::<u64>().unwrap() + 1000),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let p = vcd("late.vcd", &late);
    assert_eq!(cycle_range(&p, None).unwrap(), (100, 104));
    let svg = render_svg(&spec(&p, &["valid"], 102, 102)).unwrap();
    assert!(svg.contains(">102</text>"), "{svg}");
}

#[test]
fn bus_values_appear_as_hex_text() {
    let p = vcd("bus.vcd", VCD);
    let svg = render_svg(&spec(&p, &["top.data"], 0, 4)).unwrap();
    let r = row(&svg, "top.data");
    assert!(r.contains(">a5</text>"), "{r}");
    assert!(r.contains(">ff</text>"), "{r}");
    assert!(r.contains("= 0</title>"), "the zero value has its tooltip: {r}");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
}

#[test]
fn a_rise_is_drawn_at_its_time() {
    let p = vcd("rise.vcd", VCD);
    let svg = render_svg(&spec(&p, &["valid"], 0, 4)).unwrap();
    let (x0, px) = (attr(&svg, "data-plot-x"), attr(&svg, "data-cycle-width"));
    // Rising edges at 10, 20, 30, 40, 50 end cycles 0..4; cycle 0 starts at 0. `valid`
    // rises at 20 (the end of cycle 1, the start of cycle 2) and falls at 30.
    let (rise, fall) = (x0 + 2.0 * px, x0 + 3.0 * px);
    let r = row(&svg, "top.valid");
    assert!(r.contains(&format!("L{rise:.1},")), "rise at {rise:.1}: {r}");
    assert!(r.contains(&format!("L{fall:.1},")), "fall at {fall:.1}: {r}");
    // The bit select of a vector, mid-cycle: data[7] rises at 15, halfway through cycle 1.
    let svg = render_svg(&spec(&p, &["top.data[7]"], 0, 4)).unwrap();
    let r = row(&svg, "top.data");
    assert!(r.contains(&format!("L{:.1},", x0 + 1.5 * px)), "{r}");
}

#[test]
fn unknown_values_are_drawn_apart() {
    let p = vcd("x.vcd", VCD);
    let svg = render_svg(&spec(&p, &["state=u_sub.state_q"], 0, 3)).unwrap();
    let r = row(&svg, "top.u_sub.state_q");
    assert!(r.contains(X_FILL) && r.contains(">x</text>") && r.contains(">1</text>"), "{r}");
    assert!(r.contains(">state<"), "label: {r}");
    assert!(svg.contains("unknown (x)"));
}

#[test]
fn unknown_signals_name_close_ones() {
    let p = vcd("unknown.vcd", VCD);
    let err = render_svg(&spec(&p, &["top.u_sub.stat_q"], 0, 2)).unwrap_err();
    assert!(matches!(&err, WaveError::UnknownSignal { close, .. } if close[0] == "top.u_sub.state_q"), "{err}");
    let e = err.to_string();
    assert!(e.contains("unknown signal `top.u_sub.stat_q`") && e.contains("top.u_sub.state_q"), "{e}");
    let e = render_svg(&spec(&p, &["*redy*"], 0, 2)).unwrap_err().to_string();
    assert!(e.contains("top.u_sub.ready_o"), "{e}");
    let e = render_svg(&spec(&p, &["data[9:8]"], 0, 2)).unwrap_err().to_string();
    assert!(e.contains("not within top.data [7:0]"), "{e}");
}

#[test]
fn windows_outside_the_file_are_refused() {
    let p = vcd("window.vcd", VCD);
    let e = render_svg(&spec(&p, &[], 3, 2)).unwrap_err().to_string();
    assert!(e.contains("empty window"), "{e}");
    let e = render_svg(&spec(&p, &[], 2, 5)).unwrap_err().to_string();
    assert!(e.contains("beyond the file") && e.contains("holds cycles 0..=4"), "{e}");
    assert!(render_svg(&spec(&p, &[], 4, 4)).is_ok(), "the last cycle alone");
}

#[test]
fn unreadable_files_are_refused() {
    let missing = std::env::temp_dir().join("tlb-wave-no-such-file.vcd");
    let e = render_svg(&spec(&missing, &[], 0, 1)).unwrap_err().to_string();
    assert!(e.contains("cannot read") && e.contains("no-such-file"), "{e}");
    let p = vcd("text.vcd", "hello, not a waveform\n");
    let e = render_svg(&spec(&p, &[], 0, 1)).unwrap_err().to_string();
    assert!(e.contains("is not a VCD file"), "{e}");
}

#[test]
fn globs_and_defaults() {
    assert!(glob("*gen_core[1]*ack*").is_match("TOP.u_sys.gen_core[1].u_agent.ack_o"));
    assert!(!glob("*gen_core[1]*ack*").is_match("TOP.u_sys.gen_core[0].u_agent.ack_o"));
    assert!(glob("a?c").is_match("abc") && !glob("a?c").is_match("abbc"));
    assert!(glob("u_dir.out_q+{a,b}**").is_match("u_dir.out_q+{a,b}.x") && !glob("a.c").is_match("abc"));
    let p = vcd("groups.vcd", VCD);
    let g = default_groups(&p).unwrap();
    assert_eq!(g[0], (String::new(), vec!["top.clk".to_string()]));
    assert_eq!(g[1], ("u_sub".to_string(), vec!["top.u_sub.ready_o".to_string(), "top.u_sub.state_q".to_string()]));
    let svg = render_svg(&spec(&p, &[], 0, 4)).unwrap();
    assert!(svg.contains(">u_sub</text>") && svg.contains("data-signal=\"top.u_sub.state_q\""));
}

#[test]
fn gtkw_lists_groups_with_their_display_formats() {
    let p = vcd("save.vcd", VCD);
    let out = p.with_extension("gtkw");
    write_gtkw(
        &p,
        &out,
        &[
            (String::new(), vec!["top.clk".into()]),
            (
                "sub".into(),
                vec!["*u_sub*".into(), "# data".into(), "top.data".into(), "hi=data[7:6]".into(), "top.data[0]".into()],
            ),
        ],
    )
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let body: Vec<&str> = text.lines().skip_while(|l| !l.starts_with('@')).collect();
    assert_eq!(
        body,
        [
            "@28",
            "top.clk",
            "@800200",
            "-sub",
            "@28",
            "top.u_sub.ready_o",
            "@22",
            "top.u_sub.state_q[3:0]",
            "@800200",
            "-data",
            "@22",
            "top.data[7:0]",
            "#{hi} (0)top.data[7:0] (1)top.data[7:0]",
            "@28",
            "(7)top.data[7:0]",
            "@1000200",
            "-data",
            "@1000200",
            "-sub"
        ]
    );
    assert!(text.contains(&format!("[dumpfile] \"{}\"", std::fs::canonicalize(&p).unwrap().display())));
}
