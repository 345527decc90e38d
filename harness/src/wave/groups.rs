// SPDX-License-Identifier: Apache-2.0
//! The default signal groups, derived from the hierarchy: one per core and one for the
//! fabric in a `tlb_system` waveform, one per instance otherwise.

use std::collections::HashSet;
use std::path::Path;

use wellen::{Hierarchy, Scope, SignalRef};

use super::load::{load, Loaded};
use super::{WaveError, MAX_DEFAULT_ROWS, MAX_DEFAULT_WIDTH};

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

pub(super) fn groups(l: &Loaded) -> Vec<(String, Vec<String>)> {
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
pub fn default_groups(vcd: &Path) -> Result<Vec<(String, Vec<String>)>, WaveError> {
    Ok(groups(&load(vcd)?))
}
