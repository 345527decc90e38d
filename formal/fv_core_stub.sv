// SPDX-License-Identifier: Apache-2.0
// "Any core": a stand-in for tlb_core with the same ports and no behaviour. Its outputs are
// left undriven, which SymbiYosys turns into free values ($anyseq) in every cycle, so the
// fabric is checked against every possible core (in particular req_ready_o, which the agent
// reads as "no walk in flight", may do anything). Used by the fabric-level proofs, whose
// properties do not look inside the cores; what a core does with the invalidations it is
// given is proved separately on the real tlb_core (core_poison.sby, for any input sequence).
module tlb_core
  import tlb_pkg::*;
#(
  parameter int unsigned Entries    = 32,
  parameter int unsigned HitLatency = 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              clr_i,
  input  logic [AsidW-1:0]  ctx_asid_i,
  input  logic [PpnW-1:0]   ctx_root_ppn_i,
  input  logic              ctx_sum_i,
  input  logic              ctx_mxr_i,
  input  logic [1:0]        ctx_pm_i,
  input  logic              req_valid_i,
  output logic              req_ready_o,
  input  logic [VaW-1:0]    req_vaddr_i,
  input  logic [1:0]        req_access_i,
  input  logic              req_priv_u_i,
  output logic              resp_valid_o,
  output logic [PaW-1:0]    resp_paddr_o,
  output logic              resp_fault_o,
  output logic              resp_hit_o,
  input  logic              inval_valid_i,
  input  logic [2:0]        inval_kind_i,
  input  logic [AsidW-1:0]  inval_asid_i,
  input  logic [VaW-1:0]    inval_vaddr_i,
  input  logic [NpagesW-1:0] inval_npages_i,
  output logic              mem_req_valid_o,
  input  logic              mem_req_ready_i,
  output logic [PaW-1:0]    mem_req_addr_o,
  input  logic              mem_resp_valid_i,
  output logic              mem_resp_ready_o,
  input  logic [PteW-1:0]   mem_resp_data_i,
  output logic              walk_restart_o,
  output logic              idle_o,
  output logic [6:0]        valid_count_o
);
endmodule
