// SPDX-License-Identifier: Apache-2.0
// One core's translation unit: the L1 TLB, its page-table walker and the request/response
// control. Blocking: while a miss is being walked, req_ready_o is low.
//
// Timing (docs/timing.md): a request accepted in cycle t that hits is answered in cycle t+1:
// cycle t compares every entry and registers the hit vector and the request, cycle t+1
// decides hit or miss from the registered vector, reads the entry, checks the permission and
// forms the address (resp_* are that logic on registers, not registers themselves; with
// HitLatency 2 the L1 registers only which ways matched in t and forms the entry in t+1,
// the entry read and the request's attributes are registered, and the answer comes in t+2,
// from that logic on the answer stage's registers). A miss
// is known in t+1: req_ready_o is low in that cycle and the walker starts in it, from the
// registered request (its first PTE read is on the port in t+2). The answer comes the cycle
// after the last PTE arrives (registered), and a walk that caches its result writes the
// entry in that same cycle, the core not accepting a request in it (CoreFill). No decision
// depends on the compare in the cycle it is made: the compare ends at hit_q (docs/fpga.md).
// An invalidation presented in cycle t is registered (the walk's check in inv_*_q, the L1's
// in its own in_*_q, with the sum vpn + npages precomputed) and applied in t+1: the L1
// compares it with every entry and it poisons an overlapping walk in flight. It is ordered after the requests accepted up to t and before
// every request accepted from t+1 on (the L1 masks a lookup's hit with the matches of the
// invalidation it compared alongside), so an acknowledgement in t+1 stays true
// (inval_valid_i has no ready: the TLB takes one per cycle; docs/timing.md).
// A clear (clr_i: in tlb_system, the core's reset core_rst_i) empties the TLB and abandons
// the walk and every request accepted and not yet answered, at the end of its cycle: what
// the outputs show in that cycle still happens (they are registers), nothing after it. The
// walker drains a memory read it can no longer cancel (tlb_ptw; docs/shootdown.md).
module tlb_core
  import tlb_pkg::*;
