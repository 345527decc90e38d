// SPDX-License-Identifier: Apache-2.0
//! Drives the Verilated RTL (through marlin) and the Rust model (`tlb-sim`) in lockstep.
//!
//! - [`error`]: the errors, one type per concern (toolchain and build, configuration,
//!   workload), and [`Error`], any of them.
//! - [`toolchain`] finds or installs Verilator (the project's own `scripts/setup-tools.sh`).
//! - [`rtl`] drives a Verilated top through marlin's dynamic API ([`rtl::RtlTop`]); in
//!   `rtl/`, the flat wrapper top generated per configuration (`wrapper.rs`), the fields
//!   packed into its wide ports (`bits.rs`), and the ports read and written in place
//!   (`ports.rs`). [`rtl_core`] (`tlb_core`) and [`rtl_system`] (`tlb_system`) are the two
//!   tops as devices under test of the lockstep engine (`tlb_lockstep::Dut`).
//! - [`mem`] is the physical memory holding the page tables, and the walker's memory port
//!   with seeded random latency and backpressure.
//! - [`pagetable`] builds Sv39 tables the way an OS would.
//! - [`lockstep`] (one core) and [`system`] (the fabric) drive RTL and model on identical
//!   inputs through the one lockstep engine (the `tlb-lockstep` crate, `lockstep/`), which
//!   compares every output every cycle; they judge every answer with the oracle, and on the
//!   first failure write waveforms and a report.
//! - [`wave`] draws a window of a VCD as an SVG and writes GTKWave save files.
//! - [`trace`] streams a Valgrind lackey trace of a real program: accesses, memory-map
//!   syscalls, thread switches (the `lackey-trace` crate, `lackey/`, re-exported).
//! - [`workload`]: the single-core workloads (`os-mix` on one core) driven into a
//!   [`Lockstep`] run.
//! - [`os`]: an operating system in miniature on the multi-core system (processes, address
//!   spaces, demand paging, the page-table changes a kernel makes, shootdowns), its run
//!   loop, the IPI cost model it compares the fabric against, and its statistics;
//!   [`os_workloads`] are its built-in workloads (synthetic loads and the five seed races),
//!   [`trace_workload`] a lackey trace as one of them.
//! - [`fabric_bench`] measures the fabric (sync latency by core count and memory latency).
//! - [`selftest`] runs the FPGA boards' self-test in Verilator and decodes its UART.

pub mod error;
pub mod fabric_bench;
pub mod lockstep;
pub mod mem;
pub mod os;
pub mod os_workloads;
pub mod pagetable;
pub mod rtl;
pub mod rtl_core;
pub mod rtl_system;
pub mod selftest;
pub mod system;
pub mod toolchain;
pub mod trace_workload;
pub mod wave;
pub mod workload;

pub use error::{BuildError, ConfigError, Error, WorkloadError};
/// The lackey trace parser, a crate of its own (`lackey/`) so it is usable without the rest.
pub use lackey_trace as trace;
pub use lockstep::{Failure, Lockstep, LockstepConfig, Mode, Response, Stats};
pub use mem::{MemTiming, PhysMem};
pub use pagetable::{PageTables, PteFlags};

/// Hit latencies the RTL accepts (`HitLatency` parameter): 1 or 2 cycles.
pub fn check_hit_latency(hit_latency: u8) -> Result<(), ConfigError> {
    if hit_latency == 1 || hit_latency == 2 {
        Ok(())
    } else {
        Err(ConfigError::HitLatency(hit_latency))
    }
}

/// Entry counts the RTL accepts (`Entries` parameter): powers of two from 2 to 64.
pub fn check_entries(entries: usize) -> Result<(), ConfigError> {
    if entries.is_power_of_two() && (2..=tlb_sim::MAX_ENTRIES).contains(&entries) {
        Ok(())
    } else {
        Err(ConfigError::Entries(entries))
    }
}

/// The multi-core system's parameters, as the RTL's elaboration checks them.
pub fn check_system(sys: &tlb_sim::fabric::SysConfig) -> Result<(), ConfigError> {
    sys.validate().map_err(ConfigError::System)
}
