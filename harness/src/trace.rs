//! Streaming reader for Valgrind lackey traces: memory accesses, the memory-map syscalls
//! and thread hand-overs of a real program, one event at a time, in constant memory.
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

use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::iter::FusedIterator;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Base page of the traced machine (Linux on x86-64).
pub const PAGE_SIZE: u64 = 4096;

/// A longer line is malformed; keeps memory bounded on a file that is not a trace.
const MAX_LINE: usize = 64 * 1024;
/// Read-ahead of the file and of the decompressor.
const BUF_SIZE: usize = 256 * 1024;
/// Bytes of a bad line quoted in its error.
const QUOTE_MAX: usize = 200;

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

/// A malformed line (or a read error: then `text` is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceError {
    /// 1-based line number; for [`TraceErrorKind::Truncated`], the lines read whole.
    pub line: u64,
    /// The line, lossily decoded, cut after 200 bytes.
    pub text: String,
    pub why: String,
    pub kind: TraceErrorKind,
}

/// What went wrong; only [`TraceErrorKind::BadLine`] is skipped by
/// [`TraceOptions::skip_bad_lines`].
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

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TraceErrorKind::Truncated => f.write_str(&self.why),
            _ if self.text.is_empty() => write!(f, "trace line {}: {}", self.line, self.why),
            _ => write!(f, "trace line {}: {}: {}", self.line, self.why, self.text),
        }
    }
}

impl std::error::Error for TraceError {}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TraceOptions {
    /// Count malformed lines and go on instead of returning an error for each.
    pub skip_bad_lines: bool,
}

/// Events of a lackey trace, in trace order.
pub struct TraceReader<R: BufRead> {
    input: R,
    opts: TraceOptions,
    parser: Parser,
    /// Events of the last line not handed out yet (a line gives up to three).
    ready: VecDeque<TraceEvent>,
    /// The start of a line that goes on in the next buffer fill.
    carry: Vec<u8>,
    /// `carry` was cut at [`MAX_LINE`].
    carry_cut: bool,
    lines: u64,
    bad: u64,
    line_bytes: u64,
    /// Bytes taken from the file, below the decompressor (set by [`open`]).
    file_bytes: Option<Arc<AtomicU64>>,
    /// The input is a gzip decompressor: an early end of its stream is a truncated file.
    gzip: bool,
    done: bool,
}

/// Opens a trace file, plain or gzip (told by its first bytes, not its name).
pub fn open(path: &Path, opts: TraceOptions) -> Result<TraceReader<Box<dyn BufRead>>, String> {
    let shown = path.display();
    let file = File::open(path).map_err(|e| format!("cannot open trace {shown}: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read trace {shown}: {e}"))?;
    if meta.is_dir() {
        return Err(format!("cannot read trace {shown}: it is a directory"));
    }
    let counter = Arc::new(AtomicU64::new(0));
    let counted = CountingRead { inner: file, count: counter.clone() };
    let mut raw = BufReader::with_capacity(BUF_SIZE, counted);
    let head = raw.fill_buf().map_err(|e| format!("cannot read trace {shown}: {e}"))?;
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let input: Box<dyn BufRead> = if gzip {
        // Multi-member: `cat a.gz b.gz` and pigz output are one trace too.
        Box::new(BufReader::with_capacity(BUF_SIZE, flate2::bufread::MultiGzDecoder::new(raw)))
    } else if let Some(format) = other_compression(head) {
        return Err(format!(
            "trace {shown} is {format}-compressed; only gzip and plain text are read \
             (recompress with gzip, or decompress it first)"
        ));
    } else {
        Box::new(raw)
    };
    let mut reader = from_reader(input, opts);
    reader.file_bytes = Some(counter);
    reader.gzip = gzip;
    Ok(reader)
}

/// Reads a plain-text trace from any buffered reader.
pub fn from_reader<R: BufRead>(r: R, opts: TraceOptions) -> TraceReader<R> {
    TraceReader {
        input: r,
        opts,
        parser: Parser::new(),
        ready: VecDeque::with_capacity(8),
        carry: Vec::new(),
        carry_cut: false,
        lines: 0,
        bad: 0,
        line_bytes: 0,
        file_bytes: None,
        gzip: false,
        done: false,
    }
}

fn other_compression(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some("zstd")
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Some("xz")
    } else if head.starts_with(b"BZh") {
        Some("bzip2")
    } else {
        None
    }
}

impl<R: BufRead> TraceReader<R> {
    /// Lines read so far, noise included.
    pub fn lines_read(&self) -> u64 {
        self.lines
    }

    /// Malformed lines skipped so far (with [`TraceOptions::skip_bad_lines`]).
    pub fn bad_lines_skipped(&self) -> u64 {
        self.bad
    }

