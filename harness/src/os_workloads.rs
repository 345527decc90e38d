// SPDX-License-Identifier: Apache-2.0
//! Built-in multi-core workloads for the [`Os`](crate::os::Os): synthetic operating-system
//! loads, and the five races of the Linux threads this project answers (docs/scenarios.md),
//! run over and over with the timing between the racing cores swept.
//!
//! Synthetic loads run until the cycle budget is spent; every core draws its next step from
//! its own seeded generator, so a (workload, seed, configuration) triple is a reproducible run.

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tlb_sim::Access;

use crate::error::WorkloadError;
use crate::os::{Next, OsState, ProcId, Step, Workload, PROT_READ, PROT_WRITE};

/// Every built-in workload: (name, one-line description).
pub const WORKLOADS: &[(&str, &str)] = &[
    ("os-mix", "all of the below at once: processes fork, exec, exit and switch; threads munmap, mprotect, madvise; khugepaged collapses; kernel threads run lazily"),
    ("munmap-storm", "one multi-threaded process on every core; threads free and re-map heap chunks (malloc trimming) while the others touch the heap"),
    ("fork-exit", "every core forks children that touch copy-on-write pages and exit: ASIDs released and reused, COW breaks shot down"),
    ("ctx-switch", "twice as many processes as cores, frequent switches and kernel threads (lazy TLB); the running process now and then unmaps or mprotects a page or changes pointer masking (LAM)"),
    ("thp-collapse", "khugepaged collapses 2 MiB regions into huge pages (and splits them) while threads on every other core walk them"),
    ("seed000", "race 000: a core filtered out of a shootdown switches into the ASID right after it (switch-to-post offset swept 0..9)"),
    ("seed001", "race 001: deferred flushes: 1..6 pages migrated, each posted, one sync, while a core holding the ASID is away"),
    ("seed002", "race 002: pointer masking (LAM) changes while a core holds the process lazily, then returns"),
    ("seed003", "race 003: a process exits while a core holds it lazily; its ASID is reused at once by a new process"),
    ("seed004", "race 004: walks in flight on every core while the 4 KiB PTEs under them collapse into a 2 MiB page"),
];

/// The workload `name` for `cores` cores and `asids` hardware ASIDs.
pub fn build(name: &str, cores: usize, asids: usize, seed: u64) -> Result<Box<dyn Workload>, WorkloadError> {
    // Processes that live at once (ASID 0 is never used).
    let need = match name {
        "fork-exit" | "os-mix" => cores + 2,
        _ => 3,
    };
    if need > asids - 1 {
        return Err(WorkloadError::TooFewAsids { name: name.to_string(), cores, need, asids });
    }
    let rng = |c: usize| ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(c as u64));
    let w: Box<dyn Workload> = match name {
        "os-mix" => Box::new(Synthetic::new(cores, rng, Kind::Mix)),
        "ctx-switch" => {
            let mut w = Synthetic::new(cores, rng, Kind::CtxSwitch);
            w.procs = (2 * cores).min(asids - 2);
            Box::new(w)
        }
        "munmap-storm" => Box::new(Synthetic::new(cores, rng, Kind::MunmapStorm)),
        "fork-exit" => Box::new(Synthetic::new(cores, rng, Kind::ForkExit)),
        "thp-collapse" => Box::new(Synthetic::new(cores, rng, Kind::Thp)),
        "seed000" | "seed001" | "seed002" | "seed003" | "seed004" => Box::new(Scripted::new(name, cores)),
        _ => {
            return Err(WorkloadError::Unknown {
                name: name.to_string(),
                known: WORKLOADS.iter().map(|w| w.0).collect(),
            })
        }
    };
    Ok(w)
}

const HEAP: u64 = 0x1000_0000;
const HEAP_PAGES: u64 = 512;
const THP: u64 = 0x4000_0000;
const THP_REGIONS: u64 = 4;
const MB2: u64 = 0x20_0000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Mix,
    MunmapStorm,
    ForkExit,
    CtxSwitch,
    Thp,
}

/// A core's plan: steps queued, refilled from its generator.
struct Synthetic {
    kind: Kind,
    cores: usize,
    rng: Vec<ChaCha8Rng>,
    queue: Vec<VecDeque<Step>>,
    /// The shared multi-threaded process, and per-core processes.
    shared: ProcId,
    own: Vec<ProcId>,
    /// Children forked by each core, alive.
    child: Vec<Option<ProcId>>,
    /// Processes of ctx-switch.
    procs: usize,
}

