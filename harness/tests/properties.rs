// SPDX-License-Identifier: Apache-2.0
//! Stateful property tests: random sequences of page-table edits (map, unmap, remap at any
//! page size, mprotect), translations of random addresses with random access type and
//! privilege, invalidations of every kind (unknown kinds included), context switches and
//! SUM/MXR changes, run in lockstep (RTL against model on every output, every cycle) with
//! the oracle judging every answer. Translations do not wait for their answers, so edits
//! and invalidations race walks in flight.
//!
//! proptest shrinks a failure to a minimal sequence; that sequence is then run once more
//! with waveforms and the full report, and the test fails with both. Set TLB_SOAK=<cases>
//! for a longer run (default 300 cases per configuration), TLB_MODE=model to run the model
//! alone with the oracle (seconds, no Verilator).

mod common;
use proptest::prelude::*;
use tlb_harness::lockstep::{Ctx, Request};
use tlb_harness::{Failure, Lockstep, LockstepConfig, MemTiming, PteFlags};
use tlb_sim::l1::L1_WAYS;
use tlb_sim::{Access, InvalKind, PageLevel, Pte};

/// Virtual addresses the ops pick from: neighbours and superpage overlaps in the user half,
/// and two pages of the kernel half, which every address space shares and maps globally.
/// One page (VPN ending in 0xf) sits in the L1's last set at every size (set 15 at 32
/// entries, 7 at 16, 1 at 4): the set a sweep compares last, whose kills land in the
/// sweep's tail cycle, so a race can line a hit up with the tail (model mutant
/// `lk-last-step-dropped`); every other page is in sets 0 to 3.
const SLOTS: [u64; 8] = [
    0x0000_0000,
    0x0000_1000,
    0x0000_2000,
    0x0020_0000,
    0x4000_0000,
    0x4020_f000, // LAST_SET_SLOT
    0xffff_ffc0_0000_0000,
    0xffff_ffc0_0020_3000,
];
const KERNEL: usize = 6;
/// The slot whose page is in the L1's last set (VPN ending in 0xf).
const LAST_SET_SLOT: usize = 5;
const ASIDS: u16 = 3;

/// The ASID of address space `a`: spread over all 16 bits (0x5555 and 0xaaaa differ in
/// every bit), so every stored ASID bit of the TLB is exercised both ways.
fn asid_tag(a: u16) -> u16 {
    [0x5555, 0xaaaa, 0xffff][a as usize]
}

