// SPDX-License-Identifier: Apache-2.0
// Proofs 1 and 2 (system level): tlb_system, every input free (commands of every core in any
// mix, translation requests, memory with any latency and any data). No assumption.
//
// One acknowledged invalidation message M (a POST, SET_ATTRS or RELEASE of any initiator) is
// tracked, chosen freely (`pick_i`) in the cycle it is on the bus; I = M's operands. From
// then on, each core's I-tracker (fv_stale_tracker) marks the cycle the core applies I or an
// invalidation covering it (a catch-up replay of I, a flush of I's ASID, an "all"): the
// cycle after its agent hands it to the core (`applied` below counts the hand-over, the
// tracker the core's registered copy, inv_*_q).
//
//   RunningApplied_A  from M's bus cycle on, every core that runs I's ASID (every core, for
//                     a kind that may retire global entries) has applied I or a cover: a
//                     core filtered out of M catches up before it runs the ASID again
//                     (seeds 000, 001, 002, 003).
//   SyncDone_A        when M's initiator completes a SYNC after M, every core M targeted has
//                     applied it.
//   per core (fv_stale_tracker): NoStaleEntry_A / StaleInstall_A: a core that applied I
//                     holds no entry I drops that was cached before, or walked by a walk
//                     that was in flight, when it applied I.
//   fv_sys_acks.svh:  acknowledgement accounting (no ack before the apply).
module fv_sys_shootdown
  import tlb_pkg::*;
  import fv_spec::*;
#(
  parameter int unsigned NumCores = 2,
  parameter int unsigned Entries  = 2,
  parameter int unsigned Slots    = 2,
  parameter int unsigned LogDepth = 2,
  parameter int unsigned NumAsids = 4
) (
  input  logic clk_i,
  input  logic pick_i,
`include "fv_sys_ports.svh"
);
  logic rst_n = 1'b0;
  always_ff @(posedge clk_i) rst_n <= 1'b1;

`include "fv_sys_inst.svh"
`include "fv_sys_acks.svh"
`include "fv_sys_domain.svh"

  // ---- The tracked message.
  inval_t bus_inv, inv_q, inv;
  logic   tracking_q, capture, active;
  logic [NumCores-1:0] targets_q, targets;
  logic [CoreIdxW-1:0] init_q;
  assign bus_inv = '{kind: dut.bus.kind, asid: dut.bus.asid, vpn: dut.bus.vpn,
                     npages: dut.bus.npages};
  assign capture = rst_n && !tracking_q && pick_i && dut.bus.valid && dut.bus.inval &&
                   dut.bus.need_ack;
  always_ff @(posedge clk_i) begin
    if (!rst_n) begin
      tracking_q <= 1'b0;
    end else if (capture) begin
      tracking_q <= 1'b1;
      inv_q      <= bus_inv;
      targets_q  <= dut.bus.targets[NumCores-1:0];
      init_q     <= dut.bus.init;
    end
  end
  assign active  = tracking_q || capture;
  assign inv     = tracking_q ? inv_q : bus_inv;
  assign targets = tracking_q ? targets_q : dut.bus.targets[NumCores-1:0];

  logic [NumCores-1:0] apply_now, applied, sync_done;
  for (genvar c = 0; c < NumCores; c++) begin : gen_c
    // A SYNC of core c completes now.
    assign sync_done[c] = cmd_done[c] && dut.gen_core[c].u_agent.state_q == 2'd2;
    inval_t j;
    assign j = '{kind: dut.gen_core[c].inval_kind, asid: dut.gen_core[c].inval_asid,
                 vpn: dut.gen_core[c].inval_vaddr[38:12], npages: dut.gen_core[c].inval_npages};
    assign apply_now[c] = active && dut.gen_core[c].inval_valid && covers_inval(j, inv);
`ifndef FV_STUB_CORES
    // The core applies it in the next cycle, from its registers.
    inval_t k;
    logic   core_apply;
    assign k = from_core_regs(dut.gen_core[c].u_core.inv_kind_q, dut.gen_core[c].u_core.inv_asid_q,
                              dut.gen_core[c].u_core.inv_vpn_q, dut.gen_core[c].u_core.inv_last_q);
    assign core_apply = tracking_q && dut.gen_core[c].u_core.inv_valid_q && covers_inval(k, inv);
`endif

    // applied[c]: core c applied I or a cover of it at or after M's bus cycle.
    always_ff @(posedge clk_i) begin
      if (!rst_n) applied[c] <= 1'b0;
      else        applied[c] <= applied[c] || apply_now[c];
    end

`ifndef FV_STUB_CORES
    // Per-core L1/walker checks (needs the real tlb_core).
    // Every L1 entry: the 4 KiB ones, then the superpages.
    logic [Entries+L1Supers-1:0] pending;
    for (genvar k = 0; k < Entries + L1Supers; k++) begin : gen_pending
      // The pending operation, or the queued ASID flush beside it, matches the entry.
      assign pending[k] = dut.gen_core[c].u_core.u_l1.p_valid_q &&
                          (pend_matches(dut.gen_core[c].u_core.u_l1.entries[k],
                                        dut.gen_core[c].u_core.u_l1.p_any_q,
                                        dut.gen_core[c].u_core.u_l1.p_asid_q,
                                        dut.gen_core[c].u_core.u_l1.p_vpn_q,
                                        dut.gen_core[c].u_core.u_l1.p_last_q) ||
                           queue_matches(dut.gen_core[c].u_core.u_l1.entries[k],
                                         dut.gen_core[c].u_core.u_l1.q_valid_q,
                                         dut.gen_core[c].u_core.u_l1.q_asid_q));
    end
    fv_stale_tracker #(.Entries(Entries + L1Supers)) u_track (
      .clk_i, .rst_ni(rst_n), .inv_i(inv), .apply_now_i(core_apply),
      .entries_i       (dut.gen_core[c].u_core.u_l1.entries),
      .pending_i       (pending),
      .install_i       (dut.gen_core[c].u_core.install_valid),
      .install_idx_i   (dut.gen_core[c].u_core.u_l1.install_idx),
      .install_entry_i (dut.gen_core[c].u_core.fill_entry_q),
      .busy_i          (dut.gen_core[c].u_core.ptw_busy),
      .restart_i       (dut.gen_core[c].u_core.ptw_restart),
      .done_i          (dut.gen_core[c].u_core.ptw_done),
      .poison_i        (dut.gen_core[c].u_core.u_ptw.poison_q),
      .core_walk_i     (dut.gen_core[c].u_core.state_q == 2'd1),
      .walk_asid_i     (dut.gen_core[c].u_core.walk_asid_q),
      .walk_giga_i     (dut.gen_core[c].u_core.walk_vaddr_q[38:30]),
      .applied_o       ()
    );
`endif

    logic running;
    assign running = !scoped(inv.kind) || (cur_valid[c] && cur_asid[c] == inv.asid);
    always_comb if (rst_n) begin
      RunningApplied_A: assert (!(active && running) || applied[c] || apply_now[c]);
      SyncDone_A: assert (!(tracking_q && sync_done[init_q] && targets[c]) || applied[c]);
`ifndef FV_STUB_CORES
      LevelOk_A: assert (dut.gen_core[c].u_core.u_ptw.level_q != 2'd3);
`endif
    end
  end

  // Reachability: a core skipped by M catches up by replaying the log, and a sync completes.
  always_comb if (rst_n) begin
    cover (tracking_q && cnt_cu_log != 0 && applied == '1);
    cover (tracking_q && sync_done[init_q]);
  end
endmodule
