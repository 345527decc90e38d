// SPDX-License-Identifier: Apache-2.0
// Sv39 hardware page-table walker: three levels, one PTE read at a time through a
// valid/ready memory port that may take any number of cycles.
//
// Walks in flight and invalidations (docs/architecture.md, "Invalidation during a walk"):
// an invalidation that overlaps the walk sets `poison_q`. When the walk reaches its final
// PTE, a poisoned walk throws the result away (leaf or fault alike) and starts again from
// the root (as it is now), so it never installs an entry built from a PTE the invalidation
// was meant to retire. The memory request already in flight is never cancelled: the restart waits only
// for it, so an invalidation never waits for memory. An overlapping invalidation in the very
// cycle the final PTE arrives is ordered after the walk, as a lookup in the cycle of an
// invalidation is: the walk answers from what it read, and tlb_core does not cache that
// answer (its fill_kill_q). The decision thus reads only registers, not the invalidation.
//
// A clear (the core's reset, tlb_system core_rst_i) abandons the walk: the walker is idle
// from the next cycle and its request, if not yet accepted, is withdrawn. A read the memory
// has already accepted is still answered (the memory side cannot take it back): `drain_q`
// remembers it, the walker takes its answer (mem_resp_ready_o high) and drops it, and the
// next walk's first request waits until it has (docs/shootdown.md, "Core reset").
module tlb_ptw
  import tlb_pkg::*;
