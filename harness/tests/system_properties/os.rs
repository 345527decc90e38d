// SPDX-License-Identifier: Apache-2.0
//! The operating system in miniature: processes (ASIDs, page tables), the thread each core
//! runs, per-core command queues, and how each operation edits the tables and posts the
//! invalidations it owes. `run_case` boots it on a system and applies a case's operations.

use super::*;

/// The user pages every process maps (three 4 KiB pages and one in another gigapage).
const USER: [u64; 4] = [0x1000, 0x2000, 0x3000, 0x4000_0000];
/// The 2 MiB region each process maps in 4 KiB pages and collapses once into a huge page.
const THP: u64 = 0x20_0000;
/// The kernel half's pages, global and shared by every address space.
const KERNEL: u64 = 0xffff_ffc0_0000_0000;

struct Proc {
    asid: u16,
    root: u64,
    pm: u8,
    alive: bool,
    huge: bool,
}

struct Os {
    s: SysLockstep,
    procs: Vec<Proc>,
    free_asids: Vec<u16>,
    /// Per core: the process it runs, and whether it runs a kernel thread on it (lazy).
    running: Vec<Option<usize>>,
    lazy: Vec<bool>,
    queue: Vec<VecDeque<Command>>,
    kernel_l1: u64,
    kernel_root: u64,
    next_ppn: u64,
}

impl Os {
    fn frame(&mut self) -> u64 {
        self.next_ppn += 1;
        self.next_ppn
    }

    /// One cycle, feeding each idle core the next command of its queue.
    fn pump(&mut self) -> Result<(), Failure> {
        for c in 0..self.queue.len() {
            if !self.s.cmd_busy(c) {
                if let Some(cmd) = self.queue[c].pop_front() {
                    self.s.post_cmd(c, cmd)?;
                }
            }
        }
        self.s.step()?;
        for c in 0..self.queue.len() {
            for r in self.s.take_results(c) {
                if r.error {
                    self.s.step()?; // let the report show the aftermath
                    panic!("core {c}: the OS model issued a refused command {r:?}");
                }
            }
        }
        Ok(())
    }

    /// Runs until `core` has sent and finished everything queued.
    /// A sync that never completes (an ack lost) fails the case instead of hanging it.
    fn settle(&mut self, core: usize) -> Result<(), Failure> {
        let start = self.s.cycle();
        while !self.queue[core].is_empty() || self.s.cmd_busy(core) {
            self.pump()?;
            if self.s.cycle() - start > 100_000 {
                panic!("core {core}: its commands did not complete in 100000 cycles");
            }
        }
        Ok(())
    }

    /// Holds `cores` in reset for `cycles` cycles from `delay` cycles on. Their queues are
    /// dropped with what the reset dropped; the invalidations among them are posted again
    /// on the same core, and synced; the cores run nothing until scheduled again.
    fn reset(&mut self, cores: &[usize], delay: u8, cycles: u8) -> Result<(), Failure> {
        for _ in 0..delay {
            self.pump()?;
        }
        let mut queued: Vec<Vec<Command>> = cores.iter().map(|&c| self.queue[c].drain(..).collect()).collect();
        for &c in cores {
            self.s.reset_core(c, cycles as u64);
        }
        while cores.iter().any(|&c| self.s.in_reset(c)) {
            self.pump()?;
        }
        for (k, &c) in cores.iter().enumerate() {
            // Those dropped in flight came before the queued ones.
            let mut lost = self.s.take_dropped(c);
            lost.append(&mut queued[k]);
            self.running[c] = None;
            self.lazy[c] = false;
            let posts: Vec<Command> = lost.into_iter().filter(|x| matches!(x, Command::Post { .. })).collect();
            if !posts.is_empty() {
                self.queue[c].extend(posts);
                self.queue[c].push_back(Command::Sync);
            }
        }
        Ok(())
    }

