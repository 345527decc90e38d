#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Lints the RTL: Verilator -Wall (with the waivers in rtl/tlb.vlt) and verible-verilog-lint.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup-tools.sh
mapfile -t srcs < rtl/sources.f
verilator="${TLB_VERILATOR:-.tools/bin/verilator-pinned}"
"$verilator" --lint-only -Wall -Irtl rtl/tlb.vlt "${srcs[@]}" --top-module tlb_core
"$verilator" --lint-only -Wall -Irtl rtl/tlb.vlt "${srcs[@]}" --top-module tlb_core -GHitLatency=2
for e in 2 4 8 16 32 64; do
  "$verilator" --lint-only -Wall -Irtl rtl/tlb.vlt "${srcs[@]}" --top-module tlb_core "-GEntries=$e"
done
for cfg in "" "-GNumCores=2 -GSlots=1 -GLogDepth=1 -GNumAsids=2" "-GNumCores=8 -GEntries=16 -GHitLatency=2" \
           "-GNumCores=16 -GSlots=8 -GLogDepth=8 -GNumAsids=64" "-GNumAsids=4096"; do
  # shellcheck disable=SC2086
  "$verilator" --lint-only -Wall -Irtl rtl/tlb.vlt "${srcs[@]}" --top-module tlb_system $cfg
done
# The FPGA self-test (the board tops' logic; the tops themselves need the generated PLL).
mapfile -t st < fpga/selftest/sources.f
for cfg in "" "-GNumCores=2 -GEntries=4" "-GNumCores=2 -GEntries=4 -GHitLatency=2" "-GNumCores=16 -GEntries=8"; do
  # shellcheck disable=SC2086
  "$verilator" --lint-only -Wall -Irtl rtl/tlb.vlt fpga/selftest/selftest.vlt "${srcs[@]}" "${st[@]}" \
    --top-module tlb_selftest $cfg
done
# The timing harnesses (fpga/timing.sh, fpga/synth.sh).
timing=(fpga/tlb_timing_stim.sv fpga/tlb_timing_sink.sv)
for top in tlb_timing_top tlb_timing_core tlb_timing_dir tlb_timing_cam; do
  "$verilator" --lint-only -Wall -Irtl rtl/tlb.vlt fpga/timing.vlt "${srcs[@]}" "${timing[@]}" \
    "fpga/$top.sv" --top-module "$top"
done
.tools/bin/verible-verilog-lint --rules=-explicit-parameter-storage-type "${srcs[@]}" "${st[@]}" \
  fpga/ulx3s/ulx3s_top.sv fpga/arty/arty_top.sv "${timing[@]}" fpga/tlb_timing_top.sv \
  fpga/tlb_timing_core.sv fpga/tlb_timing_dir.sv fpga/tlb_timing_cam.sv
echo "lint: clean (verilator -Wall: tlb_core for Entries 2..64, tlb_system for 2..16 cores, the FPGA self-test, the timing harnesses; verible)"
