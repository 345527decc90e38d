// SPDX-License-Identifier: Apache-2.0
// Proof 4: at most one 4 KiB way and one superpage match any lookup (the RTL's OneWayHit_A
// and OneSuperHit_A; the multi-hit rule picks the way if both do), by k-induction.
//
// Level `l1`:   tlb_l1 alone, every input free; the only assumptions are the ones tlb_core
//               guarantees by construction (and tlb_l1 asserts as InstallAligned_A,
//               NoLookupInInstall_A and InstallOfLastLookup_A): an installed entry has a real
//               page size (level 0..2) and a VPN aligned to it, no lookup comes in an
//               install's cycle, and an install is of the VPN and ASID of the last lookup,
//               with no install since (the L1's overlap probe is that lookup's compare).
// Level `core`: tlb_core, every input free (no assumption at all); the walker produces the
//               entries. Checks the same property on u_l1.
// Helper invariants: no two valid entries of one set could match the same lookup (same ASID
// or one global, and a common page), nor two valid superpages; every valid entry is well
// formed, a 4 KiB entry sits in the set its VPN selects and a superpage is not 4 KiB; both
// copies of a valid 4 KiB entry's tag agree; the probe's registers (`pr_*_q`) are the
// compare of the last lookup's operands against the tags as they are (fv_l1_probe_check).
module fv_l1_onehit_check
  import tlb_pkg::*;
  import fv_spec::*;
#(
  parameter int unsigned Entries = 4,
  localparam int unsigned Ways = L1Ways,
  localparam int unsigned Sets = Entries / Ways,
  localparam int unsigned N    = Entries + L1Supers
) (
  input logic                   rst_ni,
  input tlb_entry_t [N-1:0]     entries_i,
  input logic [Ways-1:0]        way_hit_i,
  input logic [L1Supers-1:0]    sup_hit_i
);
  always_comb if (rst_ni) OneWayHit_A: assert ($onehot0(way_hit_i));
  always_comb if (rst_ni) OneSuperHit_A: assert ($onehot0(sup_hit_i));
`ifndef FV_NO_HELPERS
  for (genvar i = 0; i < N; i++) begin : gen_i
    always_comb if (rst_ni) WellFormed_A: assert (!entries_i[i].valid || well_formed(entries_i[i]));
    if (i < Entries) begin : gen_set
      always_comb if (rst_ni) InItsSet_A: assert (!entries_i[i].valid ||
          (Sets == 1 || 32'(entries_i[i].vpn) % Sets == i / Ways));
    end else begin : gen_sup
      always_comb if (rst_ni) SuperSize_A: assert (!entries_i[i].valid ||
                                                   entries_i[i].level != Page4K);
    end
    for (genvar j = i + 1; j < N; j++) begin : gen_j
      if ((i < Entries && j < Entries && i / Ways == j / Ways) || (i >= Entries)) begin : gen_pair
        always_comb if (rst_ni) Disjoint_A: assert (!(entries_i[i].valid && entries_i[j].valid &&
                                                      same_lookup(entries_i[i], entries_i[j])));
      end
    end
  end
`endif
endmodule

module fv_l1_onehit
  import tlb_pkg::*;
  import fv_spec::*;
