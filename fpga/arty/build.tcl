# Arty A7 self-test: Vivado non-project batch flow (synthesis, placement, routing, timing,
# bitstream). fpga/build.sh --board arty prints the exact command; by hand:
#
#   vivado -mode batch -source fpga/arty/build.tcl \
#          -tclargs <part> <cores> <entries> <MHz> <out dir containing tlb_pll.v> [<hit latency>]
#
# Parts: xc7a35ticsg324-1L (Arty A7-35T), xc7a100tcsg324-1 (Arty A7-100T). Run from the
# repository root. Writes <out>/arty_top.bit, timing and utilisation reports, and
# <out>/timing_summary.txt with the achieved Fmax.
if {[llength $argv] < 5 || [llength $argv] > 6} {
  puts stderr "usage: vivado -mode batch -source fpga/arty/build.tcl -tclargs <part> <cores> <entries> <MHz> <out> \[<hit latency 1|2>\]"
  exit 2
}
lassign $argv part cores entries mhz out hitlat
if {$hitlat eq ""} { set hitlat 1 }
if {$hitlat ni {1 2}} {
  puts stderr "build.tcl: the hit latency must be 1 or 2, not '$hitlat'"
  exit 2
}

proc read_list {f} {
  set fh [open $f r]
  set files {}
  foreach line [split [read $fh] "\n"] {
    set line [string trim $line]
    if {$line ne ""} { lappend files $line }
  }
  close $fh
  return $files
}

set_part $part
read_verilog -sv [concat [read_list rtl/sources.f] [read_list fpga/selftest/sources.f] fpga/arty/arty_top.sv]
read_verilog $out/tlb_pll.v
read_xdc fpga/arty/arty.xdc

synth_design -top arty_top -include_dirs rtl -verilog_define TLB_NO_ASSERT \
  -generic NumCores=$cores -generic Entries=$entries -generic HitLatency=$hitlat -generic ClkMhz=$mhz
opt_design
place_design
phys_opt_design
route_design

report_timing_summary -file $out/timing.rpt
report_utilization -file $out/utilization.rpt
write_bitstream -force $out/arty_top.bit

# Fmax of the MMCM clock: period minus the worst setup slack.
set clk [get_clocks -of_objects [get_pins u_pll/mmcm/CLKOUT0]]
set period [get_property PERIOD $clk]
set wns [get_property SLACK [get_timing_paths -delay_type max -group $clk]]
set fmax [expr {1000.0 / ($period - $wns)}]
set fh [open $out/timing_summary.txt w]
puts $fh [format "Fmax %.1f MHz (target %s MHz, WNS %.3f ns)" $fmax $mhz $wns]
puts $fh [expr {$wns >= 0 ? "TIMING met" : "TIMING FAILED"}]
close $fh
