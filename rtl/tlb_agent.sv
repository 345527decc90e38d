// SPDX-License-Identifier: Apache-2.0
// One core's shootdown agent: takes the core's commands, holds its translation context,
// and applies what the fabric's bus tells this core.
//
// Every bus message addressed to this core is applied in the cycle it is on the bus,
// whatever the core is doing: a core waiting for its own sync keeps applying and
// acknowledging everyone else's invalidations (no IPI-with-interrupts-off deadlock).
//
// A clear (the core's reset, tlb_system core_rst_i) drops the command the agent holds (it
// never completes) and the context (no ASID loaded, not lazy, root and mode zero), at the
// end of its cycle. It does not touch the acknowledgement: a message addressed to this core
// in a cleared cycle, or the cycle before, is acknowledged exactly once, as always (the
// cleared TLB is empty, so the ack is true; docs/shootdown.md, "Core reset").
module tlb_agent
  import tlb_pkg::*;
#(
  /// This agent's core index.
  parameter int unsigned Index = 0
) (
  input  logic                clk_i,            ///< clock
  input  logic                rst_ni,           ///< asynchronous reset, active low
  input  logic                clr_i,            ///< synchronous clear: drop the command and
                                                ///< the context (not the acknowledgement)
  // Commands from the core.
  input  logic                cmd_valid_i,      ///< a command is presented
  output logic                cmd_ready_o,      ///< the agent takes it (idle)
  input  dir_cmd_t            cmd_i,            ///< the command
  output logic                cmd_done_o,       ///< the command completes (one cycle)
  output logic                cmd_error_o,      ///< ... and was refused
  // To and from the directory.
  output logic                dir_req_o,        ///< a command waits for the directory (still
                                                ///< up while its completing message is on
                                                ///< the bus: the directory masks it)
  output dir_cmd_t            dir_cmd_o,        ///< that command
  input  bus_msg_t            bus_i,            ///< the broadcast bus (a register)
  input  logic                quiet_i,          ///< acks owed to this initiator: none
  output logic                ack_o,            ///< acknowledges last cycle's message
  output logic [CoreIdxW-1:0] ack_init_o,       ///< to this initiator
  output logic                ack_rel_o,        ///< the message was a release
  // The core's translation context.
  input  logic                core_idle_i,      ///< no walk in flight in the core, none to
                                                ///< start (tlb_core idle_o: registers only)
  output logic                switching_o,      ///< a switch is under way: hold translations
  output logic                cur_valid_o,      ///< an ASID is loaded
  output logic [AsidW-1:0]    cur_asid_o,       ///< the loaded ASID
  output logic                lazy_o,           ///< running a kernel thread on it
  output logic [PpnW-1:0]     root_o,           ///< its root table (new attributes from the
                                                ///< cycle after their bus message)
  output logic [1:0]          pm_o,             ///< its pointer-masking mode (likewise)
  // Invalidations for the core's TLB.
  output logic                inval_valid_o,    ///< an invalidation for the core (applied there
                                                ///< next cycle, the cycle of the ack)
  output logic [2:0]          inval_kind_o,
  output logic [AsidW-1:0]    inval_asid_o,
  output logic [VaW-1:0]      inval_vaddr_o,
  output logic [NpagesW-1:0]  inval_npages_o
);

  `include "tlb_assert.svh"

  typedef enum logic [1:0] {
    AgIdle = 2'd0,  ///< ready for a command
    AgDir  = 2'd1,  ///< the command waits for its message from the directory
    AgSync = 2'd2,  ///< a sync waits for every ack owed to this core
    AgBad  = 2'd3   ///< an unknown command: refused next cycle
  } agent_state_e;

  localparam logic [CoreIdxW-1:0] Me = CoreIdxW'(Index);

  agent_state_e     state_q, state_d;
  dir_cmd_t         cmd_q, cmd_d;
  logic             cur_valid_q, cur_valid_d;
  logic [AsidW-1:0] cur_asid_q, cur_asid_d;
  logic             lazy_q, lazy_d;
  logic [PpnW-1:0]  root_q, root_d;
  logic [1:0]       pm_q, pm_d;
  logic             ack_q;
  logic [CoreIdxW-1:0] ack_init_q;
  logic             ack_rel_q;

  logic mine, targeted, holds_asid;

  assign mine       = bus_i.valid && bus_i.init == Me;
  assign targeted   = bus_i.valid && bus_i.targets[Index];
  assign holds_asid = cur_valid_q && cur_asid_q == bus_i.asid;

  assign cmd_ready_o = state_q == AgIdle;
  // A switch goes to the directory only once no walk of the old context is in flight, so
  // the context never changes under a walk (docs/architecture.md, context rule). The
  // directory registers its grant and decides it in the next cycle, so the answer is on the
  // bus two cycles after the grant (it never grants a request it holds, and grants nothing
  // while it replays a catch-up); the request stays up until the cycle after its completing
  // message is on the bus (the agent is idle then). In the cycle the message is there, the
  // directory itself ignores the request (its answered_q names this agent), so the bus does
  // not go out to the agent and back into the arbiter in one cycle (timing: docs/fpga.md).
  assign dir_req_o   = state_q == AgDir && (cmd_q.op != CmdSwitch || core_idle_i);
  assign dir_cmd_o   = cmd_q;
  assign switching_o = state_q == AgDir && cmd_q.op == CmdSwitch;

  always_comb begin
    state_d     = state_q;
    cmd_d       = cmd_q;
    cur_valid_d = cur_valid_q;
    cur_asid_d  = cur_asid_q;
    lazy_d      = lazy_q;
    root_d      = root_q;
    pm_d        = pm_q;
    cmd_done_o  = 1'b0;
    cmd_error_o = 1'b0;

    unique case (state_q)
      AgIdle: begin
        if (cmd_valid_i) begin
          cmd_d = cmd_i;
          unique case (cmd_op_e'(cmd_i.op))
            CmdSync:                                                  state_d = AgSync;
            CmdPost, CmdSwitch, CmdLazy, CmdSetAttrs, CmdRelease:     state_d = AgDir;
            default:                                                  state_d = AgBad;
          endcase
        end
      end
      AgDir: begin
        if (mine && bus_i.done) begin
          cmd_done_o  = 1'b1;
          cmd_error_o = bus_i.error;
          state_d     = AgIdle;
        end
      end
      AgSync: begin
        if (quiet_i) begin
          cmd_done_o = 1'b1;
          state_d    = AgIdle;
        end
      end
      default: begin  // AgBad
        cmd_done_o  = 1'b1;
        cmd_error_o = 1'b1;
        state_d     = AgIdle;
      end
    endcase

    // Context changes carried by the bus.
    if (mine && bus_i.set_ctx) begin
      cur_valid_d = 1'b1;
      cur_asid_d  = bus_i.asid;
      lazy_d      = 1'b0;
      root_d      = bus_i.root;
      pm_d        = bus_i.pm;
    end
    if (mine && bus_i.set_lazy) lazy_d = 1'b1;
    if (targeted && bus_i.set_attrs && holds_asid) begin
      root_d = bus_i.root;
      pm_d   = bus_i.pm;
    end
    if (targeted && bus_i.drop_ctx && holds_asid) begin
      cur_valid_d = 1'b0;
      lazy_d      = 1'b0;
    end

    // The core's reset: the command is dropped (no cmd_done_o for it), the context too. The
    // directory forgets the core in the same cycle (its core_rst_i).
    if (clr_i) begin
      state_d     = AgIdle;
      cur_valid_d = 1'b0;
      cur_asid_d  = '0;
      lazy_d      = 1'b0;
      root_d      = '0;
      pm_d        = '0;
    end
  end

  assign inval_valid_o  = targeted && bus_i.inval;
  assign inval_kind_o   = bus_i.kind;
  assign inval_asid_o   = bus_i.asid;
  assign inval_vaddr_o  = {25'd0, bus_i.vpn, 12'd0};
  assign inval_npages_o = bus_i.npages;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= AgIdle;
      cmd_q       <= '0;
      cur_valid_q <= 1'b0;
      cur_asid_q  <= '0;
      lazy_q      <= 1'b0;
      root_q      <= '0;
      pm_q        <= '0;
      ack_q       <= 1'b0;
      ack_init_q  <= '0;
      ack_rel_q   <= 1'b0;
    end else begin
      state_q     <= state_d;
      cmd_q       <= cmd_d;
      cur_valid_q <= cur_valid_d;
      cur_asid_q  <= cur_asid_d;
      lazy_q      <= lazy_d;
      root_q      <= root_d;
      pm_q        <= pm_d;
      // Applied this cycle (the core's TLB takes one invalidation per cycle, always):
      // acknowledged in the next. A clear leaves it alone: an invalidation reaching a core in
      // reset is acknowledged too (its TLB is empty), and one received just before is not
      // lost.
      ack_q       <= targeted && bus_i.need_ack;
      ack_init_q  <= bus_i.init;
      ack_rel_q   <= bus_i.drop_ctx;
    end
  end

  assign cur_valid_o = cur_valid_q;
  assign cur_asid_o  = cur_asid_q;
  assign lazy_o      = lazy_q;
  // The attributes reach the core from the registers, in the cycle after their message is
  // on the bus: the cycle the core applies the flush that comes with an attribute change
  // (a core applies an invalidation the cycle after it is handed over) and poisons its
  // walk. A walk that restarts or starts in that cycle reads the new root and checks the
  // address under the new masking mode; one that started before is poisoned in it
  // (tlb_core's context rule). A switch loads its context while the core is idle and its
  // translations are held; the core sees the new ASID, root and mode together, a cycle
  // after the message, from the registers. Nothing from the bus reaches the core's
  // context without a register in between (timing: docs/fpga.md).
  assign root_o      = root_q;
  assign pm_o        = pm_q;
  assign ack_o       = ack_q;
  assign ack_init_o  = ack_init_q;
  assign ack_rel_o   = ack_rel_q;

  `TLB_ASSERT_KNOWN(CmdOutKnown_A, {cmd_ready_o, cmd_done_o, cmd_error_o, dir_req_o}, clk_i,
                    rst_ni)
  `TLB_ASSERT_KNOWN(AckKnown_A, {ack_o, ack_init_o, ack_rel_o}, clk_i, rst_ni)
  `TLB_ASSERT_KNOWN(InvalKnown_A, inval_valid_o, clk_i, rst_ni)
  // valid/ready: a command completes only once taken, and an error is a kind of completion.
  `TLB_ASSERT(DoneOnlyWhenBusy_A, !cmd_done_o || state_q != AgIdle, clk_i, rst_ni)
  `TLB_ASSERT(ErrorOnlyWithDone_A, !cmd_error_o || cmd_done_o, clk_i, rst_ni)
  // The directory completes only a command this agent is waiting for.
  `TLB_ASSERT(DirDoneExpected_A, !(mine && bus_i.done) || state_q == AgDir, clk_i, rst_ni)
  // An acknowledgement follows the invalidation it acknowledges, applied the cycle before.
  `TLB_PAST(chk_inval_valid_q, inval_valid_o, clk_i, rst_ni)
  `TLB_ASSERT(AckAfterApply_A, !ack_o || chk_inval_valid_q, clk_i, rst_ni)
  // The context of an idle-required switch never changes under a walk.
  `TLB_ASSERT(SwitchOnlyWhenIdle_A, !(mine && bus_i.set_ctx) || core_idle_i, clk_i, rst_ni)
  // The core's reset: idle, no context, and no answer from the directory for the dropped
  // command (it decides nothing for a core in reset) in the next cycle; yet every message
  // that reached this core is acknowledged.
  `TLB_ASSERT_NEXT(ClearDropsCommand_A, clr_i, state_q == AgIdle && !cur_valid_q && !lazy_q &&
                   !(mine && (bus_i.done || bus_i.set_ctx || bus_i.set_lazy)), clk_i, rst_ni)
  `TLB_ASSERT_NEXT(ClearStillAcks_A, targeted && bus_i.need_ack, ack_o, clk_i, rst_ni)

  // Functional coverage: a core keeps acknowledging others while it waits for its own work.
  `TLB_COVER(AckWhileSyncing_C, ack_q && state_q == AgSync, clk_i, rst_ni)
  `TLB_COVER(AckWhileWaitingDir_C, ack_q && state_q == AgDir, clk_i, rst_ni)
  `TLB_COVER(SwitchWaitsForWalk_C, state_q == AgDir && cmd_q.op == CmdSwitch && !core_idle_i,
             clk_i, rst_ni)
  `TLB_COVER(InvalWhileLazy_C, inval_valid_o && lazy_q, clk_i, rst_ni)
  `TLB_COVER(LazyLetGo_C, targeted && bus_i.drop_ctx && holds_asid && lazy_q, clk_i, rst_ni)
  `TLB_COVER(BadCommand_C, state_q == AgBad, clk_i, rst_ni)
  // The core's reset drops a command waiting for the directory, or a sync waiting for acks,
  // or comes while an acknowledgement is owed.
  `TLB_COVER(ClearDropsDir_C, clr_i && state_q == AgDir, clk_i, rst_ni)
  // A sync never waits in AgSync (proof 3a, SyncNextCycle_A: quiet_i holds there), so a reset
  // there meets a sync completing in that cycle, whose cmd_done_o still counts.
  `TLB_COVER(ClearInSync_C, clr_i && state_q == AgSync, clk_i, rst_ni)
  `TLB_COVER(ClearWhileAcking_C, clr_i && (ack_q || (targeted && bus_i.need_ack)), clk_i,
             rst_ni)

endmodule : tlb_agent
