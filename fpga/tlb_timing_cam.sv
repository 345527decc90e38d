// SPDX-License-Identifier: Apache-2.0
// Timing experiment, not part of the IP: the L1's lookup alone, as a bare content-addressed
// memory of `Entries` Sv39 entries (valid, ASID, global, page size, VPN), to measure how fast
// the compare itself can run on the device, with the compare in one cycle (`Stages` 1, as
// tlb_l1 does it) or split over two (`Stages` 2: each entry's three partial matches are
// registered, then combined). After the hit vector both do what the core does in the next
// cycle: OR it (hit or miss) and encode its index. Inputs and outputs go through the same
// stimulus and sink as the other harnesses (fpga/tlb_timing_stim.sv).
//
//   bash fpga/timing.sh --unit cam [--entries N] [--stages 1|2]
module tlb_timing_cam #(
  parameter int unsigned Entries = 32,
  parameter int unsigned Stages  = 1
) (
  input  logic clk_i,   ///< board clock
  output logic led_o    ///< the folded outputs
);
  import tlb_pkg::*;

  localparam int unsigned IdxW = $clog2(Entries);
  // Write port (one entry a cycle), then the lookup key.
  localparam int unsigned InW = 1 + IdxW + 1 + AsidW + 1 + 2 + VpnW + VpnW + AsidW;
  logic rst_n;
  logic [InW-1:0] in_q;
  tlb_timing_stim #(.Width(InW)) u_stim (.clk_i(clk_i), .rst_no(rst_n), .in_o(in_q));

  logic             we, w_valid, w_g;
  logic [IdxW-1:0]  w_idx;
  logic [AsidW-1:0] w_asid, k_asid;
  logic [1:0]       w_level;
  logic [VpnW-1:0]  w_vpn, k_vpn;
  assign {we, w_idx, w_valid, w_asid, w_g, w_level, w_vpn, k_vpn, k_asid} = in_q;

  logic [Entries-1:0]            valid_q, g_q;
  logic [Entries-1:0][AsidW-1:0] asid_q;
  logic [Entries-1:0][1:0]       level_q;
  logic [Entries-1:0][VpnW-1:0]  vpn_q;
  always_ff @(posedge clk_i) begin
    if (we) begin
      valid_q[w_idx] <= w_valid;
      g_q[w_idx]     <= w_g;
      asid_q[w_idx]  <= w_asid;
      level_q[w_idx] <= w_level;
      vpn_q[w_idx]   <= w_vpn;
    end
  end

  logic [Entries-1:0] hit_q;
  if (Stages == 1) begin : gen_one
    always_ff @(posedge clk_i) begin
      for (int unsigned i = 0; i < Entries; i++) begin
        hit_q[i] <= valid_q[i] && (g_q[i] || asid_q[i] == k_asid) &&
                    vpn_covers(page_level_e'(level_q[i]), vpn_q[i], k_vpn);
      end
    end
  end else begin : gen_two
    // Stage 1: the gigapage and ASID match, the 2 MiB field, the 4 KiB field.
    logic [Entries-1:0] m2_q, m1_q, m0_q;
    always_ff @(posedge clk_i) begin
      for (int unsigned i = 0; i < Entries; i++) begin
        m2_q[i] <= valid_q[i] && (g_q[i] || asid_q[i] == k_asid) &&
                   vpn_q[i][26:18] == k_vpn[26:18];
        m1_q[i] <= level_q[i] == 2'(Page1G) || vpn_q[i][17:9] == k_vpn[17:9];
        m0_q[i] <= level_q[i] != 2'(Page4K) || vpn_q[i][8:0] == k_vpn[8:0];
      end
      hit_q <= m2_q & m1_q & m0_q;
    end
  end

  // What the core's next cycle does with the vector: hit or miss, and the index.
  logic            hit;
  logic [IdxW-1:0] idx;
  always_comb begin
    hit = |hit_q;
    idx = '0;
    for (int unsigned i = 0; i < Entries; i++) if (hit_q[i]) idx = idx | IdxW'(i);
  end
  logic            hit_r;
  logic [IdxW-1:0] idx_r;
  always_ff @(posedge clk_i) begin
    hit_r <= hit;
    idx_r <= idx;
  end

  logic unused;
  assign unused = rst_n;
  tlb_timing_sink #(.Width(1 + IdxW)) u_sink (
    .clk_i(clk_i), .outs_i({hit_r, idx_r}), .led_o(led_o)
  );

endmodule : tlb_timing_cam