#(
  parameter int unsigned Entries = 4,
  localparam int unsigned Ways = L1Ways
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
  input  logic [VpnW:0]      inval_last_i
);
  logic rst_n = 1'b0;
  always_ff @(posedge clk_i) rst_n <= 1'b1;

  logic hit;
  tlb_entry_t entry;
  logic [Entries+L1Supers-1:0] valid;

  tlb_l1 #(.Entries(Entries)) dut (
    .clk_i, .rst_ni(rst_n), .clr_i(1'b0), .lookup_valid_i, .lookup_vpn_i, .lookup_asid_i,
    .hit_o(hit), .hit_entry_o(entry), .install_valid_i, .install_entry_i,
    .inval_valid_i, .inval_kind_i, .inval_asid_i, .inval_vpn_i, .inval_last_i,
    .valid_o(valid)
  );

  // Environment (what tlb_core guarantees): installs are well formed, never in a lookup's
  // cycle (NoLookupInInstall_A), and of the VPN and ASID of the last lookup with no install
  // since (InstallOfLastLookup_A: the fill of the walk of the lookup that missed).
  logic [VpnW-1:0]  lk_vpn_q;
  logic [AsidW-1:0] lk_asid_q;
  logic             lk_seen_q = 1'b0;
  always_ff @(posedge clk_i) begin
    if (rst_n && lookup_valid_i) begin
      lk_vpn_q  <= lookup_vpn_i;
      lk_asid_q <= lookup_asid_i;
      lk_seen_q <= 1'b1;
    end else if (rst_n && install_valid_i) begin
      lk_seen_q <= 1'b0;
    end
  end
  always_comb if (install_valid_i) assume (well_formed(install_entry_i));
  always_comb assume (!(install_valid_i && lookup_valid_i));
  always_comb if (install_valid_i) assume (lk_seen_q && install_entry_i.asid == lk_asid_q &&
      install_entry_i.vpn == vpn_align(install_entry_i.level, lk_vpn_q));

  fv_l1_onehit_check #(.Entries(Entries)) u_chk (
    .rst_ni(rst_n), .entries_i(dut.entries),
    .way_hit_i(dut.way_hit), .sup_hit_i(dut.sup_hit));
  fv_l1_probe_check #(.Entries(Entries)) u_probe (
    .en_i(rst_n && lk_seen_q), .vpn_i(lk_vpn_q), .asid_i(lk_asid_q), .entries_i(dut.entries),
    .way_asid_i(dut.pr_way_asid_q), .way_vpn_i(dut.pr_way_vpn_q),
    .sup_asid_i(dut.pr_sup_asid_q), .sup_cov_i(dut.pr_sup_cov_q),
    .sup_gig_i(dut.pr_sup_gig_q));
  fv_l1_in_check u_in (
    .en_i(rst_n), .in_asid_i(dut.in_asid_q), .p_asid_i(dut.p_asid_q), .q_asid_i(dut.q_asid_q),
    .eq_p_i(dut.in_eq_p_q), .eq_q_i(dut.in_eq_q_q));
`ifndef FV_NO_HELPERS
  // Helper: both copies of a valid 4 KiB entry's tag agree (the install writes both).
  for (genvar k = 0; k < Entries; k++) begin : gen_tags
    always_comb if (rst_n && dut.entries[k].valid)
      TagCopy_A: assert (dut.tag_view[k % Ways][k / Ways] == dut.stag_view[k % Ways][k / Ways]);
  end
`endif

  always_comb if (rst_n) cover (valid == '1 && hit);
endmodule

module fv_core_onehit
  import tlb_pkg::*;
  import fv_spec::*;
#(
  parameter int unsigned Entries = 4,
  localparam int unsigned Ways = L1Ways
) (
  input  logic              clk_i,
`include "fv_core_ports.svh"
);
`include "fv_core_inst.svh"

  fv_l1_onehit_check #(.Entries(Entries)) u_chk (
    .rst_ni(rst_n), .entries_i(dut.u_l1.entries),
    .way_hit_i(dut.u_l1.way_hit), .sup_hit_i(dut.u_l1.sup_hit));
  // Helper: the L1's overlap probe is the compare of the lookup being walked (from the
  // registered request's miss until its fill), and the fill is of its VPN and ASID.