    /// Queues `cmd` on `core` and waits for it (and everything before it).
    fn now(&mut self, core: usize, cmd: Command) -> Result<(), Failure> {
        self.queue[core].push_back(cmd);
        self.settle(core)
    }

    fn new_process(&mut self, core: usize) -> Result<Option<usize>, Failure> {
        let Some(asid) = self.free_asids.pop() else { return Ok(None) };
        let root = self.s.tables.alloc_table();
        let kl1 = self.kernel_l1;
        let ppns: Vec<u64> = (0..USER.len() + 16).map(|_| self.frame()).collect();
        let (pt, mem) = self.s.tables();
        pt.write_raw(mem, root, KERNEL, 2, Pte::new(kl1, Pte::V).0);
        for (k, &va) in USER.iter().enumerate() {
            pt.map(mem, root, va, PageLevel::Page4K, ppns[k], PteFlags::URW);
        }
        for p in 0..16u64 {
            pt.map(mem, root, THP + (p << 12), PageLevel::Page4K, ppns[USER.len() + p as usize], PteFlags::URW);
        }
        self.now(core, Command::SetAttrs { asid, root, pm: 0 })?;
        self.now(core, Command::Sync)?;
        self.procs.push(Proc { asid, root, pm: 0, alive: true, huge: false });
        Ok(Some(self.procs.len() - 1))
    }

    /// The process two different cores both run for real, if they do.
    fn shared_proc(&self, core: usize, other: usize) -> Option<usize> {
        let p = self.user_proc(core)?;
        (core != other && self.user_proc(other) == Some(p)).then_some(p)
    }

    /// Process `p` is gone and its ASID, released and synced, is free again.
    fn retire(&mut self, p: usize) {
        self.procs[p].alive = false;
        self.free_asids.insert(0, self.procs[p].asid);
        for r in self.running.iter_mut().filter(|r| **r == Some(p)) {
            *r = None;
        }
    }

    /// The process `core` runs for real (not lazily).
    fn user_proc(&self, core: usize) -> Option<usize> {
        self.running[core].filter(|_| !self.lazy[core]).filter(|&p| self.procs[p].alive)
    }

