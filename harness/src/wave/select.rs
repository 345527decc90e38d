// SPDX-License-Identifier: Apache-2.0
//! Signal selection: full names, unique dotted suffixes, globs and bit selects resolved to
//! variables, the clock found, and an unknown name answered with the closest names (edit
//! distance, `strsim`). Globs are regexes (`regex`): `globset` would read the brackets of
//! `gen_core[1]` as a character class, and its `{a,b}` and `**` would need escaping too.

use std::collections::HashSet;

use regex::Regex;
use wellen::SignalRef;

use super::load::{Loaded, Selected};
use super::MAX_GLOB_MATCHES;

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

/// A glob as a regex: `*` any run of characters, `?` one; everything else (brackets too,
/// as in `gen_core[1]`) literal.
pub(super) fn glob(pattern: &str) -> Regex {
    let body: String = pattern
        .chars()
        .map(|c| match c {
            '*' => ".*".to_string(),
            '?' => ".".to_string(),
            c => regex::escape(c.encode_utf8(&mut [0; 4])),
        })
        .collect();
    Regex::new(&format!("^(?s:{body})$")).expect("an escaped pattern is a regex")
}

impl Loaded {
    /// Indices of the variables `name` (no bit select) stands for.
    fn lookup(&self, name: &str) -> Result<Vec<usize>, String> {
        if name.contains(['*', '?']) {
            // Aliases (a port and the register driving it) once, under their first name.
            let mut seen = HashSet::new();
            let glob = glob(name);
            let hits: Vec<usize> = (0..self.vars.len())
                .filter(|&k| glob.is_match(&self.vars[k].full) && seen.insert(self.vars[k].sig))
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
    pub(super) fn resolve(&self, pattern: &str) -> Result<Vec<Selected>, String> {
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
                    strsim::levenshtein(&want_leaf, &leaf)
                };
                // Then by how much of the rest of the path agrees.
                let full = v.full.to_lowercase();
                let tail = &full[full.len().saturating_sub(want.len())..];
                (near, strsim::levenshtein(&want, tail), v.full.as_str())
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
    pub(super) fn clock(&self, name: Option<&str>) -> Result<usize, String> {
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
}