    /// Bytes consumed so far, for a progress bar against the file size: bytes of the file
    /// (compressed or not) for [`open`], bytes of text for [`from_reader`]. Runs ahead of
    /// the events by up to a buffer (256 KiB).
    pub fn bytes_read(&self) -> u64 {
        match &self.file_bytes {
            Some(c) => c.load(Ordering::Relaxed),
            None => self.line_bytes,
        }
    }

    /// Reads and parses one line (or part of one), queueing its events.
    fn step(&mut self) -> Result<(), TraceError> {
        let buf = match self.input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) if self.gzip && e.kind() == io::ErrorKind::UnexpectedEof => {
                // Not a bad line: the file stops. A line cut in half was never whole.
                self.done = true;
                self.carry.clear();
                self.carry_cut = false;
                let lines = self.lines;
                let why = format!("the trace is a truncated gzip file (ends after {lines} lines)");
                return Err(TraceError { line: lines, text: String::new(), why, kind: TraceErrorKind::Truncated });
            }
            Err(e) => {
                self.done = true;
                let why = format!("cannot read the trace: {e}");
                let kind = TraceErrorKind::Read;
                return Err(TraceError { line: self.lines + 1, text: String::new(), why, kind });
            }
        };
        if buf.is_empty() {
            // A last line without its newline.
            self.done = true;
            if self.carry.is_empty() && !self.carry_cut {
                return Ok(());
            }
            self.lines += 1;
            let res = parse_line(&mut self.parser, &mut self.ready, &self.carry, self.carry_cut)
                .map_err(|why| bad_line(self.lines, &self.carry, why));
            self.carry.clear();
            self.carry_cut = false;
            return self.judge(res);
        }
        let Some(i) = buf.iter().position(|&b| b == b'\n') else {
            let n = buf.len();
            append_cut(&mut self.carry, &mut self.carry_cut, buf);
            self.input.consume(n);
            self.line_bytes += n as u64;
            return Ok(());
        };
        self.lines += 1;
        let res = if self.carry.is_empty() && !self.carry_cut {
            // The common case: the whole line is in the buffer, parse it in place.
            let line = &buf[..i];
            parse_line(&mut self.parser, &mut self.ready, line, false).map_err(|why| bad_line(self.lines, line, why))
        } else {
            append_cut(&mut self.carry, &mut self.carry_cut, &buf[..i]);
            let res = parse_line(&mut self.parser, &mut self.ready, &self.carry, self.carry_cut)
                .map_err(|why| bad_line(self.lines, &self.carry, why));
            self.carry.clear();
            self.carry_cut = false;
            res
        };
        self.input.consume(i + 1);
        self.line_bytes += i as u64 + 1;
        self.judge(res)
    }

    fn judge(&mut self, res: Result<(), TraceError>) -> Result<(), TraceError> {
        match res {
            Err(e) if self.opts.skip_bad_lines && e.kind == TraceErrorKind::BadLine => {
                self.bad += 1;
                Ok(())
            }
            res => res,
        }
    }
}

impl<R: BufRead> Iterator for TraceReader<R> {
    type Item = Result<TraceEvent, TraceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(ev) = self.ready.pop_front() {
                return Some(Ok(ev));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.step() {
                return Some(Err(e));
            }
        }
    }
}

impl<R: BufRead> FusedIterator for TraceReader<R> {}

struct CountingRead<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn append_cut(carry: &mut Vec<u8>, cut: &mut bool, bytes: &[u8]) {
    let room = MAX_LINE.saturating_sub(carry.len());
    if bytes.len() > room {
        *cut = true;
    }
    carry.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

fn bad_line(line: u64, bytes: &[u8], bad: Bad) -> TraceError {
    let mut text = String::from_utf8_lossy(&bytes[..bytes.len().min(QUOTE_MAX)]).into_owned();
    if bytes.len() > QUOTE_MAX {
        text.push_str("...");
    }
    TraceError { line, text, why: bad.why, kind: bad.kind }
}

/// Why a line was refused, and what kind of problem that is.
struct Bad {
    kind: TraceErrorKind,
    why: String,
}

impl From<String> for Bad {
    fn from(why: String) -> Bad {
        Bad { kind: TraceErrorKind::BadLine, why }
    }
}

impl From<&str> for Bad {
    fn from(why: &str) -> Bad {
        Bad::from(why.to_string())
    }
}

/// Parses one line; on an error the line leaves no events behind.
fn parse_line(p: &mut Parser, out: &mut Out, line: &[u8], cut: bool) -> Result<(), Bad> {
    if cut || line.len() > MAX_LINE {
        return Err(format!("line longer than {MAX_LINE} bytes").into());
    }
    let before = out.len();
    let res = p.line(line.trim_ascii_end(), out);
    if res.is_err() {
        out.truncate(before);
    }
    res
}

/// Where a line's events go.
type Out = VecDeque<TraceEvent>;

/// A memory-map syscall whose result is still to come.
#[derive(Clone, Copy, Debug)]
struct Call {
    tid: u32,
    nr: u32,
    op: Op,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Mmap { len: u64, prot: u32 },
    Munmap { addr: u64, len: u64 },
    Mprotect { addr: u64, len: u64, prot: u32 },
    Brk,
    Madvise { addr: u64, len: u64, advice: u32 },
    Mremap { old_addr: u64, old_len: u64, new_len: u64 },
}

/// What the lines so far say about the traced process.
struct Parser {
    /// The thread that runs now, and whether its [`TraceEvent::Switch`] went out.
    tid: u32,
    announced: bool,
    /// The trace has SCHED lines: thread exits come from them, not from exit syscalls.
    saw_sched: bool,
    /// Some line so far was valgrind's: an unknown first line means "not a lackey trace".
    valgrind_seen: bool,
    /// The traced process: the pid of the first `==pid==`, `--pid--` or `SYSCALL[pid,..]`.
    pid: Option<u32>,
    brk: Option<u64>,
    /// `[async]` syscalls in flight, at most one per thread.
    in_flight: Vec<Call>,
    /// A syscall whose result comes on a later ` --> ` line of its own.
    dangling: Option<Call>,
}

impl Parser {
    fn new() -> Parser {
        // Valgrind numbers the main thread 1: a trace without SCHED lines is its.
        Parser {
            tid: 1,
            announced: false,
            saw_sched: false,
            valgrind_seen: false,
            pid: None,
            brk: None,
            in_flight: Vec::new(),
            dangling: None,
        }
    }

