#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Records tests/data/zstd.lackey.gz: a Valgrind lackey trace (every memory access, every
# syscall, every scheduler hand-over) of zstd compressing 640 KiB with two worker threads.
#
#   bash scripts/record-trace.sh [OUT]        # default OUT: tests/data/zstd.lackey.gz
#
# Needs valgrind (3.19 measured) and zstd (1.5.4 measured): apt-get install valgrind zstd.
# The run takes about 10 s. A new recording has the same memory-map syscalls at the same
# addresses but is not the same file (pid, initial stack, the threads' turns; see
# tests/data/README.md): update the counts there and in lackey/tests/trace_parse.rs.
#
# Why these choices (see tests/data/README.md for what the trace holds):
# - zstd -T2 starts two compression workers and, in 1.5.x, two asynchronous I/O threads;
#   all four are joined at the end, so the trace has glibc's per-thread arenas (mmap,
#   munmap of the alignment slack, mprotect), the madvise glibc does on a dying thread's
#   stack, and exit; the main thread brings brk, thread-stack mmap+mprotect and munmap.
# - zstd hands work to its workers in jobs of at least 512 KiB (-B512KiB is that minimum):
#   640 KiB make one full job for one worker and a 128 KiB job for the other.
# - Lackey writes about 14 bytes per access, and compressing costs some 45 accesses per
#   new byte, so the input is two 16 KiB blocks of pseudo-random digits, each repeated:
#   both workers find the repeats cheaply, and the trace stays at ~5 M lines, ~5 MB gzipped.
#   --no-check drops the xxhash pass over the input, which added nothing but accesses.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/tests/data/zstd.lackey.gz}"

for tool in valgrind zstd gzip awk; do
  command -v "$tool" >/dev/null || { echo "record-trace: $tool not found (apt-get install $tool)" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 16 KiB of 10-digit numbers from the MINSTD generator (x = 48271 x mod 2^31-1; every
# product stays below 2^53, so any awk computes it exactly), one block per seed.
# The last number is cut so the block is exactly 16384 bytes (awk stops by itself: a
# `| head -c` would kill it with SIGPIPE).
block() {
  awk -v x="$1" 'BEGIN {
    for (n = 0; n < 16384; n += 11) {
      x = (x * 48271) % 2147483647
      line = sprintf("%010d\n", x)
      printf "%s", (n + 11 <= 16384) ? line : substr(line, 1, 16384 - n)
    }
  }'
}
block 1 >"$tmp/b1"
block 2 >"$tmp/b2"
# 32 x 16 KiB = the first 512 KiB job, 8 x 16 KiB = the second job.
for _ in $(seq 32); do cat "$tmp/b1"; done >"$tmp/input"
for _ in $(seq 8); do cat "$tmp/b2"; done >>"$tmp/input"

valgrind --tool=lackey --trace-mem=yes --trace-syscalls=yes --trace-sched=yes \
  --log-file="$tmp/zstd.lackey" \
  zstd -q -T2 -1 -B512KiB --no-check -c <"$tmp/input" >"$tmp/input.zst"

mkdir -p "$(dirname "$out")"
# -n: no file name or time stamp of this machine in the gzip header.
gzip -9 -n -c "$tmp/zstd.lackey" >"$out"
echo "record-trace: $out: $(wc -l <"$tmp/zstd.lackey") lines, $(stat -c %s "$out") bytes gzipped"
