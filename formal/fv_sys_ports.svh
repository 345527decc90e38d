// SPDX-License-Identifier: Apache-2.0
// Free inputs of tlb_system, shared by the system-level harnesses (every one is an input
// of the harness, so the solver may drive it arbitrarily in every cycle).
  input  logic [NumCores-1:0]                  ctx_sum_i,
  input  logic [NumCores-1:0]                  ctx_mxr_i,
  input  logic [NumCores-1:0]                  req_valid_i,
  input  logic [NumCores-1:0][VaW-1:0]         req_vaddr_i,
  input  logic [NumCores-1:0][1:0]             req_access_i,
  input  logic [NumCores-1:0]                  req_priv_u_i,
  input  logic [NumCores-1:0]                  mem_req_ready_i,
  input  logic [NumCores-1:0]                  mem_resp_valid_i,
  input  logic [NumCores-1:0][PteW-1:0]        mem_resp_data_i,
  input  logic [NumCores-1:0]                  cmd_valid_i,
  input  logic [NumCores-1:0][2:0]             cmd_op_i,
  input  logic [NumCores-1:0][2:0]             cmd_kind_i,
  input  logic [NumCores-1:0][AsidW-1:0]       cmd_asid_i,
  input  logic [NumCores-1:0][VaW-1:0]         cmd_vaddr_i,
  input  logic [NumCores-1:0][NpagesW-1:0]     cmd_npages_i,
  input  logic [NumCores-1:0][PpnW-1:0]        cmd_root_i,
  input  logic [NumCores-1:0][1:0]            cmd_pm_i