    fn line(&mut self, line: &[u8], out: &mut Out) -> Result<(), Bad> {
        let valgrind = match line {
            [] => return Ok(()),
            [b'I', b' ', rest @ ..] => return Ok(self.access(AccessKind::Instr, rest.trim_ascii_start(), out)?),
            [b' ', b'L', b' ', rest @ ..] => return Ok(self.access(AccessKind::Load, rest, out)?),
            [b' ', b'S', b' ', rest @ ..] => return Ok(self.access(AccessKind::Store, rest, out)?),
            [b' ', b'M', b' ', rest @ ..] => return Ok(self.access(AccessKind::Modify, rest, out)?),
            _ if line.starts_with(b"SYSCALL[") => return self.syscall(&line[8..], out),
            _ if line.starts_with(b" --> ") => {
                return match self.dangling.take() {
                    Some(call) => Ok(self.result(call, &line[5..], out)?),
                    None => Ok(()),
                };
            }
            _ if line.starts_with(b"--") => {
                self.process(prefix_pid(&line[2..], b"--"))?;
                match find(line, b"SCHED[") {
                    Some(at) => {
                        let (tid, msg) = sched_parts(&line[at..])?;
                        self.sched(tid, msg, out);
                        return Ok(());
                    }
                    None => true,
                }
            }
            _ if line.starts_with(b"==") => {
                self.process(prefix_pid(&line[2..], b"=="))?;
                true
            }
            _ => line.starts_with(b"SCHEDSETJMP"),
        };
        if valgrind {
            self.valgrind_seen = true;
        } else if !self.valgrind_seen {
            return Err("not a Valgrind lackey trace line \
                        (expected I/L/S/M, SYSCALL, SCHED or ==pid== lines)"
                .into());
        }
        Ok(())
    }

    /// Valgrind names the process on its own lines: a second pid is a second program in
    /// the same file (a child of fork logs to its parent's file unless the name has `%p`).
    fn process(&mut self, pid: Option<u32>) -> Result<(), Bad> {
        let Some(pid) = pid else { return Ok(()) };
        match self.pid {
            None => self.pid = Some(pid),
            Some(first) if first != pid => {
                let why = format!(
                    "lines of two processes in one trace (pid {first}, then pid {pid}): \
                     a forking program logged to one file; record with --log-file=t.%p.txt \
                     (one file per process) and replay one of them"
                );
                return Err(Bad { kind: TraceErrorKind::SecondProcess, why });
            }
            Some(_) => {}
        }
        Ok(())
    }

    fn access(&mut self, kind: AccessKind, rest: &[u8], out: &mut Out) -> Result<(), String> {
        let (vaddr, size) = addr_size(rest)?;
        self.valgrind_seen = true;
        if !self.announced {
            self.announced = true;
            out.push_back(TraceEvent::Switch { tid: self.tid });
        }
        out.push_back(TraceEvent::Access { tid: self.tid, vaddr, size, kind });
        Ok(())
    }

    fn switch_to(&mut self, tid: u32, out: &mut Out) {
        if !self.announced || self.tid != tid {
            self.tid = tid;
            self.announced = true;
            out.push_back(TraceEvent::Switch { tid });
        }
    }

