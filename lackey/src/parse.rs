// SPDX-License-Identifier: Apache-2.0
//! One line at a time: what the lines so far say about the traced process (running thread,
//! syscalls in flight, program break, pid), and the formats of the lines themselves.

use std::collections::VecDeque;

use crate::error::{AccessProblem, Reason, SyscallProblem};
use crate::event::{AccessKind, TraceEvent};
use crate::PAGE_SIZE;

/// Where a line's events go.
pub(crate) type Out = VecDeque<TraceEvent>;

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
pub(crate) struct Parser {
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
    pub(crate) fn new() -> Parser {
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

    pub(crate) fn line(&mut self, line: &[u8], out: &mut Out) -> Result<(), Reason> {
        let valgrind = match line {
            [] => return Ok(()),
            [b'I', b' ', rest @ ..] => return self.access(AccessKind::Instr, rest.trim_ascii_start(), out),
            [b' ', b'L', b' ', rest @ ..] => return self.access(AccessKind::Load, rest, out),
            [b' ', b'S', b' ', rest @ ..] => return self.access(AccessKind::Store, rest, out),
            [b' ', b'M', b' ', rest @ ..] => return self.access(AccessKind::Modify, rest, out),
            _ if line.starts_with(b"SYSCALL[") => return self.syscall(&line[8..], out),
            _ if line.starts_with(b" --> ") => {
                return match self.dangling.take() {
                    Some(call) => self.result(call, &line[5..], out),
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
            return Err(Reason::NotLackey);
        }
        Ok(())
    }

    /// Valgrind names the process on its own lines: a second pid is a second program in
    /// the same file (a child of fork logs to its parent's file unless the name has `%p`).
    fn process(&mut self, pid: Option<u32>) -> Result<(), Reason> {
        let Some(pid) = pid else { return Ok(()) };
        match self.pid {
            None => self.pid = Some(pid),
            Some(first) if first != pid => return Err(Reason::SecondProcess { first, second: pid }),
            Some(_) => {}
        }
        Ok(())
    }

    fn access(&mut self, kind: AccessKind, rest: &[u8], out: &mut Out) -> Result<(), Reason> {
        let (vaddr, size) = addr_size(rest).map_err(Reason::Access)?;
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
    fn syscall(&mut self, s: &[u8], out: &mut Out) -> Result<(), Reason> {
        let header = || Reason::SyscallHeader;
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

    fn syscall_head(&mut self, tid: u32, nr: u32, s: &[u8], out: &mut Out) -> Result<(), Reason> {
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
        let (what, arity): (&'static str, &[usize]) = match name {
            b"sys_mmap" => ("sys_mmap", &[6]),
            b"sys_munmap" => ("sys_munmap", &[2]),
            b"sys_mprotect" => ("sys_mprotect", &[3]),
            b"sys_pkey_mprotect" => ("sys_pkey_mprotect", &[4]),
            b"sys_brk" => ("sys_brk", &[1]),
            b"sys_madvise" => ("sys_madvise", &[3]),
            b"sys_mremap" => ("sys_mremap", &[4, 5]),
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
        let bad = |problem| Reason::Syscall { name: what, problem };
        let open = rest.iter().position(|&b| b == b'(');
        let open = open.ok_or_else(|| bad(SyscallProblem::NoOpenParen))?;
        let close = rest[open..].iter().position(|&b| b == b')');
        let close = open + close.ok_or_else(|| bad(SyscallProblem::NoCloseParen))?;
        let mut args = [0u64; 6];
        let mut n = 0;
        for (k, arg) in rest[open + 1..close].split(|&b| b == b',').enumerate() {
            if k == args.len() {
                return Err(bad(SyscallProblem::TooManyArgs { max: args.len() }));
            }
            args[k] = number(arg.trim_ascii()).ok_or_else(|| bad(SyscallProblem::NotANumber(k + 1)))?;
            n = k + 1;
        }
        if !arity.contains(&n) {
            return Err(bad(SyscallProblem::ArgCount { got: n, expected: arity[0] }));
        }
        let small = |k: usize| u32::try_from(args[k]).map_err(|_| bad(SyscallProblem::ArgOutOfRange(k + 1)));
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
        let result = result.ok_or_else(|| bad(SyscallProblem::NoArrow))?;
        self.result(call, result, out)
    }

    /// The part after `-->`: `[async] ...`, `[pre-success] Success(0x..)`, `Failure(0x..)`.
    fn result(&mut self, call: Call, s: &[u8], out: &mut Out) -> Result<(), Reason> {
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
            .ok_or(Reason::SyscallResult)?;
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
fn sched_parts(s: &[u8]) -> Result<(u32, &[u8]), Reason> {
    let (tid, rest) = dec_u32(&s[6..]).ok_or(Reason::SchedThreadId)?;
    let msg = rest.strip_prefix(b"]:").ok_or(Reason::SchedColon)?;
    Ok((tid, msg.trim_ascii_start()))
}

/// `addr,size` of an access line.
fn addr_size(s: &[u8]) -> Result<(u64, u32), AccessProblem> {
    let (vaddr, rest) = hex(s).ok_or(AccessProblem::Address)?;
    let size = rest.strip_prefix(b",").ok_or(AccessProblem::NoComma)?;
    if size.is_empty() {
        return Err(AccessProblem::SizeMissing);
    }
    let mut v: u32 = 0;
    for &b in size {
        if !b.is_ascii_digit() {
            return Err(AccessProblem::SizeNotDecimal);
        }
        let next = v.checked_mul(10).and_then(|v| v.checked_add(u32::from(b - b'0')));
        v = next.ok_or(AccessProblem::SizeOutOfRange)?;
    }
    if v == 0 {
        return Err(AccessProblem::SizeZero);
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
fn pages(len: u64) -> Result<u64, Reason> {
    let up = len.checked_add(PAGE_SIZE - 1).ok_or(Reason::LengthOutOfRange(len))?;
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
