#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Breaks each mechanism of the model in turn (tests/mutants/model.toml), runs the random
# tests (the harness's, in harness/tests/) on the model alone with the oracle
# (TLB_MODE=model, default seeds), and reports which mutants they kill. The mutants are
# applied to a copy of the working tree (target/model-mutants/tree, built into its own
# target/model-mutants/target), never to the tree itself, so tests, builds and commits can
# run beside it; the copy's file is restored after each mutant. With --soak N, a mutant the
# random tests leave alive then runs each built-in workload (`tlbsim list --names`) on the
# model alone with the oracle for N cycles (`tlbsim run --mode model`, seed 1): the long
# runs reach races the short property runs do not (docs/verification.md).
#   bash scripts/model-mutants.sh [--only id,id] [--tests properties,system_properties] [--soak N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
only=""
tests="properties,system_properties"
soak=0
soaked=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --tests) tests="$2"; shift 2 ;;
    --soak)
      [[ "${2-}" =~ ^[1-9][0-9]*$ ]] || { echo "model-mutants.sh: --soak needs a cycle count, not '${2-}'" >&2; exit 2; }
      soak="$2"; shift 2 ;;
    *) echo "model-mutants.sh: unknown argument $1 (use --only ID,ID, --tests NAME,NAME or --soak CYCLES)" >&2; exit 2 ;;
  esac
done
catalog=tests/mutants/model.toml
out="$PWD/target/model-mutants"
tree="$out/tree"
mkdir -p "$out" "$tree"
test_args=()
IFS=, read -ra names <<< "$tests"
for t in "${names[@]}"; do test_args+=(--test "$t"); done

# id<TAB>file lines; the find/replace are applied by python from the catalog itself.
listing=$(python3 - "$catalog" "$only" <<'PY'
import sys, tomllib
cat = tomllib.load(open(sys.argv[1], "rb"))["mutant"]
only = [x for x in sys.argv[2].split(",") if x]
ids = [m["id"] for m in cat]
for o in only:
    if o not in ids:
        sys.exit(f"model-mutants.sh: no mutant {o!r} in {sys.argv[1]}")
for m in cat:
    text = open(m["file"]).read()
    n = text.count(m["find"])
    if n != 1:
        sys.exit(f"model-mutants.sh: mutant {m['id']}: its find text occurs {n} times in {m['file']} (must be once)")
    if not only or m["id"] in only:
        print(f"{m['id']}\t{m['file']}")
PY
)
mapfile -t mutants <<< "$listing"
# The copy: every file git tracks or would track (the working tree as it is, uncommitted
# changes included), times kept so that its own target directory rebuilds only what
# changed since the last campaign; the toolchain is shared.
git ls-files -z --cached --others --exclude-standard | sort -z >"$out/files"
# What the working tree no longer has goes from the copy too (a stale test file would be built).
(cd "$tree" && find . -type f -printf '%P\0' | sort -z) | comm -z -23 - "$out/files" |
  (cd "$tree" && xargs -0 -r rm -f)
tar --null -T "$out/files" -cf - | tar -xf - -C "$tree"
[ -e .tools ] && [ ! -e "$tree/.tools" ] && ln -s "$PWD/.tools" "$tree/.tools"
cd "$tree"
export CARGO_TARGET_DIR="$out/target"
# The soak's workloads: every multi-core built-in one, as tlbsim lists them (read once,
# from the unmutated model).
soak_workloads=()
if [ "$soak" -gt 0 ]; then
  mapfile -t soak_workloads < <(cargo run -q --release -- list --names)
  [ "${#soak_workloads[@]}" -gt 0 ] || { echo "model-mutants.sh: tlbsim list --names gave no workload" >&2; exit 1; }
fi

# The file under mutation and its saved copy, restored after each mutant and on exit.
file=""
saved=""
restore() { if [ -n "$saved" ]; then cp "$saved" "$file"; saved=""; fi; }
trap 'restore; exit 130' INT TERM
trap 'restore' EXIT

printf '%-30s %-9s %8s  %s\n' mutant result seconds "first failing test"
for line in "${mutants[@]}"; do
  id="${line%%$'\t'*}"
  file="${line#*$'\t'}"
  cp "$file" "$out/$(basename "$file").orig"
  saved="$out/$(basename "$file").orig"
  python3 - "$catalog" "$id" <<'PY'
import sys, tomllib
m = next(m for m in tomllib.load(open(sys.argv[1], "rb"))["mutant"] if m["id"] == sys.argv[2])
text = open(m["file"]).read()
open(m["file"], "w").write(text.replace(m["find"], m["replace"], 1))
PY
  start=$(date +%s)
  log="$out/$id.log"
  if TLB_MODE=model TLB_WAVES=0 PROPTEST_DISABLE_FAILURE_PERSISTENCE=1 cargo test -q -p tlb-harness "${test_args[@]}" --no-fail-fast >"$log" 2>&1; then
    result=SURVIVED; first=""
  else
    result=killed
    # The failures block at the end of libtest's output lists the failing tests.
    first=$(awk '/^failures:$/ {f=1; next} f && /^    [a-z0-9_:]+$/ {print $1; exit}' "$log")
    if [ -z "$first" ] && grep -q 'error\[' "$log"; then result=BUILD-ERR; fi
  fi
  if [ "$result" = SURVIVED ] && [ "$soak" -gt 0 ]; then
    soaked=1
    for w in "${soak_workloads[@]}"; do
      if cargo run -q --release -- run --mode model --no-vcd --workload "$w" --cycles "$soak" >>"$log" 2>&1; then
        continue
      fi
      # The run's report names the cycle, unless the process was stopped before it printed it.
      at=$(grep -o 'at cycle [0-9]*' "$log" | head -1 || true)
      result=killed; first="soak: $w${at:+ ($at)}"
      break
    done
  fi
  restore
  printf '%-30s %-9s %8s  %s\n' "$id" "$result" "$(( $(date +%s) - start ))" "$first"
done
if [ "$soaked" = 1 ]; then echo "(soak runs: tlbsim of the copy, $out/target/release)"; fi
