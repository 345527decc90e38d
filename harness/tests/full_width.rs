// SPDX-License-Identifier: Apache-2.0
//! Full-width operands on every core of the largest system the tests build (8 cores, and 4 and 2), in
//! lockstep with the oracle. The other tests keep their addresses, page numbers and ASIDs
//! small so that mappings collide and invalidations hit; this one drives every bit the
//! ports carry: virtual addresses over all 64 bits (both canonical halves and
//! non-canonical ones), physical page numbers and page-table roots over all 44 bits, tables
//! placed high in physical memory, malformed PTEs with reserved bits set, every ASID of
//! the table and 16-bit ASIDs outside it (refused), 16-bit page counts, every access type,
//! privilege, SUM/MXR and pointer-masking mode. A wrong bit anywhere in a datapath shows as
//! a lockstep mismatch or an oracle failure; the checks at the end make sure the run really
//! reached the high bits (docs/verification.md, toggle coverage).

mod common;
use common::*;
use tlb_harness::pagetable::PageTables;
use tlb_harness::system::{Command, Request};
use tlb_harness::{MemTiming, PteFlags};
use tlb_sim::fabric::SysConfig;
use tlb_sim::{Access, InvalKind, PageLevel, Pte};

/// Full-width values from proptest's ChaCha generator (the project's random source; the
/// seed is spread over ChaCha's 32-byte key).
struct Rng(proptest::test_runner::TestRng);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut bytes = [0u8; 32];
        for (k, b) in bytes.iter_mut().enumerate() {
            *b = (seed >> (8 * (k % 8))) as u8;
        }
        Rng(proptest::test_runner::TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &bytes))
    }
    fn next(&mut self) -> u64 {
        use proptest::prelude::Rng as _;
        self.0.next_u64()
    }
    fn below(&mut self, n: u64) -> u64 {
        use proptest::prelude::RngExt as _;
        self.0.random_range(0..n)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const PPN_MASK: u64 = (1 << 44) - 1;

/// A canonical Sv39 address anywhere in either half.
fn canonical(r: &mut Rng) -> u64 {
    let low = r.next() & ((1 << 39) - 1);
    if low >> 38 & 1 == 1 {
        low | !((1 << 39) - 1)
    } else {
        low
    }
}

struct Mapping {
    va: u64,
    level: PageLevel,
}

#[test]
fn full_width_operands_on_every_core() {
    full_width("full_width_operands_on_every_core", 8);
}

/// The same on 4 cores: Verilator instruments signals of at most 256 bits for toggle
/// coverage, so the system's per-core port buses (64-bit VAs and PTEs, times 8 cores) are
/// counted in the 4-core build only.
#[test]
fn full_width_operands_on_four_cores() {
    full_width("full_width_operands_on_four_cores", 4);
}

/// And on 2 cores, for the same reason: the directory's per-core command arrays (a 44-bit
/// root and a 27-bit VPN per core) are instrumented only up to 2 cores.
#[test]
fn full_width_operands_on_two_cores() {
    full_width("full_width_operands_on_two_cores", 2);
}

fn full_width(name: &str, cores: usize) {
    const ASIDS: u16 = 16;
    // The lockstep run takes the same seed (sys_setup), so the TLB_SEED=... of a failure
    // report replays this run exactly.
    let seed = seed(0x5157);
    let cycles: u64 = std::env::var("TLB_SOAK").ok().and_then(|v| v.parse().ok()).map_or(60_000, |k: u64| k * 1000);
    let sys = SysConfig {
        cores,
        entries: 16,
        slots: 4,
        log_depth: 4,
        asids: ASIDS as usize,
        hit_latency: 1,
        read_ahead: None,
    };
    let mut s = sys_setup(name, sys, MemTiming { min_latency: 1, max_latency: 6, ready_percent: 80 });
    let mut r = Rng::new(seed);

    // The same addresses are mapped in every ASID (so a translation finds a mapping
    // whatever the core runs), each ASID in page tables of its own placed at a random
    // 44-bit physical page (alternate ASIDs take complementary patterns, so every root bit
    // is seen both ways), to random frames, pages of every size.
    let maps: Vec<Mapping> = (0..8)
        .map(|k| Mapping {
            va: canonical(&mut r),
            level: [PageLevel::Page4K, PageLevel::Page2M, PageLevel::Page1G][k % 3],
        })
        .collect();
    let global_ppn: Vec<u64> = (0..maps.len()).map(|_| r.next() & PPN_MASK).collect();
    let mut roots = vec![0u64; ASIDS as usize];
    let malformed_va = canonical(&mut r) & !0xfff;
    for asid in 0..ASIDS {
        let base = if asid % 2 == 0 { r.next() & PPN_MASK } else { !roots[asid as usize - 1] & PPN_MASK };
        // Every bit of the table numbers varies too (a few hundred tables follow the root).
        s.tables = PageTables::new((base & !0x3ff).clamp(0x10_0000, PPN_MASK - 0x400));
        let root = s.tables.alloc_table();
        roots[asid as usize] = root;
        for (k, m) in maps.iter().enumerate() {
            let align = [1u64, 1 << 9, 1 << 18][m.level as usize];
            let ppn = r.next() & PPN_MASK & !(align - 1);
            // Two of the mappings are global, as kernel mappings are: the same frame and
            // flags in every address space (anything else is software's error).
            let (ppn, flags) = if k % 4 == 3 {
                (global_ppn[k] & !(align - 1), Pte::R | Pte::W | Pte::X | Pte::A | Pte::D | Pte::G)
            } else {
                (ppn, Pte::R | Pte::W | Pte::X | Pte::A | Pte::D | if r.chance(50) { Pte::U } else { 0 })
            };
            // The two bits reserved for software (RSW, 9:8), which the walker ignores.
            let flags = flags | (r.below(4) << 8);
            let (pt, mem) = s.tables();
            pt.map(mem, root, m.va, m.level, ppn, PteFlags(flags));
        }
        // A malformed leaf: reserved high bits set (bits 54..63), so the walk faults.
        let va = malformed_va;
        let (pt, mem) = s.tables();
        pt.write_raw(mem, root, va, 0, Pte::new(r.next() & PPN_MASK, Pte::V | Pte::R | Pte::A).0 | (r.next() << 54));
        cmd_ok(&mut s, 0, Command::SetAttrs { asid, root, pm: 0 });
    }
    cmd_ok(&mut s, 0, Command::Sync);
    for c in 0..cores {
        cmd_ok(&mut s, c, Command::Switch(c as u16 * 2 + 1));
    }

    let kinds = [InvalKind::All, InvalKind::Asid, InvalKind::Va, InvalKind::VaAsid, InvalKind::RangeAsid];
    let mut issued = vec![0u64; cores];
    let mut answered = vec![0u64; cores];
    let (mut refused, mut done_cmds, mut faults, mut hits) = (0u64, 0u64, 0u64, 0u64);
    let (mut paddr_or, mut paddr_and) = (0u64, !0u64);
    let mut answered_on = vec![false; cores];
    for _ in 0..cycles {
        for c in 0..cores {
            if !s.cmd_busy(c) && r.chance(6) {
                let asid = if r.chance(85) { r.below(ASIDS as u64) as u16 } else { r.next() as u16 };
                let cmd = match r.below(100) {
                    0..=29 => Command::Switch(asid),
                    30..=59 => Command::Post {
                        kind: kinds[r.below(5) as usize],
                        asid,
                        vaddr: if r.chance(50) { maps[r.below(maps.len() as u64) as usize].va } else { r.next() },
                        npages: if r.chance(50) { r.below(4) as u16 } else { r.next() as u16 },
                    },
                    60..=79 => Command::Sync,
                    80..=89 => Command::SetAttrs {
                        asid,
                        // Any ASID's tables (they all hold the same global mappings, as
                        // the architecture requires of global pages).
                        root: roots[r.below(ASIDS as u64) as usize],
                        pm: r.below(4) as u8,
                    },
                    90..=95 => Command::Lazy,
                    _ => Command::Release(asid),
                };
                ok(s.post_cmd(c, cmd));
            }
            // Translations only on a core with an address space loaded (a released ASID
            // leaves its lazy holders without one: their answers are not architectural).
            if issued[c] == answered[c] && s.outputs().core[c].cur_valid && r.chance(30) {
                let vaddr = match r.below(12) {
                    0..=7 => {
                        let m = &maps[r.below(maps.len() as u64) as usize];
                        let size = [1u64 << 12, 1 << 21, 1 << 30][m.level as usize];
                        (m.va & !(size - 1)) | (r.next() & (size - 1) & !7)
                    }
                    8 => canonical(&mut r),
                    9 => malformed_va | (r.next() & 0xff8),
                    _ => r.next(),
                };
                let req = Request { vaddr, access: Access::from_bits(r.below(3) as u8), priv_u: r.chance(50) };
                ok(s.issue(c, req));
                issued[c] += 1;
            }
            // SUM and MXR change between translations, as a CSR write would (never under
            // one in flight: the oracle judges an answer by the status it was asked under).
            if issued[c] == answered[c] && r.chance(1) {
                s.set_status(c, r.chance(50), r.chance(50));
            }
        }
        ok(s.step());
        for resp in s.take_responses() {
            answered[resp.core] += 1;
            answered_on[resp.core] = true;
            if resp.fault {
                faults += 1;
            } else {
                paddr_or |= resp.paddr;
                paddr_and &= resp.paddr;
                hits += resp.hit as u64;
            }
        }
        for c in 0..cores {
            for res in s.take_results(c) {
                done_cmds += 1;
                refused += res.error as u64;
            }
        }
    }
    println!("{name}: {cycles} cycles, {done_cmds} commands ({refused} refused), answers {:?}, {hits} hits, {faults} faults, {} oracle checks",
             answered, s.oracle_checks());
    // The run must have reached what it is for: answers on every core, hits and faults,
    // refused commands (ASIDs outside the table), and translations whose physical
    // addresses together set and clear every bit of the 56-bit physical address above the
    // page offset.
    assert!(answered_on.iter().all(|&a| a), "a core never answered: {answered:?}");
    assert!(
        hits > 0 && faults > 0 && refused > 0 && done_cmds > 100,
        "{hits} hits, {faults} faults, {refused} refused of {done_cmds}"
    );
    let frame_bits = ((1u64 << 56) - 1) & !0xfff;
    assert_eq!(paddr_or & frame_bits, frame_bits, "physical address bits never set: {:#x}", !paddr_or & frame_bits);
    assert_eq!(paddr_and & frame_bits, 0, "physical address bits never clear: {:#x}", paddr_and & frame_bits);
}
