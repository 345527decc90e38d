// SPDX-License-Identifier: Apache-2.0
//! What a run counts: per core ([`CoreStats`]), the operating-system events ([`OsCounts`]),
//! every shootdown ([`Shootdown`]), all of it together ([`RunStats`]); and the histogram of
//! sync latencies.

use serde::Serialize;

/// Per-core statistics.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CoreStats {
    pub translations: u64,
    pub hits: u64,
    pub walks: u64,
    /// Translations answered with a page fault (the OS then handles them).
    pub tlb_faults: u64,
    /// Page faults that mapped a page (demand paging).
    pub demand_faults: u64,
    /// Stores to copy-on-write pages.
    pub cow_faults: u64,
    /// Permission faults the OS could not resolve (counted, not retried).
    pub protection_faults: u64,
    /// Accesses to unmapped memory (munmapped, or PROT_NONE).
    pub unmapped_accesses: u64,
    pub context_switches: u64,
    pub kernel_threads: u64,
    /// Shootdowns this core initiated.
    pub shootdowns: u64,
    /// Translations and hits per window of [`OsConfig::window`] cycles.
    ///
    /// [`OsConfig::window`]: super::OsConfig::window
    pub series: Vec<(u32, u32)>,
}

/// Operating-system events.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OsCounts {
    pub execs: u64,
    pub forks: u64,
    pub exits: u64,
    /// Execs and forks that got an ASID another process had.
    pub asid_reuses: u64,
    pub mmaps: u64,
    pub munmaps: u64,
    pub mprotects: u64,
    pub madvises: u64,
    pub collapses: u64,
    pub splits: u64,
    pub migrations: u64,
    /// Pointer-masking (LAM) changes.
    pub attr_changes: u64,
}

/// One shootdown: the posts of an OS operation and its sync.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Shootdown {
    pub core: usize,
    /// Cycle the first post was accepted, and the sync completed.
    pub posted: u64,
    pub synced: u64,
    pub pages: u64,
    /// CPUs Linux would interrupt.
    pub ipi_targets: u64,
}

/// What a run gathered.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunStats {
    pub cycles: u64,
    pub cores: Vec<CoreStats>,
    pub os: OsCounts,
    pub shootdowns: Vec<Shootdown>,
    pub walk_restarts: u64,
    pub oracle_checks: u64,
}

/// A histogram of sync latencies: (upper bound in cycles, count), bounds powers of two.
pub fn latency_histogram(lat: &[u64]) -> Vec<(u64, u64)> {
    let mut h: Vec<(u64, u64)> = Vec::new();
    for &l in lat {
        let b = l.max(1).next_power_of_two();
        match h.iter_mut().find(|(k, _)| *k == b) {
            Some(e) => e.1 += 1,
            None => h.push((b, 1)),
        }
    }
    h.sort_unstable();
    h
}
