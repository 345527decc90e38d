// SPDX-License-Identifier: Apache-2.0
//! The picture's layout: the rows (chosen, or the default groups trimmed to what changes),
//! their labels, the cycle grid and numbers, the title and the notes; `draw.rs` draws
//! the rows.

use wellen::SignalRef;

use super::draw::{draw_bit, draw_bus, Axis, Svg, CHAR_W, FONT, ROW_H};
use super::groups::groups;
use super::load::{load, segments, Loaded};
use super::{WaveError, WaveSpec, MAX_DEFAULT_ROWS};

const MARGIN: f64 = 12.0;
const TITLE_H: f64 = 26.0;
const HEADER_H: f64 = 22.0;
/// Longest row label before it is cut from the left.
const MAX_LABEL: usize = 48;

enum Row {
    Heading(String),
    Signal { label: String, var: usize, select: Option<(i64, i64)> },
}

/// Common scope prefix of `names`, ending in a dot (empty if they share none).
fn common_scope(names: &[&str]) -> String {
    let Some(first) = names.first() else { return String::new() };
    let mut prefix: &str = first.rfind('.').map_or("", |i| &first[..=i]);
    for n in &names[1..] {
        while !n.starts_with(prefix) {
            prefix = prefix[..prefix.len() - 1].rfind('.').map_or("", |i| &prefix[..=i]);
        }
    }
    prefix.to_string()
}

fn rows(l: &Loaded, signals: &[String]) -> Result<Vec<Row>, WaveError> {
    let entries: Vec<String> = if signals.is_empty() {
        groups(l)
            .into_iter()
            .flat_map(|(g, names)| {
                let head = (!g.is_empty()).then(|| format!("# {g}"));
                head.into_iter().chain(names)
            })
            .collect()
    } else {
        signals.to_vec()
    };
    let mut rows = Vec::new();
    for e in &entries {
        let e = e.trim();
        if let Some(h) = e.strip_prefix('#') {
            rows.push(Row::Heading(h.trim().to_string()));
            continue;
        }
        let (label, pattern) = match e.split_once('=') {
            Some((label, p)) => (Some(label.trim()), p.trim()),
            None => (None, e),
        };
        if pattern.is_empty() {
            return Err(WaveError::EmptyName(e.to_string()));
        }
        for (var, sel) in l.resolve(pattern)? {
            let label = label.map(str::to_string).unwrap_or_default();
            rows.push(Row::Signal { label, var, select: sel });
        }
    }
    if !rows.iter().any(|r| matches!(r, Row::Signal { .. })) {
        return Err(WaveError::NothingToDraw(l.path.clone()));
    }
    Ok(rows)
}

/// The default set, made readable: only the signals that change in the window (and the
/// clock), sections left empty dropped, at most [`MAX_DEFAULT_ROWS`] signals. Returns the
/// counts left out: (constant, over the limit).
fn trim_default(l: &Loaded, rows: &mut Vec<Row>, clock: SignalRef, t0: u64, t1: u64) -> (usize, usize) {
    let mut constant = 0;
    rows.retain(|r| match r {
        Row::Heading(_) => true,
        Row::Signal { var, select, .. } => {
            let keep = l.vars[*var].sig == clock || segments(l, *var, *select, t0, t1).len() > 1;
            constant += !keep as usize;
            keep
        }
    });
    let mut kept: Vec<Row> = Vec::new();
    let mut signals = 0;
    let mut cut = 0;
    let mut pending: Option<Row> = None;
    for r in rows.drain(..) {
        match r {
            Row::Heading(_) => pending = Some(r),
            Row::Signal { .. } if signals == MAX_DEFAULT_ROWS => cut += 1,
            Row::Signal { .. } => {
                kept.extend(pending.take());
                kept.push(r);
                signals += 1;
            }
        }
    }
    *rows = kept;
    (constant, cut)
}