    fn sched(&mut self, tid: u32, msg: &[u8], out: &mut Out) {
        self.saw_sched = true;
        self.valgrind_seen = true;
        if msg.starts_with(b"acquired lock") {
            self.switch_to(tid, out);
        } else if msg.starts_with(b"exiting VG_(scheduler)") {
            self.in_flight.retain(|c| c.tid != tid);
            self.exited(tid, out);
        }
    }

    fn exited(&mut self, tid: u32, out: &mut Out) {
        out.push_back(TraceEvent::ThreadExit { tid });
        if self.tid == tid {
            // Whoever runs next gets a Switch; without SCHED lines that is taken to be the
            // main thread, which outlives the threads it joins.
            self.announced = false;
            self.tid = 1;
        }
    }

    /// `pid,tid](nr) rest`, from after `SYSCALL[`.
    fn syscall(&mut self, s: &[u8], out: &mut Out) -> Result<(), Bad> {
        let header = || "SYSCALL line: expected SYSCALL[pid,tid](nr)".to_string();
        let (pid, s) = dec_u32(s).ok_or_else(header)?;
        let (tid, s) = dec_u32(s.strip_prefix(b",").ok_or_else(header)?).ok_or_else(header)?;
        let (nr, s) = dec_u32(s.strip_prefix(b"](").ok_or_else(header)?).ok_or_else(header)?;
        let s = s.strip_prefix(b")").ok_or_else(header)?.trim_ascii_start();
        self.process(Some(pid))?;
        self.valgrind_seen = true;
        let (head, sched) = split_sched(s);
        let sched = sched.map(sched_parts).transpose()?;
        self.syscall_head(tid, nr, head, out)?;
        if let Some((tid, msg)) = sched {
            self.sched(tid, msg, out);
        }
        Ok(())
    }

    fn syscall_head(&mut self, tid: u32, nr: u32, s: &[u8], out: &mut Out) -> Result<(), String> {
        if let Some(result) = s.strip_prefix(b"... [async] -->") {
            // The end of a blocking syscall: the call it ends is the thread's one in flight.
            if let Some(i) = self.in_flight.iter().position(|c| c.tid == tid) {
                let call = self.in_flight.swap_remove(i);
                if call.nr == nr {
                    return self.result(call, result, out);
                }
            }
            return Ok(());
        }
        self.dangling = None;
        let name_len = s.iter().position(|&b| b == b' ' || b == b'(').unwrap_or(s.len());
        let (name, rest) = s.split_at(name_len);
        let arity: &[usize] = match name {
            b"sys_mmap" => &[6],
            b"sys_munmap" => &[2],
            b"sys_mprotect" => &[3],
            b"sys_pkey_mprotect" => &[4],
            b"sys_brk" => &[1],
            b"sys_madvise" => &[3],
            b"sys_mremap" => &[4, 5],
            b"exit" | b"exit_group" => {
                // Without SCHED lines this is all there is of a thread's end.
                if !self.saw_sched {
                    self.switch_to(tid, out);
                    self.exited(tid, out);
                }
                return Ok(());
            }
            _ => return Ok(()),
        };
        let what = String::from_utf8_lossy(name);
        let bad = |why: &str| format!("{what}: {why}");
        let open = rest.iter().position(|&b| b == b'(');
        let open = open.ok_or_else(|| bad("no '(' before the arguments"))?;
        let close = rest[open..].iter().position(|&b| b == b')');
        let close = open + close.ok_or_else(|| bad("no ')' after the arguments"))?;
        let mut args = [0u64; 6];
        let mut n = 0;
        for (k, arg) in rest[open + 1..close].split(|&b| b == b',').enumerate() {
            if k == args.len() {
                return Err(bad(&format!("more than {} arguments", args.len())));
            }
            args[k] = number(arg.trim_ascii()).ok_or_else(|| bad(&format!("argument {} is not a number", k + 1)))?;
            n = k + 1;
        }
        if !arity.contains(&n) {
            return Err(bad(&format!("{n} arguments, expected {}", arity[0])));
        }
        let small = |k: usize| u32::try_from(args[k]).map_err(|_| bad(&format!("argument {} out of range", k + 1)));
        let op = match name {
            b"sys_mmap" => Op::Mmap { len: args[1], prot: small(2)? },
            b"sys_munmap" => Op::Munmap { addr: args[0], len: args[1] },
            b"sys_mprotect" | b"sys_pkey_mprotect" => Op::Mprotect { addr: args[0], len: args[1], prot: small(2)? },
            b"sys_brk" => Op::Brk,
            b"sys_madvise" => Op::Madvise { addr: args[0], len: args[1], advice: small(2)? },
            _ => Op::Mremap { old_addr: args[0], old_len: args[1], new_len: args[2] },
        };
        let call = Call { tid, nr, op };
        let after = rest[close + 1..].trim_ascii_start();
        let after = after.strip_prefix(b"[sync]").unwrap_or(after).trim_ascii();
        if after.is_empty() {
            // Valgrind wrote something else in between; the result follows on a line of its own.
            self.dangling = Some(call);
            return Ok(());
        }
        let result = after.strip_prefix(b"-->");
        let result = result.ok_or_else(|| bad("expected '-->' after the arguments"))?;
        self.result(call, result, out)
    }

