// SPDX-License-Identifier: Apache-2.0
// Tree pseudo-LRU over a power-of-two number of ways.
//
// Node n (0 .. Entries-2) has children 2n+1 and 2n+2; way i is leaf Entries-1+i. A node's
// bit names the side that holds the victim: 0 = left (lower ways), 1 = right. Touching a way
// points every node on its path away from it. The Rust model (sim/src/plru.rs) keeps the
// same bit vector, so `plru_q` reads the same in both waveforms.
module tlb_plru #(
  /// Number of ways; a power of two, 2 or more.
  parameter int unsigned Entries = 32,
  // Derived, do not change.
  localparam int unsigned IdxW = $clog2(Entries)
) (
  input  logic            clk_i,          ///< clock
  input  logic            rst_ni,         ///< asynchronous reset, active low
  input  logic            touch_valid_i,  ///< mark a way as most recently used
  input  logic [IdxW-1:0] touch_idx_i,    ///< the way to mark
  output logic [IdxW-1:0] victim_o        ///< the pseudo-least recently used way
);

  logic [Entries-2:0] plru_q, plru_d;

  always_comb begin
    int unsigned node;
    plru_d = plru_q;
    node = 0;
    if (touch_valid_i) begin
      for (int unsigned d = 0; d < IdxW; d++) begin
        plru_d[node] = ~touch_idx_i[IdxW-1-d];
        node = 2 * node + 1 + 32'(touch_idx_i[IdxW-1-d]);
      end
    end
  end

  always_comb begin
    int unsigned node;
    node = 0;
    victim_o = '0;
    for (int unsigned d = 0; d < IdxW; d++) begin
      victim_o[IdxW-1-d] = plru_q[node];
      node = 2 * node + 1 + 32'(plru_q[node]);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      plru_q <= '0;
    end else begin
      plru_q <= plru_d;
    end
  end

endmodule : tlb_plru
