// SPDX-License-Identifier: Apache-2.0
//! The IPI cost model: what Linux would pay for each shootdown done with IPIs ([`IpiCost`],
//! [`Shootdown::ipi_cycles`]), and which CPUs it would interrupt (`Os::ipi_targets`). The
//! defaults and their sources are in docs/perf.md.

use serde::Serialize;

use super::{Os, ProcId, Shootdown};

/// Linux's cost of a shootdown done with IPIs, in CPU cycles. The defaults and their sources
/// are in docs/perf.md.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct IpiCost {
    /// Initiator: building the flush request and starting the send.
    pub initiator_base: u64,
    /// Initiator: per target CPU (an ICR write each).
    pub per_target_send: u64,
    /// Delivery to a target until its handler runs.
    pub delivery: u64,
    /// Target: interrupt entry, handler, exit and acknowledgement, per target.
    pub remote_handler: u64,
    /// One `invlpg`.
    pub invlpg: u64,
    /// A full flush (CR3 reload) and the refill it costs.
    pub full_flush: u64,
    /// Ranges longer than this many pages are flushed whole (Linux:
    /// `tlb_single_page_flush_ceiling`).
    pub ceiling: u64,
}

impl IpiCost {
    fn flush(&self, pages: u64) -> u64 {
        if pages > self.ceiling {
            self.full_flush
        } else {
            pages.saturating_mul(self.invlpg)
        }
    }
    /// (initiator cycles, cycles on each target) for a shootdown of `pages` to `targets`.
    /// Saturates at `u64::MAX` instead of wrapping (the CLI bounds each figure to 10^9).
    pub fn cost(&self, pages: u64, targets: u64) -> (u64, u64) {
        let local = self.flush(pages);
        if targets == 0 {
            return (local, 0);
        }
        let remote = self.remote_handler.saturating_add(self.flush(pages));
        let initiator = [targets.saturating_mul(self.per_target_send), local, self.delivery, remote]
            .into_iter()
            .fold(self.initiator_base, u64::saturating_add);
        (initiator, remote)
    }
}

impl Shootdown {
    /// What Linux would have paid for this shootdown with IPIs: (initiator cycles, cycles
    /// on all targets together).
    pub fn ipi_cycles(&self, c: &IpiCost) -> (u64, u64) {
        let (initiator, each) = c.cost(self.pages, self.ipi_targets);
        (initiator, each.saturating_mul(self.ipi_targets))
    }
}

impl Os {
    /// CPUs Linux would send a shootdown of `p` to from `core`: those running it, and the
    /// lazy ones when page tables are freed.
    pub(super) fn ipi_targets(&self, core: usize, p: ProcId, freed_tables: bool) -> u64 {
        (0..self.sys.cores())
            .filter(|&c| c != core && self.st.running[c] == Some(p) && (!self.st.lazy[c] || freed_tables))
            .count() as u64
    }
}

/// Round figures whose sums read at a glance, for the tests here and in `stats`.
#[cfg(test)]
pub(super) const ROUND_COST: IpiCost = IpiCost {
    initiator_base: 100,
    per_target_send: 10,
    delivery: 1000,
    remote_handler: 2000,
    invlpg: 100,
    full_flush: 5000,
    ceiling: 33,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipi_cost_switches_to_a_full_flush_above_the_ceiling() {
        let c = ROUND_COST;
        assert_eq!(c.cost(1, 0), (100, 0));
        assert_eq!(c.cost(2, 3), (100 + 30 + 200 + 1000 + 2200, 2200));
        assert_eq!(c.cost(34, 1).1, 2000 + 5000);
    }

    /// Absurd figures (a library user, or a flag past the CLI's bound) saturate, never wrap
    /// to a small cost or panic.
    #[test]
    fn ipi_cost_saturates_instead_of_wrapping() {
        let max = u64::MAX;
        let c = IpiCost {
            initiator_base: max,
            per_target_send: max,
            delivery: max,
            remote_handler: max,
            invlpg: max,
            full_flush: max,
            ceiling: max,
        };
        assert_eq!(c.cost(max, 16), (max, max));
        assert_eq!(c.cost(2, 0), (max, 0));
        let sd = Shootdown { core: 0, posted: 0, synced: 5, pages: 1 << 40, ipi_targets: 15 };
        let big = IpiCost { initiator_base: 0, invlpg: 1 << 30, ceiling: max, ..c };
        assert_eq!(sd.ipi_cycles(&big), (max, max));
    }
}