#[derive(Clone, Debug)]
enum Op {
    Map {
        asid: u16,
        slot: usize,
        level: u8,
        ppn: u64,
        flags: u64,
    },
    Unmap {
        asid: u16,
        slot: usize,
    },
    Protect {
        asid: u16,
        slot: usize,
        flags: u64,
    },
    Translate {
        slot: usize,
        offset: u64,
        access: u8,
        priv_u: bool,
        wait: u8,
    },
    Inval {
        kind: u8,
        asid: u16,
        slot: usize,
    },
    Switch {
        asid: u16,
    },
    Status {
        sum: bool,
        mxr: bool,
        pm: u8,
    },
    Range {
        asid: u16,
        slot: usize,
        npages: u16,
    },
    Idle {
        cycles: u8,
    },
    /// What an OS does: change one mapping of the current address space, then fence it
    /// (`kind` picks all / by ASID / by VA / by VA+ASID, always covering the change).
    EditFence {
        slot: usize,
        unmap: bool,
        ppn: u64,
        kind: u8,
    },
    /// A walk in flight while the page it walks is remapped and fenced: translate, wait,
    /// remap + fence, translate the same page again.
    Race {
        slot: usize,
        wait: u8,
        unmap: bool,
        ppn: u64,
        kind: u8,
    },
    /// A superpage (2 MiB or 1 GiB) of the current address space is mapped and cached, then
    /// remapped or unmapped and fenced by a range that starts inside it (`inside`) or starts
    /// before it and ends inside it; then the page is translated again. A range must retire
    /// every entry it overlaps, not only those whose base it covers.
    SuperRange {
        huge: bool,
        inside: bool,
        off: u32,
        len: u16,
        unmap: bool,
        ppn: u64,
    },
    /// Two address spaces torn down while a third's invalidation is swept: a page of each of
    /// the two (`slot`) is cached, both are unmapped, then the third ASID's invalidation
    /// (`first`: by ASID, by page, or a range) starts a sweep and the two arrive behind it on
    /// the next cycles (each queued as a flush of its ASID, filling the L1's queue); after
    /// `wait` cycles the page is translated under one of the two (`look`), during the sweep
    /// or after it. A queued ASID whose entries survive answers from the unmapped page.
    QueueTwo {
        sweep: u16,
        first: u8,
        slot: usize,
        swap: bool,
        look: bool,
        wait: u8,
    },
    /// A gigapage collapse racing its fence: a 2 MiB page (block `block` of the gigapage
    /// `SUPER_VA[1]`, not its first) of the current address space is cached, the whole
    /// gigapage is remapped as one 1 GiB page, a translation in its first 2 MiB block (outside
    /// the cached one) walks and caches the 1 GiB page, and one in the cached block follows
    /// (the old and the new mapping are both allowed until the fence); then the fence (by
    /// VA in the cached block and the ASID, or the whole ASID) and the translation again. The
    /// install of the 1 GiB page must drop the 2 MiB entry it covers although the lookup that
    /// missed was not in it: else both answer the last lookup.
    Collapse {
        block: u16,
        ppn: u64,
        whole: bool,
    },
    /// A lookup racing an invalidation: the slot the request will present is translated first
    /// or not (`warm`: its entry cached and the core idle, so that the request is accepted in
    /// the cycle it is presented and hits; else a walk or a request left by the last op may
    /// hold it back, and the entry may not be cached), a slot's mapping is changed in the
    /// tables or not (`edit`: remapped, or unmapped with `unmap`), an invalidation of that slot
    /// of any kind (raw: 5 to 7 are unknown kinds, a flash) of the current ASID or another is
    /// presented, and `delay` cycles later a request for that slot (`same`) or another is
    /// presented. Delay 0 compares it before the invalidation applies, 1 in the cycle it is
    /// applied (a flash, or the sweeper's take), more during the sweep, up to and past its
    /// last step (16 sets at 32 entries). After an `Inval` the sweeper may still be busy, so
    /// the invalidation may also be a merge, a queued flush or a flash of a busy sweeper. The
    /// answer must be what the invalidation allows (the L1 voids a hit on an entry it matches
    /// in every such cycle). Without `warm` the request seldom hits the changed slot's old
    /// entry in a flash's own cycle (a walk in flight holds it back, or earlier ops flushed
    /// the entry): the void that the model mutant `lk-flash-ignored` drops went unjudged.
    /// With `tail` the race is on the page in the L1's last set ([`LAST_SET_SLOT`], looked up
    /// itself) and the request comes in the cycles around the sweep's last compare and its
    /// tail (`delay % 4` from Sets - 1 on): the one cycle in which only the void by the
    /// operation's ASID keeps that set's stale entry from answering, its kill still on the
    /// way (a delay drawn from 3 to 20 lined it up too seldom: `lk-last-step-dropped`).
    InvalRace {
        tail: bool,
        warm: bool,
        edit: bool,
        unmap: bool,
        ppn: u64,
        kind: u8,
        own: bool,
        asid: u16,
        slot: usize,
        same: bool,
        look: usize,
        delay: u8,
    },
    /// A leaf with a reserved encoding (W without R, W+X without R, or one of the reserved
    /// bits 63..54 set) whose other bits would allow the access (A and D set, U as the
    /// privilege needs): it must fault, never translate.
    Reserved {
        slot: usize,
        enc: u8,
        access: u8,
        priv_u: bool,
    },
}

