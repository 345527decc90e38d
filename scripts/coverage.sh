#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Line, toggle and functional (cover property) coverage of rtl/ over the whole test suite.
#
#   bash scripts/coverage.sh                 # run every test with coverage, then report
#   bash scripts/coverage.sh --check         # ... and fail unless the goals are met
#   bash scripts/coverage.sh --shard 2/4     # one shard (cargo nextest --partition hash:2/4)
#   bash scripts/coverage.sh --report-only   # merge what is in target/coverage/data
#
# Every Verilated model of a coverage run is built with --coverage-line/-toggle/-user in a
# build folder of its own (target/verilator-coverage) and writes its counts into
# target/coverage/data when its test process exits (harness/src/toolchain.rs,
# harness/csrc/tlb_sim_dpi.cpp). Shards on other machines copy their data folders into one
# and run --report-only there. The report goes to target/coverage/report (summary.txt,
# merged.dat, annotated/*.sv.cov). Property seeds go to target/coverage/seeds.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

check="" shard="" report_only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --check) check="--check" ;;
    --shard) [[ $# -ge 2 && "$2" =~ ^[0-9]+/[0-9]+$ ]] || { echo "coverage: --shard needs k/n, e.g. 1/4" >&2; exit 2; }
             shard="$2"; shift ;;
    --report-only) report_only=1 ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) echo "coverage: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

data="$PWD/target/coverage/data"
status=0
if [[ -z "$report_only" ]]; then
  rm -rf "$data"
  mkdir -p "$data"
  export TLB_COVERAGE="$data" TLB_SEED_LOG="$PWD/target/coverage/seeds.txt"
  rm -f "$TLB_SEED_LOG"
  start=$(date +%s)
  if [[ -n "$shard" ]]; then
    command -v cargo-nextest >/dev/null || { echo "coverage: --shard needs cargo-nextest (cargo install cargo-nextest --locked)" >&2; exit 2; }
    cargo nextest run --workspace --partition "hash:$shard" --no-fail-fast || status=$?
  else
    cargo test --workspace --no-fail-fast || status=$?
  fi
  echo "coverage: tests took $(( $(date +%s) - start )) s (exit $status); data in $data" >&2
  unset TLB_COVERAGE TLB_SEED_LOG
fi
# With --shard, the data of this shard alone is reported; merge the shards' folders first
# for the whole picture.
cargo run --quiet -- coverage --data "$data" --out target/coverage/report $check || status=$?
exit "$status"