/// Row labels: the user's, else the name below the scope the rows share (below the
/// section's scope, which its heading then names). The clock, often outside that scope,
/// is left out of the sharing.
fn labels(l: &Loaded, rows: &[Row], clock: SignalRef) -> (Vec<String>, String) {
    let full = |r: &Row| match r {
        Row::Signal { var, .. } if l.vars[*var].sig != clock => Some(l.vars[*var].full.as_str()),
        _ => None,
    };
    let all: Vec<&str> = rows.iter().filter_map(full).collect();
    let prefix = common_scope(&all);
    let mut out = Vec::new();
    let mut section = prefix.clone();
    for (i, r) in rows.iter().enumerate() {
        match r {
            Row::Heading(h) => {
                let names: Vec<&str> =
                    rows[i + 1..].iter().take_while(|r| matches!(r, Row::Signal { .. })).filter_map(full).collect();
                let own = common_scope(&names);
                section = if names.len() > 1 && own.len() > prefix.len() { own } else { prefix.clone() };
                let scope = section[prefix.len()..].trim_end_matches('.');
                out.push(if scope.is_empty() || h.contains(scope) { h.clone() } else { format!("{h}  ({scope})") });
            }
            Row::Signal { label, .. } if !label.is_empty() => out.push(label.clone()),
            Row::Signal { var, select, .. } => {
                let v = &l.vars[*var];
                let mut s = if let Some(rest) = v.full.strip_prefix(section.as_str()) {
                    rest.to_string()
                } else if let Some(rest) = v.full.strip_prefix(prefix.as_str()) {
                    rest.to_string()
                } else {
                    v.leaf().to_string()
                };
                match select {
                    Some((h, lo)) if h == lo => s += &format!("[{h}]"),
                    Some((h, lo)) => s += &format!("[{h}:{lo}]"),
                    None if v.width > 1 => s += &format!("[{}:{}]", v.msb, v.lsb),
                    None => {}
                }
                if s.chars().count() > MAX_LABEL {
                    let tail: String = s.chars().skip(s.chars().count() - (MAX_LABEL - 1)).collect();
                    s = format!("…{tail}");
                }
                out.push(s);
            }
        }
    }
    (out, prefix)
}

