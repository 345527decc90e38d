// SPDX-License-Identifier: Apache-2.0
//! Loading a waveform: its variables and names, the cycle numbering its clock gives it, and
//! the values of one variable (or a bit select of it) over a window.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wellen::simple::Waveform;
use wellen::{SignalRef, SignalValue};

use super::WaveError;

/// One variable of the file.
pub(super) struct Var {
    pub(super) full: String,
    pub(super) sig: SignalRef,
    /// Bits, 0 for real and string variables.
    pub(super) width: u32,
    /// Declared range (`[msb:lsb]`); `[width-1:0]` when the file gives none.
    pub(super) msb: i64,
    pub(super) lsb: i64,
    /// The file declared a range (GTKWave then shows it as part of the name).
    ranged: bool,
}

impl Var {
    pub(super) fn leaf(&self) -> &str {
        self.full.rsplit('.').next().unwrap_or(&self.full)
    }

    /// The name GTKWave lists the variable under.
    pub(super) fn gtkwave_name(&self) -> String {
        if self.ranged {
            format!("{}[{}:{}]", self.full, self.msb, self.lsb)
        } else {
            self.full.clone()
        }
    }
}

/// A variable (index into `Loaded::vars`) and its bit select `[msb:lsb]`, if any.
pub(super) type Selected = (usize, Option<(i64, i64)>);

pub(super) struct Loaded {
    pub(super) path: PathBuf,
    pub(super) w: Waveform,
    pub(super) vars: Vec<Var>,
}

pub(super) fn load(path: &Path) -> Result<Loaded, WaveError> {
    let meta = std::fs::metadata(path).map_err(|e| WaveError::Read { path: path.to_path_buf(), error: Arc::new(e) })?;
    if meta.is_dir() {
        return Err(WaveError::Directory(path.to_path_buf()));
    }
    let w = wellen::simple::read(path).map_err(|e| match e {
        wellen::WellenError::UnknownFileFormat => WaveError::NotAWaveform(path.to_path_buf()),
        e => WaveError::Parse { path: path.to_path_buf(), message: e.to_string() },
    })?;
    let h = w.hierarchy();
    let vars: Vec<Var> = h
        .iter_vars()
        .map(|v| {
            let width = v.length().unwrap_or(0);
            let (msb, lsb, ranged) = match v.index() {
                Some(i) => (i.msb(), i.lsb(), true),
                None => (width.max(1) as i64 - 1, 0, false),
            };
            Var { full: v.full_name(h), sig: v.signal_ref(), width, msb, lsb, ranged }
        })
        .collect();
    if vars.is_empty() {
        return Err(WaveError::NoSignals(path.to_path_buf()));
    }
    Ok(Loaded { path: path.to_path_buf(), w, vars })
}

impl Loaded {
    /// The clock's rising edges (0 to 1) and the cycle the first one ends.
    pub(super) fn cycles(&mut self, clock: usize) -> Result<Cycles, WaveError> {
        let sig = self.vars[clock].sig;
        self.w.load_signals(&[sig]);
        let times = self.w.time_table();
        let s = self.w.get_signal(sig).expect("loaded");
        let mut prev = None;
        let mut edges = Vec::new();
        for (idx, value) in s.iter_changes() {
            let now = bits(&value).chars().next();
            if prev == Some('0') && now == Some('1') {
                edges.push(times[idx as usize]);
            }
            prev = now;
        }
        let Some(&e0) = edges.first() else {
            return Err(WaveError::ClockNeverRises { path: self.path.clone(), clock: self.vars[clock].full.clone() });
        };
        let start = times.first().copied().unwrap_or(0);
        let period = if edges.len() > 1 { edges[1] - e0 } else { e0 - start };
        let first = e0.checked_div(period).map_or(0, |q| q.saturating_sub(1));
        Ok(Cycles { first, edges, period, start })
    }
}

/// Cycle numbering of a file: `edges[k]` ends cycle `first + k`.
pub(super) struct Cycles {
    pub(super) first: u64,
    edges: Vec<u64>,
    period: u64,
    /// The file's first time.
    start: u64,
}

impl Cycles {
    pub(super) fn last(&self) -> u64 {
        self.first + self.edges.len() as u64 - 1
    }

    /// When cycle `c` ends (its rising edge).
    pub(super) fn end(&self, c: u64) -> u64 {
        self.edges[(c - self.first) as usize]
    }

    /// When cycle `c` starts: the previous edge; the first cycle one period before its edge.
    pub(super) fn begin(&self, c: u64) -> u64 {
        if c > self.first {
            self.end(c - 1)
        } else {
            self.edges[0].saturating_sub(self.period).max(self.start)
        }
    }
}

/// A value as a bit string, most significant first (`0`, `1`, `x`, `z`, ...).
fn bits(v: &SignalValue) -> String {
    match v {
        SignalValue::Real(r) => r.to_string(),
        SignalValue::String(s) => s.to_string(),
        other => other.to_bit_string().unwrap_or_default(),
    }
}

/// The first and last cycle `vcd` holds (both whole), counted as
/// [`render_svg`](super::render_svg) counts them.
pub fn cycle_range(vcd: &Path, clock: Option<&str>) -> Result<(u64, u64), WaveError> {
    let mut l = load(vcd)?;
    let k = l.clock(clock)?;
    let c = l.cycles(k)?;
    Ok((c.first, c.last()))
}

/// Bits `[hi:lo]` of a value, most significant first.
fn select(value: &str, v: &Var, (hi, lo): (i64, i64)) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() != v.width as usize {
        return value.to_string();
    }
    (lo..=hi)
        .rev()
        .map(|i| {
            let pos = if v.msb >= v.lsb { v.msb - i } else { i - v.msb };
            chars[pos as usize]
        })
        .collect()
}

/// The values of a row over `[t0, t1)`: (start, end, bits), neighbours differing.
pub(super) fn segments(l: &Loaded, var: usize, sel: Option<(i64, i64)>, t0: u64, t1: u64) -> Vec<(u64, u64, String)> {
    let v = &l.vars[var];
    let times = l.w.time_table();
    let s = l.w.get_signal(v.sig).expect("loaded");
    let unknown = "x".repeat(v.width.max(1) as usize);
    let mut cur = unknown.clone();
    let mut changes: Vec<(u64, String)> = Vec::new();
    for (idx, value) in s.iter_changes() {
        let t = times[idx as usize];
        if t >= t1 {
            break;
        }
        if t <= t0 {
            cur = bits(&value);
        } else {
            changes.push((t, bits(&value)));
        }
    }
    let pick = |b: String| match sel {
        Some(r) if b.len() == v.width as usize => select(&b, v, r),
        Some((hi, lo)) if b.len() != v.width as usize => "x".repeat((hi - lo + 1) as usize),
        _ => b,
    };
    let mut out: Vec<(u64, u64, String)> = vec![(t0, t1, pick(cur))];
    for (t, b) in changes {
        let b = pick(b);
        let last = out.last_mut().expect("one segment");
        if last.2 == b {
            continue;
        }
        if last.0 == t {
            last.2 = b;
        } else {
            last.1 = t;
            out.push((t, t1, b));
        }
    }
    // Changes within one timestamp can settle back to the previous value.
    out.dedup_by(|b, a| {
        if a.2 == b.2 {
            a.1 = b.1;
            true
        } else {
            false
        }
    });
    out
}
