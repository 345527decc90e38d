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

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use wellen::simple::Waveform;
use wellen::{Hierarchy, Scope, SignalRef, SignalValue};

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

// ---------------------------------------------------------------------------------------
// Loading and naming

/// One variable of the file.
struct Var {
    full: String,
    sig: SignalRef,
    /// Bits, 0 for real and string variables.
    width: u32,
    /// Declared range (`[msb:lsb]`); `[width-1:0]` when the file gives none.
    msb: i64,
    lsb: i64,
    /// The file declared a range (GTKWave then shows it as part of the name).
    ranged: bool,
}

impl Var {
    fn leaf(&self) -> &str {
        self.full.rsplit('.').next().unwrap_or(&self.full)
    }

    /// The name GTKWave lists the variable under.
    fn gtkwave_name(&self) -> String {
        if self.ranged {
            format!("{}[{}:{}]", self.full, self.msb, self.lsb)
        } else {
            self.full.clone()
        }
    }
}

/// A variable (index into `Loaded::vars`) and its bit select `[msb:lsb]`, if any.
type Selected = (usize, Option<(i64, i64)>);

struct Loaded {
    path: PathBuf,
    w: Waveform,
    vars: Vec<Var>,
}

fn load(path: &Path) -> Result<Loaded, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.is_dir() {
        return Err(format!("{} is a directory, not a VCD file", path.display()));
    }
    let w = wellen::simple::read(path).map_err(|e| match e {
        wellen::WellenError::UnknownFileFormat => format!("{} is not a VCD file (nor FST or GHW)", path.display()),
        e => format!("cannot read {} as a waveform: {e}", path.display()),
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
        return Err(format!("{} has no signals", path.display()));
    }
    Ok(Loaded { path: path.to_path_buf(), w, vars })
}

/// `name[msb:lsb]` / `name[bit]` at the end of a pattern: (name, (msb, lsb)).
fn split_select(pattern: &str) -> Option<(&str, (i64, i64))> {
    let body = pattern.strip_suffix(']')?;
    let open = body.rfind('[')?;
    let (name, range) = (&body[..open], &body[open + 1..]);
    let num = |s: &str| s.trim().parse::<i64>().ok();
    let sel = match range.split_once(':') {
        Some((m, l)) => (num(m)?, num(l)?),
        None => (num(range)?, num(range)?),
    };
    (!name.is_empty()).then_some((name, sel))
}

/// `*` any run of characters, `?` one; everything else (brackets too) literal.
fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + (ca != b[j]) as usize).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

impl Loaded {
    /// Indices of the variables `name` (no bit select) stands for.
    fn lookup(&self, name: &str) -> Result<Vec<usize>, String> {
        if name.contains(['*', '?']) {
            // Aliases (a port and the register driving it) once, under their first name.
            let mut seen = HashSet::new();
            let hits: Vec<usize> = (0..self.vars.len())
                .filter(|&k| glob_match(name, &self.vars[k].full) && seen.insert(self.vars[k].sig))
                .collect();
            if hits.len() > MAX_GLOB_MATCHES {
                return Err(format!("`{name}` matches {} signals (at most {MAX_GLOB_MATCHES}): narrow it", hits.len()));
            }
            return Ok(hits);
        }
        if let Some(k) = self.vars.iter().position(|v| v.full == name) {
            return Ok(vec![k]);
        }
        let dotted = format!(".{name}");
        let hits: Vec<usize> = (0..self.vars.len()).filter(|&k| self.vars[k].full.ends_with(&dotted)).collect();
        let distinct: HashSet<SignalRef> = hits.iter().map(|&k| self.vars[k].sig).collect();
        match distinct.len() {
            0 => Ok(vec![]),
            // Aliases of one signal (a port and the register driving it): the shortest name.
            1 => Ok(hits.iter().copied().min_by_key(|&k| self.vars[k].full.len()).into_iter().collect()),
            _ => {
                let names: Vec<&str> = hits.iter().take(8).map(|&k| self.vars[k].full.as_str()).collect();
                Err(format!(
                    "`{name}` is ambiguous: {} signals end in it ({}{}); give more of the hierarchy or a glob",
                    hits.len(),
                    names.join(", "),
                    if hits.len() > names.len() { ", ..." } else { "" }
                ))
            }
        }
    }

