// SPDX-License-Identifier: Apache-2.0
//! Bad input: malformed lines (their errors, skipping them, never a panic), a second
//! process, lines split across buffer fills, and files (gzip or not, truncated, other
//! compressions, missing).

mod common;

use std::io::{BufReader, Cursor, Write};

use common::{events, first_error, BANNER};
use lackey_trace::TraceEvent::*;
use lackey_trace::{from_reader, open, AccessKind, OpenError, Reason, TraceErrorKind, TraceOptions};

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
        ("SYSCALL[15064,1](9) sys_mmap ( 0x0, 18446744073709551615, 3, 34, 0, 0 ) --> Success(0x0)", "out of range"),
        ("SYSCALL[15064x,1](11) sys_munmap ( 0x1000, 4096 )[sync] --> Success(0x0)", "SYSCALL[pid,tid](nr)"),
        ("--15064--   SCHED[x]:  acquired lock", "thread id"),
    ];
    for (bad, why) in cases {
        let e = first_error(&format!("{BANNER}I  1000,4\n{bad}\nI  1004,4\n"));
        assert_eq!(e.line, 6, "{bad}");
        assert_eq!(e.text, bad);
        assert!(e.why.to_string().contains(why), "{bad}: {}", e.why);
        assert!(e.to_string().starts_with("trace line 6: "), "{e}");
    }
}

