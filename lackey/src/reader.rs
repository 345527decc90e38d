// SPDX-License-Identifier: Apache-2.0
//! [`TraceReader`]: lines out of any buffered reader, each parsed into its events; bad lines
//! become errors (or are counted and skipped).

use std::collections::VecDeque;
use std::io::{self, BufRead};
use std::iter::FusedIterator;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Reason, TraceError, TraceErrorKind};
use crate::event::TraceEvent;
use crate::parse::{Out, Parser};

/// A longer line is malformed; keeps memory bounded on a file that is not a trace.
const MAX_LINE: usize = 64 * 1024;
/// Bytes of a bad line quoted in its error.
const QUOTE_MAX: usize = 200;

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
    /// Bytes taken from the file, below the decompressor (set by [`open`](crate::open)).
    pub(crate) file_bytes: Option<Arc<AtomicU64>>,
    /// The input is a gzip decompressor: an early end of its stream is a truncated file.
    pub(crate) gzip: bool,
    done: bool,
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
    /// (compressed or not) for [`open`](crate::open), bytes of text for [`from_reader`].
    /// Runs ahead of the events by up to a buffer (256 KiB).
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
                return Err(TraceError::new(lines, String::new(), Reason::Truncated { lines }));
            }
            Err(e) => {
                self.done = true;
                let why = Reason::Read { kind: e.kind(), message: e.to_string() };
                return Err(TraceError::new(self.lines + 1, String::new(), why));
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

fn append_cut(carry: &mut Vec<u8>, cut: &mut bool, bytes: &[u8]) {
    let room = MAX_LINE.saturating_sub(carry.len());
    if bytes.len() > room {
        *cut = true;
    }
    carry.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

fn bad_line(line: u64, bytes: &[u8], why: Reason) -> TraceError {
    let mut text = String::from_utf8_lossy(&bytes[..bytes.len().min(QUOTE_MAX)]).into_owned();
    if bytes.len() > QUOTE_MAX {
        text.push_str("...");
    }
    TraceError::new(line, text, why)
}

/// Parses one line; on an error the line leaves no events behind.
fn parse_line(p: &mut Parser, out: &mut Out, line: &[u8], cut: bool) -> Result<(), Reason> {
    if cut || line.len() > MAX_LINE {
        return Err(Reason::LineTooLong { max: MAX_LINE });
    }
    let before = out.len();
    let res = p.line(line.trim_ascii_end(), out);
    if res.is_err() {
        out.truncate(before);
    }
    res
}
