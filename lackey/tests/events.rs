// SPDX-License-Identifier: Apache-2.0
//! Well-formed lines to events: accesses, SCHED lines, the memory-map syscalls in each of
//! the forms valgrind writes them, and the noise that is skipped.

mod common;

use common::{events, BANNER};
use lackey_trace::AccessKind;
use lackey_trace::TraceEvent::*;

#[test]
fn access_lines() {
    let ev = events(&format!(
        "{BANNER}I  0401ab70,3\n S 1fff000728,8\n L 04a8c3d8,8\n M 04033e06,1\nI  ffffffffffffffff,15\n"
    ));
    let a = |vaddr, size, kind| Access { tid: 1, vaddr, size, kind };
    assert_eq!(
        ev,
        [
            Switch { tid: 1 },
            a(0x0401ab70, 3, AccessKind::Instr),
            a(0x1fff000728, 8, AccessKind::Store),
            a(0x04a8c3d8, 8, AccessKind::Load),
            a(0x04033e06, 1, AccessKind::Modify),
            a(u64::MAX, 15, AccessKind::Instr),
        ]
    );
}

#[test]
fn crlf_and_a_last_line_without_newline() {
    assert_eq!(
        events("I  10,4\r\n L 20,8"),
        [
            Switch { tid: 1 },
            Access { tid: 1, vaddr: 0x10, size: 4, kind: AccessKind::Instr },
            Access { tid: 1, vaddr: 0x20, size: 8, kind: AccessKind::Load },
        ]
    );
}

#[test]
fn switches_follow_the_lock_not_every_sched_line() {
    let ev = events(&format!(
        "{BANNER}I  1000,4\n\
         --15064--   SCHED[1]: releasing lock (VG_(client_syscall)[async]) -> VgTs_WaitSys\n\
         --15064--   SCHED[1]:  acquired lock (VG_(client_syscall)[async])\n\
         I  1004,4\n\
         --15064--   SCHED[1]: releasing lock (VG_(client_syscall)[async]) -> VgTs_WaitSys\n\
         --15064--   SCHED[2]:  acquired lock (thread_wrapper(starting new thread))\n\
         --15064--   SCHED[2]: entering VG_(scheduler)\n\
         I  2000,4\n\
         --15064--   SCHED[2]: releasing lock (VG_(scheduler):timeslice) -> VgTs_Yielding\n\
         --15064--   SCHED[2]:  acquired lock (VG_(scheduler):timeslice)\n\
         I  2004,4\n"
    ));
    let i = |tid, vaddr| Access { tid, vaddr, size: 4, kind: AccessKind::Instr };
    assert_eq!(ev, [Switch { tid: 1 }, i(1, 0x1000), i(1, 0x1004), Switch { tid: 2 }, i(2, 0x2000), i(2, 0x2004),]);
}

#[test]
fn sync_and_pre_success_syscalls() {
    let ev = events(&format!(
        "{BANNER}\
         SYSCALL[15064,1](9) sys_mmap ( 0x0, 8192, 3, 34, 4294967295, 0 ) --> [pre-success] Success(0x4835000) \n\
         SYSCALL[15064,1](11) sys_munmap ( 0x483c000, 35991 )[sync] --> Success(0x0) \n\
         SYSCALL[15064,1](10) sys_mprotect ( 0x4a14000, 16384, 1 )[sync] --> Success(0x0) \n\
         SYSCALL[15064,1](25) sys_mremap ( 0x4a2a000, 65536, 1048576, 0x1 ) --> [pre-success] Success(0x4b00000) \n\
         SYSCALL[15064,1](25) sys_mremap ( 0x4b00000, 8192, 8192, 0x3, 0x5000000 ) --> [pre-success] Success(0x5000000) \n\
         SYSCALL[15064,1](329) sys_pkey_mprotect ( 0x4a14000, 4096, 3, 0 )[sync] --> Success(0x0) \n"
    ));
    assert_eq!(
        ev,
        [
            Switch { tid: 1 },
            Mmap { tid: 1, addr: 0x4835000, len: 8192, prot: 3 },
            Munmap { tid: 1, addr: 0x483c000, len: 36864 },
            Mprotect { tid: 1, addr: 0x4a14000, len: 16384, prot: 1 },
            Mremap { tid: 1, old_addr: 0x4a2a000, old_len: 65536, new_addr: 0x4b00000, new_len: 1 << 20 },
            Mremap { tid: 1, old_addr: 0x4b00000, old_len: 8192, new_addr: 0x5000000, new_len: 8192 },
            Mprotect { tid: 1, addr: 0x4a14000, len: 4096, prot: 3 },
        ]
    );
}