impl Synthetic {
    fn new(cores: usize, rng: impl Fn(usize) -> ChaCha8Rng, kind: Kind) -> Synthetic {
        Synthetic {
            kind,
            cores,
            rng: (0..cores).map(rng).collect(),
            queue: vec![VecDeque::new(); cores],
            shared: 0,
            own: Vec::new(),
            child: vec![None; cores],
            procs: 2 * cores,
        }
    }

    fn heap_page(rng: &mut ChaCha8Rng, core: usize) -> u64 {
        // Each thread mostly works in its own part of the heap, sometimes anywhere.
        let page = if rng.gen_bool(0.9) {
            (core as u64 * 64 + rng.gen_range(0..16)) % HEAP_PAGES
        } else {
            rng.gen_range(0..HEAP_PAGES)
        };
        HEAP + (page << 12) + (rng.gen_range(0..512u64) << 3)
    }

    fn access(vaddr: u64, rng: &mut ChaCha8Rng) -> Step {
        // Three stores in ten.
        let access = if (6..=8).contains(&rng.gen_range(0..10)) { Access::Store } else { Access::Load };
        Step::Access { vaddr, access }
    }

    /// The next few steps of `core`.
    fn refill(&mut self, core: usize, os: &mut OsState) {
        let kind = if self.kind == Kind::Mix {
            [Kind::MunmapStorm, Kind::ForkExit, Kind::CtxSwitch, Kind::Thp][self.rng[core].gen_range(0..4)]
        } else {
            self.kind
        };
        let shared = self.shared;
        let own = self.own.clone();
        let rng = &mut self.rng[core];
        let q = &mut self.queue[core];
        match kind {
            Kind::MunmapStorm => {
                q.push_back(Step::Run(shared));
                for _ in 0..rng.gen_range(8..40) {
                    q.push_back(Self::access(Self::heap_page(rng, core), rng));
                }
                if rng.gen_bool(0.5) {
                    let first = rng.gen_range(0..HEAP_PAGES - 32);
                    let len = rng.gen_range(1..=32u64) << 12;
                    let va = HEAP + (first << 12);
                    if rng.gen_bool(0.7) {
                        q.push_back(Step::Munmap { proc: shared, vaddr: va, len });
                        q.push_back(Step::Mmap { proc: shared, vaddr: va, len, prot: PROT_READ | PROT_WRITE });
                    } else {
                        q.push_back(Step::MadviseDontneed { proc: shared, vaddr: va, len });
                    }
                }
            }
            Kind::ForkExit => {
                let parent = own[core];
                if let Some(ch) = self.child[core].take() {
                    q.push_back(Step::Exit(ch));
                    q.push_back(Step::Run(parent));
                    for _ in 0..rng.gen_range(4..16) {
                        q.push_back(Self::access(HEAP + (rng.gen_range(0..24u64) << 12), rng));
                    }
                } else {
                    let ch = os.new_proc();
                    self.child[core] = Some(ch);
                    q.push_back(Step::Run(parent));
                    q.push_back(Step::Fork { parent, child: ch });
                    q.push_back(Step::Run(ch));
                    for _ in 0..rng.gen_range(8..48) {
                        let va = HEAP + (rng.gen_range(0..24u64) << 12);
                        let access = if rng.gen_bool(0.3) { Access::Store } else { Access::Load };
                        q.push_back(Step::Access { vaddr: va, access });
                    }
                }
            }
            Kind::CtxSwitch => {
                // A kernel thread cannot leave a forked child behind: finish it first.
                if let Some(ch) = self.child[core].take() {
                    q.push_back(Step::Exit(ch));
                }
                let p = own[rng.gen_range(0..own.len())];
                q.push_back(Step::Run(p));
                for _ in 0..rng.gen_range(4..24) {
                    q.push_back(Self::access(HEAP + (rng.gen_range(0..24u64) << 12), rng));
                }
                match rng.gen_range(0..20) {
                    0..=5 => {
                        q.push_back(Step::KernelThread);
                        q.push_back(Step::Idle(rng.gen_range(10..200)));
                    }
                    6 | 7 => {
                        let va = HEAP + (rng.gen_range(0..24u64) << 12);
                        q.push_back(Step::Munmap { proc: p, vaddr: va, len: 4096 });
                        q.push_back(Step::Mmap { proc: p, vaddr: va, len: 4096, prot: PROT_READ | PROT_WRITE });
                    }
                    8 | 9 => {
                        let va = HEAP + (rng.gen_range(0..20u64) << 12);
                        q.push_back(Step::Mprotect { proc: p, vaddr: va, len: 4 << 12, prot: PROT_READ });
                        q.push_back(Step::Mprotect { proc: p, vaddr: va, len: 4 << 12, prot: PROT_READ | PROT_WRITE });
                    }
                    10 => q.push_back(Step::SetPm { proc: p, pm: rng.gen_range(0..3) }),
                    _ => {}
                }
            }
            Kind::Thp => {
                q.push_back(Step::Run(shared));
                if core == 0 {
                    // khugepaged and page migration.
                    let r = THP + rng.gen_range(0..THP_REGIONS) * MB2;
                    match rng.gen_range(0..3) {
                        0 => q.push_back(Step::Collapse { proc: shared, vaddr: r }),
                        1 => q.push_back(Step::Split { proc: shared, vaddr: r }),
                        _ => q.push_back(Step::Migrate {
                            proc: shared,
                            vaddr: r + (rng.gen_range(0..500u64) << 12),
                            pages: rng.gen_range(1..8),
                        }),
                    }
                    q.push_back(Step::Idle(rng.gen_range(0..60)));
                } else {
                    for _ in 0..rng.gen_range(8..32) {
                        let r = rng.gen_range(0..THP_REGIONS) * MB2;
                        q.push_back(Self::access(THP + r + (rng.gen_range(0..32u64) << 12), rng));
                    }
                }
            }
            Kind::Mix => unreachable!("mix picks one of the others"),
        }
    }
}

