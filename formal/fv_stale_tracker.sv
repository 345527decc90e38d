// SPDX-License-Identifier: Apache-2.0
// Ghost state and checks for one core and one tracked invalidation I.
//
// From the cycle I is applied to the core (`apply_now`, which may be an exact copy of I or an
// invalidation that covers it), every entry the L1 holds is "old", and so is every entry
// later installed by a walk that was already in flight when I was applied (a "stale" walk,
// which may have read a PTE from before the page-table change that I announces). A walk that
// starts, or restarts from the root, after that cycle is fresh: its PTE reads follow I.
// A walk ends in one cycle and its entry is written in the next (the core's CoreFill): the
// entry of a walk that was stale when it ended is stale when it is written.
//
//   StaleInstall_A  (proof 2) a stale walk never installs an entry I drops
//   NoStaleEntry_A  (proofs 1/2) once I is applied, no valid old entry is one I drops, unless
//                   the L1's pending (swept) invalidation matches it: then every hit on it
//                   is voided until the sweep retires it (docs/architecture.md, "flash and
//                   sweep"; the proofs' 2 and 4 entries are one sweep group, swept in the
//                   cycle after the operation is taken)
//   helper invariants (for k-induction): a stale walk that I could touch is poisoned; the
//   walker is busy exactly when the core is in its walk state.
module fv_stale_tracker
  import tlb_pkg::*;
  import fv_spec::*;
#(
  parameter int unsigned Entries = 2,
  localparam int unsigned IdxW = $clog2(Entries)
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  inval_t                   inv_i,          // the tracked invalidation I
  input  logic                     apply_now_i,    // I (or a cover of it) is applied now
  // Core internals.
  input  tlb_entry_t [Entries-1:0] entries_i,      // u_l1.entries (as they stand)
  input  logic [Entries-1:0]       pending_i,      // the L1's pending (swept) invalidation
                                                   // matches the entry: every hit on it is
                                                   // voided until the sweep kills it
  input  logic                     install_i,      // u_l1.install_valid_i (CoreFill)
  input  logic [IdxW-1:0]          install_idx_i,  // u_l1.install_idx
  input  tlb_entry_t               install_entry_i,// u_core.fill_entry_q
  input  logic                     busy_i,         // u_ptw.busy_o
  input  logic                     restart_i,      // u_ptw.restart_o
  input  logic                     done_i,         // u_ptw.done_o
  input  logic                     poison_i,       // u_ptw.poison_q
  input  logic                     core_walk_i,    // u_core.state_q == CoreWalk
  input  logic [AsidW-1:0]         walk_asid_i,    // u_core.walk_asid_q
  input  logic [8:0]               walk_giga_i,    // u_core.walk_vaddr_q[38:30]
  output logic                     applied_o       // I has been applied (before this cycle)
);

  logic               applied_q;
  logic               stale_q, stale_now;
  logic               fill_stale_q;  // the entry being written comes from a stale walk
  logic [Entries-1:0] old_q, old_d;

  assign stale_now = stale_q || (apply_now_i && busy_i);

  // An entry written while I is applied is old: if I drops it, the L1 writes it invalid.
  always_comb begin
    old_d = old_q;
    if (apply_now_i) old_d = '1;
    if (install_i) old_d[install_idx_i] = fill_stale_q || apply_now_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      applied_q <= 1'b0;
      stale_q   <= 1'b0;
      fill_stale_q <= 1'b0;
      old_q     <= '0;
    end else begin
      fill_stale_q <= done_i && stale_now;
      applied_q <= applied_q || apply_now_i;
      // A restart re-reads from the root after this cycle; a finished walk is gone.
      stale_q   <= stale_now && !restart_i && !done_i && busy_i;
      old_q     <= old_d;
    end
  end
  assign applied_o = applied_q;

  // Could an entry this walk may still install be dropped by I? The walk's entry lies in
  // its 1 GiB region (no page is larger) and carries its ASID (or is global).
  logic walk_touchable;
  always_comb begin
    logic asid_m, va_m, range_m;
    asid_m  = inv_i.asid == walk_asid_i;
    va_m    = inv_i.vpn[26:18] == walk_giga_i;
    range_m = {1'b0, inv_i.vpn[26:18]} <= {1'b0, walk_giga_i} &&
              (({1'b0, inv_i.vpn} + 28'(inv_i.npages)) >> 18) >= 28'(walk_giga_i);
    unique case (inv_i.kind)
      3'd1:    walk_touchable = asid_m;
      3'd2:    walk_touchable = va_m;
      3'd3:    walk_touchable = asid_m && va_m;
      3'd4:    walk_touchable = asid_m && range_m;
      default: walk_touchable = 1'b1;
    endcase
  end

  always_comb begin
    if (rst_ni) begin
      // Proof 2: no stale walk result that I drops is written.
      StaleInstall_A: assert (!(install_i && fill_stale_q && spec_drops(install_entry_i, inv_i)));
`ifndef FV_NO_HELPERS
      // Helpers (FV_NO_HELPERS leaves them out, for the mutant runs in BMC mode).
      StalePoisoned_A: assert (!(stale_q && walk_touchable) || poison_i);
      StaleBusy_A:     assert (!stale_q || busy_i);
      StaleApplied_A:  assert (!stale_q || applied_q);
      OldApplied_A:    assert (old_q == '0 || applied_q);
      FillApplied_A:   assert (!fill_stale_q || applied_q);
      FillAfterDone_A: assert (!fill_stale_q || !busy_i);
      BusyIsWalk_A:    assert (busy_i == core_walk_i);
`endif
    end
  end

  // Proof 1/2: after I is applied the core holds no old entry that I drops.
  for (genvar k = 0; k < Entries; k++) begin : gen_entry
    always_comb begin
      if (rst_ni) begin
        NoStaleEntry_A: assert (!(applied_q && old_q[k] && entries_i[k].valid &&
                                  spec_drops(entries_i[k], inv_i) && !pending_i[k]));
`ifndef FV_NO_HELPERS
        // Helper: every valid entry has a real page size and an aligned VPN (the walker
        // only ends at levels 2..0 and the core aligns the VPN).
        WellFormed_A: assert (!entries_i[k].valid || well_formed(entries_i[k]));
`endif
      end
    end
  end

endmodule : fv_stale_tracker
