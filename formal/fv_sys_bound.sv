// SPDX-License-Identifier: Apache-2.0
// Proof 3 (system level): the shootdown latency bound of docs/shootdown.md, "Worst case,
// fairness": a POST followed at once by a SYNC completes its sync within
//     Bound = 5 + (NumCores - 1) * LogDepth
// cycles, counted from the cycle the agent accepts the POST (that cycle is 0; a POST accepted
// after the directory's reset sweep, which grants nothing for NumAsids cycles), under any mix
// of commands of the other cores (posts, syncs, switches with log catch-up, lazy, attribute
// changes, releases, refused ones), any translation traffic and any memory behaviour.
//
// Environment assumptions (stated, and the only ones):
//   A1  the tracked initiator `init` (any core, a free constant) presents SYNC in the cycle
//       right after its POST completes (docs: "a POST followed at once by a SYNC");
//   A2  nothing else: the other cores' commands, all requests and all memory inputs are free
//       (the fabric's latency does not depend on memory: walks are poisoned, never waited).
//
//   BoundPostSync_A  the sync is done by cycle Bound (checked every cycle while waiting);
//   SyncNextCycle_A, OwedExact_A, ... (fv_sys_acks.svh)  a SYNC completes the cycle after it
//                    is taken, for every core (proof 3a), and the ack accounting.
module fv_sys_bound
  import tlb_pkg::*;
#(
  parameter int unsigned NumCores = 2,
  parameter int unsigned Entries  = 2,
  parameter int unsigned Slots    = 2,
  parameter int unsigned LogDepth = 2,
  parameter int unsigned NumAsids = 4,
  localparam int unsigned Bound   = 5 + (NumCores - 1) * LogDepth
) (
  input  logic clk_i,
`include "fv_sys_ports.svh"
);
  logic rst_n = 1'b0;
  always_ff @(posedge clk_i) rst_n <= 1'b1;

`include "fv_sys_inst.svh"
`include "fv_sys_acks.svh"
`include "fv_sys_domain.svh"

  // The tracked initiator: an arbitrary constant core index.
  logic [CoreIdxW-1:0] init_q;
  always_ff @(posedge clk_i) init_q <= init_q;
  always_comb assume (init_q < CoreIdxW'(NumCores));

  logic [NumCores-1:0][1:0] ag_state;
  logic [NumCores-1:0][2:0] ag_op;
  for (genvar c = 0; c < NumCores; c++) begin : gen_st
    assign ag_state[c] = dut.gen_core[c].u_agent.state_q;
    assign ag_op[c]    = dut.gen_core[c].u_agent.cmd_q.op;
  end

  logic post_accept, post_done, sync_done;
  assign post_accept = rst_n && !dut.u_dir.init_busy && cmd_valid_i[init_q] && cmd_ready[init_q] &&
                       cmd_op_i[init_q] == 3'd0;
  assign post_done   = cmd_done[init_q] && ag_state[init_q] == 2'd1 && ag_op[init_q] == 3'd0;
  assign sync_done   = cmd_done[init_q] && ag_state[init_q] == 2'd2;

  logic       waiting_q, post_done_q;
  logic [7:0] cnt_q;
  always_ff @(posedge clk_i) begin
    if (!rst_n) begin
      waiting_q   <= 1'b0;
      post_done_q <= 1'b0;
      cnt_q       <= '0;
    end else begin
      post_done_q <= post_done;
      if (post_accept) begin
        waiting_q <= 1'b1;
        cnt_q     <= 8'd1;
      end else if (waiting_q) begin
        if (sync_done) waiting_q <= 1'b0;
        if (cnt_q != 8'hff) cnt_q <= cnt_q + 8'd1;
      end
    end
  end

  // A1: SYNC right after the POST completes.
  always_comb if (rst_n && post_done_q) begin
    assume (cmd_valid_i[init_q] && cmd_op_i[init_q] == 3'd1);
  end

  always_comb if (rst_n) begin
    BoundPostSync_A: assert (!(waiting_q && cnt_q > 8'(Bound)));
    // Helpers for induction: while waiting, the agent is in AgDir, then idle for one
    // cycle, then in AgSync; the counter is the time since the POST was taken.
    WaitState_A: assert (!waiting_q || ag_state[init_q] != 2'd3);
    // ... and the reset sweep is over (it never starts again before a reset).
    WaitAfterSweep_A: assert (!waiting_q || !dut.u_dir.init_busy);
    cover (post_accept);
    cover (post_done);
    cover (sync_done && waiting_q && cnt_q == 8'd5);
    cover (sync_done && waiting_q && cnt_q == 8'(Bound));
  end
endmodule