`include "fv_core_probe.svh"
`ifndef FV_NO_HELPERS
  // Helper: the walker's level register only holds 2, 1 or 0.
  always_comb if (rst_n) LevelOk_A: assert (dut.u_ptw.level_q != 2'd3);
  // Helpers: the core's state is one of its three, and the entry a fill writes is well formed.
  always_comb if (rst_n) CoreStateOk_A: assert (dut.state_q != 2'd3);
  always_comb if (rst_n && dut.state_q == 2'd2) FillWellFormed_A: assert (well_formed(dut.fill_entry_q));
  always_comb if (rst_n && dut.state_q == 2'd2) FillOfWalk_A: assert (
      dut.fill_entry_q.asid == dut.walk_asid_q &&
      dut.fill_entry_q.vpn == vpn_align(dut.fill_entry_q.level, dut.walk_vaddr_q[38:12]));
  // Helper: both copies of a valid 4 KiB entry's tag agree (the install writes both).
  for (genvar k = 0; k < Entries; k++) begin : gen_tags
    always_comb if (rst_n && dut.u_l1.entries[k].valid) TagCopy_A: assert (
        dut.u_l1.tag_view[k % Ways][k / Ways] == dut.u_l1.stag_view[k % Ways][k / Ways]);
  end
`endif

  always_comb if (rst_n) cover (valid_count == 7'(Entries) && resp_valid && resp_hit);
endmodule

// Proof 4, compositional (twenty-first session): the premises fv_l1_onehit assumes of the
// L1's inputs, proven of tlb_core with its L1 cut out (`cutpoint` of its output wires in onehit.sby:
// hit_o, hit_entry_o and valid_o are free in every cycle), so they hold whatever the L1 holds
// and answers. With fv_l1_onehit (one hit on the L1 alone under these premises) this proves
// one hit at the core without the core's and the L1's state in one induction: the L1's
// invalidation and sweep state no longer enters the core-level proof (formal/README.md).
module fv_core_premises
  import tlb_pkg::*;
  import fv_spec::*;
#(
  parameter int unsigned Entries = 4
) (
  input  logic              clk_i,
`include "fv_core_ports.svh"
);
`include "fv_core_inst.svh"

  // The last lookup and whether an install came since, as fv_l1_onehit tracks them.
  logic [VpnW-1:0]  lk_vpn_q;
  logic [AsidW-1:0] lk_asid_q;
  logic             lk_seen_q = 1'b0;
  always_ff @(posedge clk_i) begin
    if (rst_n && dut.accept) begin
      lk_vpn_q  <= req_vaddr_i[38:12];
      lk_asid_q <= ctx_asid_i;
      lk_seen_q <= 1'b1;
    end else if (rst_n && dut.install_valid) begin
      lk_seen_q <= 1'b0;
    end
  end

  // The premises (fv_l1_onehit's assumptions; the RTL's InstallAligned_A,
  // NoLookupInInstall_A and InstallOfLastLookup_A).
  always_comb if (rst_n) begin
    InstallWellFormed_A: assert (!dut.install_valid || well_formed(dut.fill_entry_q));
    NoLookupInInstall_A: assert (!(dut.install_valid && dut.accept));
    InstallOfLastLookup_A: assert (!dut.install_valid ||
        (lk_seen_q && dut.fill_entry_q.asid == lk_asid_q &&
         dut.fill_entry_q.vpn == vpn_align(dut.fill_entry_q.level, lk_vpn_q)));
  end

`ifndef FV_NO_HELPERS
  // Helpers: the core's and the walker's state registers hold only their states; the
  // request registered and the walk are the last lookup's; a fill is of its walk.
  always_comb if (rst_n) begin
    LevelOk_A: assert (dut.u_ptw.level_q != 2'd3);
    CoreStateOk_A: assert (dut.state_q != 2'd3);
    LookIsLast_A: assert (!dut.look_valid_q || (lk_seen_q &&
        dut.look_vaddr_q[38:12] == lk_vpn_q && dut.look_asid_q == lk_asid_q));
    WalkIsLast_A: assert (dut.state_q == 2'd0 || (lk_seen_q &&
        dut.walk_vaddr_q[38:12] == lk_vpn_q && dut.walk_asid_q == lk_asid_q));
  end
  always_comb if (rst_n && dut.state_q == 2'd2) begin
    FillWellFormed_A: assert (well_formed(dut.fill_entry_q));
    FillOfWalk_A: assert (dut.fill_entry_q.asid == dut.walk_asid_q &&
        dut.fill_entry_q.vpn == vpn_align(dut.fill_entry_q.level, dut.walk_vaddr_q[38:12]));
  end
`endif
endmodule