(
  input  logic             clk_i,             ///< clock
  input  logic             rst_ni,            ///< asynchronous reset, active low
  input  logic             clr_i,             ///< synchronous clear: abandon the walk
  // Control.
  input  logic             start_i,           ///< begin a walk (only while !busy_o)
  input  logic [VpnW-1:0]  vpn_i,             ///< VPN to translate, sampled on start_i
  input  logic [PpnW-1:0]  root_ppn_i,        ///< root table PPN (satp.PPN), sampled on start
                                              ///< and on a restart
  input  logic             inval_overlap_i,   ///< an invalidation overlapping this walk
  input  logic             abort_i,           ///< a restart would be illegal: fault instead
  output logic             busy_o,            ///< a walk is in flight
  // Result, valid in the cycle done_o is high.
  output logic             done_o,            ///< walk finished and was not poisoned
  output logic             fault_o,           ///< structural page fault (see pte_fault)
  output pte_t             leaf_o,            ///< the final PTE read
  output page_level_e      level_o,           ///< level the walk ended at
  output logic             global_o,          ///< G of the leaf or of any pointer above it
  output logic             restart_o,         ///< a poisoned walk restarts this cycle
  // Memory port: one outstanding read.
  output logic             mem_req_valid_o,   ///< PTE read request
  input  logic             mem_req_ready_i,   ///< memory accepts it
  output logic [PaW-1:0]   mem_req_addr_o,    ///< PTE physical address (8-byte aligned)
  input  logic             mem_resp_valid_i,  ///< PTE data is valid
  output logic             mem_resp_ready_o,  ///< walker accepts PTE data
  input  logic [PteW-1:0]  mem_resp_data_i    ///< the PTE
);

  `include "tlb_assert.svh"

  typedef enum logic [1:0] {
    PtwIdle = 2'd0,
    PtwReq  = 2'd1,
    PtwWait = 2'd2
  } ptw_state_e;

  ptw_state_e      state_q, state_d;
  logic [1:0]      level_q, level_d;
  logic [PaW-1:0]  addr_q, addr_d;
  logic            global_q, global_d;
  logic            poison_q, poison_d;
  logic [VpnW-1:0] vpn_q, vpn_d;
  // A read of an abandoned walk is still owed by the memory: take its answer and drop it.
  logic            drain_q, drain_d;

  pte_t pte;
  logic pte_bad, pte_leaf, pte_misaligned, finish, finish_fault, owed;

  assign pte = pte_t'(mem_resp_data_i);
  // RISC-V privileged spec 4.3.2 step 3 (V=0, or W without R), plus bits 63:54, which are
  // reserved without Svnapot/Svpbmt.
  assign pte_bad  = !pte.v || (!pte.r && pte.w) || pte.reserved != '0;
  assign pte_leaf = pte.r || pte.x;
  // Step 6: a superpage whose PPN is not aligned to its size.
  assign pte_misaligned = (level_q == 2'd1 && pte.ppn[8:0] != '0) ||
                          (level_q == 2'd2 && pte.ppn[17:0] != '0);

  always_comb begin
    state_d      = state_q;
    level_d      = level_q;
    addr_d       = addr_q;
    global_d     = global_q;
    poison_d     = poison_q;
    vpn_d        = vpn_q;
    drain_d      = drain_q && !mem_resp_valid_i;
    finish       = 1'b0;
    finish_fault = 1'b0;
    done_o       = 1'b0;
    restart_o    = 1'b0;

    unique case (state_q)
      PtwIdle: begin
        // The walk's registers follow the request every idle cycle and start_i (which
        // depends on the whole L1 lookup) only moves the state: mem_req_addr_o means
        // something only with mem_req_valid_o.
        if (start_i) state_d = PtwReq;
        level_d  = 2'd2;
        addr_d   = {root_ppn_i, vpn_part(vpn_i, 2), 3'b000};
        global_d = 1'b0;
        poison_d = 1'b0;
        vpn_d    = vpn_i;
      end
      PtwReq: begin
        if (inval_overlap_i) poison_d = 1'b1;
        if (mem_req_valid_o && mem_req_ready_i) state_d = PtwWait;
      end
      PtwWait: begin
        if (inval_overlap_i) poison_d = 1'b1;
        if (mem_resp_valid_i) begin
          if (pte_bad) begin
            finish = 1'b1;
            finish_fault = 1'b1;
          end else if (pte_leaf) begin
            // Svade: A=0 faults and the entry is not cached; D is checked per access.
            finish = 1'b1;
            finish_fault = pte_misaligned || !pte.a;
          end else if (level_q == 2'd0) begin
            finish = 1'b1;  // a pointer at the last level
            finish_fault = 1'b1;
          end else begin
            state_d  = PtwReq;
            level_d  = level_q - 2'd1;
            addr_d   = {pte.ppn, vpn_part(vpn_q, 32'(level_q - 2'd1)), 3'b000};
            global_d = global_q || pte.g;
          end
          if (finish && poison_q && abort_i) begin
            // The address is not valid in the context a restart would use (pointer
            // masking changed with the attributes): the walk ends in a fault.
            done_o  = 1'b1;
            state_d = PtwIdle;
          end else if (finish) begin
            if (poison_q) begin
              restart_o = 1'b1;
              state_d   = PtwReq;
              level_d   = 2'd2;
              // From the root in force now: an attribute change (seed 002) may have
              // replaced it, and its flush is what poisoned this walk.
              addr_d    = {root_ppn_i, vpn_part(vpn_q, 2), 3'b000};
              global_d  = 1'b0;
              poison_d  = 1'b0;
            end else begin
              done_o  = 1'b1;
              state_d = PtwIdle;
            end
          end
        end
      end
      default: state_d = PtwIdle;
    endcase

    // The core's reset: the walk is abandoned, and a read the memory accepted (before, or
    // in this cycle) and has not answered is drained.
    if (clr_i) begin
      state_d  = PtwIdle;
      poison_d = 1'b0;
      drain_d  = owed;
    end
  end

  // A read accepted and not yet answered, after this cycle's handshakes.
  assign owed = (state_q == PtwReq && mem_req_valid_o && mem_req_ready_i) ||
                ((state_q == PtwWait || drain_q) && !mem_resp_valid_i);

  assign busy_o           = state_q != PtwIdle;
  assign fault_o          = finish_fault || (finish && poison_q && abort_i);
  assign leaf_o           = pte;
  assign level_o          = page_level_e'(level_q);
  assign global_o         = global_q || pte.g;
  assign mem_req_valid_o  = state_q == PtwReq && !drain_q;
  assign mem_req_addr_o   = addr_q;
  assign mem_resp_ready_o = state_q == PtwWait || drain_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= PtwIdle;
      level_q  <= 2'd0;
      addr_q   <= '0;
      global_q <= 1'b0;
      poison_q <= 1'b0;
      vpn_q    <= '0;
      drain_q  <= 1'b0;
    end else begin
      state_q  <= state_d;
      level_q  <= level_d;
      addr_q   <= addr_d;
      global_q <= global_d;
      poison_q <= poison_d;
      vpn_q    <= vpn_d;
      drain_q  <= drain_d;
    end
  end

  `TLB_ASSERT(StartWhenIdle_A, !start_i || state_q == PtwIdle, clk_i, rst_ni)
  // A request is held until accepted, unless the core's reset withdraws it.
  `TLB_PAST(chk_req_addr_q, mem_req_addr_o, clk_i, rst_ni)
  `TLB_ASSERT_NEXT(ReqStable_A, mem_req_valid_o && !mem_req_ready_i && !clr_i,
                   mem_req_valid_o && mem_req_addr_o == chk_req_addr_q, clk_i, rst_ni)
  `TLB_ASSERT(RespOnlyWhenWaiting_A, !(mem_resp_valid_i && state_q != PtwWait && !drain_q), clk_i,
              rst_ni)
  // A cleared walker is idle and silent in the next cycle; a drained answer is never
  // mistaken for a walk's (no request goes out while one is owed).
  `TLB_ASSERT_NEXT(ClearAbandonsWalk_A, clr_i, state_q == PtwIdle && !mem_req_valid_o, clk_i,
                   rst_ni)
  `TLB_ASSERT(DrainBeforeRequest_A, !(drain_q && (mem_req_valid_o || state_q == PtwWait)), clk_i,
              rst_ni)
  // A result is handed out only by a walk no invalidation touched since it started (or
  // restarted) before its last cycle; a touched one restarts or, if a restart is illegal,
  // faults.
  `TLB_ASSERT(CleanResultUnpoisoned_A, !(done_o && !fault_o) || !poison_q, clk_i, rst_ni)

  `TLB_COVER(PoisonWhileWaiting_C, inval_overlap_i && state_q == PtwWait && !mem_resp_valid_i,
             clk_i, rst_ni)
  `TLB_COVER(PoisonAsPteArrives_C, inval_overlap_i && finish, clk_i, rst_ni)
  `TLB_COVER(PoisonedWalkAborts_C, finish && poison_q && abort_i, clk_i, rst_ni)
  `TLB_COVER(WalkTwoLevels_C, done_o && level_q == 2'd1, clk_i, rst_ni)
  `TLB_COVER(WalkToGigapage_C, done_o && level_q == 2'd2 && !fault_o, clk_i, rst_ni)
  // The core's reset abandons a walk whose read is in flight; its answer is drained, once
  // with the next walk already waiting for it.
  `TLB_COVER(ClearWhileWaiting_C, clr_i && state_q == PtwWait, clk_i, rst_ni)
  `TLB_COVER(DrainTaken_C, drain_q && mem_resp_valid_i, clk_i, rst_ni)
  `TLB_COVER(WalkWaitsForDrain_C, drain_q && state_q == PtwReq, clk_i, rst_ni)

endmodule : tlb_ptw
