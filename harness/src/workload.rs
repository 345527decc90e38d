// SPDX-License-Identifier: Apache-2.0
//! Built-in workloads, driven into a [`Lockstep`] run.
//!
//! `os-mix` is a small operating system in miniature on one core: processes with their own
//! address spaces (ASIDs) and working sets of 4 KiB and 2 MiB pages, a kernel half shared
//! by all of them and mapped global, context switches, and the page-table changes an OS
//! makes, each followed by the fence it owes: munmap/remap of a page (fence by VA+ASID),
//! mprotect (fence by VA+ASID), THP collapse of 4 KiB pages into a 2 MiB page and its
//! split back (fence by ASID), ASID recycling (fence by ASID), a kernel page remap (fence by
//! VA, global). Translations are issued back to back with small random gaps, so fences race
//! walks in flight.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tlb_sim::{Access, InvalKind, PageLevel, Pte};

use crate::error::WorkloadError;
use crate::lockstep::{Ctx, Lockstep, Request};
use crate::pagetable::PteFlags;
use crate::Failure;

/// Every built-in workload: (name, one-line description).
pub const WORKLOADS: &[(&str, &str)] =
    &[("os-mix", "processes, context switches, munmap/mprotect/THP collapse with fences, global kernel pages")];

/// Operation counts of a workload run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpCounts {
    pub context_switches: u64,
    pub remaps: u64,
    pub mprotects: u64,
    pub thp_collapses: u64,
    pub thp_splits: u64,
    pub asid_flushes: u64,
    pub kernel_remaps: u64,
}

const HEAP: u64 = 0x1000_0000;
const HEAP_PAGES: u64 = 24;
const CODE: u64 = 0x0040_0000; // one 2 MiB page
const THP: u64 = 0x2000_0000; // a 2 MiB region, 4 KiB pages or one 2 MiB page
const THP_PAGES: u64 = 16;
const KERNEL: u64 = 0xffff_ffc0_0000_0000;
const KERNEL_PAGES: u64 = 8;

struct Proc {
    asid: u16,
    root: u64,
    thp_huge: bool,
}

/// Runs workload `name` until the run has clocked `cycles` cycles.
pub fn run(
    name: &str,
    ls: &mut Lockstep,
    seed: u64,
    cycles: u64,
    mut progress: impl FnMut(u64),
) -> Result<Result<OpCounts, Failure>, WorkloadError> {
    match name {
        "os-mix" => Ok(os_mix(ls, seed, cycles, &mut progress)),
        other => {
            Err(WorkloadError::Unknown { name: other.to_string(), known: WORKLOADS.iter().map(|w| w.0).collect() })
        }
    }
}

