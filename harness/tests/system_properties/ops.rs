// SPDX-License-Identifier: Apache-2.0
//! What the OS in miniature does, one operation at a time, and the generators that draw
//! sequences of them for `cores` cores.

use super::*;

#[derive(Clone, Debug)]
pub enum OsOp {
    Schedule {
        core: usize,
        proc_: usize,
    },
    KernelThread {
        core: usize,
    },
    /// A translation by the thread `core` runs; on a core running a kernel thread, of a
    /// kernel address, or (`user_if_lazy`) of a user address of the process it holds
    /// lazily (the lazy holder is targeted by that process's shootdowns).
    Access {
        core: usize,
        slot: usize,
        offset: u64,
        access: u8,
        wait: u8,
        user_if_lazy: bool,
    },
    Munmap {
        core: usize,
        slot: usize,
        defer: bool,
    },
    Mprotect {
        core: usize,
        slot: usize,
        write: bool,
    },
    Remap {
        core: usize,
        slot: usize,
        ppn: u64,
        defer: bool,
    },
    ThpCollapse {
        core: usize,
    },
    Attrs {
        core: usize,
        pm: u8,
        new_root: bool,
    },
    Fork {
        core: usize,
    },
    Exit {
        proc_: usize,
    },
    KernelRemap {
        core: usize,
        page: u64,
    },
    Idle {
        cycles: u8,
    },
    /// A thread leaves its process for another one while a sibling on `other` remaps a
    /// page and shoots it down, then comes back and touches the page: the switch and the
    /// shootdown race (seed 000), and the skipped core must catch up (seed 001).
    Bounce {
        core: usize,
        other: usize,
        slot: usize,
        gap: u8,
    },
    /// A process exits: core 0 releases its ASID while `other` tries to switch to it
    /// (`attrs`: to set its attributes) `gap` cycles later. The attempt is refused while the
    /// release is being acknowledged, and every refusal is counted; an attempt that gets in
    /// before the release is decided, or after it completes, is undone.
    ReleaseRace {
        proc_: usize,
        other: usize,
        attrs: bool,
        gap: u8,
    },
    /// `core` runs a process, touches a page and switches away; on `other`, the process
    /// gets a new root (exec) whose tables map the page elsewhere; `core` comes back and
    /// touches the page again: it must catch up with the attribute change (a full flush),
    /// not answer from the old root's entry.
    AwayAttrs {
        core: usize,
        other: usize,
        slot: usize,
        gap: u8,
    },
    /// `core` runs a process and touches a page, then runs a kernel thread (it holds the
    /// process lazily); on `other` the process remaps the page and shoots it down; `core`
    /// then touches the page again while still lazy: the lazy holder was a target, so its
    /// entry is gone.
    LazyShootdown {
        core: usize,
        other: usize,
        slot: usize,
        gap: u8,
    },
    /// `delay` cycles from now, `core` is held in reset for `cycles` cycles, whatever it is
    /// doing (a walk, a switch and its catch-up, a post whose acks are in flight, a sync,
    /// an ack it owes). Its queued commands are dropped with those the reset dropped; the
    /// OS posts again the invalidations among them (and syncs), and (`resume`) schedules
    /// a thread on the core again; otherwise it runs nothing until a later `Schedule`.
    /// If the core runs a process, it first touches user page `slot` (or, `slot` 4, a
    /// global kernel page, which the ASID flush of the core's first switch after the reset
    /// spares), which the OS then remaps and queues its post for; on resuming, the core
    /// runs the process again and touches the page before that post (posted again after
    /// the reset) is synced: only the reset keeps the old mapping from it (the oracle's
    /// floor).
    ResetCore {
        core: usize,
        slot: usize,
        delay: u8,
        cycles: u8,
        resume: bool,
    },
    /// Every core at once, then every core is scheduled again.
    ResetAll {
        delay: u8,
        cycles: u8,
    },
}

fn os_op(cores: usize) -> impl Strategy<Value = OsOp> {
    let core = 0..cores;
    prop_oneof![
        4 => (core.clone(), 0..6usize).prop_map(|(core, proc_)| OsOp::Schedule { core, proc_ }),
        1 => core.clone().prop_map(|core| OsOp::KernelThread { core }),
        12 => (core.clone(), 0..5usize, 0u64..0x2000, 0u8..3, prop_oneof![2 => Just(0u8), 1 => 1u8..40], any::<bool>())
            .prop_map(|(core, slot, offset, access, wait, user_if_lazy)| OsOp::Access { core, slot, offset: offset & !7, access, wait, user_if_lazy }),
        2 => (core.clone(), 0..4usize, any::<bool>()).prop_map(|(core, slot, defer)| OsOp::Munmap { core, slot, defer }),
        1 => (core.clone(), 0..4usize, any::<bool>()).prop_map(|(core, slot, write)| OsOp::Mprotect { core, slot, write }),
        2 => (core.clone(), 0..4usize, 1u64..200, any::<bool>()).prop_map(|(core, slot, ppn, defer)| OsOp::Remap { core, slot, ppn, defer }),
        1 => core.clone().prop_map(|core| OsOp::ThpCollapse { core }),
        1 => (core.clone(), 0u8..3, any::<bool>()).prop_map(|(core, pm, new_root)| OsOp::Attrs { core, pm, new_root }),
        1 => core.clone().prop_map(|core| OsOp::Fork { core }),
        1 => (0..6usize).prop_map(|proc_| OsOp::Exit { proc_ }),
        1 => (core.clone(), 0u64..4).prop_map(|(core, page)| OsOp::KernelRemap { core, page }),
        1 => (1u8..30).prop_map(|cycles| OsOp::Idle { cycles }),
        3 => (core.clone(), core.clone(), 0..4usize, 0u8..12)
            .prop_map(|(core, other, slot, gap)| OsOp::Bounce { core, other, slot, gap }),
        1 => (0..6usize, core.clone(), any::<bool>(), 0u8..10)
            .prop_map(|(proc_, other, attrs, gap)| OsOp::ReleaseRace { proc_, other, attrs, gap }),
        2 => (core.clone(), core.clone(), 0..4usize, 0u8..12)
            .prop_map(|(core, other, slot, gap)| OsOp::AwayAttrs { core, other, slot, gap }),
        2 => (core.clone(), core.clone(), 0..4usize, 0u8..12)
            .prop_map(|(core, other, slot, gap)| OsOp::LazyShootdown { core, other, slot, gap }),
        2 => (core.clone(), 0..5usize, 0u8..12, 1u8..4, any::<bool>())
            .prop_map(|(core, slot, delay, cycles, resume)| OsOp::ResetCore { core, slot, delay, cycles, resume }),
        1 => (0u8..12, 1u8..4).prop_map(|(delay, cycles)| OsOp::ResetAll { delay, cycles }),
    ]
}

#[derive(Clone, Debug)]
pub struct Case {
    pub seed: u64,
    pub mem: MemTiming,
    pub ops: Vec<OsOp>,
}

pub fn case(cores: usize) -> impl Strategy<Value = Case> {
    let mem = prop_oneof![
        Just(MemTiming::fixed(1)),
        Just(MemTiming::default()),
        Just(MemTiming { min_latency: 10, max_latency: 40, ready_percent: 60 }),
    ];
    (any::<u64>(), mem, prop::collection::vec(os_op(cores), 1..60)).prop_map(|(seed, mem, ops)| Case { seed, mem, ops })
}
