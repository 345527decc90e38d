// SPDX-License-Identifier: Apache-2.0
//! The errors: a bad line or a stop while reading ([`TraceError`], why in a [`Reason`]), and
//! a file that cannot be read as a trace at all ([`OpenError`]).
//!
//! Where an error wraps another (an I/O error, the part of a line that is wrong), the inner
//! one is part of the message and is not also returned by `source()`: printed as a chain it
//! would show twice.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A malformed line (or a read error: then `text` is empty).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct TraceError {
    /// 1-based line number; for [`TraceErrorKind::Truncated`], the lines read whole.
    pub line: u64,
    /// The line, lossily decoded, cut after 200 bytes.
    pub text: String,
    pub why: Reason,
    /// What kind of problem `why` is (always `why.kind()`).
    pub kind: TraceErrorKind,
}

impl TraceError {
    pub(crate) fn new(line: u64, text: String, why: Reason) -> TraceError {
        let kind = why.kind();
        TraceError { line, text, why, kind }
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TraceErrorKind::Truncated => write!(f, "{}", self.why),
            _ if self.text.is_empty() => write!(f, "trace line {}: {}", self.line, self.why),
            _ => write!(f, "trace line {}: {}: {}", self.line, self.why, self.text),
        }
    }
}

/// What went wrong; only [`TraceErrorKind::BadLine`] is skipped by
/// [`TraceOptions::skip_bad_lines`](crate::TraceOptions::skip_bad_lines).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceErrorKind {
    /// A malformed line; the reader goes on after it.
    BadLine,
    /// The file could not be read further (an I/O error, corrupt gzip data); the last event.
    Read,
    /// A gzip file that ends in the middle of its stream (a recording or a copy cut short):
    /// the last event; a last line cut in half is dropped.
    Truncated,
    /// A line of another process than the lines before (a forking program recorded
    /// without `%p` in `--log-file`): the trace mixes two programs. The reader goes on
    /// (with the first process's state), but what it reads is not one program.
    SecondProcess,
}

/// Why a line was refused, or why reading stopped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// Longer than the reader holds (a file that is not a trace, most likely).
    #[error("line longer than {max} bytes")]
    LineTooLong { max: usize },
    /// An unknown line before any line of valgrind's.
    #[error("not a Valgrind lackey trace line (expected I/L/S/M, SYSCALL, SCHED or ==pid== lines)")]
    NotLackey,
    /// See [`TraceErrorKind::SecondProcess`].
    #[error(
        "lines of two processes in one trace (pid {first}, then pid {second}): \
         a forking program logged to one file; record with --log-file=t.%p.txt \
         (one file per process) and replay one of them"
    )]
    SecondProcess { first: u32, second: u32 },
    /// An `I`, ` L`, ` S` or ` M` line.
    #[error("access: {0}")]
    Access(AccessProblem),
    #[error("SCHED line without a thread id")]
    SchedThreadId,
    #[error("SCHED line: expected ']:' after the thread id")]
    SchedColon,
    #[error("SYSCALL line: expected SYSCALL[pid,tid](nr)")]
    SyscallHeader,
    /// The call of a memory-map syscall (`name` as in the trace, e.g. `sys_mmap`).
    #[error("{name}: {problem}")]
    Syscall { name: &'static str, problem: SyscallProblem },
    #[error("syscall result: expected Success(0x..) or Failure(0x..)")]
    SyscallResult,
    /// A length that overflows when rounded up to whole pages.
    #[error("length {0} out of range")]
    LengthOutOfRange(u64),
    /// An I/O error or corrupt gzip data ([`TraceErrorKind::Read`]); `message` is the
    /// error's text (an [`io::Error`] is neither `Clone` nor `Eq`).
    #[error("cannot read the trace: {message}")]
    Read { kind: io::ErrorKind, message: String },
    /// See [`TraceErrorKind::Truncated`].
    #[error("the trace is a truncated gzip file (ends after {lines} lines)")]
    Truncated { lines: u64 },
}

impl Reason {
    pub fn kind(&self) -> TraceErrorKind {
        match self {
            Reason::Read { .. } => TraceErrorKind::Read,
            Reason::Truncated { .. } => TraceErrorKind::Truncated,
            Reason::SecondProcess { .. } => TraceErrorKind::SecondProcess,
            _ => TraceErrorKind::BadLine,
        }
    }
}

/// What is wrong with an access line's `addr,size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccessProblem {
    #[error("address is not hex (or longer than 16 digits)")]
    Address,
    #[error("expected ',' and a size after the address")]
    NoComma,
    #[error("size missing")]
    SizeMissing,
    #[error("size is not a decimal number")]
    SizeNotDecimal,
    #[error("size out of range")]
    SizeOutOfRange,
    #[error("size 0")]
    SizeZero,
}

/// What is wrong with the call of a memory-map syscall. Arguments count from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyscallProblem {
    #[error("no '(' before the arguments")]
    NoOpenParen,
    #[error("no ')' after the arguments")]
    NoCloseParen,
    #[error("more than {max} arguments")]
    TooManyArgs { max: usize },
    #[error("argument {0} is not a number")]
    NotANumber(usize),
    #[error("{got} arguments, expected {expected}")]
    ArgCount { got: usize, expected: usize },
    #[error("argument {0} out of range")]
    ArgOutOfRange(usize),
    #[error("expected '-->' after the arguments")]
    NoArrow,
}

/// A file [`open`](crate::open) cannot read as a trace.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open trace {}: {error}", .path.display())]
    Open { path: PathBuf, error: io::Error },
    /// Its metadata or its first bytes could not be read.
    #[error("cannot read trace {}: {error}", .path.display())]
    Read { path: PathBuf, error: io::Error },
    #[error("cannot read trace {}: it is a directory", .path.display())]
    Directory { path: PathBuf },
    /// Compressed, but not with gzip (`format`: zstd, xz or bzip2).
    #[error(
        "trace {} is {format}-compressed; only gzip and plain text are read \
         (recompress with gzip, or decompress it first)",
        .path.display()
    )]
    Compressed { path: PathBuf, format: &'static str },
}