const LEAF_FLAGS: [u64; 8] = [
    Pte::R | Pte::A,
    Pte::R | Pte::W | Pte::A | Pte::D,
    Pte::R | Pte::W | Pte::A, // clean: stores fault (Svade)
    Pte::X | Pte::A,
    Pte::R | Pte::X | Pte::A,
    Pte::R, // A=0: faults, never cached
    Pte::R | Pte::W | Pte::X | Pte::A | Pte::D,
    Pte::W | Pte::A, // W without R: reserved
];

/// Where `Op::SuperRange` maps its superpages: a 2 MiB and a 1 GiB region no slot touches.
const SUPER_VA: [u64; 2] = [0x0080_0000, 0x8000_0000];

/// `Op::Reserved`'s encodings: W without R, W and X without R, and the ten reserved bits.
const RESERVED_ENCODINGS: u8 = 12;

/// The raw leaf of reserved encoding `enc` for a page the access would otherwise be
/// allowed on.
fn reserved_leaf(enc: u8, ppn: u64, priv_u: bool) -> u64 {
    let u = if priv_u { Pte::U } else { 0 };
    let ad = Pte::V | Pte::A | Pte::D | u;
    match enc {
        0 => Pte::new(ppn, ad | Pte::W).0,
        1 => Pte::new(ppn, ad | Pte::W | Pte::X).0,
        k => Pte::new(ppn, ad | Pte::R | Pte::W | Pte::X).0 | 1u64 << (54 + (k - 2) as u32),
    }
}

fn op() -> impl Strategy<Value = Op> {
    let asid = 0..ASIDS;
    let slot = 0..SLOTS.len();
    let flags = (0..LEAF_FLAGS.len(), any::<bool>()).prop_map(|(f, u)| LEAF_FLAGS[f] | if u { Pte::U } else { 0 });
    prop_oneof![
        4 => (asid.clone(), slot.clone(), prop_oneof![6 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)], 1u64..64, flags.clone())
            .prop_map(|(asid, slot, level, ppn, flags)| Op::Map { asid, slot, level, ppn, flags }),
        2 => (asid.clone(), slot.clone()).prop_map(|(asid, slot)| Op::Unmap { asid, slot }),
        1 => (asid.clone(), slot.clone(), flags).prop_map(|(asid, slot, flags)| Op::Protect { asid, slot, flags }),
        // Mostly inside the slot's first page (cached entries are where stale answers hide),
        // sometimes anywhere in a 4 MiB window (superpages, unmapped neighbours).
        20 => (slot.clone(), prop_oneof![6 => 0u64..0x1000, 1 => 0u64..0x40_0000], 0u8..3, any::<bool>(), prop_oneof![3 => Just(0u8), 1 => 1u8..16])
            .prop_map(|(slot, offset, access, priv_u, wait)| Op::Translate { slot, offset: offset & !7, access, priv_u, wait }),
        // Tagged pointers: top bits set, canonical only under some masking modes.
        1 => (slot.clone(), prop_oneof![Just(0x3e00_0000_0000_0000u64), Just(0x1234_0000_0000_0000u64)])
            .prop_map(|(slot, tag)| Op::Translate { slot, offset: tag, access: 0, priv_u: true, wait: 0 }),
        3 => (prop_oneof![8 => 0u8..5, 1 => 5u8..8], asid.clone(), slot.clone())
            .prop_map(|(kind, asid, slot)| Op::Inval { kind, asid, slot }),
        2 => asid.clone().prop_map(|asid| Op::Switch { asid }),
        1 => (any::<bool>(), any::<bool>(), 0u8..4).prop_map(|(sum, mxr, pm)| Op::Status { sum, mxr, pm }),
        1 => (asid.clone(), slot.clone(), prop_oneof![0u16..4, 0u16..1200])
            .prop_map(|(asid, slot, npages)| Op::Range { asid, slot, npages }),
        1 => (1u8..20).prop_map(|cycles| Op::Idle { cycles }),
        2 => (slot.clone(), any::<bool>(), 1u64..64, 0u8..4)
            .prop_map(|(slot, unmap, ppn, kind)| Op::EditFence { slot, unmap, ppn, kind }),
        2 => (slot.clone(), 0u8..120, any::<bool>(), 1u64..64, 0u8..4)
            .prop_map(|(slot, wait, unmap, ppn, kind)| Op::Race { slot, wait, unmap, ppn, kind }),
        1 => (any::<bool>(), any::<bool>(), any::<u32>(), 0u16..24, any::<bool>(), 1u64..8)
            .prop_map(|(huge, inside, off, len, unmap, ppn)| Op::SuperRange { huge, inside, off, len, unmap, ppn }),
        1 => (asid.clone(), 0u8..3, 0..KERNEL, any::<bool>(), any::<bool>(), prop_oneof![Just(0u8), 0u8..24])
            .prop_map(|(sweep, first, slot, swap, look, wait)| Op::QueueTwo { sweep, first, slot, swap, look, wait }),
        1 => (1u16..512, 1u64..8, any::<bool>()).prop_map(|(block, ppn, whole)| Op::Collapse { block, ppn, whole }),
        1 => (0..KERNEL, 0u8..RESERVED_ENCODINGS, 0u8..3, any::<bool>())
            .prop_map(|(slot, enc, access, priv_u)| Op::Reserved { slot, enc, access, priv_u }),
        3 => (
            (any::<bool>(), any::<bool>(), any::<bool>(), 1u64..64),
            (0u8..8, any::<bool>(), asid.clone()),
            (slot.clone(), any::<bool>(), slot, prop_oneof![3 => 0u8..3, 2 => 3u8..20]),
            prop_oneof![4 => Just(false), 1 => Just(true)],
        )
            .prop_map(|((warm, edit, unmap, ppn), (kind, own, asid), (slot, same, look, delay), tail)| Op::InvalRace {
                tail, warm, edit, unmap, ppn, kind, own, asid, slot, same, look, delay
            }),
    ]
}

