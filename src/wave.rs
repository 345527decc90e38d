// SPDX-License-Identifier: Apache-2.0
//! `tlbsim wave`: a window of a VCD drawn as an SVG, and/or a GTKWave save file for it
//! (the work is `tlb_harness::wave`).

use std::path::PathBuf;

use tlb_harness::wave::{self, WaveSpec};

use crate::CliResult;

/// Cycles drawn when `--to` is not given.
const DEFAULT_CYCLES: u64 = 40;

#[derive(clap::Args, Debug)]
pub struct WaveArgs {
    /// The VCD: an RTL or model waveform (`tlbsim run`, a lockstep failure report, a test).
    vcd: PathBuf,
    /// First cycle drawn (cycle c ends with the rising edge sampling its inputs; default: the
    /// file's first).
    #[arg(long)]
    from: Option<u64>,
    /// Last cycle drawn, included (default: 40 cycles in all, or up to the file's last).
    #[arg(long)]
    to: Option<u64>,
    /// Rows, comma separated: full names, unique dotted suffixes (`u_dir.out_q`), globs
    /// (`*gen_core[1]*ack*`), bit selects (`u_dir.bus_q[135:120]`), `label=signal`,
    /// `#heading`. Default: the clock, then each core's and the fabric's ports and registers.
    #[arg(long, value_delimiter = ',')]
    signals: Vec<String>,
    /// The clock whose rising edges count cycles (default: the top-most clk_i or clk).
    #[arg(long)]
    clock: Option<String>,
    /// SVG to write (default: the VCD's path with .svg, unless only --gtkw is given).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// GTKWave save file to write as well (instead, without --out): the --signals, else the
    /// per-core and fabric groups.
    #[arg(long)]
    gtkw: Option<PathBuf>,
}

pub fn run(a: WaveArgs) -> CliResult {
    let svg_out = match (&a.out, &a.gtkw) {
        (Some(out), _) => Some(out.clone()),
        (None, Some(_)) => None,
        (None, None) => Some(a.vcd.with_extension("svg")),
    };
    if let Some(out) = svg_out {
        let (first, last) = wave::cycle_range(&a.vcd, a.clock.as_deref())?;
        let from = a.from.unwrap_or(first);
        let to = a.to.unwrap_or_else(|| from.saturating_add(DEFAULT_CYCLES - 1).min(last));
        let spec = WaveSpec {
            vcd: a.vcd.clone(),
            signals: a.signals.clone(),
            from_cycle: from,
            to_cycle: to,
            clock: a.clock.clone(),
        };
        let svg = wave::render_svg(&spec)?;
        std::fs::write(&out, svg).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        println!("wrote {} (cycles {from}..={to} of {first}..={last})", out.display());
    }
    if let Some(gtkw) = &a.gtkw {
        let groups =
            if a.signals.is_empty() { wave::default_groups(&a.vcd)? } else { vec![(String::new(), a.signals.clone())] };
        wave::write_gtkw(&a.vcd, gtkw, &groups)?;
        println!("wrote {} (open with: gtkwave {})", gtkw.display(), gtkw.display());
    }
    Ok(())
}
