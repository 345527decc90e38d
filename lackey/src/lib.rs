// SPDX-License-Identifier: Apache-2.0
//! `lackey-trace`: a streaming reader for Valgrind lackey traces. It turns the log of a real
//! program (its memory accesses, the memory-map syscalls and the thread hand-overs) into
//! [`TraceEvent`]s, one at a time, in constant memory, from plain text or gzip.
//!
//! ```
//! use lackey_trace::{from_reader, AccessKind, TraceEvent, TraceOptions};
//!
//! let log = concat!(
//!     "==7== Lackey, an example Valgrind tool\n",
//!     "I  0401ab70,3\n",
//!     " S 1fff000728,8\n",
//!     "I  zz,4\n",
//! );
//! let mut reader = from_reader(log.as_bytes(), TraceOptions::default());
//! let access = |vaddr, size, kind| TraceEvent::Access { tid: 1, vaddr, size, kind };
//! assert_eq!(reader.next(), Some(Ok(TraceEvent::Switch { tid: 1 })));
//! assert_eq!(reader.next(), Some(Ok(access(0x0401ab70, 3, AccessKind::Instr))));
//! assert_eq!(reader.next(), Some(Ok(access(0x1fff000728, 8, AccessKind::Store))));
//! let e = reader.next().unwrap().unwrap_err();
//! assert_eq!(e.to_string(), "trace line 4: access: address is not hex (or longer than 16 digits): I  zz,4");
//! assert_eq!(reader.next(), None);
//! ```
//!
//! A file is read with [`open`] (gzip is told by its first bytes, not its name).
//!
//! Record with `--log-file` (so the program's own output stays out) and all three traces:
//!
//! ```text
//! valgrind --tool=lackey --trace-mem=yes --trace-syscalls=yes --trace-sched=yes \
//!          --log-file=t.txt PROG     # scripts/record-trace.sh records tests/data/zstd.lackey.gz
//! ```
//!
//! What the log holds, as valgrind 3.19 writes it (tests/data/README.md has the counts):
//!
//! - `I  04a0bd24,2`, ` L 05d12040,1`, ` S 1fff000728,8`, ` M 04033e06,1`: instruction
//!   fetch, load, store, modify (load and store of the same bytes), hex address (at least
//!   8 digits), decimal size. The lines name no thread: they belong to the thread that holds
//!   valgrind's big lock, which only the SCHED lines tell. `rep movsb` is one line per byte.
//! - `--pid--   SCHED[3]:  acquired lock (...)`: thread 3 runs from here on
//!   ([`TraceEvent::Switch`] when it was not running already; every other event follows
//!   the Switch of its thread). `SCHED[3]: exiting VG_(scheduler)`: thread 3 is gone
//!   ([`TraceEvent::ThreadExit`]); threads killed by another thread's `exit_group` show it
//!   too, their `exit` syscall never does. Thread ids are valgrind's (1 is the main thread,
//!   ids of exited threads are reused), not the kernel's: a Switch to an id after its
//!   ThreadExit is a new thread (`SCHED[3]:  acquired lock (thread_wrapper(starting new
//!   thread))`), which the reader leaves to its user to count as one.
//! - `SYSCALL[pid,tid](nr) sys_munmap ( 0x483c000, 35991 )[sync] --> Success(0x0) `: one
//!   line when the syscall cannot block. When it may block (madvise, read, futex) the line
//!   ends in `--> [async] ... `, other threads run, and the result comes later on its own
//!   line, `SYSCALL[pid,tid](nr) ... [async] --> Success(0x0) `, which names no syscall:
//!   so the call is kept per thread until then. Syscalls valgrind does itself (mmap, brk,
//!   mremap) print `--> [pre-success] Success(..)`, refused ones `[pre-fail] Failure(..)`.
//! - Valgrind's own messages can land in the middle of a syscall line: after `clone` the
//!   line goes on with `--pid--   SCHED[1]: releasing lock ...` and its end-of-line turns
//!   up later as an empty line; `exit_group( 0 )` may be followed on the same line by the
//!   SCHED lines of the threads it kills, and its result by a line ` --> [pre-success] ...`.
//! - `==pid==` lines (banner, statistics), other `--pid--` lines, `SCHEDSETJMP(...)`, the
//!   other syscalls: noise, skipped.
//! - The pid of `==pid==`, `--pid--` and `SYSCALL[pid,..]` is the traced process's: another
//!   one means a second program in the file (the child of a fork logs to its parent's file
//!   unless `--log-file` has `%p`), an error [`TraceErrorKind::SecondProcess`] that
//!   skipping bad lines does not skip. So is a gzip file that ends in the middle
//!   ([`TraceErrorKind::Truncated`]).
//!
//! Lengths of mmap, munmap, mprotect, madvise and mremap are rounded up to [`PAGE_SIZE`],
//! as the kernel applies them; brk reports the break itself (the heap's pages end at the
//! break rounded up). Syscall arguments are read by name with the x86-64 (amd64) formats.
//!
//! Errors: a bad line is a [`TraceError`] (its line number, the line, a [`Reason`]);
//! [`open`] fails with an [`OpenError`].

// Modules (all private; what they define is re-exported here):
// - event:  the events (TraceEvent, AccessKind).
// - error:  the error types (TraceError, TraceErrorKind, Reason and its parts, OpenError).
// - reader: TraceReader, TraceOptions, from_reader: lines out of any BufRead, bad lines,
//           skipping.
// - file:   open: a trace file, plain or gzip (by its magic bytes), bytes counted for
//           progress; other compressions refused.
// - parse:  one line at a time: the parser's state (running thread, syscalls in flight,
//           program break, pid) and the line formats.
// Tests: tests/events.rs (lines to events), tests/input.rs (bad lines and their messages,
// skipping, buffer fills, files: gzip, truncated, other compressions, missing),
// tests/trace_parse.rs (the shipped trace, ../tests/data/zstd.lackey.gz, against its counts).

mod error;
mod event;
mod file;
mod parse;
mod reader;

pub use error::{AccessProblem, OpenError, Reason, SyscallProblem, TraceError, TraceErrorKind};
pub use event::{AccessKind, TraceEvent};
pub use file::open;
pub use reader::{from_reader, TraceOptions, TraceReader};

/// Base page of the traced machine (Linux on x86-64).
pub const PAGE_SIZE: u64 = 4096;