    /// The variables `pattern` stands for, each with its bit select (if any).
    fn resolve(&self, pattern: &str) -> Result<Vec<Selected>, String> {
        let whole = self.lookup(pattern)?;
        if !whole.is_empty() {
            return Ok(whole.into_iter().map(|k| (k, None)).collect());
        }
        if let Some((name, (hi, lo))) = split_select(pattern) {
            let hits = self.lookup(name)?;
            if !hits.is_empty() {
                let mut out = Vec::new();
                for k in hits {
                    let v = &self.vars[k];
                    let (top, bottom) = (v.msb.max(v.lsb), v.msb.min(v.lsb));
                    if v.width == 0 || hi < lo || hi > top || lo < bottom {
                        return Err(format!(
                            "`{pattern}`: bits [{hi}:{lo}] are not within {} [{}:{}]",
                            v.full, v.msb, v.lsb
                        ));
                    }
                    let whole = hi == top && lo == bottom;
                    out.push((k, (!whole).then_some((hi, lo))));
                }
                return Ok(out);
            }
        }
        Err(self.unknown(pattern))
    }

    fn unknown(&self, pattern: &str) -> String {
        let name = split_select(pattern).map_or(pattern, |(n, _)| n);
        let want: String = name.chars().filter(|c| !matches!(c, '*' | '?')).collect::<String>().to_lowercase();
        let want_leaf = want.rsplit('.').find(|s| !s.is_empty()).unwrap_or(&want).to_string();
        let mut scored: Vec<(usize, usize, &str)> = self
            .vars
            .iter()
            .map(|v| {
                let leaf = v.leaf().to_lowercase();
                let near = if !want_leaf.is_empty() && (leaf.contains(&want_leaf) || want_leaf.contains(&leaf)) {
                    0
                } else {
                    levenshtein(&want_leaf, &leaf)
                };
                // Then by how much of the rest of the path agrees.
                let full = v.full.to_lowercase();
                let tail = &full[full.len().saturating_sub(want.len())..];
                (near, levenshtein(&want, tail), v.full.as_str())
            })
            .collect();
        scored.sort();
        let mut close: Vec<&str> = Vec::new();
        for (near, _, n) in scored {
            if close.len() == 6 || near > want_leaf.len().max(3) / 2 + 1 {
                break;
            }
            if !close.contains(&n) {
                close.push(n);
            }
        }
        let hint = if close.is_empty() {
            String::from("no similar names")
        } else {
            format!("close names: {}", close.join(", "))
        };
        let (file, count) = (self.path.display(), self.vars.len());
        format!("unknown signal `{pattern}` in {file} ({hint}; {count} signals in the file)")
    }

    /// The clock: the named one, else the top-most `clk_i` / `clk`.
    fn clock(&self, name: Option<&str>) -> Result<usize, String> {
        let k = match name {
            Some(n) => {
                let hits = self.resolve(n)?;
                match hits.as_slice() {
                    [(k, None)] => *k,
                    _ => return Err(format!("clock `{n}` must name exactly one whole signal")),
                }
            }
            None => (0..self.vars.len())
                .filter(|&k| matches!(self.vars[k].leaf(), "clk_i" | "clk") && self.vars[k].width == 1)
                .min_by_key(|&k| self.vars[k].full.len())
                .ok_or_else(|| {
                    format!("{}: no signal named clk_i or clk; name the clock (--clock)", self.path.display())
                })?,
        };
        if self.vars[k].width != 1 {
            return Err(format!("clock {} is {} bits wide, not 1", self.vars[k].full, self.vars[k].width));
        }
        Ok(k)
    }