#[derive(Clone, Debug)]
struct Case {
    mem_seed: u64,
    mem: MemTiming,
    ops: Vec<Op>,
}

fn case() -> impl Strategy<Value = Case> {
    let mem = prop_oneof![
        Just(MemTiming::fixed(1)),
        Just(MemTiming::default()),
        Just(MemTiming { min_latency: 5, max_latency: 40, ready_percent: 50 }),
    ];
    (any::<u64>(), mem, prop::collection::vec(op(), 1..80)).prop_map(|(mem_seed, mem, ops)| Case { mem_seed, mem, ops })
}

/// Runs one case; returns the lockstep failure, if any.
fn run_case(name: &str, entries: usize, hit_latency: u8, c: &Case, artifacts: bool) -> Result<u64, Failure> {
    let mut cfg = LockstepConfig::new(name, c.mem_seed);
    cfg.entries = entries;
    cfg.hit_latency = hit_latency;
    cfg.mem = c.mem;
    cfg.mode = common::mode();
    cfg.artifacts = artifacts;
    cfg.reproduce =
        "rerun the test: proptest replays the saved failing seed first (harness/tests/properties.regressions)"
            .to_string();
    let mut ls = Lockstep::new(cfg).unwrap_or_else(|e| panic!("{e}"));
    // One root per ASID; all share the kernel half's level-1 table.
    let roots: Vec<u64> = (0..ASIDS).map(|_| ls.tables.alloc_table()).collect();
    let kernel_l1 = ls.tables.alloc_table();
    for &root in &roots {
        let (pt, mem) = ls.tables();
        pt.write_raw(mem, root, SLOTS[KERNEL], 2, Pte::new(kernel_l1, Pte::V).0);
    }
    let ctx_of = |asid: u16| Ctx { asid: asid_tag(asid), root_ppn: roots[asid as usize], ..Ctx::default() };
    ls.set_ctx(ctx_of(0));
    // Every slot starts mapped (4 KiB, read-write) in every address space, so translations
    // succeed and get cached, and the ops then change what is cached.
    for (a, &root) in roots.iter().enumerate() {
        for (k, &va) in SLOTS.iter().enumerate() {
            let (pt, mem) = ls.tables();
            if k >= KERNEL {
                if a == 0 {
                    pt.map(mem, root, va, PageLevel::Page4K, 0x300 + k as u64, PteFlags::KRWG);
                }
            } else {
                pt.map(mem, root, va, PageLevel::Page4K, 0x200 + 16 * a as u64 + k as u64, PteFlags::URW);
            }
        }
    }
    // Remap (or unmap) a slot of the current address space as 4 KiB, in the tables only.
    let edit = |ls: &mut Lockstep, slot: usize, unmap: bool, ppn: u64| {
        let global = slot >= KERNEL;
        let root = if global { roots[0] } else { ls.ctx().root_ppn };
        let (pt, mem) = ls.tables();
        if unmap {
            pt.unmap(mem, root, SLOTS[slot]);
        } else {
            let flags = if global {
                Pte::R | Pte::W | Pte::A | Pte::D | Pte::G
            } else {
                Pte::R | Pte::W | Pte::U | Pte::A | Pte::D
            };
            pt.map(mem, root, SLOTS[slot], PageLevel::Page4K, 0x200_0000 + ppn, PteFlags(flags));
        }
    };
    // ... then fence it.
    let edit_fence = |ls: &mut Lockstep, slot: usize, unmap: bool, ppn: u64, kind: u8| -> Result<(), Failure> {
        edit(ls, slot, unmap, ppn);
        // Global mappings are only retired by the kinds that do not keep global entries.
        let kind = if slot >= KERNEL { [0u8, 2][kind as usize % 2] } else { kind };
        ls.invalidate_raw(kind, ls.ctx().asid, SLOTS[slot])
    };
    for op in &c.ops {
        match *op {
            Op::Map { asid, slot, level, ppn, flags } => {
                // Kernel pages: global, 4 KiB or 2 MiB under the shared table.
                let (root, level, flags) = if slot >= KERNEL {
                    (roots[0], level.min(1), (flags & !Pte::U) | Pte::G)
                } else {
                    (roots[asid as usize], level, flags)
                };
                let level = PageLevel::from_level(level);
                // A PPN aligned to the page size, mostly: misaligned superpages must fault.
                let align = if ppn % 7 == 0 { 1 } else { level.bytes() >> 12 };
                let (pt, mem) = ls.tables();
                pt.map(mem, root, SLOTS[slot], level, ppn * align * 3 + 0x100_0000, PteFlags(flags));
            }
            Op::Unmap { asid, slot } => {
                let root = if slot >= KERNEL { roots[0] } else { roots[asid as usize] };
                let (pt, mem) = ls.tables();
                pt.unmap(mem, root, SLOTS[slot]);
            }
            Op::Protect { asid, slot, flags } => {
                let (root, flags) =
                    if slot >= KERNEL { (roots[0], (flags & !Pte::U) | Pte::G) } else { (roots[asid as usize], flags) };
                let (pt, mem) = ls.tables();
                pt.protect(mem, root, SLOTS[slot], PteFlags(flags));
            }
            Op::Translate { slot, offset, access, priv_u, wait } => {
                let vaddr = SLOTS[slot].wrapping_add(offset);
                ls.issue(Request { vaddr, access: Access::from_bits(access), priv_u })?;
                ls.run(wait as u64)?;
            }
            Op::Inval { kind, asid, slot } => {
                ls.invalidate_raw(kind, asid_tag(asid), SLOTS[slot])?;
            }
            Op::Switch { asid } => {
                let Ctx { sum, mxr, pm, .. } = ls.ctx();
                ls.set_ctx(Ctx { sum, mxr, pm, ..ctx_of(asid) });
            }
            Op::Status { sum, mxr, pm } => ls.set_ctx(Ctx { sum, mxr, pm, ..ls.ctx() }),
            Op::Range { asid, slot, npages } => ls.invalidate_range(asid_tag(asid), SLOTS[slot], npages)?,
            Op::Idle { cycles } => ls.run(cycles as u64)?,
            Op::EditFence { slot, unmap, ppn, kind } => edit_fence(&mut ls, slot, unmap, ppn, kind)?,
            Op::Race { slot, wait, unmap, ppn, kind } => {
                let req = Request { vaddr: SLOTS[slot], access: Access::Load, priv_u: slot < KERNEL };
                ls.issue(req)?;
                ls.run(wait as u64)?;
                edit_fence(&mut ls, slot, unmap, ppn, kind)?;
                ls.issue(req)?;
            }
            Op::SuperRange { huge, inside, off, len, unmap, ppn } => {
                let ctx = ls.ctx();
                let (level, base) =
                    if huge { (PageLevel::Page1G, SUPER_VA[1]) } else { (PageLevel::Page2M, SUPER_VA[0]) };
                let pages = level.bytes() >> 12;
                let align = pages;
                let (pt, mem) = ls.tables();
                pt.map(mem, ctx.root_ppn, base, level, 8 * align, PteFlags::URW);
                // A page strictly inside the superpage, not its first or last.
                let at = 1 + off as u64 % (pages - 2);
                let va = base + (at << 12);
                ls.translate(va, Access::Load, true)?;
                let (pt, mem) = ls.tables();
                if unmap {
                    pt.unmap(mem, ctx.root_ppn, base);
                } else {
                    pt.map(mem, ctx.root_ppn, base, level, (9 + ppn) * align, PteFlags::URW);
                }
                let (first, npages) = if inside {
                    // From a page inside it, `len` pages on (never past its end).
                    (va, (len as u64).min(pages - 1 - at))
                } else {
                    // From `len + 1` pages before it to the page `at` inside it.
                    (base - ((len as u64 + 1) << 12), len as u64 + 1 + at)
                };
                ls.invalidate_range(ctx.asid, first, npages.min(u16::MAX as u64) as u16)?;
                ls.issue(Request { vaddr: va, access: Access::Load, priv_u: true })?;
            }
            Op::Collapse { block, ppn, whole } => {
                let ctx = ls.ctx();
                let giga = SUPER_VA[1];
                let two_m = giga + ((block as u64) << 21);
                let (pt, mem) = ls.tables();
                pt.map(mem, ctx.root_ppn, two_m, PageLevel::Page2M, (16 + ppn) << 9, PteFlags::URW);
                ls.translate(two_m + 0x3000, Access::Load, true)?;
                let (pt, mem) = ls.tables();
                pt.map(mem, ctx.root_ppn, giga, PageLevel::Page1G, (9 + ppn) << 18, PteFlags::URW);
                ls.translate(giga + 0x5000, Access::Load, true)?;
                ls.translate(two_m + 0x3000, Access::Load, true)?;
                ls.invalidate_raw(if whole { 1 } else { 3 }, ctx.asid, two_m)?;
                ls.translate(two_m + 0x3000, Access::Load, true)?;
            }
            Op::QueueTwo { sweep, first, slot, swap, look, wait } => {
                let ctx = ls.ctx();
                let mut others: Vec<u16> = (0..ASIDS).filter(|&a| a != sweep).collect();
                if swap {
                    others.reverse();
                }
                for &a in &others {
                    ls.set_ctx(Ctx { asid: asid_tag(a), root_ppn: roots[a as usize], ..ctx });
                    ls.translate(SLOTS[slot], Access::Load, true)?;
                }
                for &a in &others {
                    let (pt, mem) = ls.tables();
                    pt.unmap(mem, roots[a as usize], SLOTS[slot]);
                }
                match first {
                    0 => ls.invalidate(InvalKind::Asid, asid_tag(sweep), 0)?,
                    1 => ls.invalidate(InvalKind::VaAsid, asid_tag(sweep), SLOTS[(slot + 1) % KERNEL])?,
                    _ => ls.invalidate_range(asid_tag(sweep), SLOTS[slot], 3)?,
                }
                ls.invalidate(InvalKind::VaAsid, asid_tag(others[0]), SLOTS[slot])?;
                ls.invalidate(InvalKind::Asid, asid_tag(others[1]), 0)?;
                ls.run(wait as u64)?;
                let a = others[look as usize];
                ls.set_ctx(Ctx { asid: asid_tag(a), root_ppn: roots[a as usize], ..ctx });
                ls.issue(Request { vaddr: SLOTS[slot], access: Access::Load, priv_u: true })?;
            }
            Op::InvalRace { tail, warm, edit: changed, unmap, ppn, kind, own, asid, slot, same, look, delay } => {
                let sets = (ls.config().entries / L1_WAYS).max(1);
                let (slot, look, delay) = if tail {
                    (LAST_SET_SLOT, LAST_SET_SLOT, (sets - 1) as u8 + delay % 4)
                } else {
                    (slot, if same { slot } else { look }, delay)
                };
                if warm {
                    // The old mapping cached, the core idle: a stale answer is then one hit away.
                    ls.translate(SLOTS[look], Access::Load, look < KERNEL)?;
                }
                if changed {
                    edit(&mut ls, slot, unmap, ppn);
                }
                let asid = if own { ls.ctx().asid } else { asid_tag(asid) };
                ls.post_invalidate_raw(kind, asid, SLOTS[slot]);
                for _ in 0..delay {
                    ls.step()?;
                }
                ls.issue(Request { vaddr: SLOTS[look], access: Access::Load, priv_u: look < KERNEL })?;
                // Clocked at least once, so that the invalidation is presented before the next op.
                ls.step()?;
            }
            Op::Reserved { slot, enc, access, priv_u } => {
                let ctx = ls.ctx();
                let (pt, mem) = ls.tables();
                pt.write_raw(mem, ctx.root_ppn, SLOTS[slot], 0, reserved_leaf(enc, 0x77, priv_u));
                ls.invalidate_raw(InvalKind::VaAsid as u8, ctx.asid, SLOTS[slot])?;
                ls.issue(Request { vaddr: SLOTS[slot], access: Access::from_bits(access), priv_u })?;
            }
        }
    }
    ls.drain()?;
    ls.run(2)?;
    Ok(ls.cycle())
}

fn check(entries: usize, hit_latency: u8) {
    let h = if hit_latency == 1 { String::new() } else { format!("_h{hit_latency}") };
    let name = format!("lockstep_random_os_sequences_e{entries}{h}");
    common::property(
        &name,
        300,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/properties.regressions"),
        case(),
        |c, artifacts| run_case(&name, entries, hit_latency, c, artifacts),
        |c| {
            let ops: Vec<String> = c.ops.iter().map(|o| format!("  {o:?}")).collect();
            format!("memory {:?}, seed {:#x}, {} ops:\n{}", c.mem, c.mem_seed, ops.len(), ops.join("\n"))
        },
    );
}

#[test]
fn lockstep_random_os_sequences_e4() {
    check(4, 1);
}

#[test]
fn lockstep_random_os_sequences_e32() {
    check(32, 1);
}

/// HitLatency 2: a hit's answer a cycle later, so two requests are in flight at once (the
/// `Translate` ops' short waits issue the next one before the last is answered).
#[test]
fn lockstep_random_os_sequences_e16_h2() {
    check(16, 2);
}
