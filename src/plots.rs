// SPDX-License-Identifier: Apache-2.0
//! `--plot DIR`: SVG charts of a run (plotters' SVG backend; no fonts or system libraries),
//! drawn from its [`Report`] alone.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::report::Report;

fn err(what: &Path) -> impl Fn(String) -> String + '_ {
    move |e| format!("cannot draw {}: {e}", what.display())
}

/// Writes every chart; returns their paths.
pub fn write_all(dir: &Path, s: &Report) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let p = dir.join("sync_latency.svg");
    sync_latency(&p, s).map_err(err(&p))?;
    out.push(p);
    let p = dir.join("hit_rate.svg");
    hit_rate(&p, s).map_err(err(&p))?;
    out.push(p);
    let p = dir.join("shootdown_cycles.svg");
    shootdown_cycles(&p, s).map_err(err(&p))?;
    out.push(p);
    Ok(out)
}

fn e<T: std::fmt::Display>(x: T) -> String {
    x.to_string()
}

/// The distribution of post-to-sync latency, one bar per cycle count.
fn sync_latency(path: &Path, s: &Report) -> Result<(), String> {
    let root = SVGBackend::new(path, (900, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(e)?;
    let lat: Vec<u64> = s.run.shootdowns.iter().map(|x| x.latency).collect();
    let max = lat.iter().copied().max().unwrap_or(1);
    let mut counts = vec![0u32; max as usize + 1];
    for &l in &lat {
        counts[l as usize] += 1;
    }
    let peak = counts.iter().copied().max().unwrap_or(1).max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("Sync latency, post accepted to sync done ({} shootdowns, {} cores)", lat.len(), s.sys.cores),
            ("sans-serif", 20),
        )
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((0u64..max + 1).into_segmented(), 0u32..peak + peak / 10 + 1)
        .map_err(e)?;
    chart.configure_mesh().x_desc("cycles").y_desc("shootdowns").disable_x_mesh().draw().map_err(e)?;
    chart
        .draw_series(Histogram::vertical(&chart).style(BLUE.filled()).margin(1).data(lat.iter().map(|&l| (l, 1u32))))
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}

/// Per-core hit rate over time.
fn hit_rate(path: &Path, s: &Report) -> Result<(), String> {
    let root = SVGBackend::new(path, (900, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(e)?;
    let points = s.run.per_core.iter().map(|c| c.stats.series.len()).max().unwrap_or(0).max(1) as u64;
    let w = s.series_window;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("Hit rate per core, windows of {w} cycles ({})", s.workload), ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0u64..points * w, 0f64..100.0)
        .map_err(e)?;
    chart.configure_mesh().x_desc("cycle").y_desc("hit rate (%)").draw().map_err(e)?;
    for c in &s.run.per_core {
        let color = Palette99::pick(c.core).to_rgba();
        let pts: Vec<(u64, f64)> = c
            .stats
            .series
            .iter()
            .enumerate()
            .filter(|(_, (t, _))| *t > 0)
            .map(|(i, (t, h))| (i as u64 * w + w / 2, 100.0 * *h as f64 / *t as f64))
            .collect();
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(2)))
            .map_err(e)?
            .label(format!("core {}", c.core))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw().map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}

/// Cycles spent on shootdowns so far, fabric against Linux IPIs.
fn shootdown_cycles(path: &Path, s: &Report) -> Result<(), String> {
    let root = SVGBackend::new(path, (900, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(e)?;
    let sd = &s.run.shootdowns;
    let (mut f, mut i) = (0u64, 0u64);
    let mut fab = vec![(0u64, 1u64)];
    let mut ipis = vec![(0u64, 1u64)];
    // Running totals, in the order the shootdowns completed.
    for x in sd {
        f += x.latency;
        i = i.saturating_add(x.ipi_initiator).saturating_add(x.ipi_target);
        fab.push((x.synced, f.max(1)));
        ipis.push((x.synced, i.max(1)));
    }
    let top = i.max(f).max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("Cycles spent on shootdowns: hardware fabric vs IPIs ({} shootdowns)", sd.len()),
            ("sans-serif", 20),
        )
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(0u64..s.run.cycles.max(1), (1u64..top.saturating_mul(2)).log_scale())
        .map_err(e)?;
    chart.configure_mesh().x_desc("cycle").y_desc("cycles spent so far, all cores (log scale)").draw().map_err(e)?;
    chart
        .draw_series(LineSeries::new(ipis, RED.stroke_width(2)))
        .map_err(e)?
        .label("Linux IPIs (initiator + targets), cost model")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(fab, BLUE.stroke_width(2)))
        .map_err(e)?
        .label("hardware fabric (initiator post-to-sync, simulated)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}
