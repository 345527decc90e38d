// SPDX-License-Identifier: Apache-2.0
// Reset for a board top: asserted asynchronously (button, PLL not locked), released
// synchronously after two flops, so every flop leaves reset on the same edge.
module tlb_reset_sync (
  input  logic clk_i,
  input  logic arst_ni,  ///< asynchronous reset request, active low
  output logic rst_no    ///< reset for the clock domain, active low
);
  logic [1:0] sync_q;
  always_ff @(posedge clk_i or negedge arst_ni) begin
    if (!arst_ni) sync_q <= '0;
    else          sync_q <= {sync_q[0], 1'b1};
  end
  assign rst_no = sync_q[1];
endmodule : tlb_reset_sync