#(
  /// Number of L1 entries; a power of two from 2 to 64.
  parameter int unsigned Entries    = 32,
  /// Cycles from a request's acceptance to its answer on a hit: 1 (the entry is read and
  /// checked in the cycle after the compare) or 2 (the entry read is registered, and the
  /// permission check and address are formed a cycle later; docs/timing.md).
  parameter int unsigned HitLatency = 1
) (
  input  logic              clk_i,             ///< clock
  input  logic              rst_ni,            ///< asynchronous reset, active low
  input  logic              clr_i,             ///< synchronous clear, active high: empty the
                                               ///< TLB, abandon the walk and the requests
  // Translation context, like satp and the sstatus bits that affect translation.
  input  logic [AsidW-1:0]  ctx_asid_i,        ///< current ASID (satp.ASID)
  input  logic [PpnW-1:0]   ctx_root_ppn_i,    ///< root page table (satp.PPN)
  input  logic              ctx_sum_i,         ///< sstatus.SUM: S-mode may access U pages
  input  logic              ctx_mxr_i,         ///< sstatus.MXR: loads may read X-only pages
  input  logic [1:0]        ctx_pm_i,          ///< pm_mode_e: pointer masking of the top VA bits
  // Translation request.
  input  logic              req_valid_i,       ///< a translation is requested
  output logic              req_ready_o,       ///< the TLB accepts it this cycle
  input  logic [VaW-1:0]    req_vaddr_i,       ///< virtual address (full 64 bits)
  input  logic [1:0]        req_access_i,      ///< access_e: load, store or fetch
  input  logic              req_priv_u_i,      ///< 1: U-mode access, 0: S-mode
  // Translation response: exactly one per accepted request, in order.
  output logic              resp_valid_o,      ///< the answer is valid (one cycle)
  output logic [PaW-1:0]    resp_paddr_o,      ///< physical address; zero on a fault
  output logic              resp_fault_o,      ///< page fault
  output logic              resp_hit_o,        ///< answered from the TLB, no walk
  // Local invalidation (sfence.vma).
  input  logic              inval_valid_i,     ///< an invalidation: applied next cycle
  input  logic [2:0]        inval_kind_i,      ///< inval_kind_e; unknown values act as InvAll
  input  logic [AsidW-1:0]  inval_asid_i,      ///< ASID operand
  input  logic [VaW-1:0]    inval_vaddr_i,     ///< VA operand
  input  logic [NpagesW-1:0] inval_npages_i,   ///< InvRangeAsid: pages after the first
  // Page-table memory port (one outstanding read, any latency).
  output logic              mem_req_valid_o,   ///< PTE read request
  input  logic              mem_req_ready_i,   ///< memory accepts it
  output logic [PaW-1:0]    mem_req_addr_o,    ///< PTE address
  input  logic              mem_resp_valid_i,  ///< PTE data valid
  output logic              mem_resp_ready_o,  ///< walker takes the data
  input  logic [PteW-1:0]   mem_resp_data_i,   ///< PTE data
  // Status.
  output logic              walk_restart_o,    ///< a poisoned walk restarted last cycle
  output logic              idle_o,            ///< no walk in flight, and none can start this
                                               ///< cycle (registers only)
  output logic [6:0]        valid_count_o      ///< number of valid entries two cycles ago
);

  `include "tlb_assert.svh"

  if (HitLatency != 1 && HitLatency != 2) begin : gen_bad_latency
    $error("tlb_core: HitLatency must be 1 or 2, got %0d", HitLatency);
  end

  typedef enum logic [1:0] {
    CoreIdle = 2'd0,  ///< accepts a request
    CoreWalk = 2'd1,  ///< the walker translates the request that missed
    CoreFill = 2'd2   ///< the walk's entry is written (its answer is out this cycle)
  } core_state_e;

  core_state_e      state_q, state_d;
  // The request being walked, with the context it was accepted under.
  logic [38:0]      walk_vaddr_q, walk_vaddr_d;  // bits 38:0: the rest only judged canonical
  logic [1:0]       walk_access_q, walk_access_d;
  logic             walk_priv_u_q, walk_priv_u_d;
  logic             walk_sum_q, walk_sum_d;
  logic             walk_mxr_q, walk_mxr_d;
  logic [AsidW-1:0] walk_asid_q, walk_asid_d;
  // Response registers of walks and of non-canonical requests.
  logic             resp_valid_q, resp_valid_d;
  logic [PaW-1:0]   resp_paddr_q, resp_paddr_d;
  logic             resp_fault_q, resp_fault_d;
  // The request accepted last cycle (canonical: its hit vector is the L1's hit_q), with the
  // attributes it was accepted under; the walk registers copy it if it missed.
  logic             look_valid_q, look_valid_d;
  logic [38:0]      look_vaddr_q;
  logic [1:0]       look_access_q;
  logic             look_priv_u_q, look_sum_q, look_mxr_q;
  logic [AsidW-1:0] look_asid_q;  // the ASID it was looked up under: a miss walks in it
  // Whether the registered request's and the walked request's addresses are canonical under
  // each pointer-masking mode (bit m: under ctx_pm_i == m), judged on the way in, so a miss
  // or a walk reads its mode's bit instead of checking 26 address bits under the mode now.
  logic [3:0]       look_canon_q, walk_canon_q, walk_canon_d;
  // The entry a finished walk writes in CoreFill (captured every cycle, used after the
  // walk's last one), unless an invalidation overlapped the walk in that last cycle.
  tlb_entry_t       fill_entry_q;
  logic             fill_kill_q;
  // The invalidation presented last cycle, applied in this one; the range's last page is
  // summed on the way in, so the comparators behind these registers have no adder.
  logic             inv_valid_q;
  logic [2:0]       inv_kind_q;
  logic [AsidW-1:0] inv_asid_q;
  logic [VpnW-1:0]  inv_vpn_q;
  logic [VpnW:0]    inv_last_q;
  // The presented range's last page, vpn + npages (one bit wider: the carry), summed on the
  // way in for the walk's overlap check (inv_last_q) and the L1 (which registers it too).
  logic [VpnW:0]    inval_last;
  assign inval_last = {1'b0, inval_vaddr_i[38:12]} + (VpnW + 1)'(inval_npages_i);
  // The walk's check reads only the gigapage bits of inv_vpn_q and inv_last_q; the whole
  // pages stay registered as the record of the invalidation applied (the formal proofs read
  // it; synthesis drops the unread bits).
  logic unused_inv_pages;
  assign unused_inv_pages = ^{inv_vpn_q[17:0], inv_last_q[17:0]};

  // The hit answer's stage (HitLatency 2: registers; 1: last cycle's lookup as it is), and a
  // non-canonical request's fault held back a cycle to keep answers in order (HitLatency 2).
  logic             ans_hit;
  tlb_entry_t       ans_entry;
  logic [29:0]      ans_vaddr;
  logic [1:0]       ans_access;
  logic             ans_priv_u, ans_sum, ans_mxr;
  logic             nc_q;

  logic             accept, look_hit, miss, miss_abort, inval_overlap, leaf_perm_ok;
  logic             look_ok, install_valid;
  logic             canonical, l1_hit;
  tlb_entry_t       hit_entry, walk_entry;
  logic             ptw_busy, ptw_done, ptw_fault, ptw_global, ptw_restart;
  logic             walk_restart_q;
  pte_t             ptw_leaf;
  page_level_e      ptw_level;
  logic [Entries+L1Supers-1:0] entry_valid;

  // Last cycle's lookup hit, or missed (then the walk starts now and no request is taken).
  assign look_hit    = look_valid_q && l1_hit;
  assign miss        = look_valid_q && !l1_hit;
  assign req_ready_o = state_q == CoreIdle && !miss;
  assign accept      = req_valid_i && req_ready_o;

  tlb_l1 #(
    .Entries     (Entries),
    .SplitLookup (HitLatency == 2)
  ) u_l1 (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .clr_i           (clr_i),
    .lookup_valid_i  (accept),
    .lookup_vpn_i    (req_vaddr_i[38:12]),
    .lookup_asid_i   (ctx_asid_i),
    .hit_o           (l1_hit),
    .hit_entry_o     (hit_entry),
    .install_valid_i (install_valid),
    .install_entry_i (fill_entry_q),
    .inval_valid_i   (inval_valid_i),
    .inval_kind_i    (inval_kind_i),
    .inval_asid_i    (inval_asid_i),
    .inval_vpn_i     (inval_vaddr_i[38:12]),
    .inval_last_i    (inval_last),
    .valid_o         (entry_valid)
  );

  // An invalidation overlaps the walk if it could retire the entry the walk may install.
  // The page size is not known until the walk ends, so VAs compare at 1 GiB: a VA
  // invalidation outside the walk's gigapage cannot touch any entry the walk can produce.
  // The range [vpn, last] touches the walk's gigapage g: since npages < 2^18 the range
  // ends in the gigapage it starts in or in the next one, so g is its first gigapage or its
  // last one (two equality compares; the last page's carry bit keeps a range that runs
  // past the top of the VA space from matching gigapage 0).
  always_comb begin
    logic asid_ov, va_ov, range_ov;
    asid_ov = inv_asid_q == walk_asid_q;
    va_ov   = inv_vpn_q[26:18] == walk_vaddr_q[38:30];
    range_ov = va_ov || inv_last_q[27:18] == {1'b0, walk_vaddr_q[38:30]};
    unique case (inv_kind_q)
      InvAsid:      inval_overlap = asid_ov;
      InvVa:        inval_overlap = va_ov;
      InvVaAsid:    inval_overlap = asid_ov && va_ov;
      InvRangeAsid: inval_overlap = asid_ov && range_ov;
      default:      inval_overlap = 1'b1;
    endcase
    inval_overlap = inval_overlap && inv_valid_q && ptw_busy;
  end

  // The request's address judged under every masking mode, and under the one in force.
  logic [3:0] req_canon;
  always_comb begin
    for (int unsigned m = 0; m < 4; m++) begin
      req_canon[m] = va_canonical(pm_high(req_vaddr_i[63:38], 2'(m)));
    end
  end
  assign canonical  = req_canon[ctx_pm_i];
  // A walk translates wholly in the context in force when it starts: a miss whose address
  // is not canonical under the masking in force now (an attribute change turned it off
  // since the lookup) is answered with a fault instead, like a restart's abort below.
  assign miss_abort = !look_canon_q[ctx_pm_i];

  // The walk starts in the cycle the miss is known, from the registered request and the
  // root in force in that cycle (an attribute change that replaces the root comes with a
  // flush of the ASID: whether it arrives before or in this cycle, the walk reads after it).
  tlb_ptw u_ptw (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .clr_i            (clr_i),
    .start_i          (miss && !miss_abort),
    .vpn_i            (look_vaddr_q[38:12]),
    .root_ppn_i       (ctx_root_ppn_i),
    .inval_overlap_i  (inval_overlap),
    .abort_i          (!walk_canon_q[ctx_pm_i]),
    .busy_o           (ptw_busy),
    .done_o           (ptw_done),
    .fault_o          (ptw_fault),
    .leaf_o           (ptw_leaf),
    .level_o          (ptw_level),
    .global_o         (ptw_global),
    .restart_o        (ptw_restart),
    .mem_req_valid_o  (mem_req_valid_o),
    .mem_req_ready_i  (mem_req_ready_i),
    .mem_req_addr_o   (mem_req_addr_o),
    .mem_resp_valid_i (mem_resp_valid_i),
    .mem_resp_ready_o (mem_resp_ready_o),
    .mem_resp_data_i  (mem_resp_data_i)
  );

  // A restarted walk translates the request wholly in the context in force at the restart:
  // if the address is not canonical under the pointer masking in force then, the walk ends
  // in a fault rather than mixing the old masking with the new root (abort_i above).

  // A finished, unpoisoned walk without a structural fault is cached even when this
  // access's permission check fails: the entry is right, the access is not. It is written
  // in the next cycle (CoreFill), from a register.
  always_comb begin
    walk_entry       = '0;
    walk_entry.valid = 1'b1;
    walk_entry.asid  = walk_asid_q;
    walk_entry.g     = ptw_global;
    walk_entry.level = ptw_level;
    walk_entry.vpn   = vpn_align(ptw_level, walk_vaddr_q[38:12]);
    walk_entry.ppn   = ptw_leaf.ppn;
    walk_entry.r     = ptw_leaf.r;
    walk_entry.w     = ptw_leaf.w;
    walk_entry.x     = ptw_leaf.x;
    walk_entry.u     = ptw_leaf.u;
    walk_entry.d     = ptw_leaf.d;
  end
  // An invalidation that overlapped the walk in its last cycle came after the PTEs it read:
  // the answer stands (it is ordered first, like a lookup's), the entry is not cached.
  assign install_valid = state_q == CoreFill && !fill_kill_q;
  assign leaf_perm_ok  = perm_ok(ptw_leaf.r, ptw_leaf.w, ptw_leaf.x, ptw_leaf.u, ptw_leaf.d,
                                 access_e'(walk_access_q), walk_priv_u_q, walk_sum_q,
                                 walk_mxr_q);

  always_comb begin
    logic ok;
    state_d       = state_q;
    walk_vaddr_d  = walk_vaddr_q;
    walk_access_d = walk_access_q;
    walk_priv_u_d = walk_priv_u_q;
    walk_sum_d    = walk_sum_q;
    walk_mxr_d    = walk_mxr_q;
    walk_asid_d   = walk_asid_q;
    walk_canon_d  = walk_canon_q;
    resp_valid_d  = 1'b0;
    resp_paddr_d  = '0;
    resp_fault_d  = 1'b0;
    look_valid_d  = 1'b0;
    ok            = 1'b0;

    unique case (state_q)
      CoreIdle: begin
        // The walk registers follow last cycle's request every idle cycle (a miss keeps
        // them): their enable does not wait for the L1's answer. The ASID is the lookup's,
        // which the L1's overlap probe compared (by the context rule also the one in force
        // now: MissKeepsAsid_A).
        walk_vaddr_d  = look_vaddr_q;
        walk_access_d = look_access_q;
        walk_priv_u_d = look_priv_u_q;
        walk_sum_d    = look_sum_q;
        walk_mxr_d    = look_mxr_q;
        walk_asid_d   = look_asid_q;
        walk_canon_d  = look_canon_q;
        if (miss && miss_abort) begin
          resp_valid_d = 1'b1;
          resp_fault_d = 1'b1;
        end else if (miss) begin
          state_d = CoreWalk;
        end
        if (accept) begin
          if (!canonical) begin
            // Answered next cycle, or (HitLatency 2) the cycle after, from nc_q.
            resp_valid_d = HitLatency == 1;
            resp_fault_d = HitLatency == 1;
          end else begin
            look_valid_d = 1'b1;  // hit or miss is known next cycle
          end
        end
      end
      CoreWalk: begin
        if (ptw_done) begin
          ok = !ptw_fault && leaf_perm_ok;
          state_d      = ptw_fault ? CoreIdle : CoreFill;
          resp_valid_d = 1'b1;
          resp_fault_d = !ok;
          resp_paddr_d = ok ? leaf_paddr(ptw_level, ptw_leaf.ppn, walk_vaddr_q[29:0]) : '0;
        end
      end
      CoreFill: state_d = CoreIdle;
      default: state_d = CoreIdle;
    endcase
    // A non-canonical request accepted two cycles ago (HitLatency 2): nothing else answers
    // now, its acceptance cycle had no miss and no walk.
    if (nc_q) begin
      resp_valid_d = 1'b1;
      resp_fault_d = 1'b1;
    end
    // Cleared: no walk, and nothing accepted is answered any more.
    if (clr_i) begin
      state_d      = CoreIdle;
      resp_valid_d = 1'b0;
      resp_paddr_d = '0;
      resp_fault_d = 1'b0;
      look_valid_d = 1'b0;
    end
  end

  // The hit answer's stage. HitLatency 1: last cycle's lookup, the entry it read and the
  // attributes it was accepted under, as they are. HitLatency 2: the same, registered (the
  // LUT RAM read ends at a register; the check and the address below start at one).
  if (HitLatency == 1) begin : gen_answer_now
    assign ans_hit    = look_hit;
    assign ans_entry  = hit_entry;
    assign ans_vaddr  = look_vaddr_q[29:0];
    assign ans_access = look_access_q;
    assign ans_priv_u = look_priv_u_q;
    assign ans_sum    = look_sum_q;
    assign ans_mxr    = look_mxr_q;
    assign nc_q       = 1'b0;
  end else begin : gen_answer_stage
    logic             ans_hit_q, ans_priv_u_q, ans_sum_q, ans_mxr_q, nc_q_r;
    tlb_entry_t       ans_entry_q;
    logic [29:0]      ans_vaddr_q;
    logic [1:0]       ans_access_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        ans_hit_q    <= 1'b0;
        ans_entry_q  <= '0;
        ans_vaddr_q  <= '0;
        ans_access_q <= '0;
        ans_priv_u_q <= 1'b0;
        ans_sum_q    <= 1'b0;
        ans_mxr_q    <= 1'b0;
        nc_q_r       <= 1'b0;
      end else begin
        ans_hit_q    <= look_hit && !clr_i;
        ans_entry_q  <= hit_entry;  // read whether it hit or not: ans_hit_q says
        ans_vaddr_q  <= look_vaddr_q[29:0];
        ans_access_q <= look_access_q;
        ans_priv_u_q <= look_priv_u_q;
        ans_sum_q    <= look_sum_q;
        ans_mxr_q    <= look_mxr_q;
        nc_q_r       <= accept && !canonical && !clr_i;
      end
    end
    assign ans_hit    = ans_hit_q;
    assign ans_entry  = ans_entry_q;
    assign ans_vaddr  = ans_vaddr_q;
    assign ans_access = ans_access_q;
    assign ans_priv_u = ans_priv_u_q;
    assign ans_sum    = ans_sum_q;
    assign ans_mxr    = ans_mxr_q;
    assign nc_q       = nc_q_r;
  end

  // The hit's answer: the entry's permission and address.
  assign look_ok = perm_ok(ans_entry.r, ans_entry.w, ans_entry.x, ans_entry.u, ans_entry.d,
                           access_e'(ans_access), ans_priv_u, ans_sum, ans_mxr);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= CoreIdle;
      walk_vaddr_q  <= '0;
      walk_access_q <= '0;
      walk_priv_u_q <= 1'b0;
      walk_sum_q    <= 1'b0;
      walk_mxr_q    <= 1'b0;
      walk_asid_q   <= '0;
      walk_canon_q  <= '0;
      resp_valid_q  <= 1'b0;
      resp_paddr_q  <= '0;
      resp_fault_q  <= 1'b0;
      look_valid_q  <= 1'b0;
      look_vaddr_q  <= '0;
      look_access_q <= '0;
      look_priv_u_q <= 1'b0;
      look_sum_q    <= 1'b0;
      look_mxr_q    <= 1'b0;
      look_asid_q   <= '0;
      look_canon_q  <= '0;
      fill_entry_q  <= '0;
      fill_kill_q   <= 1'b0;
      walk_restart_q <= 1'b0;
      inv_valid_q   <= 1'b0;
      inv_kind_q    <= '0;
      inv_asid_q    <= '0;
      inv_vpn_q     <= '0;
      inv_last_q    <= '0;
    end else begin
      state_q       <= state_d;
      walk_vaddr_q  <= walk_vaddr_d;
      walk_access_q <= walk_access_d;
      walk_priv_u_q <= walk_priv_u_d;
      walk_sum_q    <= walk_sum_d;
      walk_mxr_q    <= walk_mxr_d;
      walk_asid_q   <= walk_asid_d;
      walk_canon_q  <= walk_canon_d;
      resp_valid_q  <= resp_valid_d;
      resp_paddr_q  <= resp_paddr_d;
      resp_fault_q  <= resp_fault_d;
      look_valid_q  <= look_valid_d;
      look_vaddr_q  <= req_vaddr_i[38:0];
      look_access_q <= req_access_i;
      look_priv_u_q <= req_priv_u_i;
      look_sum_q    <= ctx_sum_i;
      look_mxr_q    <= ctx_mxr_i;
      look_asid_q   <= ctx_asid_i;
      look_canon_q  <= req_canon;
      fill_entry_q  <= walk_entry;
      fill_kill_q   <= inval_overlap;
      walk_restart_q <= ptw_restart && !clr_i;
      // An invalidation handed over in a cleared cycle is dropped: the TLB is empty.
      inv_valid_q   <= inval_valid_i && !clr_i;
      if (inval_valid_i) begin  // one copy per core (tlb_l1's in_*_q say why)
        inv_kind_q  <= inval_kind_i;
        inv_asid_q  <= inval_asid_i;
        inv_vpn_q   <= inval_vaddr_i[38:12];
        inv_last_q  <= inval_last;
      end
    end
  end

  // A hit's answer and a registered one are never due in the same cycle.
  assign resp_valid_o = resp_valid_q || ans_hit;
  assign resp_paddr_o = ans_hit ? (look_ok ? leaf_paddr(ans_entry.level, ans_entry.ppn,
                                                        ans_vaddr) : '0)
                                : resp_paddr_q;
  assign resp_fault_o = ans_hit ? !look_ok : resp_fault_q;
  assign resp_hit_o   = ans_hit;
  assign walk_restart_o = walk_restart_q;
  // No walk in flight, and no lookup of last cycle whose miss would start one now: read from
  // registers only, so a context switch's request to the fabric does not wait for the L1's
  // hit vector (the 4x32 system's critical path ran from it into the directory's arbiter).
  assign idle_o         = state_q == CoreIdle && !look_valid_q;

  // The valid count, a statistic, in two registered stages so that no popcount of every
  // valid bit stands behind one register: each group of VcGroup entries' count (`vc_part_q`),
  // then their sum (`vc_q`). It counts the entries valid two cycles ago; a clear zeroes both
  // stages, so it reads zero from the cycle after a clear.
  localparam int unsigned VcN      = Entries + L1Supers;
  localparam int unsigned VcGroup  = 8;
  localparam int unsigned VcGroups = (VcN + VcGroup - 1) / VcGroup;
  logic [VcGroups-1:0][3:0] vc_part_q, vc_part_d;
  logic [6:0]               vc_q, vc_d;
  always_comb begin
    vc_part_d = '0;
    for (int unsigned i = 0; i < VcN; i++) begin
      vc_part_d[i / VcGroup] = vc_part_d[i / VcGroup] + 4'(entry_valid[i]);
    end
    vc_d = '0;
    for (int unsigned g = 0; g < VcGroups; g++) vc_d = vc_d + 7'(vc_part_q[g]);
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      vc_part_q <= '0;
      vc_q      <= '0;
    end else begin
      vc_part_q <= clr_i ? '0 : vc_part_d;
      vc_q      <= clr_i ? '0 : vc_d;
    end
  end
  assign valid_count_o = vc_q;

  // Bits this block does not need, sunk explicitly so lint stays clean.
  logic unused_bits;
  assign unused_bits = ^{inval_vaddr_i[63:39], inval_vaddr_i[11:0], ans_entry.valid,
                         ans_entry.asid, ans_entry.g, ans_entry.vpn,
                         ptw_leaf.reserved, ptw_leaf.rsw, ptw_leaf.g, ptw_leaf.a, ptw_leaf.v};

  `TLB_ASSERT_KNOWN(RespValidKnown_A, resp_valid_o, clk_i, rst_ni)
  `TLB_ASSERT_KNOWN(RespKnown_A, {resp_paddr_o, resp_fault_o, resp_hit_o}, clk_i, rst_ni)
  `TLB_ASSERT_KNOWN(ReqReadyKnown_A, req_ready_o, clk_i, rst_ni)
  `TLB_ASSERT_KNOWN(MemReqKnown_A, {mem_req_valid_o, mem_req_addr_o, mem_resp_ready_o}, clk_i,
                    rst_ni)
  `TLB_ASSERT(WalkOnlyInWalkState_A, !ptw_busy || state_q == CoreWalk, clk_i, rst_ni)
  `TLB_ASSERT(FaultHasNoAddress_A, !(resp_valid_o && resp_fault_o) || resp_paddr_o == '0,
              clk_i, rst_ni)
  // A walk an invalidation overlapped never installs what it read: before its last cycle it
  // restarts (or faults); in its last cycle its fill is killed.
  `TLB_PAST(chk_overlap_q, inval_overlap, clk_i, rst_ni)
  `TLB_ASSERT(NoInstallWhenPoisoned_A, !(install_valid && chk_overlap_q), clk_i, rst_ni)
  // Answers never collide: a hit's with a registered one; with HitLatency 1 not even a
  // lookup's decision cycle with one; and a held-back non-canonical fault (nc_q) is due in
  // a cycle where nothing else writes the response registers.
  `TLB_ASSERT(OneAnswerAtATime_A, !(ans_hit && resp_valid_q) &&
              (HitLatency == 2 || !(look_valid_q && resp_valid_q)), clk_i, rst_ni)
  `TLB_ASSERT(HeldFaultAlone_A, !nc_q || (state_q == CoreIdle && !miss), clk_i, rst_ni)
  // A hit reads a valid entry: the invalidation it compared alongside masked its hit.
  `TLB_ASSERT(HitReadsAnEntry_A, !look_hit || hit_entry.valid, clk_i, rst_ni)
  // The context rule (docs/architecture.md): under a walk the ASID never changes, and the
  // root and masking mode change only in the cycle an invalidation that poisons the walk
  // is applied (the shootdown agent hands the new attributes over from its registers).
  `TLB_PAST(chk_ctx_asid_q, ctx_asid_i, clk_i, rst_ni)
  `TLB_PAST(chk_ctx_root_q, ctx_root_ppn_i, clk_i, rst_ni)
  `TLB_PAST(chk_ctx_pm_q, ctx_pm_i, clk_i, rst_ni)
  `TLB_ASSERT(ContextRule_A, !ptw_busy ||
              (ctx_asid_i == chk_ctx_asid_q && ctx_root_ppn_i == chk_ctx_root_q &&
               ctx_pm_i == chk_ctx_pm_q) || (ctx_asid_i == chk_ctx_asid_q && inval_overlap),
              clk_i, rst_ni)
  // ... and the ASID a miss was looked up under is still in force when its walk starts.
  `TLB_ASSERT(MissKeepsAsid_A, !miss || ctx_asid_i == chk_ctx_asid_q, clk_i, rst_ni)
  // A cleared core holds nothing, answers nothing and asks memory for nothing in the next
  // cycle.
  `TLB_ASSERT_NEXT(ClearSilences_A, clr_i, valid_count_o == '0 && !resp_valid_o &&
                   !mem_req_valid_o && idle_o, clk_i, rst_ni)

  // Functional coverage: each invalidation kind arrives while a walk is in flight, and
  // poisons it (its range touches the walk) or spares it.
  `TLB_COVER_KINDS(InvPoisonsWalk, inv_kind_q, inval_overlap, clk_i, rst_ni)
  `TLB_COVER_KINDS(InvSparesWalk, inv_kind_q, inv_valid_q && ptw_busy && !inval_overlap,
                   clk_i, rst_ni)
  `TLB_COVER(WalkRestarts_C, ptw_restart, clk_i, rst_ni)
  `TLB_COVER(HitWhileInval_C, look_hit && $past(inv_valid_q), clk_i, rst_ni)
  `TLB_COVER(MissWhileInval_C, miss && inv_valid_q, clk_i, rst_ni)
  `TLB_COVER(MissAborts_C, miss && miss_abort, clk_i, rst_ni)
  // The core's reset drops a walk in flight, or a hit about to be answered.
  `TLB_COVER(ClearDropsWalk_C, clr_i && state_q == CoreWalk, clk_i, rst_ni)
  `TLB_COVER(ClearDropsLookup_C, clr_i && look_valid_q, clk_i, rst_ni)

endmodule : tlb_core
