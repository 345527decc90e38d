// SPDX-License-Identifier: Apache-2.0
//! Measurements of the shootdown fabric (a benchmark: it measures and asserts nothing).
//!
//! They run on the cycle-accurate model, which the tests hold equal to the RTL cycle for
//! cycle at 2, 4 and 8 cores; `rtl: true` runs the same on the Verilated RTL in lockstep.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tlb_sim::fabric::SysConfig;
use tlb_sim::{Access, InvalKind, PageLevel, Pte};

use crate::error::Error;
use crate::lockstep::Mode;
use crate::mem::MemTiming;
use crate::pagetable::PteFlags;
use crate::system::{Command, Request, SysLockstep, SysLockstepConfig};

/// Latencies in cycles: min, median, max over the samples.
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    pub min: u64,
    pub median: u64,
    pub max: u64,
    pub samples: usize,
    /// Poisoned walks restarted during the measurement.
    pub restarts: u64,
}

fn spread(mut v: Vec<u64>) -> Spread {
    v.sort_unstable();
    Spread { min: v[0], median: v[v.len() / 2], max: v[v.len() - 1], samples: v.len(), restarts: 0 }
}

fn system(cores: usize, log_depth: usize, mem: MemTiming, rtl: bool, seed: u64) -> Result<SysLockstep, Error> {
    let sys = SysConfig { cores, entries: 32, slots: 4, log_depth, asids: 16, hit_latency: 1, read_ahead: None };
    let mut cfg = SysLockstepConfig::new("fabric-bench", sys, seed);
    cfg.mem = mem;
    cfg.mode = if rtl { Mode::Lockstep } else { Mode::Model };
    cfg.oracle = rtl;
    SysLockstep::new(cfg)
}

/// One process (ASID 1) with `pages` 4 KiB pages mapped, run by every core.
fn one_process(s: &mut SysLockstep, pages: u64) -> Result<u64, Error> {
    let root = s.tables.alloc_table();
    for p in 0..pages {
        let (pt, mem) = s.tables();
        pt.map(mem, root, 0x100_0000 + (p << 12), PageLevel::Page4K, 0x1000 + p, PteFlags::URW);
    }
    s.cmd(0, Command::SetAttrs { asid: 1, root, pm: 0 })?;
    for c in 0..s.cores() {
        s.cmd(c, Command::Switch(1))?;
    }
    Ok(root)
}

/// Sync latency of one initiator (core 0): cycles from the post's acceptance to the sync's
/// completion, the sync issued as soon as the post completes. With `walks`, every other
/// core keeps translating pages it has not cached, so walks are in flight (and poisoned)
/// when the invalidations land.
pub fn sync_latency(cores: usize, mem_latency: u32, walks: bool, rounds: usize, rtl: bool) -> Result<Spread, Error> {
    let mem = MemTiming { min_latency: mem_latency, max_latency: mem_latency, ready_percent: 100 };
    let mut s = system(cores, 4, mem, rtl, 1)?;
    let pages = 4096;
    let root = one_process(&mut s, pages)?;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut lat = Vec::new();
    for round in 0..rounds {
        if walks {
            for c in 1..cores {
                if s.outputs().core[c].req_ready {
                    let p = rng.gen_range(0..pages);
                    s.issue(c, Request { vaddr: 0x100_0000 + (p << 12), access: Access::Load, priv_u: true })?;
                }
            }
        }
        let va = 0x100_0000 + ((round as u64 % pages) << 12);
        {
            let (pt, m) = s.tables();
            pt.map(m, root, va, PageLevel::Page4K, 0x9000 + round as u64, PteFlags::URW);
        }
        let post = s.cmd(0, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: va, npages: 0 })?;
        let sync = s.cmd(0, Command::Sync)?;
        lat.push(sync.done - post.accepted);
        s.run(rng.gen_range(0..6))?;
    }
    Ok(Spread { restarts: s.walk_restarts(), ..spread(lat) })
}

