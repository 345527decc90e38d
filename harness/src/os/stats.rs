// SPDX-License-Identifier: Apache-2.0
//! What a run counts: per core ([`CoreStats`]), the operating-system events ([`OsCounts`]),
//! every shootdown ([`Shootdown`]), all of it together ([`RunStats`]); and what it amounts
//! to, computed once at its end ([`RunStats::summary`] gives the [`Summary`] that the text
//! summary, the JSON and the plots of `tlbsim run` all read).

use serde::Serialize;
use tlb_sim::fabric::Counters;

use super::IpiCost;

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

/// What a run gathered: counted every cycle by the [`Os`], and at the run's end what the
/// system itself counted (cycles, poisoned walks, oracle checks, the fabric's counters).
///
/// [`Os`]: super::Os
#[derive(Clone, Debug, Default)]
pub struct RunStats {
    pub cycles: u64,
    pub cores: Vec<CoreStats>,
    pub os: OsCounts,
    pub shootdowns: Vec<Shootdown>,
    pub walk_restarts: u64,
    pub oracle_checks: u64,
    /// The fabric's event counters (`cnt_*`) at the run's end.
    pub fabric: Counters,
}

/// One core's figures.
#[derive(Clone, Debug, Serialize)]
pub struct CoreSummary {
    pub core: usize,
    pub hit_rate: f64,
    #[serde(flatten)]
    pub stats: CoreStats,
}

/// The spread of sync latencies (cycles from a shootdown's first post accepted to its sync
/// done).
#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    pub count: usize,
    pub min: u64,
    pub median: u64,
    pub p99: u64,
    pub max: u64,
    pub mean: f64,
    /// (upper bound in cycles, count), bounds powers of two.
    pub histogram: Vec<(u64, u64)>,
}

/// What the shootdown fabric did.
#[derive(Clone, Debug, Serialize)]
pub struct Fabric {
    pub shootdowns: u64,
    pub posts: u32,
    /// Cores the fabric sent invalidations to, in all.
    pub targets_sent: u32,
    /// Cores with a slot for the ASID that were skipped (they catch up when they switch in).
    pub targets_skipped: u32,
    pub catchups_by_log: u32,
    pub catchups_by_full_flush: u32,
    pub walks_poisoned: u64,
    /// Core-cycles a translation request waited (walks, switches, catch-ups).
    pub request_stall_cycles: u32,
    pub sync_latency: Latency,
}

/// The run's shootdowns done by the fabric against the same done by Linux with IPIs.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub ipi_cost_model: IpiCost,
    /// Interrupts Linux would send.
    pub ipis: u64,
    /// Fabric: cycles initiators waited from first post to sync done, in all.
    pub fabric_initiator_cycles: u64,
    /// Fabric: cycles taken from the targets' instruction streams (none: agents apply in
    /// hardware; refills are paid by both schemes and simulated).
    pub fabric_target_cycles: u64,
    pub ipi_initiator_cycles: u64,
    pub ipi_target_cycles: u64,
    /// (IPI initiator + target cycles) / (fabric initiator + target cycles).
    pub ipi_over_fabric: f64,
}

/// One shootdown as the summary sees it: when it completed, how long it took, and what it
/// would have cost with IPIs.
#[derive(Clone, Copy, Debug)]
pub struct ShootdownCost {
    /// The initiating core.
    pub core: usize,
    /// Cycle the sync completed.
    pub synced: u64,
    /// Cycles from the first post accepted to the sync done.
    pub latency: u64,
    /// Interrupts Linux would send.
    pub ipis: u64,
    /// What Linux would have paid ([`Shootdown::ipi_cycles`]): initiator cycles, cycles on
    /// all targets together.
    pub ipi_initiator: u64,
    pub ipi_target: u64,
}

/// What a run amounts to, computed once at its end ([`RunStats::summary`]).
#[derive(Clone, Debug)]
pub struct Summary {
    pub cycles: u64,
    /// All cores.
    pub translations: u64,
    pub hits: u64,
    pub hit_rate: f64,
    pub per_core: Vec<CoreSummary>,
    pub fabric: Fabric,
    pub os: OsCounts,
    pub fabric_vs_ipi: Comparison,
    pub oracle_checks: u64,
    /// Every shootdown, in the order they completed (by `synced`; ties in the order
    /// collected).
    pub shootdowns: Vec<ShootdownCost>,
}

