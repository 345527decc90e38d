// SPDX-License-Identifier: Apache-2.0
//! [`open`]: a trace file, plain text or gzip (told by its first bytes), with the bytes taken
//! from the file counted for a progress bar. Other compressions are refused by name.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::OpenError;
use crate::reader::{from_reader, TraceOptions, TraceReader};

/// Read-ahead of the file and of the decompressor.
const BUF_SIZE: usize = 256 * 1024;

/// Opens a trace file, plain or gzip (told by its first bytes, not its name).
pub fn open(path: &Path, opts: TraceOptions) -> Result<TraceReader<Box<dyn BufRead>>, OpenError> {
    let file = File::open(path).map_err(|error| OpenError::Open { path: path.to_path_buf(), error })?;
    let read_error = |error| OpenError::Read { path: path.to_path_buf(), error };
    let meta = file.metadata().map_err(read_error)?;
    if meta.is_dir() {
        return Err(OpenError::Directory { path: path.to_path_buf() });
    }
    let counter = Arc::new(AtomicU64::new(0));
    let counted = CountingRead { inner: file, count: counter.clone() };
    let mut raw = BufReader::with_capacity(BUF_SIZE, counted);
    let head = raw.fill_buf().map_err(read_error)?;
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let input: Box<dyn BufRead> = if gzip {
        // Multi-member: `cat a.gz b.gz` and pigz output are one trace too.
        Box::new(BufReader::with_capacity(BUF_SIZE, flate2::bufread::MultiGzDecoder::new(raw)))
    } else if let Some(format) = other_compression(head) {
        return Err(OpenError::Compressed { path: path.to_path_buf(), format });
    } else {
        Box::new(raw)
    };
    let mut reader = from_reader(input, opts);
    reader.file_bytes = Some(counter);
    reader.gzip = gzip;
    Ok(reader)
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
