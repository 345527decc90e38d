// SPDX-License-Identifier: Apache-2.0
// Timing and area harness for one tlb_core (the L1, its walker and the request control),
// built like tlb_timing_top: every input bit is a flip-flop of a shift register fed by an
// LFSR, every output bit goes to a flip-flop of its own. The invalidation inputs stand for
// the fabric's bus register, so this times the core's own paths without the directory, in
// a few minutes instead of the whole system's half hour (fpga/timing.sh --unit core).
module tlb_timing_core #(
  parameter int unsigned Entries    = 32,
  parameter int unsigned HitLatency = 1
) (
  input  logic clk_i,   ///< board clock
  output logic led_o    ///< the folded outputs
);
  import tlb_pkg::*;

  localparam int unsigned InW = 1 + AsidW + PpnW + 1 + 1 + 2 + 1 + VaW + 2 + 1 + 1 + 3 + AsidW
                                + VaW + NpagesW + 1 + 1 + PteW;
  logic       rst_n;
  logic [InW-1:0] in_q;
  tlb_timing_stim #(.Width(InW)) u_stim (.clk_i(clk_i), .rst_no(rst_n), .in_o(in_q));

  logic [AsidW-1:0]   ctx_asid, inval_asid;
  logic [PpnW-1:0]    ctx_root;
  logic               clr, sum, mxr, req_valid, req_priv_u, inval_valid, mem_req_ready;
  logic               mem_resp_valid;
  logic [1:0]         pm, req_access;
  logic [VaW-1:0]     req_vaddr, inval_vaddr;
  logic [2:0]         inval_kind;
  logic [NpagesW-1:0] inval_npages;
  logic [PteW-1:0]    mem_resp_data;
  assign {clr, ctx_asid, ctx_root, sum, mxr, pm, req_valid, req_vaddr, req_access, req_priv_u,
          inval_valid, inval_kind, inval_asid, inval_vaddr, inval_npages, mem_req_ready,
          mem_resp_valid, mem_resp_data} = in_q;

  logic           req_ready, resp_valid, resp_fault, resp_hit, mem_req_valid, mem_resp_ready;
  logic           walk_restart, idle;
  logic [PaW-1:0] resp_paddr, mem_req_addr;
  logic [6:0]     valid_count;

  tlb_core #(
    .Entries    (Entries),
    .HitLatency (HitLatency)
  ) u_core (
    .clk_i            (clk_i),
    .rst_ni           (rst_n),
    .clr_i            (clr),
    .ctx_asid_i       (ctx_asid),
    .ctx_root_ppn_i   (ctx_root),
    .ctx_sum_i        (sum),
    .ctx_mxr_i        (mxr),
    .ctx_pm_i         (pm),
    .req_valid_i      (req_valid),
    .req_ready_o      (req_ready),
    .req_vaddr_i      (req_vaddr),
    .req_access_i     (req_access),
    .req_priv_u_i     (req_priv_u),
    .resp_valid_o     (resp_valid),
    .resp_paddr_o     (resp_paddr),
    .resp_fault_o     (resp_fault),
    .resp_hit_o       (resp_hit),
    .inval_valid_i    (inval_valid),
    .inval_kind_i     (inval_kind),
    .inval_asid_i     (inval_asid),
    .inval_vaddr_i    (inval_vaddr),
    .inval_npages_i   (inval_npages),
    .mem_req_valid_o  (mem_req_valid),
    .mem_req_ready_i  (mem_req_ready),
    .mem_req_addr_o   (mem_req_addr),
    .mem_resp_valid_i (mem_resp_valid),
    .mem_resp_ready_o (mem_resp_ready),
    .mem_resp_data_i  (mem_resp_data),
    .walk_restart_o   (walk_restart),
    .idle_o           (idle),
    .valid_count_o    (valid_count)
  );

  localparam int unsigned OutW = 1 + 1 + PaW + 1 + 1 + 1 + PaW + 1 + 1 + 1 + 7;
  logic [OutW-1:0] outs;
  assign outs = {req_ready, resp_valid, resp_paddr, resp_fault, resp_hit, mem_req_valid,
                 mem_req_addr, mem_resp_ready, walk_restart, idle, valid_count};
  tlb_timing_sink #(.Width(OutW)) u_sink (.clk_i(clk_i), .outs_i(outs), .led_o(led_o));

endmodule : tlb_timing_core
