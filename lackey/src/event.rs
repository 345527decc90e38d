// SPDX-License-Identifier: Apache-2.0
//! What a trace tells, one event at a time.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessKind {
    Instr,
    Load,
    Store,
    /// Load and store of the same bytes (`M`, e.g. `add [mem], reg`).
    Modify,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TraceEvent {
    /// One memory access by the thread that runs now.
    Access {
        tid: u32,
        vaddr: u64,
        size: u32,
        kind: AccessKind,
    },
    /// A thread starts running (from the SCHED lines); the first event of a thread.
    Switch {
        tid: u32,
    },
    /// Successful syscalls only (a failed mmap changes nothing); addr/len as the kernel
    /// applied them (mmap: the returned address).
    Mmap {
        tid: u32,
        addr: u64,
        len: u64,
        prot: u32,
    },
    Munmap {
        tid: u32,
        addr: u64,
        len: u64,
    },
    Mprotect {
        tid: u32,
        addr: u64,
        len: u64,
        prot: u32,
    },
    /// brk moved the break from old to new (the parser tracks the previous break).
    Brk {
        tid: u32,
        old: u64,
        new: u64,
    },
    Madvise {
        tid: u32,
        addr: u64,
        len: u64,
        advice: u32,
    },
    /// mremap: old range gone, new range mapped.
    Mremap {
        tid: u32,
        old_addr: u64,
        old_len: u64,
        new_addr: u64,
        new_len: u64,
    },
    /// A thread exited (exit / exit_group), if visible.
    ThreadExit {
        tid: u32,
    },
}
