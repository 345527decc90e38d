// SPDX-License-Identifier: Apache-2.0
//! Streams the shipped real trace, tests/data/zstd.lackey.gz at the repository's root
//! (recorded by scripts/record-trace.sh, replayed by `tlbsim run --trace`), through the
//! lackey parser and checks it against what was measured on the file with grep and awk
//! (tests/data/README.md). Re-recording the trace changes these numbers: measure again and
//! update both places.
//!
//! Prints the parse speed; for the release-mode figure:
//! `cargo test --release -p lackey-trace --test trace_parse -- --nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use lackey_trace::{self as trace, AccessKind, TraceEvent, TraceOptions, PAGE_SIZE};

#[test]
fn shipped_zstd_trace() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/zstd.lackey.gz");
    let start = Instant::now();
    let mut reader = trace::open(&path, TraceOptions::default()).unwrap();

    let mut kinds = [0u64; 4];
    let mut per_thread: BTreeMap<u32, u64> = BTreeMap::new();
    let mut syscalls: BTreeMap<&str, u64> = BTreeMap::new();
    let mut switches = 0;
    let mut running: Option<u32> = None;
    let mut exited = BTreeSet::new();
    let mut seen = BTreeSet::new();
    // Threads started: a Switch to an id first seen, or to one whose thread exited (valgrind
    // gives a finished thread's id to the next new one; the replay counts it as new).
    let mut starts = 0;
    let mut madvised_by = BTreeSet::new();
    for ev in reader.by_ref() {
        let ev = ev.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let tid = match ev {
            TraceEvent::Access { tid, kind, size, .. } => {
                assert!((1..=64).contains(&size), "{ev:?}");
                kinds[kind as usize] += 1;
                *per_thread.entry(tid).or_default() += 1;
                tid
            }
            TraceEvent::Switch { tid } => {
                assert_ne!(running, Some(tid), "a Switch to the thread already running");
                switches += 1;
                running = Some(tid);
                if seen.insert(tid) || exited.remove(&tid) {
                    starts += 1;
                }
                tid
            }
            TraceEvent::ThreadExit { tid } => {
                assert!(exited.insert(tid), "thread {tid} exits twice");
                tid
            }
            TraceEvent::Mmap { tid, addr, len, .. } => {
                assert!(addr % PAGE_SIZE == 0 && len % PAGE_SIZE == 0 && len > 0, "{ev:?}");
                *syscalls.entry("mmap").or_default() += 1;
                tid
            }
            TraceEvent::Munmap { tid, addr, len } => {
                assert!(addr % PAGE_SIZE == 0 && len % PAGE_SIZE == 0 && len > 0, "{ev:?}");
                *syscalls.entry("munmap").or_default() += 1;
                tid
            }
            TraceEvent::Mprotect { tid, addr, len, .. } => {
                assert!(addr % PAGE_SIZE == 0 && len % PAGE_SIZE == 0, "{ev:?}");
                *syscalls.entry("mprotect").or_default() += 1;
                tid
            }
            TraceEvent::Madvise { tid, advice, .. } => {
                // glibc hands a finished thread's stack back with MADV_DONTNEED.
                assert_eq!(advice, 4, "{ev:?}");
                madvised_by.insert(tid);
                *syscalls.entry("madvise").or_default() += 1;
                tid
            }
            TraceEvent::Brk { tid, old, new } => {
                assert!(new > old, "{ev:?}");
                *syscalls.entry("brk").or_default() += 1;
                tid
            }
            TraceEvent::Mremap { tid, .. } => {
                *syscalls.entry("mremap").or_default() += 1;
                tid
            }
        };
        // Every event belongs to the thread the last Switch named, and no thread acts after
        // its exit (only a new thread with its id, after a Switch).
        assert_eq!(running, Some(tid), "{ev:?} while thread {running:?} runs");
        if !matches!(ev, TraceEvent::ThreadExit { .. }) {
            assert!(!exited.contains(&tid), "{ev:?} after thread {tid} exited");
        }
        if matches!(ev, TraceEvent::ThreadExit { .. }) {
            running = None;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let lines = reader.lines_read();
    eprintln!(
        "{}: {lines} lines in {secs:.2} s, {:.1} M lines/s (gunzip included)",
        path.display(),
        lines as f64 / secs / 1e6
    );

    assert_eq!(reader.bad_lines_skipped(), 0);
    assert_eq!(lines, 5_314_149);
    assert_eq!(reader.bytes_read(), std::fs::metadata(&path).unwrap().len());
    // `grep -c` of `I  `, ` L `, ` S `, ` M ` lines.
    assert_eq!(kinds[AccessKind::Instr as usize], 3_399_350);
    assert_eq!(kinds[AccessKind::Load as usize], 1_056_228);
    assert_eq!(kinds[AccessKind::Store as usize], 821_514);
    assert_eq!(kinds[AccessKind::Modify as usize], 36_373);
    // Main thread, two I/O threads, two compression workers: each worker compresses one job.
    assert_eq!(per_thread.keys().copied().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert!(per_thread[&4] > 1_000_000 && per_thread[&5] > 1_000_000, "{per_thread:?}");
    assert_eq!(exited, BTreeSet::from([1, 2, 3, 4, 5]));
    // No id is reused in this trace: the 5 ids are 5 threads.
    assert_eq!(starts, 5);
    assert_eq!(switches, 60);
    // Every one of these syscalls in the trace succeeded; brk moved once (the other two
    // calls ask where the break is).
    let want = BTreeMap::from([("brk", 1), ("madvise", 4), ("mmap", 55), ("mprotect", 14), ("munmap", 28)]);
    assert_eq!(syscalls, want);
    assert_eq!(madvised_by, BTreeSet::from([2, 3, 4, 5]));
}
