// SPDX-License-Identifier: Apache-2.0
// tlb_system instance `dut` with the harness's free inputs and internal reset `rst_n`.
  logic [NumCores-1:0]                  req_ready, resp_valid, resp_fault, resp_hit;
  logic [NumCores-1:0][PaW-1:0]         resp_paddr, mem_req_addr;
  logic [NumCores-1:0]                  mem_req_valid, mem_resp_ready;
  logic [NumCores-1:0]                  cmd_ready, cmd_done, cmd_error;
  logic [NumCores-1:0]                  cur_valid, lazy, walk_restart;
  logic [NumCores-1:0][AsidW-1:0]       cur_asid;
  logic [CntW-1:0] cnt_posted, cnt_targets, cnt_skipped, cnt_cu_log, cnt_cu_full, cnt_errors,
                   cnt_stall;

  tlb_system #(
    .NumCores(NumCores), .Entries(Entries), .Slots(Slots), .LogDepth(LogDepth),
    .NumAsids(NumAsids)
  ) dut (
    .clk_i, .rst_ni(rst_n), .core_rst_i('0),
    .ctx_sum_i, .ctx_mxr_i, .req_valid_i, .req_ready_o(req_ready), .req_vaddr_i,
    .req_access_i, .req_priv_u_i, .resp_valid_o(resp_valid), .resp_paddr_o(resp_paddr),
    .resp_fault_o(resp_fault), .resp_hit_o(resp_hit),
    .mem_req_valid_o(mem_req_valid), .mem_req_ready_i, .mem_req_addr_o(mem_req_addr),
    .mem_resp_valid_i, .mem_resp_ready_o(mem_resp_ready), .mem_resp_data_i,
    .cmd_valid_i, .cmd_ready_o(cmd_ready), .cmd_op_i, .cmd_kind_i, .cmd_asid_i, .cmd_vaddr_i,
    .cmd_npages_i, .cmd_root_i, .cmd_pm_i, .cmd_done_o(cmd_done), .cmd_error_o(cmd_error),
    .cur_valid_o(cur_valid), .cur_asid_o(cur_asid), .lazy_o(lazy),
    .walk_restart_o(walk_restart),
    .cnt_posted_o(cnt_posted), .cnt_targets_o(cnt_targets), .cnt_skipped_o(cnt_skipped),
    .cnt_catchup_log_o(cnt_cu_log), .cnt_catchup_full_o(cnt_cu_full),
    .cnt_errors_o(cnt_errors), .cnt_stall_o(cnt_stall)
  );