fn os_mix(ls: &mut Lockstep, seed: u64, cycles: u64, progress: &mut dyn FnMut(u64)) -> Result<OpCounts, Failure> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x005a_110c);
    let mut counts = OpCounts::default();
    let mut next_ppn = 0x10_0000u64;
    let mut frame = |n: u64| {
        let p = next_ppn;
        next_ppn += n;
        p
    };

    // The kernel half: one level-1 table shared by every root, global 4 KiB pages.
    let kernel_l1 = ls.tables.alloc_table();
    let mut procs: Vec<Proc> = Vec::new();
    for i in 0..4u16 {
        let root = ls.tables.alloc_table();
        let (pt, mem) = ls.tables();
        pt.write_raw(mem, root, KERNEL, 2, Pte::new(kernel_l1, Pte::V).0);
        procs.push(Proc { asid: i + 1, root, thp_huge: false });
    }
    let root0 = procs[0].root;
    for k in 0..KERNEL_PAGES {
        let ppn = frame(1);
        let (pt, mem) = ls.tables();
        pt.map(mem, root0, KERNEL + k * 0x1000, PageLevel::Page4K, ppn, PteFlags::KRWG);
    }
    for p in &procs {
        let code = frame(1024) & !0x1ff;
        let (pt, mem) = ls.tables();
        pt.map(mem, p.root, CODE, PageLevel::Page2M, code + 0x200, PteFlags::UX);
        for k in 0..HEAP_PAGES {
            let ppn = frame(1);
            let (pt, mem) = ls.tables();
            pt.map(mem, p.root, HEAP + k * 0x1000, PageLevel::Page4K, ppn, PteFlags::URW);
        }
        for k in 0..THP_PAGES {
            let ppn = frame(1);
            let (pt, mem) = ls.tables();
            pt.map(mem, p.root, THP + k * 0x1000, PageLevel::Page4K, ppn, PteFlags::URW);
        }
    }
    let mut cur = 0usize;
    let switch = |ls: &mut Lockstep, p: &Proc| ls.set_ctx(Ctx { asid: p.asid, root_ppn: p.root, ..Ctx::default() });
    switch(ls, &procs[cur]);

    let mut last_report = 0u64;
    while ls.cycle() < cycles {
        if ls.cycle() - last_report >= 4096 {
            last_report = ls.cycle();
            progress(last_report);
        }
        let r = rng.gen_range(0..10_000);
        let p = &procs[cur];
        if r < 9700 {
            // Locality: the lower pages of the working set are the hot ones.
            let hot = rng.gen_range(0..HEAP_PAGES).min(rng.gen_range(0..HEAP_PAGES));
            let off = rng.gen_range(0..512u64) * 8;
            let (vaddr, access, priv_u) = match rng.gen_range(0..100) {
                0..=59 => (HEAP + hot * 0x1000 + off, Access::Load, true),
                60..=74 => (HEAP + hot * 0x1000 + off, Access::Store, true),
                75..=86 => ((CODE + rng.gen_range(0..0x20_0000u64)) & !3, Access::Fetch, true),
                87..=92 => (THP + rng.gen_range(0..THP_PAGES) * 0x1000 + off, Access::Load, true),
                93..=98 => (KERNEL + rng.gen_range(0..KERNEL_PAGES) * 0x1000 + off, Access::Load, false),
                _ => (0x7000_0000 + off, Access::Load, true), // unmapped: a page fault
            };
            ls.issue(Request { vaddr, access, priv_u })?;
            let gap = rng.gen_range(0..4);
            ls.run(gap)?;
        } else if r < 9780 {
            cur = rng.gen_range(0..procs.len());
            switch(ls, &procs[cur]);
            counts.context_switches += 1;
        } else if r < 9840 {
            // Page migration: remap a heap page to a new frame, then fence it.
            let va = HEAP + rng.gen_range(0..HEAP_PAGES) * 0x1000;
            let ppn = frame(1);
            let (pt, mem) = ls.tables();
            pt.map(mem, p.root, va, PageLevel::Page4K, ppn, PteFlags::URW);
            ls.invalidate(InvalKind::VaAsid, p.asid, va)?;
            counts.remaps += 1;
        } else if r < 9890 {
            // mprotect: read-only, or back to read-write.
            let va = HEAP + rng.gen_range(0..HEAP_PAGES) * 0x1000;
            let flags = if rng.gen_bool(0.5) { PteFlags::UR } else { PteFlags::URW };
            let (pt, mem) = ls.tables();
            pt.protect(mem, p.root, va, flags);
            ls.invalidate(InvalKind::VaAsid, p.asid, va)?;
            counts.mprotects += 1;
        } else if r < 9910 {
            let root = p.root;
            let asid = p.asid;
            if !procs[cur].thp_huge {
                // khugepaged: 16 small pages become one 2 MiB page.
                let huge = frame(1024) & !0x1ff;
                let (pt, mem) = ls.tables();
                pt.map(mem, root, THP, PageLevel::Page2M, huge + 0x200, PteFlags::URW);
                counts.thp_collapses += 1;
            } else {
                for k in 0..THP_PAGES {
                    let ppn = frame(1);
                    let (pt, mem) = ls.tables();
                    pt.map(mem, root, THP + k * 0x1000, PageLevel::Page4K, ppn, PteFlags::URW);
                }
                counts.thp_splits += 1;
            }
            procs[cur].thp_huge = !procs[cur].thp_huge;
            ls.invalidate(InvalKind::Asid, asid, 0)?;
        } else if r < 9920 {
            // ASID recycled for a new process image: flush it whole.
            ls.invalidate(InvalKind::Asid, p.asid, 0)?;
            counts.asid_flushes += 1;
        } else if r < 9930 {
            let va = KERNEL + rng.gen_range(0..KERNEL_PAGES) * 0x1000;
            let ppn = frame(1);
            let (pt, mem) = ls.tables();
            pt.map(mem, root0, va, PageLevel::Page4K, ppn, PteFlags::KRWG);
            ls.invalidate(InvalKind::Va, 0, va)?;
            counts.kernel_remaps += 1;
        } else {
            let idle = rng.gen_range(1..10);
            ls.run(idle)?;
        }
    }
    ls.drain()?;
    progress(ls.cycle());
    Ok(counts)
}
