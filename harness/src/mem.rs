// SPDX-License-Identifier: Apache-2.0
//! Physical memory holding the page tables, and the walker's memory port.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tlb_sim::CoreOutputs;

use crate::error::ConfigError;

/// Sparse, 8-byte-word physical memory. Unwritten words read as zero (an invalid PTE).
/// Every write is also queued so the lockstep driver can stamp it with the cycle it becomes
/// visible in and tell the oracle.
#[derive(Default, Debug, Clone)]
pub struct PhysMem {
    words: HashMap<u64, u64>,
    pending: Vec<(u64, u64)>,
}

impl PhysMem {
    pub fn new() -> PhysMem {
        PhysMem::default()
    }
    pub fn read(&self, addr: u64) -> u64 {
        self.words.get(&(addr & !7)).copied().unwrap_or(0)
    }
    pub fn write(&mut self, addr: u64, value: u64) {
        self.words.insert(addr & !7, value);
        self.pending.push((addr & !7, value));
    }
    /// Writes since the last call, in order.
    pub fn take_writes(&mut self) -> Vec<(u64, u64)> {
        std::mem::take(&mut self.pending)
    }
}

/// Timing of the memory port: each PTE read takes a uniformly random latency in
/// `[min_latency, max_latency]` cycles after it is accepted, and the port accepts a request
/// in a given cycle with probability `ready_percent` (backpressure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemTiming {
    pub min_latency: u32,
    pub max_latency: u32,
    pub ready_percent: u32,
}

impl Default for MemTiming {
    fn default() -> Self {
        MemTiming { min_latency: 1, max_latency: 8, ready_percent: 70 }
    }
}

impl MemTiming {
    /// A fixed latency, always ready.
    pub fn fixed(latency: u32) -> MemTiming {
        MemTiming { min_latency: latency, max_latency: latency, ready_percent: 100 }
    }
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.min_latency == 0 || self.min_latency > self.max_latency {
            return Err(ConfigError::MemLatency { min: self.min_latency, max: self.max_latency });
        }
        if self.ready_percent == 0 || self.ready_percent > 100 {
            return Err(ConfigError::MemReady(self.ready_percent));
        }
        Ok(())
    }
}

/// What the memory drives into the walker this cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemInputs {
    pub req_ready: bool,
    pub resp_valid: bool,
    pub resp_data: u64,
}

/// The memory side of the walker's port: one outstanding read, answered after a random
/// latency. The value is read when the request is accepted.
///
/// It follows the port's rule for a core's reset (docs/shootdown.md, "Core reset"): a read
/// once accepted is answered and held until the walker takes it, reset or not (the reset
/// core takes and drops the answer of the walk it abandoned), and a request never accepted
/// is forgotten, since readiness is decided afresh every cycle and nothing waits for a
/// withdrawn request.
#[derive(Clone, Debug)]
pub struct MemPort {
    timing: MemTiming,
    rng: ChaCha8Rng,
    /// (cycle the answer is due, data).
    pending: Option<(u64, u64)>,
    pub reads: u64,
}

impl MemPort {
    pub fn new(timing: MemTiming, seed: u64) -> MemPort {
        MemPort { timing, rng: ChaCha8Rng::seed_from_u64(seed), pending: None, reads: 0 }
    }

    /// Decides this cycle's inputs from the walker's (registered) outputs, and records the
    /// handshakes they make.
    pub fn cycle(&mut self, cycle: u64, out: &CoreOutputs, mem: &PhysMem) -> MemInputs {
        let mut m = MemInputs::default();
        if let Some((due, data)) = self.pending {
            if due <= cycle {
                m.resp_valid = true;
                m.resp_data = data;
                if out.mem_resp_ready {
                    self.pending = None;
                }
            }
        }
        m.req_ready = self.pending.is_none() && !m.resp_valid && self.rng.gen_range(0..100) < self.timing.ready_percent;
        if m.req_ready && out.mem_req_valid {
            let latency = self.rng.gen_range(self.timing.min_latency..=self.timing.max_latency);
            self.pending = Some((cycle + latency as u64, mem.read(out.mem_req_addr)));
            self.reads += 1;
        }
        m
    }
}