    fn apply(&mut self, op: &OsOp) -> Result<(), Failure> {
        match *op {
            OsOp::Schedule { core, proc_ } => {
                let live: Vec<usize> = (0..self.procs.len()).filter(|&p| self.procs[p].alive).collect();
                let p = live[proc_ % live.len()];
                // Queued: the switch races whatever the other cores do.
                self.queue[core].push_back(Command::Switch(self.procs[p].asid));
                self.running[core] = Some(p);
                self.lazy[core] = false;
            }
            OsOp::KernelThread { core } => {
                if self.running[core].is_some() && !self.lazy[core] {
                    self.now(core, Command::Lazy)?;
                    self.lazy[core] = true;
                }
            }
            OsOp::Access { core, slot, offset, access, wait, user_if_lazy } => {
                // The thread runs once the core's switches have happened.
                self.settle(core)?;
                let lazy_user = self.running[core].filter(|&p| user_if_lazy && self.lazy[core] && self.procs[p].alive);
                let (vaddr, priv_u) = match self.user_proc(core).or(lazy_user) {
                    Some(p) => {
                        let base = if slot < USER.len() { USER[slot] } else { THP };
                        // Under masking, tag the pointer's top byte as the process would.
                        let tag = if self.procs[p].pm == 2 { 0x5a00_0000_0000_0000 } else { 0 };
                        ((base + offset) | tag, true)
                    }
                    None if self.running[core].is_some() => (KERNEL + (offset & 0x3ff8), false),
                    None => return Ok(()),
                };
                self.s.issue(core, Request { vaddr, access: Access::from_bits(access), priv_u })?;
                for _ in 0..wait {
                    self.pump()?;
                }
            }
            OsOp::Munmap { core, slot, defer } => {
                if let Some(p) = self.user_proc(core) {
                    let (root, asid) = (self.procs[p].root, self.procs[p].asid);
                    let (pt, mem) = self.s.tables();
                    pt.unmap(mem, root, USER[slot]);
                    self.queue[core].push_back(Command::Post {
                        kind: InvalKind::VaAsid,
                        asid,
                        vaddr: USER[slot],
                        npages: 0,
                    });
                    if !defer {
                        self.queue[core].push_back(Command::Sync);
                    }
                }
            }
            OsOp::Mprotect { core, slot, write } => {
                if let Some(p) = self.user_proc(core) {
                    let (root, asid) = (self.procs[p].root, self.procs[p].asid);
                    let flags = if write { PteFlags::URW } else { PteFlags::UR };
                    let (pt, mem) = self.s.tables();
                    pt.protect(mem, root, USER[slot], flags);
                    self.queue[core].push_back(Command::Post {
                        kind: InvalKind::RangeAsid,
                        asid,
                        vaddr: USER[slot],
                        npages: 0,
                    });
                    self.queue[core].push_back(Command::Sync);
                }
            }
            OsOp::Remap { core, slot, ppn, defer } => {
                if let Some(p) = self.user_proc(core) {
                    let (root, asid) = (self.procs[p].root, self.procs[p].asid);
                    let ppn = 0x40_0000 + ppn;
                    let (pt, mem) = self.s.tables();
                    pt.map(mem, root, USER[slot], PageLevel::Page4K, ppn, PteFlags::URW);
                    self.queue[core].push_back(Command::Post {
                        kind: InvalKind::VaAsid,
                        asid,
                        vaddr: USER[slot],
                        npages: 0,
                    });
                    if !defer {
                        self.queue[core].push_back(Command::Sync);
                    }
                }
            }
            OsOp::ThpCollapse { core } => {
                if let Some(p) = self.user_proc(core) {
                    if !self.procs[p].huge {
                        let (root, asid) = (self.procs[p].root, self.procs[p].asid);
                        let huge = (self.frame() + 0x1000) & !0x1ff;
                        self.next_ppn = huge + 0x200;
                        let (pt, mem) = self.s.tables();
                        pt.map(mem, root, THP, PageLevel::Page2M, huge, PteFlags::URW);
                        self.procs[p].huge = true;
                        self.queue[core].push_back(Command::Post {
                            kind: InvalKind::RangeAsid,
                            asid,
                            vaddr: THP,
                            npages: 511,
                        });
                        self.queue[core].push_back(Command::Sync);
                    }
                }
            }
            OsOp::Attrs { core, pm, new_root } => {
                if let Some(p) = self.user_proc(core) {
                    let mut root = self.procs[p].root;
                    if new_root {
                        // exec(): a fresh address space with the same layout, new frames.
                        root = self.s.tables.alloc_table();
                        let kl1 = self.kernel_l1;
                        let ppns: Vec<u64> = (0..USER.len()).map(|_| self.frame()).collect();
                        let (pt, mem) = self.s.tables();
                        pt.write_raw(mem, root, KERNEL, 2, Pte::new(kl1, Pte::V).0);
                        for (k, &va) in USER.iter().enumerate() {
                            pt.map(mem, root, va, PageLevel::Page4K, ppns[k], PteFlags::URW);
                        }
                        self.procs[p].huge = true; // no THP region in the new image
                    }
                    let asid = self.procs[p].asid;
                    self.now(core, Command::SetAttrs { asid, root, pm })?;
                    self.now(core, Command::Sync)?;
                    self.procs[p].root = root;
                    self.procs[p].pm = pm;
                }
            }
            OsOp::Fork { core } => {
                self.new_process(core)?;
            }
            OsOp::Exit { proc_ } => {
                let live: Vec<usize> = (0..self.procs.len()).filter(|&p| self.procs[p].alive).collect();
                if live.len() < 2 {
                    return Ok(());
                }
                let p = live[proc_ % live.len()];
                // Every thread of it is gone: its cores run kernel threads (lazily on it).
                for c in 0..self.running.len() {
                    self.settle(c)?;
                    if self.running[c] == Some(p) && !self.lazy[c] {
                        self.now(c, Command::Lazy)?;
                        self.lazy[c] = true;
                    }
                }
                let asid = self.procs[p].asid;
                self.now(0, Command::Release(asid))?;
                self.now(0, Command::Sync)?;
                self.retire(p);
            }
            OsOp::ReleaseRace { proc_, other, attrs, gap } => {
                let n = self.running.len();
                let live: Vec<usize> = (0..self.procs.len()).filter(|&p| self.procs[p].alive).collect();
                if live.len() < 2 {
                    return Ok(());
                }
                let p = live[proc_ % live.len()];
                let b = if other == 0 { 1 } else { other };
                for c in 0..n {
                    self.settle(c)?;
                    if self.running[c] == Some(p) && !self.lazy[c] {
                        self.now(c, Command::Lazy)?;
                        self.lazy[c] = true;
                    }
                }
                let asid = self.procs[p].asid;
                let errors_before = self.s.outputs().cnt.errors;
                // Nothing else is queued: the release is decided before the attempt, which
                // comes `gap` cycles after the release was accepted.
                self.s.post_cmd(0, Command::Release(asid))?;
                while self.s.cmd_waiting(0) {
                    self.s.step()?;
                }
                self.s.run(gap as u64)?;
                let attempt = if attrs {
                    Command::SetAttrs { asid, root: self.procs[p].root, pm: self.procs[p].pm }
                } else {
                    Command::Switch(asid)
                };
                self.s.post_cmd(b, attempt)?;
                // The release's SYNC completes when its acknowledgements are in: until then
                // the release is under way.
                let mut synced = false;
                while !synced || self.s.cmd_busy(0) || self.s.cmd_busy(b) {
                    if !synced && !self.s.cmd_busy(0) {
                        self.s.post_cmd(0, Command::Sync)?;
                        synced = true;
                    }
                    self.s.step()?;
                }
                let mut on_0 = self.s.take_results(0).into_iter();
                let (release, sync) =
                    (on_0.next().expect("the release's result"), on_0.next().expect("the sync's result"));
                let tried = self.s.take_results(b).pop().expect("the attempt's result");
                assert!(!release.error, "core 0: the release of ASID {asid} was refused: {release:?}");
                if !tried.error {
                    // Not refused: it came after the release was decided, so it must have
                    // come after the release was acknowledged (the ASID free again).
                    assert!(
                        tried.done >= sync.done,
                        "core {b}: {attempt:?} was accepted at cycle {} while the release of ASID {asid} was being \
                         acknowledged (release accepted at {}, its sync done at {})",
                        tried.done,
                        release.accepted,
                        sync.done
                    );
                }
                let refused = tried.error as u32;
                let counted = self.s.outputs().cnt.errors.wrapping_sub(errors_before);
                assert_eq!(counted, refused, "refused commands counted by cnt_errors_o");
                if !tried.error {
                    // Undo the attempt: the ASID was taken again after its release; let go of
                    // it (the switching core goes lazy) and release it again.
                    if attrs {
                        self.now(b, Command::Sync)?;
                    } else {
                        self.now(b, Command::Lazy)?;
                        self.running[b] = None;
                        self.lazy[b] = false;
                    }
                    self.now(0, Command::Release(asid))?;
                }
                self.now(0, Command::Sync)?;
                self.retire(p);
            }
            OsOp::AwayAttrs { core, other, slot, gap } => {
                let Some(p) = self.shared_proc(core, other) else { return Ok(()) };
                let Some(away) = (0..self.procs.len()).find(|&x| x != p && self.procs[x].alive) else { return Ok(()) };
                self.apply(&OsOp::Access { core, slot, offset: 0, access: 0, wait: 0, user_if_lazy: false })?;
                self.s.drain(core)?;
                self.now(core, Command::Switch(self.procs[away].asid))?;
                for _ in 0..gap {
                    self.pump()?;
                }
                let pm = self.procs[p].pm;
                self.apply(&OsOp::Attrs { core: other, pm, new_root: true })?;
                self.now(core, Command::Switch(self.procs[p].asid))?;
                self.apply(&OsOp::Access { core, slot, offset: 8, access: 0, wait: 0, user_if_lazy: false })?;
            }
            OsOp::LazyShootdown { core, other, slot, gap } => {
                if self.shared_proc(core, other).is_none() {
                    return Ok(());
                }
                self.apply(&OsOp::Access { core, slot, offset: 0, access: 0, wait: 0, user_if_lazy: false })?;
                self.s.drain(core)?;
                self.apply(&OsOp::KernelThread { core })?;
                for _ in 0..gap {
                    self.pump()?;
                }
                self.apply(&OsOp::Remap { core: other, slot, ppn: 11 + gap as u64, defer: false })?;
                self.settle(other)?;
                self.apply(&OsOp::Access { core, slot, offset: 8, access: 0, wait: 0, user_if_lazy: true })?;
            }
            OsOp::KernelRemap { core, page } => {
                if self.running[core].is_some() {
                    let ppn = self.frame();
                    let root = self.kernel_root;
                    let (pt, mem) = self.s.tables();
                    pt.map(mem, root, KERNEL + (page << 12), PageLevel::Page4K, ppn, PteFlags::KRWG);
                    self.queue[core].push_back(Command::Post {
                        kind: InvalKind::Va,
                        asid: 0,
                        vaddr: KERNEL + (page << 12),
                        npages: 0,
                    });
                    self.queue[core].push_back(Command::Sync);
                }
            }
            OsOp::ResetCore { core, slot, delay, cycles, resume } => {
                self.settle(core)?;
                // (process, VA, user page) of the page remapped under the reset.
                let stale = match (self.user_proc(core), self.running[core]) {
                    (Some(p), _) if slot < USER.len() => Some((p, USER[slot], true)),
                    (_, Some(p)) => Some((p, KERNEL + ((slot as u64 % 4) << 12), false)),
                    _ => None,
                };
                let tagged = |os: &Os, p: usize, va: u64, user: bool| {
                    if user && os.procs[p].pm == 2 {
                        va | 0x5a00_0000_0000_0000
                    } else {
                        va
                    }
                };
                if let Some((p, va, user)) = stale {
                    self.s.issue(
                        core,
                        Request { vaddr: tagged(self, p, va, user), access: Access::Load, priv_u: user },
                    )?;
                    self.s.drain(core)?;
                    let ppn = self.frame();
                    let post = if user {
                        let (pt, mem) = self.s.tables();
                        let root = self.procs[p].root;
                        pt.map(mem, root, va, PageLevel::Page4K, ppn, PteFlags::URW);
                        Command::Post { kind: InvalKind::VaAsid, asid: self.procs[p].asid, vaddr: va, npages: 0 }
                    } else {
                        let root = self.kernel_root;
                        let (pt, mem) = self.s.tables();
                        pt.map(mem, root, va, PageLevel::Page4K, ppn, PteFlags::KRWG);
                        Command::Post { kind: InvalKind::Va, asid: 0, vaddr: va, npages: 0 }
                    };
                    self.queue[core].push_back(post);
                }
                self.reset(&[core], delay, cycles)?;
                match stale {
                    Some((p, va, user)) if resume => {
                        // Back to the process ahead of the invalidations owed again, and the
                        // page touched as soon as the switch is done.
                        self.queue[core].push_front(Command::Switch(self.procs[p].asid));
                        self.running[core] = Some(p);
                        let start = self.s.cycle();
                        while !self.s.outputs().core[core].cur_valid {
                            self.pump()?;
                            assert!(
                                self.s.cycle() - start < 100_000,
                                "core {core}: its switch after the reset never completed"
                            );
                        }
                        self.s.issue(
                            core,
                            Request { vaddr: tagged(self, p, va, user), access: Access::Load, priv_u: user },
                        )?;
                    }
                    _ if resume => self.apply(&OsOp::Schedule { core, proc_: core + delay as usize })?,
                    _ => {}
                }
            }
            OsOp::ResetAll { delay, cycles } => {
                let all: Vec<usize> = (0..self.running.len()).collect();
                self.reset(&all, delay, cycles)?;
                for core in all {
                    self.apply(&OsOp::Schedule { core, proc_: core })?;
                }
            }
            OsOp::Idle { cycles } => {
                for _ in 0..cycles {
                    self.pump()?;
                }
            }
            OsOp::Bounce { core, other, slot, gap } => {
                let Some(p) = self.shared_proc(core, other) else { return Ok(()) };
                let Some(away) = (0..self.procs.len()).find(|&x| x != p && self.procs[x].alive) else { return Ok(()) };
                self.apply(&OsOp::Access { core, slot, offset: 0, access: 0, wait: 0, user_if_lazy: false })?;
                self.s.drain(core)?;
                self.queue[core].push_back(Command::Switch(self.procs[away].asid));
                for _ in 0..gap {
                    self.pump()?;
                }
                self.apply(&OsOp::Remap { core: other, slot, ppn: 7 + gap as u64, defer: false })?;
                for _ in 0..(gap / 2) {
                    self.pump()?;
                }
                self.queue[core].push_back(Command::Switch(self.procs[p].asid));
                self.settle(other)?;
                self.apply(&OsOp::Access { core, slot, offset: 8, access: 0, wait: 0, user_if_lazy: false })?;
            }
        }
        Ok(())
    }
}

