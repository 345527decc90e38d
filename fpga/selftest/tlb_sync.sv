// SPDX-License-Identifier: Apache-2.0
// Two-flop synchroniser for a slow asynchronous input (a button).
module tlb_sync (
  input  logic clk_i,
  input  logic d_i,
  output logic q_o
);
  logic [1:0] sync_q = '0;
  always_ff @(posedge clk_i) sync_q <= {sync_q[0], d_i};
  assign q_o = sync_q[1];
endmodule : tlb_sync