/// Draws cycles `from_cycle..=to_cycle` of the VCD as a standalone SVG document.
pub fn render_svg(spec: &WaveSpec) -> Result<String, WaveError> {
    let mut l = load(&spec.vcd)?;
    let clock = l.clock(spec.clock.as_deref())?;
    let (from, to) = (spec.from_cycle, spec.to_cycle);
    if from > to {
        return Err(WaveError::EmptyWindow { from, to });
    }
    let cycles = l.cycles(clock)?;
    let clock_name = l.vars[clock].full.clone();
    if from < cycles.first || to > cycles.last() {
        return Err(WaveError::BeyondFile {
            from,
            to,
            file: spec.vcd.clone(),
            first: cycles.first,
            last: cycles.last(),
            clock: clock_name,
        });
    }
    let mut rows = rows(&l, &spec.signals)?;
    let sigs: Vec<SignalRef> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Signal { var, .. } => Some(l.vars[*var].sig),
            Row::Heading(_) => None,
        })
        .collect();
    l.w.load_signals(&sigs);

    let mut b = vec![cycles.begin(from)];
    b.extend((from..=to).map(|c| cycles.end(c)));
    let n = (to - from + 1) as usize;
    let clock_sig = l.vars[clock].sig;
    let (constant, cut) =
        if spec.signals.is_empty() { trim_default(&l, &mut rows, clock_sig, b[0], b[n]) } else { (0, 0) };
    let (labels, prefix) = labels(&l, &rows, clock_sig);

    // Headings run across the plot: only signal labels size the name column.
    let longest = (rows.iter().zip(&labels))
        .filter(|(r, _)| matches!(r, Row::Signal { .. }))
        .map(|(_, s)| s.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let name_w = longest as f64 * CHAR_W + 2.0 * MARGIN;
    let px = (960.0 / n as f64).clamp(18.0, 72.0).round();
    let x0 = MARGIN + name_w;
    let axis = Axis { b: b.clone(), x0, px };
    let plot_w = n as f64 * px;
    let top = MARGIN + TITLE_H + HEADER_H;
    let rows_h = rows.len() as f64 * ROW_H;
    // Layers, bottom up: row shading, grid, everything else.
    let (mut back, mut grid, mut fore) = (Svg::default(), Svg::default(), Svg::default());

    let text_y = |y: f64| y + ROW_H / 2.0 + FONT * 0.35;
    let mut shade = false;
    for (i, (row, label)) in rows.iter().zip(&labels).enumerate() {
        let y = top + i as f64 * ROW_H;
        match row {
            Row::Heading(_) => {
                fore.rect(MARGIN, y, name_w + plot_w, ROW_H, "#e8edf3", None);
                fore.text(MARGIN + 4.0, text_y(y), r##"font-weight="bold" fill="#1f3b57""##, label, None);
                shade = false;
            }
            Row::Signal { var, select, .. } => {
                let v = &l.vars[*var];
                if shade {
                    back.rect(MARGIN, y, name_w + plot_w, ROW_H, "#f5f7fa", None);
                }
                shade = !shade;
                let width = select.map_or(v.width, |(h, lo)| (h - lo + 1) as u32);
                fore.open_group(&v.full);
                fore.text(MARGIN + 4.0, text_y(y), r##"fill="#222""##, label, Some(&v.gtkwave_name()));
                let segs = segments(&l, *var, *select, b[0], b[n]);
                if width == 1 {
                    draw_bit(&mut fore, &axis, &segs, y);
                } else {
                    draw_bus(&mut fore, &axis, &segs, y, label);
                }
                fore.close_group();
            }
        }
    }

    // Grid lines on the rising edges; cycle numbers above, thinned out when they crowd.
    let number_w = to.to_string().len() as f64 * CHAR_W + 6.0;
    let every = (1..).find(|k| *k as f64 * px >= number_w).unwrap_or(1) as u64;
    for k in 0..=n {
        let x = x0 + k as f64 * px;
        grid.line((x, top - 4.0), (x, top + rows_h), "#d5dce4", 1.0, None);
    }
    for k in 0..n {
        let c = from + k as u64;
        if k == 0 || c.rem_euclid(every) == 0 {
            let x = x0 + (k as f64 + 0.5) * px;
            grid.text(x, top - 8.0, r##"text-anchor="middle" fill="#556""##, &c.to_string(), None);
        }
    }

    let file = spec.vcd.file_name().map_or_else(|| spec.vcd.display().to_string(), |f| f.to_string_lossy().into());
    let mut title = format!("{file}: cycles {from}..{to} (rising edges of {})", l.vars[clock].leaf());
    let scope = prefix.trim_end_matches('.');
    if !scope.is_empty() {
        title += &format!(", in {scope}");
    }
    let mut notes = Vec::new();
    if fore.unknown {
        notes.push("red: unknown (x), amber: high impedance (z)".to_string());
    }
    if constant > 0 {
        notes.push(format!("{constant} signals of the default set are constant in this window and not shown"));
    }
    if cut > 0 {
        notes.push(format!("{cut} more signals of the default set not shown: choose signals to see them"));
    }
    for (k, note) in notes.iter().enumerate() {
        fore.text(MARGIN, top + rows_h + 16.0 + k as f64 * 16.0, r##"fill="#666""##, note, None);
    }
    let foot_h = if notes.is_empty() { 0.0 } else { 8.0 + notes.len() as f64 * 16.0 };
    let (width, height) = ((x0 + plot_w + MARGIN).ceil(), (top + rows_h + MARGIN + foot_h).ceil());

    let mut svg = format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" "#,
            r#"font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{font}" "#,
            r#"data-plot-x="{x0}" data-cycle-width="{px}">"#,
            "\n",
            r##"<rect width="100%" height="100%" fill="#ffffff"/>"##,
            "\n",
        ),
        w = width,
        h = height,
        font = FONT,
        x0 = x0,
        px = px
    );
    let mut head = Svg::default();
    head.text(MARGIN, MARGIN + 12.0, r##"fill="#333""##, &title, None);
    for layer in [head, back, grid, fore] {
        svg += &layer.out;
    }
    svg += "</svg>\n";
    Ok(svg)
}
