// SPDX-License-Identifier: Apache-2.0
// Fully associative, ASID-tagged L1 TLB array: lookup, install and invalidation.
//
// All three act on the entries as they stand at the start of the cycle (`entries`). An
// invalidation is ordered before a lookup in the same cycle and every lookup after it.
//
// Invalidation (docs/architecture.md, "The L1's invalidation: flash and sweep"). Only the
// cheap kinds compare every entry at once (a "flash"): InvAll (and every unknown kind)
// matches every entry, InvAsid an ASID equality per entry. The kinds with an address
// (InvVa, InvVaAsid, InvRangeAsid) are taken by the sweeper: the operation is held in the
// pending registers (`p_*_q`) and compared with `Lanes` entries a cycle, entry group
// `p_step_q` (Entries / Lanes cycles in all), through `Lanes` comparators instead of one per
// entry. One of the same scope (any ASID, or the same ASID) that arrives during a sweep is
// merged into it: the pending pages become the hull of both and the sweep starts again.
// While it is pending, a lookup that hits an entry it matches is voided (a miss): its own
// operands are compared with the pending operation in the cycle it is presented, at each of
// the three page sizes (`lk_*_q`), and each entry's size and global bit pick its answer a
// cycle later (`void_vec`, masked with the hit vector). The entry itself is left to the
// sweep, or, if the sweep has passed it, to the overlap drop of the re-walk's install. An
// address kind of another scope that arrives while the sweeper is busy (and not in its last
// group) is applied as a flash of its superset instead: InvVa as InvAll, InvVaAsid and
// InvRangeAsid as InvAsid (a refill's cost, never a missed invalidation; Linux flushes the
// whole ASID past 33 pages).
// Matches are registered (`kill_q`) and clear the entries' valid bits in `entries_q` one
// cycle later; `entries` is `entries_q` with those registered kills applied, so every
// reader sees exactly what it would if the clear had been immediate.
// Install also drops every valid entry that overlaps the new one and could match the same
// lookup (same ASID, or either global), found by the lookup's own compare: in an install's
// cycle (never a lookup's) it probes with the new entry at its page size. Software may legally leave a stale 4 KiB entry
// behind when 512 PTEs collapse into one 2 MiB page (seed 004) until it fences; dropping the
// overlap on install keeps "at most one entry hits" an invariant instead of a priority rule.
// An invalidation in the cycle of an install applies to the new entry too, as it is applied
// (the flash, or the swept operation itself): the entry is written invalid if it matches
// (the install completes a walk that ended earlier). A pending operation does not judge
// later installs: their walks started after it was applied (docs/architecture.md).
// A clear (the core's reset, tlb_system core_rst_i) empties the array: every valid bit, the
// registered lookup, kill and touch, and the pending operation, from the next cycle (the
// replacement candidates and the PLRU tree are only hints and keep what they hold).
//
// A lookup is split across two cycles at a register: the cycle it is presented compares
// every entry and registers the hit vector (`hit_q`); in the next cycle `hit_o` says whether
// it hit and `hit_entry_o` reads the entry it selects. Its fields are
// the same as they were at the lookup: only an install rewrites an entry's fields, and the
// core never installs in the cycle after a lookup (docs/architecture.md).
//
// What a hit reads (the page size, PPN and permission bits) is kept twice: in
// `entries_q`, where the compares need them, and in `data_mem`, a memory with one write port
// (the install) and one asynchronous read port at the registered hit's index, which an FPGA
// maps to LUT RAM. The read is a small local memory instead of a 32-way multiplexer of
// flip-flops spread over the whole array (docs/fpga.md).
module tlb_l1
  import tlb_pkg::*;