impl RunStats {
    /// The run's summary, with shootdowns costed as Linux would pay for them with `ipi`.
    pub fn summary(&self, ipi: &IpiCost) -> Summary {
        let translations: u64 = self.cores.iter().map(|c| c.translations).sum();
        let hits: u64 = self.cores.iter().map(|c| c.hits).sum();
        let mut shootdowns: Vec<ShootdownCost> = self
            .shootdowns
            .iter()
            .map(|s| {
                let (ipi_initiator, ipi_target) = s.ipi_cycles(ipi);
                ShootdownCost {
                    core: s.core,
                    synced: s.synced,
                    latency: s.synced - s.posted,
                    ipis: s.ipi_targets,
                    ipi_initiator,
                    ipi_target,
                }
            })
            .collect();
        shootdowns.sort_by_key(|s| s.synced);
        let lat: Vec<u64> = shootdowns.iter().map(|s| s.latency).collect();
        let (mut ipi_init, mut ipi_tgt, mut ipis) = (0u64, 0u64, 0);
        for s in &shootdowns {
            ipi_init = ipi_init.saturating_add(s.ipi_initiator);
            ipi_tgt = ipi_tgt.saturating_add(s.ipi_target);
            ipis += s.ipis;
        }
        let fabric_init: u64 = lat.iter().sum();
        let cnt = &self.fabric;
        Summary {
            cycles: self.cycles,
            translations,
            hits,
            hit_rate: hits as f64 / translations.max(1) as f64,
            per_core: self
                .cores
                .iter()
                .enumerate()
                .map(|(core, c)| CoreSummary {
                    core,
                    hit_rate: c.hits as f64 / c.translations.max(1) as f64,
                    stats: c.clone(),
                })
                .collect(),
            fabric: Fabric {
                shootdowns: self.shootdowns.len() as u64,
                posts: cnt.posted,
                targets_sent: cnt.targets,
                targets_skipped: cnt.skipped,
                catchups_by_log: cnt.catchup_log,
                catchups_by_full_flush: cnt.catchup_full,
                walks_poisoned: self.walk_restarts,
                request_stall_cycles: cnt.stall,
                sync_latency: latency(lat),
            },
            os: self.os.clone(),
            fabric_vs_ipi: Comparison {
                ipi_cost_model: *ipi,
                ipis,
                fabric_initiator_cycles: fabric_init,
                fabric_target_cycles: 0,
                ipi_initiator_cycles: ipi_init,
                ipi_target_cycles: ipi_tgt,
                ipi_over_fabric: ipi_init.saturating_add(ipi_tgt) as f64 / fabric_init.max(1) as f64,
            },
            oracle_checks: self.oracle_checks,
            shootdowns,
        }
    }
}

/// The spread of `v` (nearest-rank quantiles) and its histogram.
fn latency(mut v: Vec<u64>) -> Latency {
    v.sort_unstable();
    let at = |q: f64| v.get(((v.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0);
    Latency {
        count: v.len(),
        min: at(0.0),
        median: at(0.5),
        p99: at(0.99),
        max: at(1.0),
        mean: if v.is_empty() { 0.0 } else { v.iter().sum::<u64>() as f64 / v.len() as f64 },
        histogram: latency_histogram(&v),
    }
}

/// A histogram of sync latencies: (upper bound in cycles, count), bounds powers of two.
fn latency_histogram(lat: &[u64]) -> Vec<(u64, u64)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The summary's figures from a hand-made run: totals, each shootdown's latency and IPI
    /// cost in completion order, the latency spread and its histogram, the fabric counters.
    #[test]
    fn summary_of_a_small_run() {
        let ipi = super::super::ipi::ROUND_COST;
        let core = |translations, hits| CoreStats { translations, hits, ..CoreStats::default() };
        let st = RunStats {
            cycles: 1000,
            cores: vec![core(30, 20), core(10, 10)],
            shootdowns: vec![
                Shootdown { core: 1, posted: 500, synced: 520, pages: 1, ipi_targets: 1 },
                Shootdown { core: 0, posted: 100, synced: 105, pages: 2, ipi_targets: 0 },
            ],
            walk_restarts: 3,
            oracle_checks: 40,
            fabric: Counters { posted: 4, targets: 2, skipped: 1, stall: 9, ..Counters::default() },
            ..RunStats::default()
        };
        let s = st.summary(&ipi);
        assert_eq!((s.cycles, s.translations, s.hits, s.oracle_checks), (1000, 40, 30, 40));
        assert_eq!(s.hit_rate, 0.75);
        assert_eq!(s.per_core[0].hit_rate, 20.0 / 30.0);
        let sd: Vec<(usize, u64, u64)> = s.shootdowns.iter().map(|x| (x.core, x.synced, x.latency)).collect();
        assert_eq!(sd, [(0, 105, 5), (1, 520, 20)], "in completion order");
        assert_eq!((s.shootdowns[0].ipi_initiator, s.shootdowns[0].ipi_target), (200, 0));
        let one = ipi.cost(1, 1);
        assert_eq!((s.shootdowns[1].ipi_initiator, s.shootdowns[1].ipi_target), one);
        let l = &s.fabric.sync_latency;
        assert_eq!((l.count, l.min, l.median, l.max, l.mean), (2, 5, 20, 20, 12.5));
        assert_eq!(l.histogram, [(8, 1), (32, 1)]);
        assert_eq!((s.fabric.shootdowns, s.fabric.posts, s.fabric.targets_skipped), (2, 4, 1));
        assert_eq!((s.fabric.walks_poisoned, s.fabric.request_stall_cycles), (3, 9));
        let c = &s.fabric_vs_ipi;
        assert_eq!((c.ipis, c.fabric_initiator_cycles, c.ipi_initiator_cycles), (1, 25, 200 + one.0));
        assert_eq!(c.ipi_over_fabric, (200 + one.0 + one.1) as f64 / 25.0);
    }
}
