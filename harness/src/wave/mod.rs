// SPDX-License-Identifier: Apache-2.0
//! Waveforms people can look at without a viewer: a window of cycles of a VCD drawn as a
//! standalone SVG ([`render_svg`], for docs and bug reports), and a GTKWave save file with
//! the signals grouped per core and for the fabric ([`write_gtkw`], [`default_groups`]).
//!
//! Cycles are numbered as everywhere in the harness (`rtl.rs`): cycle `c` is the clock
//! period that ends with the rising edge sampling cycle `c`'s inputs, and the grid lines
//! are the rising edges. Numbers count clock periods from time 0 (a first rising edge at
//! time `e` with period `p` ends cycle `e / p - 1`, or 0), so a waveform the harness opened
//! mid-run, which keeps the run's time, shows the run's own cycle numbers, those of a
//! lockstep failure report and of `CmdResult::accepted`/`done`.
//!
//! Signals are named by full hierarchical name (`TOP.tlb_system_sim_n2_e16_s4_l4_a16.u_sys.
//! u_dir.out_q`), by a unique dotted suffix (`u_dir.out_q`), or by a glob (`*`, `?`;
//! brackets are literal so `*gen_core[1]*ack*` matches the generate block). Any of them may
//! end in a bit select (`bus_q[135:120]`, `quiet_o[0]`), which is how one core's slice of
//! a packed per-core port, or a field of a flattened struct, gets a row of its own. An
//! entry may start with `label=` to name its row, and an entry `# text` starts a section.
//!
//! One file per concern:
//!
//! | file        | what                                                                          |
//! |-------------|-------------------------------------------------------------------------------|
//! | `mod.rs`    | [`WaveSpec`], the limits the parts share, and what can go wrong ([`WaveError`]) |
//! | `load.rs`   | reading the file (wellen): its variables, cycle numbering, values over a window |
//! | `select.rs` | names to variables (suffixes, globs, bit selects), the clock, close names for a typo |
//! | `groups.rs` | the default signal groups, from the hierarchy ([`default_groups`])           |
//! | `gtkw.rs`   | GTKWave save files ([`write_gtkw`])                                           |
//! | `render.rs` | the picture's layout: rows, labels, cycle grid, title, notes ([`render_svg`]) |
//! | `draw.rs`   | SVG elements and one row's drawing: 1-bit traces, bus hexagons                |
//! | `tests.rs`  | the tests, on a small VCD written there                                       |
//!
//! The public items are re-exported here, so `tlb_harness::wave::render_svg` and the rest keep
//! their paths.

use std::path::PathBuf;
use std::sync::Arc;

mod draw;
mod groups;
mod gtkw;
mod load;
mod render;
mod select;
#[cfg(test)]
mod tests;

pub use groups::default_groups;
pub use gtkw::write_gtkw;
pub use load::cycle_range;
pub use render::render_svg;

/// Why a waveform could not be read, a signal not found, or a picture not drawn.
#[derive(Clone, Debug, thiserror::Error)]
pub enum WaveError {
    #[error("cannot read {}: {error}", path.display())]
    Read { path: PathBuf, error: Arc<std::io::Error> },
    #[error("{} is a directory, not a VCD file", .0.display())]
    Directory(PathBuf),
    #[error("{} is not a VCD file (nor FST or GHW)", .0.display())]
    NotAWaveform(PathBuf),
    /// wellen's message.
    #[error("cannot read {} as a waveform: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("{} has no signals", .0.display())]
    NoSignals(PathBuf),
    #[error("{}: the clock {clock} never rises", path.display())]
    ClockNeverRises { path: PathBuf, clock: String },
    #[error("{}: no signal named clk_i or clk; name the clock (--clock)", .0.display())]
    NoClock(PathBuf),
    #[error("clock `{0}` must name exactly one whole signal")]
    ClockNotOne(String),
    #[error("clock {name} is {width} bits wide, not 1")]
    ClockWidth { name: String, width: u32 },
    #[error("`{pattern}` matches {count} signals (at most {max}): narrow it", max = MAX_GLOB_MATCHES)]
    TooManyMatches { pattern: String, count: usize },
    /// `names`: the first few of the `count` signals.
    #[error(
        "`{name}` is ambiguous: {count} signals end in it ({}{}); give more of the hierarchy or a glob",
        names.join(", "),
        if *count > names.len() { ", ..." } else { "" }
    )]
    Ambiguous { name: String, count: usize, names: Vec<String> },
    #[error("`{pattern}`: bits [{hi}:{lo}] are not within {signal} [{msb}:{lsb}]")]
    BitsOutside { pattern: String, hi: i64, lo: i64, signal: String, msb: i64, lsb: i64 },
    /// `close`: the closest names (edit distance), at most six.
    #[error(
        "unknown signal `{pattern}` in {} ({}; {count} signals in the file)",
        file.display(),
        if close.is_empty() { "no similar names".to_string() } else { format!("close names: {}", close.join(", ")) }
    )]
    UnknownSignal { pattern: String, file: PathBuf, close: Vec<String>, count: usize },
    #[error("empty signal name in `{0}`")]
    EmptyName(String),
    #[error("no signals to draw from {}", .0.display())]
    NothingToDraw(PathBuf),
    #[error("empty window: from cycle {from} is after to cycle {to}")]
    EmptyWindow { from: u64, to: u64 },
    #[error(
        "window {from}..={to} is beyond the file: {} holds cycles {first}..={last} (rising edges of {clock})",
        file.display()
    )]
    BeyondFile { from: u64, to: u64, file: PathBuf, first: u64, last: u64, clock: String },
    #[error("cannot resolve {}: {error}", path.display())]
    Resolve { path: PathBuf, error: Arc<std::io::Error> },
    #[error("cannot write {}: {error}", path.display())]
    Write { path: PathBuf, error: Arc<std::io::Error> },
}

/// A window of a VCD to draw.
#[derive(Clone, Debug, Default)]
pub struct WaveSpec {
    pub vcd: PathBuf,
    /// One row each, in order (see the module documentation for the forms). Empty: the
    /// signals of [`default_groups`] that change in the window (at most 80), under their
    /// group names.
    pub signals: Vec<String>,
    /// First and last cycle drawn (both included).
    pub from_cycle: u64,
    pub to_cycle: u64,
    /// The 1-bit clock whose rising edges count cycles; `None`: the top-most signal named
    /// `clk_i` or `clk`.
    pub clock: Option<String>,
}

/// A default set longer than this is cut (the picture says so).
const MAX_DEFAULT_ROWS: usize = 80;
/// A glob matching more signals than this is refused: narrow it.
const MAX_GLOB_MATCHES: usize = 200;
/// Vectors wider than this are left out of the default groups (flattened tag arrays,
/// flush logs): no one reads 1536 bits as hex.
const MAX_DEFAULT_WIDTH: u32 = 256;
