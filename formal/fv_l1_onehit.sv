// Proof 4: at most one L1 entry matches any lookup (the RTL's OneHit_A), by k-induction.
//
// Level `l1`:   tlb_l1 alone, every input free; the only assumption is the one tlb_core
//               guarantees by construction (and tlb_l1 asserts as InstallAligned_A): an
//               installed entry has a real page size (level 0..2) and a VPN aligned to it.
// Level `core`: tlb_core, every input free (no assumption at all); the walker produces the
//               entries. Checks the same property on u_l1.
// Helper invariant: no two valid entries could match the same lookup (same ASID or one
// global, and a common page), and every valid entry is well formed.
module fv_l1_onehit_check
  import tlb_pkg::*;
  import fv_spec::*;
#(
  parameter int unsigned Entries = 4
) (
  input logic                     rst_ni,
  input tlb_entry_t [Entries-1:0] entries_i,
  input logic [Entries-1:0]       hit_i
);
  always_comb if (rst_ni) OneHit_A: assert ($onehot0(hit_i));
`ifndef FV_NO_HELPERS
  for (genvar i = 0; i < Entries; i++) begin : gen_i
    always_comb if (rst_ni) WellFormed_A: assert (!entries_i[i].valid || well_formed(entries_i[i]));
    for (genvar j = i + 1; j < Entries; j++) begin : gen_j
      always_comb if (rst_ni) Disjoint_A: assert (!(entries_i[i].valid && entries_i[j].valid &&
                                                    same_lookup(entries_i[i], entries_i[j])));
    end
  end
`endif
endmodule

module fv_l1_onehit
  import tlb_pkg::*;
  import fv_spec::*;
#(
  parameter int unsigned Entries = 4
) (
  input  logic               clk_i,
  input  logic               lookup_valid_i,
  input  logic [VpnW-1:0]    lookup_vpn_i,
  input  logic [AsidW-1:0]   lookup_asid_i,
  input  logic               install_valid_i,
  input  tlb_entry_t         install_entry_i,
  input  logic               inval_valid_i,
  input  logic [2:0]         inval_kind_i,
  input  logic [AsidW-1:0]   inval_asid_i,
  input  logic [VpnW-1:0]    inval_vpn_i,
  input  logic [NpagesW-1:0] inval_npages_i
);
  logic rst_n = 1'b0;
  always_ff @(posedge clk_i) rst_n <= 1'b1;

  logic hit;
  tlb_entry_t entry;
  logic [Entries-1:0] valid;

  tlb_l1 #(.Entries(Entries)) dut (
    .clk_i, .rst_ni(rst_n), .lookup_valid_i, .lookup_vpn_i, .lookup_asid_i,
    .lookup_hit_o(hit), .lookup_entry_o(entry), .install_valid_i, .install_entry_i,
    .inval_valid_i, .inval_kind_i, .inval_asid_i, .inval_vpn_i, .inval_npages_i,
    .valid_o(valid)
  );

  // Environment (what tlb_core guarantees): installs are well formed.
  always_comb if (install_valid_i) assume (well_formed(install_entry_i));

  fv_l1_onehit_check #(.Entries(Entries)) u_chk (
    .rst_ni(rst_n), .entries_i(dut.entries_q), .hit_i(dut.hit));

  always_comb if (rst_n) cover (valid == '1 && hit);
endmodule

module fv_core_onehit
  import tlb_pkg::*;
#(
  parameter int unsigned Entries = 4
) (
  input  logic              clk_i,
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

  fv_l1_onehit_check #(.Entries(Entries)) u_chk (
    .rst_ni(rst_n), .entries_i(dut.u_l1.entries_q), .hit_i(dut.u_l1.hit));
`ifndef FV_NO_HELPERS
  // Helper: the walker's level register only holds 2, 1 or 0.
  always_comb if (rst_n) LevelOk_A: assert (dut.u_ptw.level_q != 2'd3);
`endif

  always_comb if (rst_n) cover (valid_count == 7'(Entries) && resp_valid && resp_hit);
endmodule