pub fn run_case(name: &str, sys: SysConfig, c: &Case, artifacts: bool) -> Result<u64, Failure> {
    let mut cfg = SysLockstepConfig::new(name, sys, c.seed);
    cfg.mem = c.mem;
    cfg.mode = common::mode();
    cfg.artifacts = artifacts;
    cfg.reproduce = "rerun the test: proptest replays saved failures first".to_string();
    let mut s = SysLockstep::new(cfg).unwrap_or_else(|e| panic!("{e}"));
    let kernel_l1 = s.tables.alloc_table();
    let n = sys.cores;
    let mut os = Os {
        s,
        procs: Vec::new(),
        free_asids: asid_pool(sys.asids),
        running: vec![None; n],
        lazy: vec![false; n],
        queue: vec![VecDeque::new(); n],
        kernel_l1,
        kernel_root: 0,
        next_ppn: 0x10_0000,
    };
    // The kernel half: a few global pages in one level-1 table that every address space
    // shares; `kernel_root` reaches it for edits.
    let kernel_root = os.s.tables.alloc_table();
    os.kernel_root = kernel_root;
    for k in 0..4u64 {
        let ppn = os.frame();
        let (pt, mem) = os.s.tables();
        pt.write_raw(mem, kernel_root, KERNEL, 2, Pte::new(kernel_l1, Pte::V).0);
        pt.map(mem, kernel_root, KERNEL + (k << 12), PageLevel::Page4K, ppn, PteFlags::KRWG);
    }
    os.new_process(0)?;
    os.new_process(0)?;
    // Every core starts out running one of them.
    for core in 0..n {
        os.apply(&OsOp::Schedule { core, proc_: core })?;
    }
    for op in &c.ops {
        os.apply(op)?;
    }
    for core in 0..n {
        os.queue[core].push_back(Command::Sync);
        os.settle(core)?;
        os.s.drain(core)?;
    }
    os.s.run(3)?;
    Ok(os.s.cycle())
}

/// The ASIDs the processes take, first taken last: 1 to 15, or, in a larger table, 15 spread
/// over all of it (every index bit of the directory's memories and registers used, the top
/// one, 4095 of 4096, among them).
fn asid_pool(asids: usize) -> Vec<u16> {
    let step = (asids - 1) / 15;
    (1..16.min(asids)).rev().map(|k| (k * step.max(1)) as u16).collect()
}
