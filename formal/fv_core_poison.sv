// SPDX-License-Identifier: Apache-2.0
// Proof 2 (core level): an invalidation is applied before anything can acknowledge it, and a
// walk in flight that it could touch is poisoned: no entry it drops is installed from a walk
// that was in flight when it was applied, and no such entry survives it. The core applies an
// invalidation in the cycle after its port presents it, from its registers (inv_*_q): that
// cycle is the application tracked here (the agent acknowledges in it).
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
  parameter int unsigned Entries = 2,
  // The L1's entries in all (4 KiB ones, then superpages) and its ways.
  localparam int unsigned N = Entries + L1Supers,
  localparam int unsigned Ways = 2
) (
  input  logic              clk_i,
  input  logic              pick_i,
`include "fv_core_ports.svh"
);
`include "fv_core_inst.svh"

  // I: an arbitrary constant (a register that never changes and has no reset value).
  inval_t inv_q;
  always_ff @(posedge clk_i) inv_q <= inv_q;

  inval_t cur;
  assign cur = from_core_regs(dut.inv_kind_q, dut.inv_asid_q, dut.inv_vpn_q, dut.inv_last_q);
  logic apply_now, applied;
  // Any application of I itself or of an invalidation that covers it (an "all", a flush of
  // I's ASID when I is ASID-scoped): the fabric may deliver I in any of these forms (a
  // catch-up replays I, a full catch-up flushes the ASID), see fv_sys_shootdown.sv.
  assign apply_now = rst_n && pick_i && dut.inv_valid_q && covers_inval(cur, inv_q);

  logic [N-1:0] pending, queued;
  for (genvar k = 0; k < N; k++) begin : gen_pending
    // The queue of ASID flushes beside the pending operation matches the entry (spelled out
    // here rather than with fv_spec::queue_matches: formal/README.md).
    always_comb begin
      queued[k] = 1'b0;
      for (int unsigned i = 0; i < L1Queue; i++) begin
        queued[k] = queued[k] || (dut.u_l1.q_valid_q[i] &&
                                  dut.u_l1.entries[k].asid == dut.u_l1.q_asid_q[i]);
      end
    end
    // The pending operation, or the queue beside it, matches the entry.
    assign pending[k] = dut.u_l1.p_valid_q &&
                        (pend_matches(dut.u_l1.entries[k], dut.u_l1.p_any_q, dut.u_l1.p_asid_q,
                                      dut.u_l1.p_vpn_q, dut.u_l1.p_last_q) ||
                         (queued[k] && !dut.u_l1.entries[k].g));
  end

  fv_stale_tracker #(.Entries(N)) u_track (
    .clk_i, .rst_ni(rst_n), .inv_i(inv_q), .apply_now_i(apply_now),
    .entries_i       (dut.u_l1.entries),
    .pending_i       (pending),
    .install_i       (dut.install_valid),
    .install_idx_i   (dut.u_l1.install_idx),
    .install_entry_i (dut.fill_entry_q),
    .busy_i          (dut.ptw_busy),
    .restart_i       (dut.ptw_restart),
    .done_i          (dut.ptw_done),
    .poison_i        (dut.u_ptw.poison_q),
    .core_walk_i     (dut.state_q == 2'd1),
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
  // Helper: the L1 queues an ASID flush only beside a pending operation.
  always_comb if (rst_n) QueueBesidePending_A: assert (dut.u_l1.q_valid_q == '0 || dut.u_l1.p_valid_q);
  // Helper: with one set (Entries = 2) a sweep is one compare and its tail (the step
  // register stays 0), and nothing is ever queued.
  if (Entries <= 2) begin : gen_no_queue
    always_comb if (rst_n) NoQueue_A: assert (dut.u_l1.q_valid_q == '0 && !dut.u_l1.lk_q_q);
  end
  // Helper: the L1's overlap probe is the compare of the lookup being walked (from the
  // registered request's miss until its fill; fv_l1_probe.sv).
`include "fv_core_probe.svh"
  // Helper: the sweep's copy of a valid 4 KiB entry's tag is the lookup's (the install
  // writes both).
  for (genvar k = 0; k < Entries; k++) begin : gen_tags
    always_comb if (rst_n && dut.u_l1.entries[k].valid) TagCopy_A: assert (
        dut.u_l1.tag_view[k % Ways][k / Ways] == dut.u_l1.stag_view[k % Ways][k / Ways]);
  end
`endif
endmodule