    /// The part after `-->`: `[async] ...`, `[pre-success] Success(0x..)`, `Failure(0x..)`.
    fn result(&mut self, call: Call, s: &[u8], out: &mut Out) -> Result<(), String> {
        let s = s.trim_ascii();
        if s.starts_with(b"[async]") {
            self.in_flight.retain(|c| c.tid != call.tid);
            self.in_flight.push(call);
            return Ok(());
        }
        let s = match s.strip_prefix(b"[pre-success]") {
            Some(rest) => rest,
            None => s.strip_prefix(b"[pre-fail]").unwrap_or(s),
        };
        let s = s.trim_ascii_start();
        if s.starts_with(b"Failure(") {
            return Ok(());
        }
        let value = s
            .strip_prefix(b"Success(0x")
            .and_then(hex)
            .and_then(|(v, rest)| matches!(rest.first(), Some(b')' | b':')).then_some(v))
            .ok_or("syscall result: expected Success(0x..) or Failure(0x..)")?;
        let tid = call.tid;
        let ev = match call.op {
            Op::Mmap { len, prot } => TraceEvent::Mmap { tid, addr: value, len: pages(len)?, prot },
            Op::Munmap { addr, len } => TraceEvent::Munmap { tid, addr, len: pages(len)? },
            Op::Mprotect { addr, len, prot } => TraceEvent::Mprotect { tid, addr, len: pages(len)?, prot },
            Op::Madvise { addr, len, advice } => TraceEvent::Madvise { tid, addr, len: pages(len)?, advice },
            Op::Mremap { old_addr, old_len, new_len } => TraceEvent::Mremap {
                tid,
                old_addr,
                old_len: pages(old_len)?,
                new_addr: value,
                new_len: pages(new_len)?,
            },
            Op::Brk => match self.brk.replace(value) {
                // brk(0) asks where the break is; a refused brk answers the old break.
                Some(old) if old != value => TraceEvent::Brk { tid, old, new: value },
                _ => return Ok(()),
            },
        };
        self.switch_to(tid, out);
        out.push_back(ev);
        Ok(())
    }
}

/// The pid of a valgrind line's prefix, from after its opening `==` or `--`: decimal digits,
/// then `close` (or `:` for `--pid:level:...` debug lines). None for anything else.
fn prefix_pid(s: &[u8], close: &[u8]) -> Option<u32> {
    let (pid, rest) = dec_u32(s)?;
    (rest.starts_with(close) || (close == b"--" && rest.starts_with(b":"))).then_some(pid)
}

/// `SCHED[tid]: message`, from the `SCHED[`: the thread and the message.
fn sched_parts(s: &[u8]) -> Result<(u32, &[u8]), String> {
    let (tid, rest) = dec_u32(&s[6..]).ok_or("SCHED line without a thread id")?;
    let msg = rest.strip_prefix(b"]:").ok_or("SCHED line: expected ']:' after the thread id")?;
    Ok((tid, msg.trim_ascii_start()))
}

/// `addr,size` of an access line.
fn addr_size(s: &[u8]) -> Result<(u64, u32), String> {
    let (vaddr, rest) = hex(s).ok_or("access: address is not hex (or longer than 16 digits)")?;
    let size = rest.strip_prefix(b",").ok_or("access: expected ',' and a size after the address")?;
    if size.is_empty() {
        return Err("access: size missing".into());
    }
    let mut v: u32 = 0;
    for &b in size {
        if !b.is_ascii_digit() {
            return Err("access: size is not a decimal number".into());
        }
        let next = v.checked_mul(10).and_then(|v| v.checked_add(u32::from(b - b'0')));
        v = next.ok_or("access: size out of range")?;
    }
    if v == 0 {
        return Err("access: size 0".into());
    }
    Ok((vaddr, v))
}

/// 1 to 16 hex digits at the start of `s`, and what follows them.
fn hex(s: &[u8]) -> Option<(u64, &[u8])> {
    let mut v: u64 = 0;
    let mut n = 0;
    for &b in s {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => break,
        };
        if n == 16 {
            return None;
        }
        v = v << 4 | u64::from(d);
        n += 1;
    }
    (n > 0).then_some((v, &s[n..]))
}

/// A decimal u32 at the start of `s`, and what follows it.
fn dec_u32(s: &[u8]) -> Option<(u32, &[u8])> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 {
        return None;
    }
    let mut v: u32 = 0;
    for &b in &s[..n] {
        v = v.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    Some((v, &s[n..]))
}