#[test]
fn failed_syscalls_change_nothing() {
    let ev = events(&format!(
        "{BANNER}\
         SYSCALL[15064,1](9) sys_mmap ( 0x0, 4096, 1, 1, 12345, 0 ) --> [pre-fail] Failure(0x9) \n\
         SYSCALL[15064,1](11) sys_munmap ( 0x1001, 10 )[sync] --> Failure(0x16) \n\
         SYSCALL[15064,1](10) sys_mprotect ( 0x1001, 4096, 1 )[sync] --> Failure(0x16) \n\
         SYSCALL[15064,1](28) sys_madvise ( 0x1001, 4096, 4 ) --> [async] ... \n\
         SYSCALL[15064,1](28) ... [async] --> Failure(0x16) \n"
    ));
    assert_eq!(ev, [Switch { tid: 1 }]);
}

#[test]
fn brk_tracks_the_previous_break() {
    let ev = events(&format!(
        "{BANNER}\
         SYSCALL[15064,1](12) sys_brk ( 0x0 ) --> [pre-success] Success(0x4035000) \n\
         SYSCALL[15064,1](12) sys_brk ( 0x0 ) --> [pre-success] Success(0x4035000) \n\
         SYSCALL[15064,1](12) sys_brk ( 0x4045000 ) --> [pre-success] Success(0x4045000) \n\
         SYSCALL[15064,1](12) sys_brk ( 0x403d000 ) --> [pre-success] Success(0x403d000) \n\
         SYSCALL[15064,1](12) sys_brk ( 0x1 ) --> [pre-success] Success(0x403d000) \n"
    ));
    assert_eq!(
        ev,
        [
            Switch { tid: 1 },
            Brk { tid: 1, old: 0x4035000, new: 0x4045000 },
            Brk { tid: 1, old: 0x4045000, new: 0x403d000 },
        ]
    );
}

/// From the shipped trace: thread 2's madvise blocks, thread 1 runs, thread 2's result
/// line names only the syscall number.
#[test]
fn async_syscalls_complete_on_a_later_line_of_their_thread() {
    let ev = events(&format!(
        "{BANNER}\
         --15064--   SCHED[2]:  acquired lock (VG_(client_syscall)[async])\n\
         SYSCALL[15064,2](28) sys_madvise ( 0x4a9d000, 8368128, 4 ) --> [async] ... \n\
         --15064--   SCHED[2]: releasing lock (VG_(client_syscall)[async]) -> VgTs_WaitSys\n\
         --15064--   SCHED[1]:  acquired lock (VG_(vg_yield))\n\
         I  1000,4\n\
         SYSCALL[15064,1](202) sys_futex ( 0x522c990, 265, 14016, 0x0, 0x0 ) --> [async] ... \n\
         --15064--   SCHED[1]: releasing lock (VG_(client_syscall)[async]) -> VgTs_WaitSys\n\
         --15064--   SCHED[2]:  acquired lock (VG_(client_syscall)[async])\n\
         SYSCALL[15064,2](28) ... [async] --> Success(0x0) \n\
         SYSCALL[15064,2](60) exit( 0 ) --> [pre-success] Success(0x0) \n\
         --15064--   SCHED[2]: exiting VG_(scheduler)\n\
         --15064--   SCHED[2]: release lock in VG_(exit_thread)\n\
         --15064--   SCHED[1]:  acquired lock (VG_(client_syscall)[async])\n\
         SYSCALL[15064,1](202) ... [async] --> Success(0x0) \n"
    ));
    assert_eq!(
        ev,
        [
            Switch { tid: 1 },
            Switch { tid: 2 },
            Switch { tid: 1 },
            Access { tid: 1, vaddr: 0x1000, size: 4, kind: AccessKind::Instr },
            Switch { tid: 2 },
            Madvise { tid: 2, addr: 0x4a9d000, len: 8368128, advice: 4 },
            ThreadExit { tid: 2 },
            Switch { tid: 1 },
        ]
    );
}

/// Seen in real traces: SCHED messages inside a syscall line, its newline later.
#[test]
fn sched_messages_inside_syscall_lines() {
    let ev = events(&format!(
        "{BANNER}\
         SYSCALL[15064,1](56) sys_clone ( 3d0f00, 0x529cf70, 0x529d990, 0x529d990, 0x529d6c0 ) --> [pre-success] Success(0x3301) --15064--   SCHED[1]: releasing lock (VG_(vg_yield)) -> VgTs_Yielding\n\
         --15064--   SCHED[2]:  acquired lock (thread_wrapper(starting new thread))\n\
         I  2000,4\n\
         --15064--   SCHED[2]: releasing lock (VG_(client_syscall)[async]) -> VgTs_WaitSys\n\
         --15064--   SCHED[1]:  acquired lock (VG_(vg_yield))\n\
         \n\
         I  1000,4\n\
         SYSCALL[15064,1](231) exit_group( 0 )--15064--   SCHED[1]: releasing lock (VG_(vg_yield)) -> VgTs_Yielding\n\
         --15064--   SCHED[2]:  acquired lock (sigvgkill_handler)\n\
         SCHEDSETJMP(line 1211) tid 2, jumped=1476724588\n\
         --15064--   SCHED[2]: exiting VG_(scheduler)\n\
         --15064--   SCHED[2]: release lock in VG_(exit_thread)\n\
         --15064--   SCHED[1]:  acquired lock (VG_(vg_yield))\n\
         \x20--> [pre-success] Success(0x0) \n\
         --15064--   SCHED[1]: exiting VG_(scheduler)\n\
         ==15064== Exit code:       0\n"
    ));
    assert_eq!(
        ev,
        [
            Switch { tid: 1 },
            Switch { tid: 2 },
            Access { tid: 2, vaddr: 0x2000, size: 4, kind: AccessKind::Instr },
            Switch { tid: 1 },
            Access { tid: 1, vaddr: 0x1000, size: 4, kind: AccessKind::Instr },
            Switch { tid: 2 },
            ThreadExit { tid: 2 },
            Switch { tid: 1 },
            ThreadExit { tid: 1 },
        ]
    );
}