#(
  /// Number of entries; a power of two from 2 to 64 (tree-PLRU replacement).
  parameter int unsigned Entries = 32,
  // Derived, do not change.
  localparam int unsigned IdxW  = $clog2(Entries),
  /// Entries the sweeper compares per cycle, and the cycles a sweep takes.
  localparam int unsigned Lanes = (Entries < 4) ? Entries : 4,
  localparam int unsigned Steps = Entries / Lanes,
  localparam int unsigned StepW = (Steps > 1) ? $clog2(Steps) : 1
) (
  input  logic              clk_i,            ///< clock
  input  logic              rst_ni,           ///< asynchronous reset, active low
  input  logic              clr_i,            ///< synchronous clear: every entry invalid
  // Lookup: compared this cycle, answered (hit or miss, and the entry) in the next.
  input  logic              lookup_valid_i,   ///< a lookup is accepted this cycle
  input  logic [VpnW-1:0]   lookup_vpn_i,     ///< its virtual page number
  input  logic [AsidW-1:0]  lookup_asid_i,    ///< the ASID it runs under
  output logic              hit_o,            ///< last cycle's lookup hit (one entry matched,
                                              ///< and no pending invalidation matches it)
  output tlb_entry_t        hit_entry_o,      ///< the entry last cycle's lookup hit: valid,
                                              ///< level, ppn and r/w/x/u/d (asid, g and vpn
                                              ///< read as zero); meaningful only if hit_o
  // Install a walk result.
  input  logic              install_valid_i,  ///< write install_entry_i this cycle
  input  tlb_entry_t        install_entry_i,  ///< the entry, vpn already aligned
  // Invalidate (sfence.vma semantics).
  input  logic              inval_valid_i,    ///< apply an invalidation this cycle
  input  logic [2:0]        inval_kind_i,     ///< inval_kind_e; unknown values act as InvAll
  input  logic [AsidW-1:0]  inval_asid_i,     ///< ASID operand (InvAsid, InvVaAsid, InvRangeAsid)
  input  logic [VpnW-1:0]   inval_vpn_i,      ///< VPN operand (InvVa, InvVaAsid, InvRangeAsid)
  input  logic [VpnW:0]     inval_last_i,     ///< InvRangeAsid: its last page, vpn + npages
                                              ///< (one bit wider: the sum's carry)
  output logic [Entries-1:0] valid_o          ///< valid bit of each entry, for statistics
);

  `include "tlb_assert.svh"

  if (Entries < 2 || Entries > 64 || (Entries & (Entries - 1)) != 0) begin : gen_bad_entries
    $error("tlb_l1: Entries must be a power of two from 2 to 64, got %0d", Entries);
  end

  tlb_entry_t [Entries-1:0] entries_q, entries_d;
  // The entries as they stand: entries_q with last cycle's matches cleared.
  tlb_entry_t [Entries-1:0] entries;
  logic [Entries-1:0] kill_q, kill_d;
  logic [Entries-1:0] hit, hit_q, hit_live, flash_match, sweep_kill;
  logic [Entries-1:0] install_overlap, install_slot;
  logic               install_killed;
  logic [IdxW-1:0]    hit_idx, victim_q, plru_victim, install_idx;
  // The replacement candidates, registered a cycle before the choice between them.
  logic               have_free_q;
  logic [IdxW-1:0]    free_idx_q, plru_victim_q;
  // A hit's PLRU touch, a cycle after its answer (from registers: the hit vector's OR and
  // encoder end here instead of at the tree's enables).
  logic               touch_hit_q;
  logic [IdxW-1:0]    touch_idx_q;

  // The pending (swept) operation: any ASID (InvVa) or one ASID's non-global entries, and the
  // pages [p_vpn_q, p_last_q] (one page for InvVa and InvVaAsid); the entry group the sweep
  // compares this cycle.
  logic               p_valid_q, p_valid_d;
  logic               p_any_q, p_any_d;
  logic [AsidW-1:0]   p_asid_q, p_asid_d;
  logic [VpnW-1:0]    p_vpn_q, p_vpn_d;
  logic [VpnW:0]      p_last_q, p_last_d;
  logic [StepW-1:0]   p_step_q, p_step_d;
  // What the operation pending next cycle says about this cycle's lookup: it matches any
  // ASID (lk_any), or the lookup's ASID (lk_asid); and the pages of the entry the lookup hits
  // would meet its pages if the entry were a 4 KiB, 2 MiB or 1 GiB page (lk_lvl[level]).
  logic               lk_any_q, lk_asid_q;
  logic [2:0]         lk_lvl_q, lk_lvl;
  logic               hit_void;
  logic [Entries-1:0] void_vec;

  // The fields a hit reads, in their own memory (LUT RAM; no reset: an entry is read only
  // after the install that wrote it).
  typedef struct packed {
    page_level_e     level;
    logic [PpnW-1:0] ppn;
    logic            r;
    logic            w;
    logic            x;
    logic            u;
    logic            d;
  } entry_data_t;
  entry_data_t data_mem [Entries];
  entry_data_t hit_data;
  logic               have_free;
  logic [IdxW-1:0]    free_idx;

  // ---------------------------------------------------------------------------------------
  // The entries as they stand.
  always_comb begin
    entries = entries_q;
    for (int unsigned i = 0; i < Entries; i++) begin
      if (kill_q[i]) begin
        entries[i].valid = 1'b0;
      end
    end
  end

  // The one per-entry compare: a lookup's, or in an install's cycle the install's overlap
  // probe (the core never looks up in an install's cycle, NoLookupInInstall_A). An entry
  // matches if it could answer the same lookup as the probe: global, or the probe's ASID, or
  // the probe is global; and its page meets the probe's, compared at the coarser of the two
  // sizes (a lookup probes as a non-global 4 KiB page: the lookup rule).
  logic [VpnW-1:0]  cmp_vpn;
  logic [AsidW-1:0] cmp_asid;
  logic             cmp_g;
  page_level_e      cmp_level;
  assign cmp_vpn   = install_valid_i ? install_entry_i.vpn : lookup_vpn_i;
  assign cmp_asid  = install_valid_i ? install_entry_i.asid : lookup_asid_i;
  assign cmp_g     = install_valid_i && install_entry_i.g;
  assign cmp_level = install_valid_i ? install_entry_i.level : Page4K;
  always_comb begin
    for (int unsigned i = 0; i < Entries; i++) begin
      page_level_e coarse;
      coarse = (entries[i].level > cmp_level) ? entries[i].level : cmp_level;
      hit[i] = entries[i].valid && (entries[i].g || cmp_g || entries[i].asid == cmp_asid) &&
               vpn_covers(coarse, entries[i].vpn, cmp_vpn);
    end
  end

  // The registered half: the index the one-hot hit vector encodes (an OR per index bit),
  // for the data memory and the PLRU, and the entry's data read there.
  always_comb begin
    hit_idx = '0;
    for (int unsigned i = 0; i < Entries; i++) begin
      if (hit_q[i]) begin
        hit_idx = hit_idx | IdxW'(i);
      end
    end
  end
  assign hit_data = data_mem[hit_idx];

  // Last cycle's lookup, less what the flash or the sweep registered with it retires, and
  // void if the operation pending now matches the entry it hit (an invalidation is ordered
  // before a lookup in its cycle and every one after it).
  // The check is made for every entry in parallel from its own size and global bit (a gate
  // or two each, beside the hit vector) rather than after reading the hit entry's: the
  // answer's path gains one AND, not the index encoder and a memory read.
  always_comb begin
    for (int unsigned i = 0; i < Entries; i++) begin
      void_vec[i] = (lk_any_q || (!entries_q[i].g && lk_asid_q)) &&
                    lk_lvl_q[entries_q[i].level == Page1G ? 2 :
                             entries_q[i].level == Page2M ? 1 : 0];
    end
  end
  assign hit_void  = (hit_q & void_vec) != '0;
  assign hit_live  = hit_q & ~kill_q & ~void_vec;
  assign hit_o     = |hit_live;

  always_comb begin
    hit_entry_o       = '0;
    hit_entry_o.valid = (hit_q & valid_o) != '0;
    hit_entry_o.level = hit_data.level;
    hit_entry_o.ppn   = hit_data.ppn;
    hit_entry_o.r     = hit_data.r;
    hit_entry_o.w     = hit_data.w;
    hit_entry_o.x     = hit_data.x;
    hit_entry_o.u     = hit_data.u;
    hit_entry_o.d     = hit_data.d;
  end

  // ---------------------------------------------------------------------------------------
  // Replacement: the lowest-numbered free entry, else the tree-PLRU victim. Both candidates
  // are registered (`have_free_q`, `free_idx_q`, `plru_victim_q`) and the choice between them
  // a cycle later (`victim_q`): an install writes where the array pointed two cycles before
  // (an entry freed in between waits for the next; installs are a walk apart).
  // An install touches the tree in its cycle; a hit touches it in the cycle after its
  // answer (`touch_hit_q`, `touch_idx_q`). The core never installs in the two cycles after
  // a lookup, so the two never meet.
  always_comb begin
    have_free = 1'b0;
    free_idx = '0;
    for (int i = Entries - 1; i >= 0; i--) begin
      if (!entries[i].valid) begin
        have_free = 1'b1;
        free_idx = IdxW'(i);
      end
    end
  end
  assign install_idx = victim_q;

  tlb_plru #(
    .Entries (Entries)
  ) u_plru (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .touch_valid_i (install_valid_i || touch_hit_q),
    .touch_idx_i   (install_valid_i ? install_idx : touch_idx_q),
    .victim_o      (plru_victim)
  );

  // ---------------------------------------------------------------------------------------
  // Invalidation: the flash, the sweeper, and what a pending operation says about a lookup.
  logic in_addr, in_any, take, merge, flash_all, flash_asid, p_done;
  logic [VpnW:0] in_last;
  // An address kind, as a pending operation: any ASID (InvVa) or one, over [vpn, in_last].
  assign in_addr = inval_valid_i && (inval_kind_i == InvVa || inval_kind_i == InvVaAsid ||
                                     inval_kind_i == InvRangeAsid);
  assign in_any  = inval_kind_i == InvVa;
  assign in_last = inval_kind_i == InvRangeAsid ? inval_last_i : {1'b0, inval_vpn_i};
  // The sweeper takes it if it is free or in its last group this cycle; or merges it into
  // the pending operation if both have the same scope (any ASID, or the same one): the
  // pending pages become the hull of both, and the sweep starts again from group 0.
  assign p_done  = !p_valid_q || p_step_q == StepW'(Steps - 1);
  assign merge   = in_addr && !p_done && in_any == p_any_q && (in_any || inval_asid_i == p_asid_q);
  assign take    = in_addr && (p_done || merge);
  // Everything else flashes: InvAll and unknown kinds (and InvVa the sweeper cannot take)
  // every entry; InvAsid (and InvVaAsid, InvRangeAsid it cannot take) one ASID's.
  assign flash_asid = inval_valid_i && !take && (inval_kind_i == InvAsid ||
                      inval_kind_i == InvVaAsid || inval_kind_i == InvRangeAsid);
  assign flash_all  = inval_valid_i && !take && !flash_asid;

  // Does a pending operation match an entry: its ASID rule, and the entry's pages
  // [vpn, vpn_last] meet [vpn_i, last_i] (the core computed the range's last page a cycle
  // before, into a register: no adder in front of the comparators).
  function automatic logic pend_hits(logic [AsidW-1:0] e_asid, logic e_g, page_level_e e_level,
                                     logic [VpnW-1:0] e_vpn, logic any, logic [AsidW-1:0] asid,
                                     logic [VpnW-1:0] vpn, logic [VpnW:0] last);
    return (any || (!e_g && e_asid == asid)) &&
           {1'b0, e_vpn} <= last && vpn_last(e_level, e_vpn) >= {1'b0, vpn};
  endfunction

  // The operation pending next cycle: the one taken now, else the one in flight unless its
  // last group is swept now.
  always_comb begin
    p_valid_d = p_valid_q && !p_done;
    p_any_d   = p_any_q;
    p_asid_d  = p_asid_q;
    p_vpn_d   = p_vpn_q;
    p_last_d  = p_last_q;
    p_step_d  = p_valid_q ? p_step_q + StepW'(1) : '0;
    if (take) begin
      p_valid_d = 1'b1;
      p_any_d   = in_any;
      p_asid_d  = inval_asid_i;
      p_vpn_d   = inval_vpn_i;
      p_last_d  = in_last;
      p_step_d  = '0;
      if (merge) begin
        if (p_vpn_q < inval_vpn_i) p_vpn_d = p_vpn_q;
        if (p_last_q > in_last) p_last_d = p_last_q;
      end
    end
  end

  // This cycle's lookup against the operation pending next cycle, at each page size.
  always_comb begin
    for (int unsigned l = 0; l < 3; l++) begin
      logic [VpnW-1:0] base;
      base = vpn_align(page_level_e'(l), lookup_vpn_i);
      lk_lvl[l] = {1'b0, base} <= p_last_d && vpn_last(page_level_e'(l), base) >= {1'b0, p_vpn_d};
    end
  end

  // The sweep: lane j compares entry p_step_q * Lanes + j. Its tag (ASID, global bit, page
  // size and VPN) is read from the lane's own copy in LUT RAM (`tag_mem`, written with every
  // install, like `data_mem`) at the group's index instead of through a multiplexer of the
  // entries' flip-flops; only its valid bit comes from them.
  typedef struct packed {
    logic [AsidW-1:0] asid;
    logic             g;
    page_level_e      level;
    logic [VpnW-1:0]  vpn;
  } entry_tag_t;
  localparam int unsigned LaneW = (Lanes > 1) ? $clog2(Lanes) : 1;
  logic [Lanes-1:0] lane_hit;
  // Entry i is lane i % Lanes of group i / Lanes (its index's low and high bits).
  logic [LaneW-1:0] install_lane;
  logic [StepW-1:0] install_step;
  assign install_lane = LaneW'(install_idx % Lanes);
  assign install_step = StepW'(install_idx / Lanes);
  for (genvar j = 0; j < Lanes; j++) begin : gen_lane
    entry_tag_t tag_mem [Steps];
    entry_tag_t tag;
    logic       valid;
    always_ff @(posedge clk_i) begin
      if (install_valid_i && install_lane == LaneW'(j)) begin
        tag_mem[install_step] <= '{asid: install_entry_i.asid, g: install_entry_i.g,
                                   level: install_entry_i.level, vpn: install_entry_i.vpn};
      end
    end
    assign tag   = tag_mem[p_step_q];
    assign valid = entries[Steps == 1 ? j : p_step_q * Lanes + j].valid;
    assign lane_hit[j] = p_valid_q && valid &&
                         pend_hits(tag.asid, tag.g, tag.level, tag.vpn, p_any_q, p_asid_q, p_vpn_q,
                                   p_last_q);
  end
  always_comb begin
    sweep_kill = '0;
    for (int unsigned j = 0; j < Lanes; j++) begin
      sweep_kill[Steps == 1 ? j : p_step_q * Lanes + j] = lane_hit[j];
    end
  end

  always_comb begin
    for (int unsigned i = 0; i < Entries; i++) begin
      flash_match[i] = entries[i].valid && (flash_all || (flash_asid && !entries[i].g &&
                                                          entries[i].asid == inval_asid_i));
    end
  end

  // The invalidation as it is applied this cycle judges an install of this cycle.
  assign install_killed = inval_valid_i &&
      (take ? pend_hits(install_entry_i.asid, install_entry_i.g, install_entry_i.level,
                        install_entry_i.vpn, in_any, inval_asid_i, inval_vpn_i, in_last)
            : flash_all || (!install_entry_i.g && install_entry_i.asid == inval_asid_i));

  // ---------------------------------------------------------------------------------------
  // Next state: the matches are registered (kill_q) and cleared next cycle; the overlap drop
  // and the install are written now. An install's slot is never killed: its old entry is
  // replaced, and install_killed judges the new one.

  assign install_slot = install_valid_i ? Entries'(1) << install_idx : '0;
  // The install's overlap drop: its probe's matches (the compare above).
  assign install_overlap = install_valid_i ? hit : '0;
  assign kill_d = (flash_match | sweep_kill) & ~install_slot;

  always_comb begin
    entries_d = entries;
    for (int unsigned i = 0; i < Entries; i++) begin
      if (install_overlap[i]) begin
        entries_d[i].valid = 1'b0;
      end
    end
    if (install_valid_i) begin
      entries_d[install_idx] = install_entry_i;
      entries_d[install_idx].valid = !install_killed;
    end
    if (clr_i) begin
      for (int unsigned i = 0; i < Entries; i++) begin
        entries_d[i].valid = 1'b0;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (install_valid_i) begin
      data_mem[install_idx] <= '{level: install_entry_i.level,
                                 ppn: install_entry_i.ppn, r: install_entry_i.r,
                                 w: install_entry_i.w, x: install_entry_i.x,
                                 u: install_entry_i.u, d: install_entry_i.d};
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      entries_q <= '0;
      kill_q    <= '0;
      hit_q     <= '0;
      victim_q  <= '0;
      have_free_q   <= 1'b0;
      free_idx_q    <= '0;
      plru_victim_q <= '0;
      touch_hit_q <= 1'b0;
      touch_idx_q <= '0;
      p_valid_q <= 1'b0;
      p_any_q   <= 1'b0;
      p_asid_q  <= '0;
      p_vpn_q   <= '0;
      p_last_q  <= '0;
      lk_any_q  <= 1'b0;
      lk_asid_q <= 1'b0;
      lk_lvl_q  <= '0;
    end else begin
      entries_q <= entries_d;
      kill_q    <= clr_i ? '0 : kill_d;
      hit_q     <= lookup_valid_i && !clr_i ? hit : '0;
      victim_q  <= have_free_q ? free_idx_q : plru_victim_q;
      have_free_q   <= have_free;
      free_idx_q    <= free_idx;
      plru_victim_q <= plru_victim;
      touch_hit_q <= hit_live != '0 && !clr_i;
      touch_idx_q <= hit_idx;
      p_valid_q <= p_valid_d && !clr_i;
      p_any_q   <= p_any_d;
      p_asid_q  <= p_asid_d;
      p_vpn_q   <= p_vpn_d;
      p_last_q  <= p_last_d;
      lk_any_q  <= p_valid_d && p_any_d;
      lk_asid_q <= p_valid_d && !p_any_d && p_asid_d == lookup_asid_i;
      lk_lvl_q  <= lk_lvl;
    end
  end

  // The group register exists only if there is more than one group.
  if (Steps > 1) begin : gen_steps
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) p_step_q <= '0;
      else         p_step_q <= p_step_d;
    end
  end else begin : gen_one_step
    assign p_step_q = '0;
    logic unused_step;
    assign unused_step = ^p_step_d;
  end

  for (genvar i = 0; i < Entries; i++) begin : gen_valid
    assign valid_o[i] = entries[i].valid;
  end

  `TLB_ASSERT(OneHit_A, install_valid_i || $onehot0(hit), clk_i, rst_ni)
  // The entry a registered hit reads was not rewritten since the lookup compared it.
  `TLB_ASSERT(NoInstallAfterLookup_A, !(install_valid_i && hit_q != '0), clk_i, rst_ni)
  // The compare is the install's probe in its cycle: no lookup then.
  `TLB_ASSERT(NoLookupInInstall_A, !(install_valid_i && lookup_valid_i), clk_i, rst_ni)
  `TLB_ASSERT(InstallAligned_A,
              !install_valid_i || install_entry_i.vpn == vpn_align(install_entry_i.level,
                                                                   install_entry_i.vpn),
              clk_i, rst_ni)
  // Nothing an invalidation matched survives it, unless an install in the same cycle reuses
  // the entry (the new entry is checked by the oracle); a killed entry's register is cleared
  // one cycle later, unless an install rewrote it in that cycle.
  `TLB_ASSERT(InstallKilledStaysInvalid_A, (install_valid_i && install_killed) |=>
              !valid_o[$past(install_idx)], clk_i, rst_ni)
  `TLB_ASSERT(InvalRetires_A, kill_d != '0 |=> (valid_o & $past(kill_d)) == '0, clk_i, rst_ni)
  // Nothing survives a clear: no entry, no hit of a lookup from before it, no sweep.
  `TLB_ASSERT(ClearEmpties_A, clr_i |=> valid_o == '0 && hit_q == '0 && !p_valid_q, clk_i,
              rst_ni)
  for (genvar i = 0; i < Entries; i++) begin : gen_kill_clears
    `TLB_ASSERT(KillClears_A, kill_q[i] |=> !entries_q[i].valid || $past(install_slot[i]),
                clk_i, rst_ni)
  end
  // A sweep ends: a pending operation leaves after Steps cycles unless another is taken.
  `TLB_ASSERT(SweepEnds_A, p_valid_q && p_step_q == StepW'(Steps - 1) && !take |=> !p_valid_q,
              clk_i, rst_ni)

  // Functional coverage: each invalidation kind retires entries, or finds none to retire.
  `TLB_COVER_KINDS(InvRetires, inval_kind_i, inval_valid_i && flash_match != '0, clk_i, rst_ni)
  `TLB_COVER_KINDS(InvFindsNone, inval_kind_i, inval_valid_i && flash_match == '0, clk_i, rst_ni)
  `TLB_COVER(InvAndInstall_C, inval_valid_i && install_valid_i, clk_i, rst_ni)
  // A lookup that compared in an invalidation's cycle and missed only because of it.
  `TLB_COVER(HitRetired_C, (hit_q & kill_q) != '0, clk_i, rst_ni)
  // The sweeper: it retires entries; a lookup hits an entry it has yet to reach and is
  // voided; it takes the next operation in its last group; an address kind finds it busy
  // and flashes its superset instead.
  `TLB_COVER(SweepRetires_C, sweep_kill != '0, clk_i, rst_ni)
  `TLB_COVER(HitVoided_C, hit_void && (hit_q & ~kill_q) != '0, clk_i, rst_ni)
  `TLB_COVER(SweepTakesNext_C, take && p_valid_q && p_done, clk_i, rst_ni)
  `TLB_COVER(SweepMerges_C, merge, clk_i, rst_ni)
  `TLB_COVER(SweepBusyFlashes_C, in_addr && !take, clk_i, rst_ni)
`ifndef TLB_NO_ASSERT
  // Coverage bookkeeping only, compiled out with the assertions (not part of the design, not
  // mirrored by the model): victim_q was chosen with every entry valid.
  logic evict_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) evict_q <= 1'b0;
    else         evict_q <= !have_free_q;
  end
`endif
  `TLB_COVER(InstallEvicts_C, install_valid_i && evict_q, clk_i, rst_ni)
  `TLB_COVER(InstallDropsOverlap_C, install_overlap != '0, clk_i, rst_ni)
  `TLB_COVER(InstallKilled_C, install_valid_i && install_killed, clk_i, rst_ni)

endmodule : tlb_l1
