// SPDX-License-Identifier: Apache-2.0
// Helper for the proofs on tlb_core instance `dut` (fv_core_inst.svh): the L1's overlap
// probe is the compare of the lookup being walked, the registered request's while it is
// looked up and the walk's from its miss until its fill (fv_l1_probe.sv, whose checks
// FV_NO_HELPERS leaves out). Included by the core-level proofs 2 and 4.
  logic walking;
  assign walking = dut.state_q == 2'd1 || dut.state_q == 2'd2;
  fv_l1_probe_check #(.Entries(Entries)) u_probe (
    .en_i(rst_n && (walking || dut.look_valid_q)),
    .vpn_i(walking ? dut.walk_vaddr_q[38:12] : dut.look_vaddr_q[38:12]),
    .asid_i(walking ? dut.walk_asid_q : dut.look_asid_q), .entries_i(dut.u_l1.entries),
    .way_asid_i(dut.u_l1.pr_way_asid_q), .way_vpn_i(dut.u_l1.pr_way_vpn_q),
    .sup_asid_i(dut.u_l1.pr_sup_asid_q), .sup_cov_i(dut.u_l1.pr_sup_cov_q),
    .sup_gig_i(dut.u_l1.pr_sup_gig_q));
// Helper: the L1's registered invalidation is the core's (`inv_*_q`) decoded, and its
// registered ASID compares hold (fv_l1_in_check).
  fv_l1_in_check u_in (
    .en_i(rst_n), .in_asid_i(dut.u_l1.in_asid_q), .p_asid_i(dut.u_l1.p_asid_q),
    .q_asid_i(dut.u_l1.q_asid_q), .eq_p_i(dut.u_l1.in_eq_p_q), .eq_q_i(dut.u_l1.in_eq_q_q));
`ifndef FV_NO_HELPERS
  always_comb if (rst_n) begin
    InDecoded_A: assert (
        dut.u_l1.in_valid_q == dut.inv_valid_q && dut.u_l1.in_asid_q == dut.inv_asid_q &&
        dut.u_l1.in_swept_q == (dut.inv_valid_q && dut.inv_kind_q inside {InvAsid, InvVa,
                                                                          InvVaAsid,
                                                                          InvRangeAsid}) &&
        dut.u_l1.in_any_q == (dut.inv_kind_q == InvVa) &&
        dut.u_l1.in_vpn_q == (dut.inv_kind_q == InvAsid ? '0 : dut.inv_vpn_q) &&
        dut.u_l1.in_last_q == (dut.inv_kind_q == InvRangeAsid ? dut.inv_last_q :
                               dut.inv_kind_q == InvAsid ? {1'b0, {VpnW{1'b1}}} :
                                                           {1'b0, dut.inv_vpn_q}));
  end
`endif
