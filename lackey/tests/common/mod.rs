// SPDX-License-Identifier: Apache-2.0
//! Helpers of the test files (each uses a part of them).
#![allow(dead_code)]

use std::io::Cursor;

use lackey_trace::{from_reader, TraceError, TraceEvent, TraceOptions};

/// The events of a trace that must have no bad line.
pub fn events(text: &str) -> Vec<TraceEvent> {
    from_reader(Cursor::new(text.as_bytes().to_vec()), TraceOptions::default())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{e}"))
}

pub fn first_error(text: &str) -> TraceError {
    from_reader(Cursor::new(text.as_bytes().to_vec()), TraceOptions::default()).find_map(Result::err).expect("an error")
}

/// The start of a real trace (valgrind 3.19): its banner, then thread 1 takes the lock.
pub const BANNER: &str = "==15064== Lackey, an example Valgrind tool\n==15064== \n\
                          --15064--   SCHED[1]:  acquired lock (thread_wrapper(starting new thread))\n\
                          --15064--   SCHED[1]: entering VG_(scheduler)\n";