#[test]
fn a_memory_syscall_whose_result_comes_on_its_own_line() {
    let ev = events(&format!(
        "{BANNER}\
         SYSCALL[15064,1](11) sys_munmap ( 0x5000, 8192 )--15064--   SCHED[1]: releasing lock (VG_(vg_yield)) -> VgTs_Yielding\n\
         --15064--   SCHED[1]:  acquired lock (VG_(vg_yield))\n\
         \x20--> Success(0x0) \n\
         SYSCALL[15064,1](334) unimplemented (by the kernel) syscall: 334! (ni_syscall)\n\
         \x20--> [pre-fail] Failure(0x26) \n"
    ));
    assert_eq!(ev, [Switch { tid: 1 }, Munmap { tid: 1, addr: 0x5000, len: 8192 }]);
}

/// Valgrind gives a finished thread's id to the next thread it creates: the exit, then
/// the new thread's start under the same id (the workload makes it a new thread).
#[test]
fn a_recycled_thread_id_exits_before_it_starts_again() {
    let ev = events(&format!(
        "{BANNER}I  1000,4\n\
         --15064--   SCHED[1]: releasing lock (VG_(vg_yield)) -> VgTs_Yielding\n\
         --15064--   SCHED[2]:  acquired lock (thread_wrapper(starting new thread))\n\
         I  2000,4\n\
         --15064--   SCHED[2]: exiting VG_(scheduler)\n\
         --15064--   SCHED[2]: release lock in VG_(exit_thread)\n\
         --15064--   SCHED[1]:  acquired lock (VG_(vg_yield))\n\
         SYSCALL[15064,1](56) sys_clone ( 3d0f00, 0x529cf70, 0x529d990, 0x529d990, 0x529d6c0 ) --> [pre-success] Success(0x3302) \n\
         --15064--   SCHED[1]: releasing lock (VG_(vg_yield)) -> VgTs_Yielding\n\
         --15064--   SCHED[2]:  acquired lock (thread_wrapper(starting new thread))\n\
         I  3000,4\n"
    ));
    let i = |tid, vaddr| Access { tid, vaddr, size: 4, kind: AccessKind::Instr };
    assert_eq!(
        ev,
        [
            Switch { tid: 1 },
            i(1, 0x1000),
            Switch { tid: 2 },
            i(2, 0x2000),
            ThreadExit { tid: 2 },
            Switch { tid: 1 },
            Switch { tid: 2 },
            i(2, 0x3000),
        ]
    );
}

#[test]
fn without_sched_lines_thread_one_runs_and_exit_syscalls_end_threads() {
    let ev = events(
        "==1== Lackey\nI  1000,4\n\
         SYSCALL[1,2](9) sys_mmap ( 0x0, 4096, 3, 34, 4294967295, 0 ) --> [pre-success] Success(0x7000) \n\
         SYSCALL[1,2](60) exit( 0 ) --> [pre-success] Success(0x0) \n\
         I  1004,4\n\
         SYSCALL[1,1](231) exit_group( 0 ) --> [pre-success] Success(0x0) \n",
    );
    assert_eq!(
        ev,
        [
            Switch { tid: 1 },
            Access { tid: 1, vaddr: 0x1000, size: 4, kind: AccessKind::Instr },
            Switch { tid: 2 },
            Mmap { tid: 2, addr: 0x7000, len: 4096, prot: 3 },
            ThreadExit { tid: 2 },
            Switch { tid: 1 },
            Access { tid: 1, vaddr: 0x1004, size: 4, kind: AccessKind::Instr },
            ThreadExit { tid: 1 },
        ]
    );
}

#[test]
fn noise_is_skipped() {
    let ev = events(
        "==1== Lackey, an example Valgrind tool\n==1== Command: zstd -q\n--1-- some warning\n\
         SYSCALL[1,1](257) sys_openat ( 4294967196, 0x4034bb0(/usr/lib/x.so), 524288 ) --> [async] ... \n\
         SYSCALL[1,1](257) ... [async] --> Success(0x4) \n\
         SYSCALL[1,1](3) sys_close ( 4 )[sync] --> Success(0x0) \n\
         vex amd64->IR: unhandled instruction bytes: 0x62 0xF1\n\
         ==1== Exit code:       0\n",
    );
    assert_eq!(ev, []);
}
