// Proof 2 (core level): an invalidation is applied before anything can acknowledge it, and a
// walk in flight that it could touch is poisoned: no entry it drops is installed from a walk
// that was in flight when it was applied, and no such entry survives it.
//
// tlb_core with every input free (requests, context, invalidations, memory), except reset.
// I is an arbitrary constant invalidation; `pick_i` chooses freely in which cycle(s) one of
// its applications (I itself or any invalidation covering it) is tracked: every application
// is a candidate, so the proof covers all of them.
// No assumption on memory (any latency, responses at any time: the walker ignores a response
// it is not waiting for) nor on the context rule: neither is needed for this property.
module fv_core_poison
  import tlb_pkg::*;
  import fv_spec::*;
#(
  parameter int unsigned Entries = 2
) (
  input  logic              clk_i,
  input  logic              pick_i,
  input  logic [AsidW-1:0]  ctx_asid_i,
  input  logic [PpnW-1:0]   ctx_root_ppn_i,
  input  logic              ctx_sum_i,
  input  logic              ctx_mxr_i,
  input  logic [1:0]        ctx_pm_i,
  input  logic              req_valid_i,
  input  logic [VaW-1:0]    req_vaddr_i,
  input  logic [1:0]        req_access_i,
  input  logic              req_priv_u_i,
  input  logic              inval_valid_i,
  input  logic [2:0]        inval_kind_i,
  input  logic [AsidW-1:0]  inval_asid_i,
  input  logic [VaW-1:0]    inval_vaddr_i,
  input  logic [NpagesW-1:0] inval_npages_i,
  input  logic              mem_req_ready_i,
  input  logic              mem_resp_valid_i,
  input  logic [PteW-1:0]   mem_resp_data_i
);
  logic rst_n = 1'b0;
  always_ff @(posedge clk_i) rst_n <= 1'b1;

  // I: an arbitrary constant (a register that never changes and has no reset value).
  inval_t inv_q;
  always_ff @(posedge clk_i) inv_q <= inv_q;

  logic req_ready, resp_valid, resp_fault, resp_hit, mem_req_valid, mem_resp_ready, restart;
  logic [PaW-1:0] resp_paddr, mem_req_addr;
  logic [6:0] valid_count;

  tlb_core #(.Entries(Entries)) dut (
    .clk_i, .rst_ni(rst_n),
    .ctx_asid_i, .ctx_root_ppn_i, .ctx_sum_i, .ctx_mxr_i, .ctx_pm_i,
    .req_valid_i, .req_ready_o(req_ready), .req_vaddr_i, .req_access_i, .req_priv_u_i,
    .resp_valid_o(resp_valid), .resp_paddr_o(resp_paddr), .resp_fault_o(resp_fault),
    .resp_hit_o(resp_hit),
    .inval_valid_i, .inval_kind_i, .inval_asid_i, .inval_vaddr_i, .inval_npages_i,
    .mem_req_valid_o(mem_req_valid), .mem_req_ready_i, .mem_req_addr_o(mem_req_addr),
    .mem_resp_valid_i, .mem_resp_ready_o(mem_resp_ready), .mem_resp_data_i,
    .walk_restart_o(restart), .valid_count_o(valid_count)
  );

  inval_t cur;
  assign cur = '{kind: inval_kind_i, asid: inval_asid_i, vpn: inval_vaddr_i[38:12],
                 npages: inval_npages_i};
  logic apply_now, applied;
  // Any application of I itself or of an invalidation that covers it (an "all", a flush of
  // I's ASID when I is ASID-scoped): the fabric may deliver I in any of these forms (a
  // catch-up replays I, a full catch-up flushes the ASID), see fv_sys_shootdown.sv.
  assign apply_now = rst_n && pick_i && inval_valid_i && covers_inval(cur, inv_q);

  fv_stale_tracker #(.Entries(Entries)) u_track (
    .clk_i, .rst_ni(rst_n), .inv_i(inv_q), .apply_now_i(apply_now),
    .entries_i       (dut.u_l1.entries_q),
    .install_i       (dut.install_valid),
    .install_idx_i   (dut.u_l1.install_idx),
    .install_entry_i (dut.install_entry),
    .busy_i          (dut.ptw_busy),
    .restart_i       (dut.ptw_restart),
    .done_i          (dut.ptw_done),
    .poison_i        (dut.u_ptw.poison_q),
    .core_walk_i     (dut.state_q == 1'b1),
    .walk_asid_i     (dut.walk_asid_q),
    .walk_giga_i     (dut.walk_vaddr_q[38:30]),
    .applied_o       (applied)
  );

  // Reachability (run with `mode cover`): a tracked invalidation poisons a walk that then
  // restarts, and a fresh walk installs after it.
  always_comb if (rst_n) begin
    cover (applied && restart);
  end
`ifndef FV_NO_HELPERS
  // Helper: the walker's level register only holds 2, 1 or 0.
  always_comb if (rst_n) LevelOk_A: assert (dut.u_ptw.level_q != 2'd3);
`endif
endmodule
