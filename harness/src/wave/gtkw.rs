// SPDX-License-Identifier: Apache-2.0
//! GTKWave save files: the chosen (or default) signals of a waveform, grouped, 1-bit
//! signals in binary and vectors in hex.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use super::load::load;
use super::WaveError;

/// Writes a GTKWave save file showing `groups` (entries as in
/// [`WaveSpec::signals`](super::WaveSpec::signals): names, globs, bit selects, `label=`; a
/// `# heading` entry opens a group of its own inside the named one) of `vcd`: 1-bit signals
/// in binary, vectors in hex, each group a collapsible group, open. A group with an empty
/// name is not grouped.
pub fn write_gtkw(vcd: &Path, gtkw_out: &Path, groups: &[(String, Vec<String>)]) -> Result<(), WaveError> {
    let l = load(vcd)?;
    let dump =
        std::fs::canonicalize(vcd).map_err(|e| WaveError::Resolve { path: vcd.to_path_buf(), error: Arc::new(e) })?;
    let mut s = String::new();
    let _ = writeln!(s, "[*] GTKWave save file written by tlb-harness (harness/src/wave/gtkw.rs)");
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
    std::fs::write(gtkw_out, s).map_err(|e| WaveError::Write { path: gtkw_out.to_path_buf(), error: Arc::new(e) })
}

enum GtkwItem {
    Heading(String),
    Trace(usize, Option<(i64, i64)>, Option<String>),
}

/// The label inside a `+{label} ` alias prefix, else `default`.
fn label_or(alias: &str, default: &str) -> String {
    alias.strip_prefix("+{").and_then(|a| a.strip_suffix("} ")).unwrap_or(default).to_string()
}