impl Workload for Synthetic {
    fn setup(&mut self, os: &mut OsState) {
        self.shared = os.new_proc();
        let own = match self.kind {
            Kind::MunmapStorm | Kind::Thp => 0,
            Kind::CtxSwitch => self.procs,
            Kind::ForkExit | Kind::Mix => self.cores.max(2),
        };
        self.own = (0..own).map(|_| os.new_proc()).collect();
        // Core 0 execs every process and maps its memory; the others start after it.
        let q = &mut self.queue[0];
        for p in std::iter::once(self.shared).chain(self.own.iter().copied()) {
            q.push_back(Step::Exec(p));
            q.push_back(Step::Mmap { proc: p, vaddr: HEAP, len: HEAP_PAGES << 12, prot: PROT_READ | PROT_WRITE });
        }
        q.push_back(Step::Mmap { proc: self.shared, vaddr: THP, len: THP_REGIONS * MB2, prot: PROT_READ | PROT_WRITE });
        for q in &mut self.queue {
            q.push_back(Step::Barrier);
        }
    }

    fn next(&mut self, core: usize, os: &mut OsState) -> Next {
        if self.queue[core].is_empty() {
            self.refill(core, os);
        }
        match self.queue[core].pop_front() {
            Some(s) => Next::Step(s),
            None => Next::Wait,
        }
    }
}

/// One of the five races, round after round: every round is a fixed script per core with
/// barriers between its phases, and a timing offset that changes from round to round.
struct Scripted {
    name: &'static str,
    cores: usize,
    round: u64,
    queue: Vec<VecDeque<Step>>,
    procs: Vec<ProcId>,
}

const P: u64 = 0x5000_0000;

impl Scripted {
    fn new(name: &str, cores: usize) -> Scripted {
        let name = WORKLOADS.iter().find(|w| w.0 == name).expect("a known scenario").0;
        Scripted { name, cores, round: 0, queue: vec![VecDeque::new(); cores], procs: Vec::new() }
    }

    fn acc(vaddr: u64) -> Step {
        Step::Access { vaddr, access: Access::Load }
    }

