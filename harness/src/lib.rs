//! Drives the Verilated RTL (through marlin) and the Rust model (`tlb-sim`) in lockstep.
//!
//! - [`toolchain`] finds or installs Verilator (the project's own `scripts/setup-tools.sh`).
//! - [`rtl`] builds a flat wrapper top per configuration and drives it through marlin's
//!   dynamic API.
//! - [`mem`] is the physical memory holding the page tables, and the walker's memory port
//!   with seeded random latency and backpressure.
//! - [`pagetable`] builds Sv39 tables the way an OS would.
//! - [`lockstep`] runs RTL and model on identical inputs, compares every output every
//!   cycle, judges every answer with the oracle, and on the first failure writes waveforms
//!   of both sides and a report.

pub mod fabric_bench;
pub mod lockstep;
pub mod mem;
pub mod pagetable;
pub mod rtl;
pub mod rtl_system;
pub mod selftest;
pub mod system;
pub mod toolchain;
pub mod vcdout;
pub mod workload;

pub use lockstep::{Failure, Lockstep, LockstepConfig, Mode, Response, Stats};
pub use mem::{MemTiming, PhysMem};
pub use pagetable::{PageTables, PteFlags};

/// Entry counts the RTL accepts (`Entries` parameter): powers of two from 2 to 64.
pub fn check_entries(entries: usize) -> Result<(), String> {
    if entries.is_power_of_two() && (2..=tlb_sim::MAX_ENTRIES).contains(&entries) {
        Ok(())
    } else {
        Err(format!(
            "invalid entry count {entries}: the TLB needs a power of two from 2 to {} \
             (tree-PLRU replacement)",
            tlb_sim::MAX_ENTRIES
        ))
    }
}
