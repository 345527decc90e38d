// SPDX-License-Identifier: Apache-2.0
// tlb_core instance `dut` (parameter Entries) on the harness's free inputs
// (fv_core_ports.svh), with the internal reset `rst_n` it releases after the first cycle.
  logic rst_n = 1'b0;
  always_ff @(posedge clk_i) rst_n <= 1'b1;

  logic req_ready, resp_valid, resp_fault, resp_hit, mem_req_valid, mem_resp_ready, restart;
  logic idle;
  logic [PaW-1:0] resp_paddr, mem_req_addr;
  logic [6:0] valid_count;

  tlb_core #(.Entries(Entries)) dut (
    .clk_i, .rst_ni(rst_n), .clr_i(1'b0),
    .ctx_asid_i, .ctx_root_ppn_i, .ctx_sum_i, .ctx_mxr_i, .ctx_pm_i,
    .req_valid_i, .req_ready_o(req_ready), .req_vaddr_i, .req_access_i, .req_priv_u_i,
    .resp_valid_o(resp_valid), .resp_paddr_o(resp_paddr), .resp_fault_o(resp_fault),
    .resp_hit_o(resp_hit),
    .inval_valid_i, .inval_kind_i, .inval_asid_i, .inval_vaddr_i, .inval_npages_i,
    .mem_req_valid_o(mem_req_valid), .mem_req_ready_i, .mem_req_addr_o(mem_req_addr),
    .mem_resp_valid_i, .mem_resp_ready_o(mem_resp_ready), .mem_resp_data_i,
    .walk_restart_o(restart), .idle_o(idle), .valid_count_o(valid_count)
  );
