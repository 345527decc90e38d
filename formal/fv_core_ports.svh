// SPDX-License-Identifier: Apache-2.0
// tlb_core's inputs as free harness inputs (after clk_i): the port list of
// fv_core_poison and fv_core_onehit.
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