    /// The clock's rising edges (0 to 1) and the cycle the first one ends.
    fn cycles(&mut self, clock: usize) -> Result<Cycles, String> {
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
            return Err(format!("{}: the clock {} never rises", self.path.display(), self.vars[clock].full));
        };
        let start = times.first().copied().unwrap_or(0);
        let period = if edges.len() > 1 { edges[1] - e0 } else { e0 - start };
        let first = e0.checked_div(period).map_or(0, |q| q.saturating_sub(1));
        Ok(Cycles { first, edges, period, start })
    }
}

/// Cycle numbering of a file: `edges[k]` ends cycle `first + k`.
struct Cycles {
    first: u64,
    edges: Vec<u64>,
    period: u64,
    /// The file's first time.
    start: u64,
}

impl Cycles {
    fn last(&self) -> u64 {
        self.first + self.edges.len() as u64 - 1
    }

    /// When cycle `c` ends (its rising edge).
    fn end(&self, c: u64) -> u64 {
        self.edges[(c - self.first) as usize]
    }

    /// When cycle `c` starts: the previous edge; the first cycle one period before its edge.
    fn begin(&self, c: u64) -> u64 {
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

// ---------------------------------------------------------------------------------------
// Default groups and GTKWave

/// Ports (`_i`, `_o`) and registers (`_q`) of a scope, by full name, without clock and
/// reset, vectors wider than [`MAX_DEFAULT_WIDTH`] and signals already in `seen`.
fn ports_and_regs(h: &Hierarchy, s: &Scope, regs_only: bool, seen: &mut HashSet<SignalRef>) -> Vec<String> {
    let mut out = Vec::new();
    for vr in s.vars(h) {
        let v = &h[vr];
        let name = v.name(h);
        let port = name.ends_with("_i") || name.ends_with("_o") || name.ends_with("_ni") || name.ends_with("_no");
        let reg = name.ends_with("_q");
        if !(reg || (port && !regs_only)) || name.starts_with("clk") || name.starts_with("rst") {
            continue;
        }
        if v.length().is_none_or(|w| w > MAX_DEFAULT_WIDTH) || !seen.insert(v.signal_ref()) {
            continue;
        }
        out.push(v.full_name(h));
    }
    out
}

/// `gen_core[N]` -> N.
fn core_index(scope_name: &str) -> Option<usize> {
    scope_name.strip_prefix("gen_core[")?.strip_suffix(']')?.parse().ok()
}

fn groups(l: &Loaded) -> Vec<(String, Vec<String>)> {
    let h = l.w.hierarchy();
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    if let Ok(k) = l.clock(None) {
        groups.push((String::new(), vec![l.vars[k].full.clone()]));
    }
    // tlb_system: a scope holding gen_core[N] blocks (each with its u_agent and u_core) and
    // the directory.
    let system = h.iter_scopes().find(|s| {
        s.scopes(h).any(|c| core_index(h[c].name(h)).is_some() && h[c].scopes(h).any(|g| h[g].name(h) == "u_agent"))
    });
    if let Some(sys) = system {
        let mut cores: Vec<(usize, &Scope)> =
            sys.scopes(h).filter_map(|c| Some((core_index(h[c].name(h))?, &h[c]))).collect();
        cores.sort_by_key(|c| c.0);
        for (n, core) in cores {
            let mut seen = HashSet::new();
            let mut names = Vec::new();
            for inst in core.scopes(h).map(|c| &h[c]).filter(|c| c.name(h).starts_with("u_")) {
                names.extend(ports_and_regs(h, inst, false, &mut seen));
            }
            groups.push((format!("core {n}"), names));
        }
        let mut seen = HashSet::new();
        let mut fabric = Vec::new();
        for inst in sys.scopes(h).map(|c| &h[c]).filter(|c| c.name(h).starts_with("u_")) {
            fabric.extend(ports_and_regs(h, inst, false, &mut seen));
        }
        fabric.extend(ports_and_regs(h, sys, true, &mut seen));
        groups.push(("fabric".to_string(), fabric));
        return groups;
    }
    // Anything else: one group per instance (`u_*`, the project's naming), named by its path
    // from the first instance down; failing that, one per scope.
    for instances_only in [true, false] {
        for s in h.iter_scopes() {
            let full = s.full_name(h);
            let name = if instances_only {
                if !s.name(h).starts_with("u_") {
                    continue;
                }
                let from = full.split('.').position(|p| p.starts_with("u_")).unwrap_or(0);
                full.split('.').skip(from).collect::<Vec<_>>().join(".")
            } else {
                full
            };
            let names = ports_and_regs(h, s, false, &mut HashSet::new());
            let names = if names.is_empty() && !instances_only {
                s.vars(h).map(|v| h[v].full_name(h)).take(MAX_DEFAULT_ROWS).collect()
            } else {
                names
            };
            if !names.is_empty() {
                groups.push((name, names));
            }
        }
        if groups.iter().any(|g| !g.0.is_empty()) {
            break;
        }
    }
    groups
}

/// Signals grouped for a viewer, derived from the hierarchy: for a `tlb_system` VCD one
/// group per core (`core N`: its agent's and its TLB's ports and registers) and one for the
/// fabric (the directory's ports and registers, the system's own counters); for any other
/// VCD one group per instance (`u_*` scope). A first group with an empty name holds the
/// clock. Full hierarchical names, without range.
pub fn default_groups(vcd: &Path) -> Result<Vec<(String, Vec<String>)>, String> {
    Ok(groups(&load(vcd)?))
}

/// Writes a GTKWave save file showing `groups` (entries as in [`WaveSpec::signals`]:
/// names, globs, bit selects, `label=`; a `# heading` entry opens a group of its own inside
/// the named one) of `vcd`: 1-bit signals in binary, vectors in hex, each group a
/// collapsible group, open. A group with an empty name is not grouped.
pub fn write_gtkw(vcd: &Path, gtkw_out: &Path, groups: &[(String, Vec<String>)]) -> Result<(), String> {
    let l = load(vcd)?;
    let dump = std::fs::canonicalize(vcd).map_err(|e| format!("cannot resolve {}: {e}", vcd.display()))?;
    let mut s = String::new();
    let _ = writeln!(s, "[*] GTKWave save file written by tlb-harness (harness/src/wave.rs)");
    let _ = writeln!(s, "[dumpfile] \"{}\"", dump.display());
    let _ = writeln!(s, "[timestart] 0");
    let _ = writeln!(s, "[size] 1600 900");
    let _ = writeln!(s, "[pos] -1 -1");
    let _ = writeln!(s, "[sst_width] 260");
    let _ = writeln!(s, "[signals_width] 360");
    let _ = writeln!(s, "[sst_expanded] 1");
    let _ = writeln!(s, "[sst_vpaned_height] 300");
    let mut flags = "";
    for (name, signals) in groups {
        // Resolve everything first: a bad name fails before anything is written.
        let mut items: Vec<GtkwItem> = Vec::new();
        for entry in signals {
            let entry = entry.trim();
            if let Some(h) = entry.strip_prefix('#') {
                items.push(GtkwItem::Heading(h.trim().to_string()));
                continue;
            }
            if entry.is_empty() {
                continue;
            }
            let (label, pattern) = match entry.split_once('=') {
                Some((label, p)) => (Some(label.trim().replace(['{', '}'], "")), p.trim()),
                None => (None, entry),
            };
            for (k, sel) in l.resolve(pattern)? {
                items.push(GtkwItem::Trace(k, sel, label.clone()));
            }
        }
        let mut open: Vec<&str> = Vec::new();
        if !name.is_empty() {
            let _ = writeln!(s, "@800200\n-{name}");
            open.push(name);
            flags = "";
        }
        for item in &items {
            let (k, sel, label) = match item {
                GtkwItem::Heading(h) => {
                    // A heading closes the previous one's group and opens its own, nested in
                    // the named group.
                    if open.len() > (!name.is_empty()) as usize {
                        let _ = writeln!(s, "@1000200\n-{}", open.pop().expect("open"));
                    }
                    let _ = writeln!(s, "@800200\n-{h}");
                    open.push(h);
                    flags = "";
                    continue;
                }
                GtkwItem::Trace(k, sel, label) => (*k, *sel, label),
            };
            let v = &l.vars[k];
            let width = sel.map_or(v.width, |(hi, lo)| (hi - lo + 1) as u32);
            // Binary for 1 bit, hex for vectors; both right-justified (0x20).
            let want = if width == 1 { "@28" } else { "@22" };
            if want != flags {
                let _ = writeln!(s, "{want}");
                flags = want;
            }
            let alias = label.as_ref().map(|a| format!("+{{{a}}} ")).unwrap_or_default();
            // GTKWave names bit i of a vector `(p)name[msb:lsb]`, p counted from the msb.
            let bit = |i: i64| format!("({}){}", if v.msb >= v.lsb { v.msb - i } else { i - v.msb }, v.gtkwave_name());
            let _ = match sel {
                None => writeln!(s, "{alias}{}", v.gtkwave_name()),
                Some((hi, lo)) if hi == lo => writeln!(s, "{alias}{}", bit(hi)),
                Some((hi, lo)) => {
                    let bits: Vec<String> = (lo..=hi).rev().map(bit).collect();
                    let label = label_or(&alias, &format!("{}[{hi}:{lo}]", v.leaf()));
                    writeln!(s, "#{{{label}}} {}", bits.join(" "))
                }
            };
        }
        while let Some(g) = open.pop() {
            let _ = writeln!(s, "@1000200\n-{g}");
            flags = "";
        }
    }
    std::fs::write(gtkw_out, s).map_err(|e| format!("cannot write {}: {e}", gtkw_out.display()))
}

enum GtkwItem {
    Heading(String),
    Trace(usize, Option<(i64, i64)>, Option<String>),
}

/// The label inside a `+{label} ` alias prefix, else `default`.
fn label_or(alias: &str, default: &str) -> String {
    alias.strip_prefix("+{").and_then(|a| a.strip_suffix("} ")).unwrap_or(default).to_string()
}

/// The first and last cycle `vcd` holds (both whole), counted as [`render_svg`] counts them.
pub fn cycle_range(vcd: &Path, clock: Option<&str>) -> Result<(u64, u64), String> {
    let mut l = load(vcd)?;
    let k = l.clock(clock)?;
    let c = l.cycles(k)?;
    Ok((c.first, c.last()))
}

// ---------------------------------------------------------------------------------------
// Rendering

const FONT: f64 = 12.0;
/// Advance of one character of a 12 px monospace font (DejaVu Sans Mono: 0.602 em).
const CHAR_W: f64 = 7.3;
const ROW_H: f64 = 22.0;
const WAVE_H: f64 = 14.0;
const MARGIN: f64 = 12.0;
const TITLE_H: f64 = 26.0;
const HEADER_H: f64 = 22.0;
/// Longest row label before it is cut from the left.
const MAX_LABEL: usize = 48;

enum Row {
    Heading(String),
    Signal { label: String, var: usize, select: Option<(i64, i64)> },
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
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

/// A bit's state in a VCD (four-state, and VHDL's nine).
fn is_state(c: char) -> bool {
    matches!(c, '0' | '1' | 'x' | 'z' | 'X' | 'Z' | 'u' | 'w' | 'h' | 'l' | '-')
}

/// Hex digits of a bit string without leading zeros; a nibble with unknown bits is `x`
/// (all x), `z` (all z) or `X` (some).
fn hex(bits: &str) -> String {
    if bits.is_empty() || !bits.chars().all(is_state) {
        return bits.to_string();
    }
    let pad = (4 - bits.len() % 4) % 4;
    let fill = if bits.starts_with(['x', 'z']) { bits.as_bytes()[0] as char } else { '0' };
    let padded: Vec<char> = std::iter::repeat_n(fill, pad).chain(bits.chars()).collect();
    let digits: String = padded
        .chunks(4)
        .map(|n| {
            if n.iter().all(|c| matches!(c, '0' | '1')) {
                let v = n.iter().fold(0, |a, &c| a * 2 + (c == '1') as u32);
                char::from_digit(v, 16).expect("a nibble")
            } else if n.iter().all(|&c| c == 'x') {
                'x'
            } else if n.iter().all(|&c| c == 'z') {
                'z'
            } else {
                'X'
            }
        })
        .collect();
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zero,
    Value,
    Unknown,
    HighZ,
}

fn kind(bits: &str) -> Kind {
    if bits.chars().all(|c| c == '0') && !bits.is_empty() {
        Kind::Zero
    } else if bits.chars().all(|c| matches!(c, '0' | '1')) {
        Kind::Value
    } else if bits.chars().all(|c| c == 'z') {
        Kind::HighZ
    } else if bits.chars().all(is_state) {
        Kind::Unknown
    } else {
        // Real or string values: drawn as a bus with the text inside.
        Kind::Value
    }
}

/// Maps times to x: each cycle of the window gets the same width, whatever the clock does.
struct Axis {
    /// Cycle boundaries: `b[0]` the start of the first cycle, `b[k+1]` the rising edge ending
    /// cycle `from + k`.
    b: Vec<u64>,
    x0: f64,
    px: f64,
}

impl Axis {
    fn x(&self, t: u64) -> f64 {
        let n = self.b.len() - 1;
        if t <= self.b[0] {
            return self.x0;
        }
        if t >= self.b[n] {
            return self.x0 + n as f64 * self.px;
        }
        let k = self.b.partition_point(|&e| e <= t) - 1;
        let frac = (t - self.b[k]) as f64 / (self.b[k + 1] - self.b[k]).max(1) as f64;
        self.x0 + (k as f64 + frac) * self.px
    }
}

/// The values of a row over `[t0, t1)`: (start, end, bits), neighbours differing.
fn segments(l: &Loaded, var: usize, sel: Option<(i64, i64)>, t0: u64, t1: u64) -> Vec<(u64, u64, String)> {
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

fn rows(l: &Loaded, signals: &[String]) -> Result<Vec<Row>, String> {
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
            return Err(format!("empty signal name in `{e}`"));
        }
        for (var, sel) in l.resolve(pattern)? {
            let label = label.map(str::to_string).unwrap_or_default();
            rows.push(Row::Signal { label, var, select: sel });
        }
    }
    if !rows.iter().any(|r| matches!(r, Row::Signal { .. })) {
        return Err(format!("no signals to draw from {}", l.path.display()));
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
pub fn render_svg(spec: &WaveSpec) -> Result<String, String> {
    let mut l = load(&spec.vcd)?;
    let clock = l.clock(spec.clock.as_deref())?;
    let (from, to) = (spec.from_cycle, spec.to_cycle);
    if from > to {
        return Err(format!("empty window: from cycle {from} is after to cycle {to}"));
    }
    let cycles = l.cycles(clock)?;
    let clock_name = l.vars[clock].full.clone();
    if from < cycles.first || to > cycles.last() {
        return Err(format!(
            "window {from}..={to} is beyond the file: {} holds cycles {}..={} (rising edges of {clock_name})",
            spec.vcd.display(),
            cycles.first,
            cycles.last()
        ));
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

/// SVG elements, one a line.
#[derive(Default)]
struct Svg {
    out: String,
    /// An x or z value was drawn (the picture then explains the colours).
    unknown: bool,
}

impl Svg {
    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, stroke: Option<&str>) {
        let stroke = stroke.map(|s| format!(r#" stroke="{s}" stroke-width="1""#)).unwrap_or_default();
        let _ =
            writeln!(self.out, r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{fill}"{stroke}/>"#);
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, width: f64, title: Option<&str>) {
        let _ = write!(
            self.out,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}" stroke-width="{width}""#
        );
        self.close(title, "line");
    }

    /// Text at (x, y) with `attrs`; `title` is the tooltip.
    fn text(&mut self, x: f64, y: f64, attrs: &str, text: &str, title: Option<&str>) {
        let _ = write!(self.out, r#"<text x="{x:.1}" y="{y:.1}" {attrs}>{}"#, xml(text));
        if let Some(t) = title {
            let _ = write!(self.out, "<title>{}</title>", xml(t));
        }
        let _ = writeln!(self.out, "</text>");
    }

    fn polygon(&mut self, points: &[(f64, f64)], fill: &str, stroke: &str, title: Option<&str>) {
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let pts = pts.join(" ");
        let _ = write!(self.out, r#"<polygon points="{pts}" fill="{fill}" stroke="{stroke}" stroke-width="1.2""#);
        self.close(title, "polygon");
    }

    fn path(&mut self, d: &str, stroke: &str) {
        let _ = writeln!(self.out, r#"<path d="{d}" fill="none" stroke="{stroke}" stroke-width="1.5"/>"#);
    }

    /// Ends an element opened without its `>`: empty, or holding a tooltip.
    fn close(&mut self, title: Option<&str>, tag: &str) {
        let _ = match title {
            Some(t) => writeln!(self.out, "><title>{}</title></{tag}>", xml(t)),
            None => writeln!(self.out, "/>"),
        };
    }

    /// A row: its elements carry the signal's full name (for tools and tests).
    fn open_group(&mut self, signal: &str) {
        let _ = writeln!(self.out, r#"<g data-signal="{}">"#, xml(signal));
    }

    fn close_group(&mut self) {
        let _ = writeln!(self.out, "</g>");
    }
}

const TRACE: &str = "#1b6e3a";
const BUS: &str = "#2a5d9f";
const BUS_FILL: &str = "#dce8f7";
const X_STROKE: &str = "#c0392b";
const X_FILL: &str = "#f6d2cd";
const Z_STROKE: &str = "#c98a00";

/// Top and bottom of a row's wave, and its middle.
fn levels(y: f64) -> (f64, f64, f64) {
    let (hi, lo) = (y + (ROW_H - WAVE_H) / 2.0, y + (ROW_H + WAVE_H) / 2.0);
    (hi, lo, (hi + lo) / 2.0)
}

/// A 1-bit signal: one trace for its 0/1 stretches, x as a red box, z as an amber midline.
fn draw_bit(svg: &mut Svg, axis: &Axis, segs: &[(u64, u64, String)], y: f64) {
    let (hi, lo, mid) = levels(y);
    let mut path = String::new();
    let mut drawing = false;
    for (t0, t1, v) in segs {
        let (xa, xb) = (axis.x(*t0), axis.x(*t1));
        let level = match v.as_str() {
            "1" => hi,
            "0" => lo,
            _ => {
                svg.unknown = true;
                drawing = false;
                if v == "z" {
                    svg.line((xa, mid), (xb, mid), Z_STROKE, 1.5, None);
                } else {
                    svg.rect(xa, hi, (xb - xa).max(0.5), WAVE_H, X_FILL, Some(X_STROKE));
                }
                continue;
            }
        };
        // Continuing the trace draws the vertical edge from the previous level.
        let _ = write!(path, " {}{xa:.1},{level:.1} L{xb:.1},{level:.1}", if drawing { "L" } else { "M" });
        drawing = true;
    }
    if !path.is_empty() {
        svg.path(path.trim_start(), TRACE);
    }
}

/// A vector: one hexagon per value, the hex value inside when it fits, the value as tooltip.
fn draw_bus(svg: &mut Svg, axis: &Axis, segs: &[(u64, u64, String)], y: f64, label: &str) {
    let (hi, lo, mid) = levels(y);
    for (t0, t1, v) in segs {
        let (xa, xb) = (axis.x(*t0), axis.x(*t1));
        let (w, text) = (xb - xa, hex(v));
        let s = (w / 2.0).min(3.0);
        let title = format!("{label} = {text}");
        let k = kind(v);
        svg.unknown |= matches!(k, Kind::Unknown | Kind::HighZ);
        match k {
            Kind::HighZ => svg.line((xa, mid), (xb, mid), Z_STROKE, 1.5, Some(&title)),
            _ => {
                let (stroke, fill) = match k {
                    Kind::Zero => (BUS, "none"),
                    Kind::Unknown => (X_STROKE, X_FILL),
                    _ => (BUS, BUS_FILL),
                };
                let points = [(xa, mid), (xa + s, hi), (xb - s, hi), (xb, mid), (xb - s, lo), (xa + s, lo)];
                svg.polygon(&points, fill, stroke, Some(&title));
            }
        }
        if text.chars().count() as f64 * CHAR_W + 2.0 * s + 4.0 <= w {
            svg.text((xa + xb) / 2.0, mid + FONT * 0.35, r##"text-anchor="middle" fill="#1a2a3a""##, &text, None);
        }
    }
}

#[cfg(test)]
mod tests {
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
        let e = render_svg(&spec(&p, &["top.u_sub.stat_q"], 0, 2)).unwrap_err();
        assert!(e.contains("unknown signal `top.u_sub.stat_q`") && e.contains("top.u_sub.state_q"), "{e}");
        let e = render_svg(&spec(&p, &["*redy*"], 0, 2)).unwrap_err();
        assert!(e.contains("top.u_sub.ready_o"), "{e}");
        let e = render_svg(&spec(&p, &["data[9:8]"], 0, 2)).unwrap_err();
        assert!(e.contains("not within top.data [7:0]"), "{e}");
    }

    #[test]
    fn windows_outside_the_file_are_refused() {
        let p = vcd("window.vcd", VCD);
        let e = render_svg(&spec(&p, &[], 3, 2)).unwrap_err();
        assert!(e.contains("empty window"), "{e}");
        let e = render_svg(&spec(&p, &[], 2, 5)).unwrap_err();
        assert!(e.contains("beyond the file") && e.contains("holds cycles 0..=4"), "{e}");
        assert!(render_svg(&spec(&p, &[], 4, 4)).is_ok(), "the last cycle alone");
    }

    #[test]
    fn unreadable_files_are_refused() {
        let missing = std::env::temp_dir().join("tlb-wave-no-such-file.vcd");
        let e = render_svg(&spec(&missing, &[], 0, 1)).unwrap_err();
        assert!(e.contains("cannot read") && e.contains("no-such-file"), "{e}");
        let p = vcd("text.vcd", "hello, not a waveform\n");
        let e = render_svg(&spec(&p, &[], 0, 1)).unwrap_err();
        assert!(e.contains("is not a VCD file"), "{e}");
    }

    #[test]
    fn globs_and_defaults() {
        assert!(glob_match("*gen_core[1]*ack*", "TOP.u_sys.gen_core[1].u_agent.ack_o"));
        assert!(!glob_match("*gen_core[1]*ack*", "TOP.u_sys.gen_core[0].u_agent.ack_o"));
        assert!(glob_match("a?c", "abc") && !glob_match("a?c", "abbc"));
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
                    vec![
                        "*u_sub*".into(),
                        "# data".into(),
                        "top.data".into(),
                        "hi=data[7:6]".into(),
                        "top.data[0]".into(),
                    ],
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
}
