// SPDX-License-Identifier: Apache-2.0
//! Signal selection: full names, unique dotted suffixes, globs and bit selects resolved to
//! variables, the clock found, and an unknown name answered with the closest names (edit
//! distance, `strsim`). Globs are regexes (`regex`): `globset` would read the brackets of
//! `gen_core[1]` as a character class, and its `{a,b}` and `**` would need escaping too.

use std::collections::HashSet;

use regex::Regex;
use wellen::SignalRef;

use super::load::{Loaded, Selected};
use super::{WaveError, MAX_GLOB_MATCHES};

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
    fn lookup(&self, name: &str) -> Result<Vec<usize>, WaveError> {
        if name.contains(['*', '?']) {
            // Aliases (a port and the register driving it) once, under their first name.
            let mut seen = HashSet::new();
            let glob = glob(name);
            let hits: Vec<usize> = (0..self.vars.len())
                .filter(|&k| glob.is_match(&self.vars[k].full) && seen.insert(self.vars[k].sig))
                .collect();
            if hits.len() > MAX_GLOB_MATCHES {
                return Err(WaveError::TooManyMatches { pattern: name.to_string(), count: hits.len() });
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
                let names = hits.iter().take(8).map(|&k| self.vars[k].full.clone()).collect();
                Err(WaveError::Ambiguous { name: name.to_string(), count: hits.len(), names })
            }
        }
    }

    /// The variables `pattern` stands for, each with its bit select (if any).
    pub(super) fn resolve(&self, pattern: &str) -> Result<Vec<Selected>, WaveError> {
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
                        return Err(WaveError::BitsOutside {
                            pattern: pattern.to_string(),
                            hi,
                            lo,
                            signal: v.full.clone(),
                            msb: v.msb,
                            lsb: v.lsb,
                        });
                    }
                    let whole = hi == top && lo == bottom;
                    out.push((k, (!whole).then_some((hi, lo))));
                }
                return Ok(out);
            }
        }
        Err(self.unknown(pattern))
    }

    fn unknown(&self, pattern: &str) -> WaveError {
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
        let mut close: Vec<String> = Vec::new();
        for (near, _, n) in scored {
            if close.len() == 6 || near > want_leaf.len().max(3) / 2 + 1 {
                break;
            }
            if !close.iter().any(|c| c == n) {
                close.push(n.to_string());
            }
        }
        WaveError::UnknownSignal {
            pattern: pattern.to_string(),
            file: self.path.clone(),
            close,
            count: self.vars.len(),
        }
    }

    /// The clock: the named one, else the top-most `clk_i` / `clk`.
    pub(super) fn clock(&self, name: Option<&str>) -> Result<usize, WaveError> {
        let k = match name {
            Some(n) => {
                let hits = self.resolve(n)?;
                match hits.as_slice() {
                    [(k, None)] => *k,
                    _ => return Err(WaveError::ClockNotOne(n.to_string())),
                }
            }
            None => (0..self.vars.len())
                .filter(|&k| matches!(self.vars[k].leaf(), "clk_i" | "clk") && self.vars[k].width == 1)
                .min_by_key(|&k| self.vars[k].full.len())
                .ok_or_else(|| WaveError::NoClock(self.path.clone()))?,
        };
        if self.vars[k].width != 1 {
            let v = &self.vars[k];
            return Err(WaveError::ClockWidth { name: v.full.clone(), width: v.width });
        }
        Ok(k)
    }
}