/// Every reason a line is refused for: its variant and its message, word for word (the
/// messages the parser gave as strings before its errors were types).
#[test]
fn every_reason_and_its_message() {
    use lackey_trace::{AccessProblem as A, SyscallProblem as S};
    let sys = |name, problem| Reason::Syscall { name, problem };
    let munmap = "SYSCALL[15064,1](11) sys_munmap";
    let cases = [
        ("I  ,4".to_string(), Reason::Access(A::Address), "access: address is not hex (or longer than 16 digits)"),
        ("I  0401ab70".into(), Reason::Access(A::NoComma), "access: expected ',' and a size after the address"),
        ("I  0401ab70,".into(), Reason::Access(A::SizeMissing), "access: size missing"),
        (" M 0401ab70,4x".into(), Reason::Access(A::SizeNotDecimal), "access: size is not a decimal number"),
        ("I  1000,4294967296".into(), Reason::Access(A::SizeOutOfRange), "access: size out of range"),
        (" L 0401ab70,0".into(), Reason::Access(A::SizeZero), "access: size 0"),
        (
            format!("{munmap} 0x1000, 4096"),
            sys("sys_munmap", S::NoOpenParen),
            "sys_munmap: no '(' before the arguments",
        ),
        (
            format!("{munmap} ( 0x1000, 4096 [sync]"),
            sys("sys_munmap", S::NoCloseParen),
            "sys_munmap: no ')' after the arguments",
        ),
        (
            format!("{munmap} ( 1, 2, 3, 4, 5, 6, 7 )[sync] --> Success(0x0)"),
            sys("sys_munmap", S::TooManyArgs { max: 6 }),
            "sys_munmap: more than 6 arguments",
        ),
        (
            format!("{munmap} ( 0x10zz, 4096 )[sync] --> Success(0x0)"),
            sys("sys_munmap", S::NotANumber(1)),
            "sys_munmap: argument 1 is not a number",
        ),
        (
            format!("{munmap} ( 0x1000 )[sync] --> Success(0x0)"),
            sys("sys_munmap", S::ArgCount { got: 1, expected: 2 }),
            "sys_munmap: 1 arguments, expected 2",
        ),
        (
            "SYSCALL[15064,1](10) sys_mprotect ( 0x1000, 4096, 99999999999 )[sync] --> Success(0x0)".into(),
            sys("sys_mprotect", S::ArgOutOfRange(3)),
            "sys_mprotect: argument 3 out of range",
        ),
        (
            format!("{munmap} ( 0x1000, 4096 ) garbage"),
            sys("sys_munmap", S::NoArrow),
            "sys_munmap: expected '-->' after the arguments",
        ),
        (
            format!("{munmap} ( 0x1000, 4096 )[sync] --> Succes(0x0)"),
            Reason::SyscallResult,
            "syscall result: expected Success(0x..) or Failure(0x..)",
        ),
        (
            "SYSCALL[15064x,1](11) sys_munmap ( 0x1000, 4096 )[sync] --> Success(0x0)".into(),
            Reason::SyscallHeader,
            "SYSCALL line: expected SYSCALL[pid,tid](nr)",
        ),
        ("--15064--   SCHED[x]:  acquired lock".into(), Reason::SchedThreadId, "SCHED line without a thread id"),
        (
            "--15064--   SCHED[1] acquired lock".into(),
            Reason::SchedColon,
            "SCHED line: expected ']:' after the thread id",
        ),
        (
            "SYSCALL[15064,1](9) sys_mmap ( 0x0, 18446744073709551615, 3, 34, 0, 0 ) --> Success(0x0)".into(),
            Reason::LengthOutOfRange(u64::MAX),
            "length 18446744073709551615 out of range",
        ),
        (
            "==15070== x".into(),
            Reason::SecondProcess { first: 15064, second: 15070 },
            "lines of two processes in one trace (pid 15064, then pid 15070): a forking program logged to one \
             file; record with --log-file=t.%p.txt (one file per process) and replay one of them",
        ),
    ];
    for (line, why, msg) in cases {
        let e = first_error(&format!("==15064== x\n{line}\n"));
        assert_eq!((e.line, &e.why, e.kind), (2, &why, why.kind()), "{line}");
        assert_eq!(e.to_string(), format!("trace line 2: {msg}: {line}"));
    }
    let e = first_error("hello\n");
    assert_eq!(e.why, Reason::NotLackey);
    assert_eq!(
        e.why.to_string(),
        "not a Valgrind lackey trace line (expected I/L/S/M, SYSCALL, SCHED or ==pid== lines)"
    );
    let e = first_error(&"I".repeat(70_000));
    assert_eq!(e.why, Reason::LineTooLong { max: 65_536 });
    assert_eq!(e.why.to_string(), "line longer than 65536 bytes");
    assert_eq!(e.text, format!("{}...", "I".repeat(200)));
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
    assert_eq!(e.why, Reason::NotLackey);
    assert!(e.why.to_string().contains("not a Valgrind lackey trace"), "{e}");
    // Binary garbage, no newline for long: bounded memory, an error, no panic.
    let junk: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 0x80).collect();
    let got: Vec<_> = from_reader(Cursor::new(junk), TraceOptions::default()).collect();
    assert_eq!(got.len(), 1);
    let e = got[0].as_ref().unwrap_err();
    assert!(matches!(e.why, Reason::LineTooLong { .. }) && e.why.to_string().contains("longer than"), "{e}");
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
    std::env::temp_dir().join(format!("lackey-trace-test-{}-{name}", std::process::id()))
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
    assert!(matches!(e, OpenError::Compressed { format: "zstd", .. }), "{e:?}");
    assert!(e.to_string().contains("zstd-compressed"), "{e}");
    std::fs::remove_file(&plain).unwrap();
    std::fs::remove_file(&gz).unwrap();
}

#[test]
fn open_names_the_problem() {
    let missing = temp_path("missing");
    let e = open(&missing, TraceOptions::default()).err().unwrap();
    assert!(matches!(&e, OpenError::Open { error, .. } if error.kind() == std::io::ErrorKind::NotFound), "{e:?}");
    let e = e.to_string();
    assert!(e.starts_with("cannot open trace ") && e.contains("missing"), "{e}");
    assert!(e.contains("No such file"), "{e}");
    let e = open(&std::env::temp_dir(), TraceOptions::default()).err().unwrap();
    assert!(matches!(e, OpenError::Directory { .. }), "{e:?}");
    assert!(e.to_string().contains("directory"), "{e}");
}
