// SPDX-License-Identifier: Apache-2.0
// A net onto one of the ECP5's global networks (a DCCA clock buffer, always enabled): the
// timing harnesses' reset (fpga/tlb_timing_stim.sv, under TLB_ECP5_GBUF) and the ULX3S board's
// (fpga/ulx3s/ulx3s_top.sv). Plain Verilog, read
// by yosys's read_verilog before read_slang, as the board's PLL is (fpga/build.sh): the DCCA
// is a vendor primitive that synth_ecp5 keeps as a cell.
module tlb_ecp5_gbuf (
  input  wire i,  // the net's driver
  output wire o   // the same net, on a global network
);
  DCCA u_dcca (.CLKI(i), .CE(1'b1), .CLKO(o));
endmodule