    /// Every core's steps of round `k` (all cores get the same number of barriers).
    fn script(&mut self, k: u64, os: &mut OsState) {
        let (a, b) = (self.procs[0], self.procs[1]);
        let rw = PROT_READ | PROT_WRITE;
        let off = (k % 10) as u32;
        let mut s: Vec<Vec<Step>> = vec![Vec::new(); self.cores];
        match self.name {
            "seed000" => {
                // Core 1 caches P of A and leaves for B (keeping a slot); core 0 unmaps P
                // and shoots it down while core 1 switches back `off` cycles later.
                s[1] = vec![
                    Step::Run(a),
                    Self::acc(P),
                    Step::Run(b),
                    Step::Barrier,
                    Step::Idle(off),
                    Step::Run(a),
                    Self::acc(P),
                    Step::Barrier,
                ];
                s[0] = vec![
                    Step::Run(a),
                    Step::Barrier,
                    Step::Munmap { proc: a, vaddr: P, len: 4096 },
                    Step::Barrier,
                    Step::Mmap { proc: a, vaddr: P, len: 4096, prot: rw },
                ];
            }
            "seed001" => {
                let n = k % 6 + 1;
                let mut c1 = vec![Step::Run(a)];
                c1.extend((0..8).map(|i| Self::acc(P + (i << 12))));
                c1.extend([Step::Run(b), Step::Barrier, Step::Barrier, Step::Run(a)]);
                c1.extend((0..8).map(|i| Self::acc(P + (i << 12))));
                s[1] = c1;
                s[0] = vec![Step::Run(a), Step::Barrier, Step::Migrate { proc: a, vaddr: P, pages: n }, Step::Barrier];
            }
            "seed002" => {
                s[1] = vec![
                    Step::Run(a),
                    Self::acc(P),
                    Step::KernelThread,
                    Step::Barrier,
                    Step::Idle(off),
                    Self::acc(P),
                    Step::Barrier,
                ];
                s[0] = vec![Step::Run(b), Step::Barrier, Step::SetPm { proc: a, pm: (k % 3) as u8 }, Step::Barrier];
            }
            "seed003" => {
                // A new process for this round; the previous round's exits.
                let c = os.new_proc();
                self.procs[0] = c;
                s[1] = vec![
                    Step::Run(a),
                    Self::acc(P),
                    Step::KernelThread,
                    Step::Barrier,
                    Step::Barrier,
                    Step::Run(c),
                    Self::acc(P),
                    Step::Barrier,
                ];
                s[0] = vec![
                    Step::Run(b),
                    Step::Barrier,
                    Step::Exit(a),
                    Step::Exec(c),
                    Step::Mmap { proc: c, vaddr: P, len: 16 << 12, prot: rw },
                    Step::Barrier,
                    Step::Barrier,
                ];
            }
            _ => {
                // seed004: the others walk the 4 KiB pages of a region (misses, walks in
                // flight) while core 0 collapses it, then splits it again.
                for (c, steps) in s.iter_mut().enumerate().skip(1) {
                    steps.push(Step::Run(a));
                    steps.push(Step::Barrier);
                    steps.extend((0..24).map(|i| Self::acc(P + (((i * 7 + c as u64 * 3 + k) % 512) << 12))));
                    steps.push(Step::Barrier);
                }
                s[0] = vec![
                    Step::Run(b),
                    Step::Barrier,
                    Step::Idle(off * 3),
                    Step::Collapse { proc: a, vaddr: P },
                    Step::Barrier,
                    Step::Split { proc: a, vaddr: P },
                ];
            }
        }
        // Cores the script has no part for only keep the barriers.
        let barriers = s[0].iter().filter(|x| **x == Step::Barrier).count();
        for (c, steps) in s.into_iter().enumerate() {
            let steps = if steps.is_empty() { vec![Step::Barrier; barriers] } else { steps };
            self.queue[c].extend(steps);
            self.queue[c].push_back(Step::Barrier);
        }
    }
}

impl Workload for Scripted {
    fn setup(&mut self, os: &mut OsState) {
        self.procs = vec![os.new_proc(), os.new_proc()];
        let rw = PROT_READ | PROT_WRITE;
        for &p in &self.procs {
            self.queue[0].push_back(Step::Exec(p));
            self.queue[0].push_back(Step::Mmap { proc: p, vaddr: P, len: 2 * MB2, prot: rw });
        }
        for q in &mut self.queue {
            q.push_back(Step::Barrier);
        }
    }

    fn next(&mut self, core: usize, os: &mut OsState) -> Next {
        if self.queue.iter().all(VecDeque::is_empty) {
            self.script(self.round, os);
            self.round += 1;
        }
        match self.queue[core].pop_front() {
            Some(s) => Next::Step(s),
            None => Next::Wait,
        }
    }

    fn progress(&self) -> Option<(u64, u64)> {
        Some((self.round, 0))
    }
}
