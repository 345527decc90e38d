// SPDX-License-Identifier: Apache-2.0
// Helper: while `en_i`, the L1's overlap probe registers hold the parts of a lookup of
// `vpn_i` under `asid_i` compared with the entries' tags as they are now (valid or not).
module fv_l1_probe_check
  import tlb_pkg::*;
#(
  parameter int unsigned Entries = 4,
  localparam int unsigned Ways = L1Ways,
  localparam int unsigned Sets = Entries / Ways,
  localparam int unsigned N    = Entries + L1Supers
) (
  input logic                   en_i,
  input logic [VpnW-1:0]        vpn_i,
  input logic [AsidW-1:0]       asid_i,
  input tlb_entry_t [N-1:0]     entries_i,
  input logic [Ways-1:0]        way_asid_i,
  input logic [Ways-1:0]        way_vpn_i,
  input logic [L1Supers-1:0]    sup_asid_i,
  input logic [L1Supers-1:0]    sup_cov_i,
  input logic [L1Supers-1:0]    sup_gig_i
);
`ifndef FV_NO_HELPERS
  localparam int unsigned SetW = Sets > 1 ? $clog2(Sets) : 1;
  logic [SetW-1:0] set;
  assign set = Sets > 1 ? vpn_i[SetW-1:0] : '0;
  for (genvar w = 0; w < Ways; w++) begin : gen_way
    tlb_entry_t e;
    always_comb begin
      e = '0;
      for (int unsigned t = 0; t < Sets; t++) if (SetW'(t) == set) e = entries_i[t * Ways + w];
    end
    always_comb if (en_i) ProbeWay_A: assert (way_asid_i[w] == (e.g || e.asid == asid_i) &&
                                              way_vpn_i[w] == (e.vpn == vpn_i));
  end
  for (genvar s = 0; s < L1Supers; s++) begin : gen_sup
    tlb_entry_t e;
    assign e = entries_i[Entries + s];
    always_comb if (en_i) ProbeSuper_A: assert (sup_asid_i[s] == (e.g || e.asid == asid_i) &&
                                                sup_cov_i[s] == vpn_covers(e.level, e.vpn, vpn_i) &&
                                                sup_gig_i[s] == vpn_covers(Page1G, e.vpn, vpn_i));
  end
`endif
endmodule

// Helper: the L1's registered compares of the invalidation applied now (`in_eq_p_q`,
// `in_eq_q_q`) are the equality of its ASID with the pending operation's and each queue
// slot's as the registers stand (the RTL's InEqPending_A and InEqQueue_A, compiled out in the
// proofs). Without it the induction starts from states where a merge or a queueing is
// decided against an ASID no register holds, and the one-hit inductions stop closing.
module fv_l1_in_check
  import tlb_pkg::*;
(
  input logic                           en_i,
  input logic [AsidW-1:0]               in_asid_i,
  input logic [AsidW-1:0]               p_asid_i,
  input logic [L1Queue-1:0][AsidW-1:0]  q_asid_i,
  input logic                           eq_p_i,
  input logic [L1Queue-1:0]             eq_q_i
);
`ifndef FV_NO_HELPERS
  always_comb if (en_i) InEqPending_A: assert (eq_p_i == (in_asid_i == p_asid_i));
  for (genvar i = 0; i < L1Queue; i++) begin : gen_q
    always_comb if (en_i) InEqQueue_A: assert (eq_q_i[i] == (in_asid_i == q_asid_i[i]));
  end
`endif
endmodule