/// A whole syscall argument: `0x` hex, or decimal (valgrind prints some with `%ld`).
fn number(s: &[u8]) -> Option<u64> {
    if let Some(h) = s.strip_prefix(b"0x") {
        return hex(h).and_then(|(v, rest)| rest.is_empty().then_some(v));
    }
    let (neg, digits) = match s.strip_prefix(b"-") {
        Some(d) => (true, d),
        None => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &b in digits {
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// `len` rounded up to whole pages.
fn pages(len: u64) -> Result<u64, String> {
    let up = len.checked_add(PAGE_SIZE - 1).ok_or_else(|| format!("length {len} out of range"))?;
    Ok(up & !(PAGE_SIZE - 1))
}

fn find(s: &[u8], pat: &[u8]) -> Option<usize> {
    s.windows(pat.len()).position(|w| w == pat)
}

/// Splits off a `--pid--   SCHED[..]` message valgrind wrote into the middle of a syscall line.
fn split_sched(s: &[u8]) -> (&[u8], Option<&[u8]>) {
    let Some(at) = find(s, b"SCHED[") else { return (s, None) };
    // Only with its `--pid--` prefix: a file name in the arguments could hold "SCHED[".
    let head = s[..at].trim_ascii_end();
    let Some(head) = head.strip_suffix(b"--") else { return (s, None) };
    let digits = head.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    match head[..head.len() - digits].strip_suffix(b"--") {
        Some(head) if digits > 0 => (head, Some(&s[at..])),
        _ => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use TraceEvent::*;

    fn events(text: &str) -> Vec<TraceEvent> {
        from_reader(Cursor::new(text.as_bytes().to_vec()), TraceOptions::default())
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn first_error(text: &str) -> TraceError {
        from_reader(Cursor::new(text.as_bytes().to_vec()), TraceOptions::default())
            .find_map(Result::err)
            .expect("an error")
    }

    const BANNER: &str = "==15064== Lackey, an example Valgrind tool\n==15064== \n\
                          --15064--   SCHED[1]:  acquired lock (thread_wrapper(starting new thread))\n\
                          --15064--   SCHED[1]: entering VG_(scheduler)\n";

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

    /// A forking program logged to one file: the child's lines carry its own pid. Stopped
    /// at the first of them, even when bad lines are skipped.
    #[test]
    fn a_second_process_is_an_error_that_is_not_skipped() {
        let child_lines = [
            "SYSCALL[15070,1](11) sys_munmap ( 0x5000, 8192 )[sync] --> Success(0x0) ",
            "--15070--   SCHED[1]:  acquired lock (VG_(vg_yield))",
            "==15070== Exit code:       0",
        ];
        for child in child_lines {
            for skip in [false, true] {
                let text = format!("{BANNER}I  1000,4\n{child}\nI  1004,4\n");
                let mut r = from_reader(Cursor::new(text), TraceOptions { skip_bad_lines: skip });
                let e = r.by_ref().find_map(Result::err).expect("an error");
                assert_eq!((e.line, e.kind), (6, TraceErrorKind::SecondProcess), "{child}");
                let msg = e.to_string();
                assert!(msg.starts_with("trace line 6: ") && msg.contains("pid 15064, then pid 15070"), "{msg}");
                assert!(msg.contains("--log-file=t.%p.txt"), "{msg}");
                assert_eq!(r.bad_lines_skipped(), 0);
            }
        }
        // Valgrind's debug lines (`--pid:level:subsystem`) name the process too.
        let e = first_error(&format!("{BANNER}--15070:1:syswrap- x\n"));
        assert_eq!(e.kind, TraceErrorKind::SecondProcess);
        assert_eq!(events(&format!("{BANNER}--15064:1:syswrap- x\n==15064== \n")), [Switch { tid: 1 }]);
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

    #[test]
    fn malformed_lines_are_errors_with_their_line_number() {
        let cases = [
            ("I  04zz1000,4", "expected ','"),
            ("I  ,4", "not hex"),
            ("I  0401ab70", "expected ','"),
            ("I  0401ab70,", "size missing"),
            (" L 0401ab70,0", "size 0"),
            (" S 0401ab70,4 trailing", "not a decimal"),
            (" M 0401ab70,4x", "not a decimal"),
            ("I  10000000000000000,4", "longer than 16"),
            ("I  1000,4294967296", "out of range"),
            ("SYSCALL[15064,1](11) sys_munmap ( 0x1000 )[sync] --> Success(0x0)", "1 arguments, expected 2"),
            ("SYSCALL[15064,1](11) sys_munmap ( 0x10zz, 4096 )[sync] --> Success(0x0)", "argument 1 is not a number"),
            ("SYSCALL[15064,1](11) sys_munmap ( 0x1000, 4096 [sync] --> Success(0x0)", "argument 2 is not"),
            ("SYSCALL[15064,1](11) sys_munmap ( 0x1000, 4096 [sync]", "no ')'"),
            ("SYSCALL[15064,1](11) sys_munmap ( 0x1000, 4096 )[sync] --> Succes(0x0)", "expected Success"),
            ("SYSCALL[15064,1](11) sys_munmap ( 0x1000, 4096 )[sync] --> Success(0x)", "expected Success"),
            ("SYSCALL[15064,1](11) sys_munmap ( 0x1000, 4096 ) garbage", "expected '-->'"),
            ("SYSCALL[15064,1](10) sys_mprotect ( 0x1000, 4096, 99999999999 )[sync] --> Success(0x0)", "out of range"),
            (
                "SYSCALL[15064,1](9) sys_mmap ( 0x0, 18446744073709551615, 3, 34, 0, 0 ) --> Success(0x0)",
                "out of range",
            ),
            ("SYSCALL[15064x,1](11) sys_munmap ( 0x1000, 4096 )[sync] --> Success(0x0)", "SYSCALL[pid,tid](nr)"),
            ("--15064--   SCHED[x]:  acquired lock", "thread id"),
        ];
        for (bad, why) in cases {
            let e = first_error(&format!("{BANNER}I  1000,4\n{bad}\nI  1004,4\n"));
            assert_eq!(e.line, 6, "{bad}");
            assert_eq!(e.text, bad);
            assert!(e.why.contains(why), "{bad}: {}", e.why);
            assert!(e.to_string().starts_with("trace line 6: "), "{e}");
        }
    }

    #[test]
    fn skip_bad_lines_counts_and_goes_on() {
        let text = format!("{BANNER}I  1000,4\nI  zz,4\n L 2000,0\n S 3000,8\n");
        let opts = TraceOptions { skip_bad_lines: true };
        let mut r = from_reader(Cursor::new(text.into_bytes()), opts);
        let ev: Vec<_> = r.by_ref().map(|e| e.unwrap()).collect();
        assert_eq!(
            ev,
            [
                Switch { tid: 1 },
                Access { tid: 1, vaddr: 0x1000, size: 4, kind: AccessKind::Instr },
                Access { tid: 1, vaddr: 0x3000, size: 8, kind: AccessKind::Store },
            ]
        );
        assert_eq!(r.bad_lines_skipped(), 2);
        assert_eq!(r.lines_read(), 8);
    }

    #[test]
    fn without_skipping_the_reader_goes_on_after_an_error() {
        let text = "I  1000,4\nI  zz,4\nI  2000,4\n";
        let got: Vec<_> = from_reader(Cursor::new(text), TraceOptions::default()).collect();
        assert_eq!(got.len(), 4);
        assert_eq!(got[2].as_ref().unwrap_err().line, 2);
        assert_eq!(got[3], Ok(Access { tid: 1, vaddr: 0x2000, size: 4, kind: AccessKind::Instr }));
    }

    #[test]
    fn a_file_that_is_not_a_trace_fails_on_its_first_line() {
        let e = first_error("hello world\nI  1000,4\n");
        assert_eq!(e.line, 1);
        assert!(e.why.contains("not a Valgrind lackey trace"), "{e}");
        // Binary garbage, no newline for long: bounded memory, an error, no panic.
        let junk: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 0x80).collect();
        let got: Vec<_> = from_reader(Cursor::new(junk), TraceOptions::default()).collect();
        assert_eq!(got.len(), 1);
        assert!(got[0].as_ref().unwrap_err().why.contains("longer than"));
    }

    /// Every prefix of every line form, and every byte of them replaced: never a panic.
    #[test]
    fn mangled_lines_never_panic() {
        let forms = [
            "I  0401ab70,3",
            " L 1fff000728,8",
            "--15064--   SCHED[12]:  acquired lock (x)",
            "--15064--   SCHED[12]: exiting VG_(scheduler)",
            "SYSCALL[15064,1](9) sys_mmap ( 0x0, 8192, 3, 34, 4294967295, 0 ) --> [pre-success] Success(0x4835000) ",
            "SYSCALL[15064,1](25) sys_mremap ( 0x4b00000, 8192, 8192, 0x3, 0x5000000 ) --> [pre-success] Success(0x5000000) ",
            "SYSCALL[15064,2](28) sys_madvise ( 0x4a9d000, 8368128, 4 ) --> [async] ... ",
            "SYSCALL[15064,2](28) ... [async] --> Success(0x0) ",
            "SYSCALL[15064,1](12) sys_brk ( 0x4056000 ) --> [pre-success] Success(0x4056000) ",
            "SYSCALL[15064,1](56) sys_clone ( 3d0f00 ) --> [pre-success] Success(0x3301) --15064--   SCHED[1]: releasing lock",
            " --> [pre-success] Success(0x0) ",
        ];
        let subs = [b'\0', b' ', b',', b'(', b')', b'-', b'[', b']', b'0', b'x', b'f', 0xff];
        let mut text = Vec::new();
        for form in forms {
            let f = form.as_bytes();
            for cut in 0..=f.len() {
                text.extend_from_slice(&f[..cut]);
                text.push(b'\n');
            }
            for i in 0..f.len() {
                for &s in &subs {
                    text.extend_from_slice(&f[..i]);
                    text.push(s);
                    text.extend_from_slice(&f[i + 1..]);
                    text.push(b'\n');
                }
            }
        }
        let mut r = from_reader(Cursor::new(text), TraceOptions { skip_bad_lines: true });
        // A pid mangled into another number is a second process: not skipped, not a panic.
        assert!(r.by_ref().all(|e| e.is_ok() || e.unwrap_err().kind == TraceErrorKind::SecondProcess));
        assert!(r.bad_lines_skipped() > 0);
    }

    #[test]
    fn lines_split_across_buffer_fills() {
        let text = format!("{BANNER}I  0401ab70,3\n L 1fff000728,8\n");
        let small = BufReader::with_capacity(5, Cursor::new(text.clone().into_bytes()));
        let a: Vec<_> = from_reader(small, TraceOptions::default()).collect();
        let b: Vec<_> = from_reader(Cursor::new(text), TraceOptions::default()).collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
    }

    fn temp_path(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("tlb-trace-test-{}-{name}", std::process::id()))
    }

    #[test]
    fn open_reads_gzip_by_its_magic_and_plain_text() {
        let text = format!("{BANNER}I  0401ab70,3\n L 1fff000728,8\n");
        let plain = temp_path("plain.gz"); // the name lies: content decides
        let gz = temp_path("trace.txt");
        std::fs::write(&plain, &text).unwrap();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(text.as_bytes()).unwrap();
        let gz_bytes = enc.finish().unwrap();
        std::fs::write(&gz, &gz_bytes).unwrap();
        let mut a = open(&plain, TraceOptions::default()).unwrap();
        let mut b = open(&gz, TraceOptions::default()).unwrap();
        let ea: Vec<_> = a.by_ref().collect();
        let eb: Vec<_> = b.by_ref().collect();
        assert_eq!(ea, eb);
        assert_eq!(ea.len(), 3);
        assert_eq!(a.bytes_read(), text.len() as u64);
        assert_eq!(b.bytes_read(), gz_bytes.len() as u64);
        assert_eq!(b.lines_read(), 6);

        // Cut short: an error, not a panic and not a silent end.
        std::fs::write(&gz, &gz_bytes[..gz_bytes.len() - 12]).unwrap();
        let got: Vec<_> = open(&gz, TraceOptions::default()).unwrap().collect();
        assert!(got.iter().any(|e| e.is_err()), "{got:?}");

        // Cut in the middle of its lines: the whole lines before the cut, then one error
        // that says so (not a bad line: skipping bad lines does not skip it).
        let long: String = (0..20_000).map(|i| format!(" L {:08x},8\n", 0x4000_0000 + 8 * i)).collect();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(format!("{BANNER}{long}").as_bytes()).unwrap();
        let gz_bytes = enc.finish().unwrap();
        std::fs::write(&gz, &gz_bytes[..gz_bytes.len() / 2]).unwrap();
        for skip in [false, true] {
            let mut r = open(&gz, TraceOptions { skip_bad_lines: skip }).unwrap();
            let got: Vec<_> = r.by_ref().collect();
            let e = got.last().unwrap().clone().unwrap_err();
            assert_eq!(e.kind, TraceErrorKind::Truncated);
            assert!(got[..got.len() - 1].iter().all(Result::is_ok));
            assert_eq!(e.line, r.lines_read());
            assert!(e.line > 1000 && e.line < 20_000, "{e:?}");
            // Switch, then one access per whole line after the banner.
            assert_eq!(got.len() as u64 - 2, e.line - 4);
            assert_eq!(e.to_string(), format!("the trace is a truncated gzip file (ends after {} lines)", e.line));
            assert_eq!(r.bad_lines_skipped(), 0);
        }

        std::fs::write(&gz, [0x28, 0xb5, 0x2f, 0xfd, 0, 0]).unwrap();
        let e = open(&gz, TraceOptions::default()).err().unwrap();
        assert!(e.contains("zstd-compressed"), "{e}");
        std::fs::remove_file(&plain).unwrap();
        std::fs::remove_file(&gz).unwrap();
    }

    #[test]
    fn open_names_the_problem() {
        let missing = temp_path("missing");
        let e = open(&missing, TraceOptions::default()).err().unwrap();
        assert!(e.starts_with("cannot open trace ") && e.contains("missing"), "{e}");
        assert!(e.contains("No such file"), "{e}");
        let e = open(&std::env::temp_dir(), TraceOptions::default()).err().unwrap();
        assert!(e.contains("directory"), "{e}");
    }
}
