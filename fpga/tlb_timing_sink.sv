// SPDX-License-Identifier: Apache-2.0
// The timing harnesses' sink: see fpga/tlb_timing_stim.sv.

/// Every one of `Width` output bits into a flip-flop, folded into one pin.
module tlb_timing_sink #(
  parameter int unsigned Width = 2
) (
  input  logic             clk_i,   ///< board clock
  input  logic [Width-1:0] outs_i,  ///< the unit's outputs
  output logic             led_o    ///< the folded outputs
);
  logic [Width-1:0] out_q = '0;
  always_ff @(posedge clk_i) out_q <= outs_i ^ {out_q[Width-2:0], 1'b0};
  assign led_o = out_q[Width-1];
endmodule : tlb_timing_sink