/// Every core posts and syncs at once, `rounds` times: the spread of post-to-sync latency.
pub fn contended(cores: usize, rounds: usize, rtl: bool) -> Result<Spread, Error> {
    let mut s = system(cores, 4, MemTiming::fixed(4), rtl, 2)?;
    one_process(&mut s, 16)?;
    let mut lat = Vec::new();
    for _ in 0..rounds {
        for c in 0..cores {
            s.post_cmd(c, Command::Post { kind: InvalKind::Asid, asid: 1, vaddr: 0, npages: 0 })?;
        }
        let mut posted = vec![0u64; cores];
        let mut left = cores;
        while left > 0 {
            s.step()?;
            for (c, posted_c) in posted.iter_mut().enumerate() {
                for r in s.take_results(c) {
                    match r.cmd {
                        Command::Post { .. } => {
                            *posted_c = r.accepted;
                            s.post_cmd(c, Command::Sync)?;
                        }
                        _ => {
                            lat.push(r.done - *posted_c);
                            left -= 1;
                        }
                    }
                }
            }
        }
    }
    Ok(spread(lat))
}

/// An OS-like mix on `cores` cores and `procs` processes: context switches (and kernel
/// threads) and ASID-scoped shootdowns from whichever core runs the process.
#[derive(Clone, Copy, Debug, Default)]
pub struct MixResult {
    pub shootdowns: u64,
    /// Cores the fabric sent them to, in all.
    pub targets: u64,
    /// What broadcasting every shootdown to every core would disturb.
    pub broadcast: u64,
    pub catchup_log: u64,
    pub catchup_full: u64,
    pub cycles: u64,
}

pub fn os_mix(cores: usize, procs: usize, log_depth: usize, ops: usize, rtl: bool) -> Result<MixResult, Error> {
    let mut s = system(cores, log_depth, MemTiming::default(), rtl, 3)?;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut roots = Vec::new();
    for p in 0..procs {
        let root = s.tables.alloc_table();
        for k in 0..32u64 {
            let (pt, mem) = s.tables();
            pt.map(mem, root, 0x10_0000 + (k << 12), PageLevel::Page4K, 0x2000 + 64 * p as u64 + k, PteFlags::URW);
        }
        s.cmd(0, Command::SetAttrs { asid: p as u16 + 1, root, pm: 0 })?;
        roots.push(root);
    }
    let mut running: Vec<usize> = (0..cores).map(|c| c % procs).collect();
    for (c, &p) in running.iter().enumerate() {
        s.cmd(c, Command::Switch(p as u16 + 1))?;
    }
    let start = s.outputs().cnt;
    let mut shootdowns = 0;
    for _ in 0..ops {
        let c = rng.gen_range(0..cores);
        match rng.gen_range(0..100) {
            0..=59 => {
                let k = rng.gen_range(0..32u64);
                s.translate(c, 0x10_0000 + (k << 12), Access::Load, true)?;
            }
            60..=79 => {
                running[c] = rng.gen_range(0..procs);
                s.cmd(c, Command::Switch(running[c] as u16 + 1))?;
            }
            80..=84 => {
                s.cmd(c, Command::Lazy)?;
            }
            _ => {
                let p = running[c];
                let k = rng.gen_range(0..32u64);
                let (pt, mem) = s.tables();
                pt.map(
                    mem,
                    roots[p],
                    0x10_0000 + (k << 12),
                    PageLevel::Page4K,
                    0x8000 + k,
                    PteFlags(Pte::R | Pte::U | Pte::A),
                );
                s.cmd(
                    c,
                    Command::Post {
                        kind: InvalKind::VaAsid,
                        asid: p as u16 + 1,
                        vaddr: 0x10_0000 + (k << 12),
                        npages: 0,
                    },
                )?;
                s.cmd(c, Command::Sync)?;
                shootdowns += 1;
            }
        }
    }
    let end = s.outputs().cnt;
    Ok(MixResult {
        shootdowns,
        targets: (end.targets - start.targets) as u64,
        broadcast: shootdowns * cores as u64,
        catchup_log: (end.catchup_log - start.catchup_log) as u64,
        catchup_full: (end.catchup_full - start.catchup_full) as u64,
        cycles: s.cycle(),
    })
}
