// Fully associative, ASID-tagged L1 TLB array: lookup, install and invalidation.
//
// All three act on the entries as they stand at the start of the cycle (`entries`). An
// invalidation is ordered before a lookup in the same cycle: the lookup's registered hit is
// masked by the invalidation's registered match (`hit_o` reads `hit_q & ~kill_q`), so it
// misses an entry the invalidation retires.
// An invalidation's per-entry match is registered (`kill_q`) and clears the entries' valid
// bits in `entries_q` one cycle later; `entries` is `entries_q` with those registered kills
// applied, so every reader sees exactly what it would if the clear had been immediate. This
// keeps the invalidation's range comparators off the path into the entry array (timing:
// docs/fpga.md).
// Install also drops every valid entry that overlaps the new one and could match the same
// lookup (same ASID, or either global). Software may legally leave a stale 4 KiB entry
// behind when 512 PTEs collapse into one 2 MiB page (seed 004) until it fences; dropping the
// overlap on install keeps "at most one entry hits" an invariant instead of a priority rule.
// An invalidation in the cycle of an install applies to the new entry too: it is written
// invalid if the invalidation matches it (the install completes a walk that ended earlier).
// A clear (the core's reset, tlb_system core_rst_i) empties the array: every valid bit, and
// the registered lookup, kill and touch, from the next cycle (the replacement candidates and
// the PLRU tree are only hints and keep what they hold).
//
// A lookup is split across two cycles at a register: the cycle it is presented compares
// every entry and registers the hit vector (`hit_q`); in the next cycle `hit_o` says whether
// it hit and `hit_entry_o` reads the entry it selects. Its fields are
// the same as they were at the lookup: only an install rewrites an entry's fields, and the
// core never installs in the cycle after a lookup (docs/architecture.md).
//
// What a hit reads (the page size, PPN and permission bits) is kept twice: in `entries_q`,
// where the compares need the page size, and in `data_mem`, a memory with one write port
// (the install) and one asynchronous read port at the registered hit's index, which an FPGA
// maps to LUT RAM. The read is a small local memory instead of a 32-way multiplexer of
// flip-flops spread over the whole array, and synthesis drops the flip-flop copies of the
// PPN and permissions, which nothing else reads (docs/fpga.md).
module tlb_l1
  import tlb_pkg::*;
#(
  /// Number of entries; a power of two from 2 to 64 (tree-PLRU replacement).
  parameter int unsigned Entries = 32,
  // Derived, do not change.
  localparam int unsigned IdxW = $clog2(Entries)
) (
  input  logic              clk_i,            ///< clock
  input  logic              rst_ni,           ///< asynchronous reset, active low
  input  logic              clr_i,            ///< synchronous clear: every entry invalid
  // Lookup: compared this cycle, answered (hit or miss, and the entry) in the next.
  input  logic              lookup_valid_i,   ///< a lookup is accepted this cycle
  input  logic [VpnW-1:0]   lookup_vpn_i,     ///< its virtual page number
  input  logic [AsidW-1:0]  lookup_asid_i,    ///< the ASID it runs under
  output logic              hit_o,            ///< last cycle's lookup hit (one entry matched)
  output tlb_entry_t        hit_entry_o,      ///< the entry last cycle's lookup hit: valid,
                                              ///< level, ppn and r/w/x/u/d (asid, g and vpn
                                              ///< read as zero); meaningful only if hit_o
  // Install a walk result.
  input  logic              install_valid_i,  ///< write install_entry_i this cycle
  input  tlb_entry_t        install_entry_i,  ///< the entry, vpn already aligned
  // Invalidate (sfence.vma semantics).
  input  logic              inval_valid_i,    ///< apply an invalidation this cycle
  input  logic [2:0]        inval_kind_i,     ///< inval_kind_e; unknown values act as InvAll
  input  logic [AsidW-1:0]  inval_asid_i,     ///< ASID operand (InvAsid, InvVaAsid)
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
  // The entries as they stand: entries_q with last cycle's invalidation matches cleared.
  tlb_entry_t [Entries-1:0] entries;
  logic [Entries-1:0] kill_q, kill_d;
  logic [Entries-1:0] hit, hit_q, hit_live, inval_match, install_overlap, install_slot;
  logic               install_killed;
  logic [IdxW-1:0]    hit_idx, victim_q, plru_victim, install_idx;
  // The replacement candidates, registered a cycle before the choice between them.
  logic               have_free_q;
  logic [IdxW-1:0]    free_idx_q, plru_victim_q;
  // A hit's PLRU touch, a cycle after its answer (from registers: the hit vector's OR and
  // encoder end here instead of at the tree's enables).
  logic               touch_hit_q;
  logic [IdxW-1:0]    touch_idx_q;

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

  // Lookup: a global entry matches any ASID.
  always_comb begin
    for (int unsigned i = 0; i < Entries; i++) begin
      hit[i] = entries[i].valid && (entries[i].g || entries[i].asid == lookup_asid_i) &&
               vpn_covers(entries[i].level, entries[i].vpn, lookup_vpn_i);
    end
  end

  // Last cycle's lookup, less what the invalidation registered with it retires (an
  // invalidation is ordered before a lookup in its cycle).
  assign hit_live = hit_q & ~kill_q;
  assign hit_o    = |hit_live;

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
  // Next state: the invalidation's matches are registered (kill_q) and cleared next cycle;
  // the overlap drop and the install are written now. An install's slot is never killed: the
  // invalidation matched the entry it replaces, and install_killed judges the new one.
  function automatic logic inval_hits(tlb_entry_t e, logic [2:0] kind, logic [AsidW-1:0] asid,
                                      logic [VpnW-1:0] vpn, logic [VpnW:0] last);
    logic asid_hit, va_hit, range_hit;
    asid_hit = !e.g && e.asid == asid;
    va_hit = vpn_covers(e.level, e.vpn, vpn);
    // The entry's pages [vpn, vpn_last] intersect [vpn_i, last_i] (the core computed the
    // sum a cycle before, into a register: no adder in front of the comparators).
    range_hit = {1'b0, e.vpn} <= last && vpn_last(e.level, e.vpn) >= {1'b0, vpn};
    unique case (kind)
      InvAsid:      return asid_hit;
      InvVa:        return va_hit;
      InvVaAsid:    return asid_hit && va_hit;
      InvRangeAsid: return asid_hit && range_hit;
      default:      return 1'b1;  // InvAll, and every unknown kind
    endcase
  endfunction

  // Two entries overlap if their page ranges intersect: compare at the coarser page size.
  function automatic logic overlaps(tlb_entry_t a, tlb_entry_t b);
    page_level_e coarse;
    coarse = (a.level > b.level) ? a.level : b.level;
    return (a.g || b.g || a.asid == b.asid) && vpn_covers(coarse, vpn_align(coarse, a.vpn), b.vpn);
  endfunction

  assign install_killed = inval_valid_i && inval_hits(install_entry_i, inval_kind_i,
                                                      inval_asid_i, inval_vpn_i, inval_last_i);

  assign install_slot = install_valid_i ? Entries'(1) << install_idx : '0;

  always_comb begin
    for (int unsigned i = 0; i < Entries; i++) begin
      inval_match[i] = inval_valid_i && entries[i].valid &&
                       inval_hits(entries[i], inval_kind_i, inval_asid_i, inval_vpn_i,
                                  inval_last_i);
      install_overlap[i] = install_valid_i && entries[i].valid &&
                           overlaps(entries[i], install_entry_i);
    end
  end
  assign kill_d = inval_match & ~install_slot;

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
      data_mem[install_idx] <= '{level: install_entry_i.level, ppn: install_entry_i.ppn,
                                 r: install_entry_i.r, w: install_entry_i.w,
                                 x: install_entry_i.x, u: install_entry_i.u,
                                 d: install_entry_i.d};
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
    end
  end

  for (genvar i = 0; i < Entries; i++) begin : gen_valid
    assign valid_o[i] = entries[i].valid;
  end

  `TLB_ASSERT(OneHit_A, $onehot0(hit), clk_i, rst_ni)
  // The entry a registered hit reads was not rewritten since the lookup compared it.
  `TLB_ASSERT(NoInstallAfterLookup_A, !(install_valid_i && hit_q != '0), clk_i, rst_ni)
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
  // Nothing survives a clear: no entry, and no hit of a lookup from before it.
  `TLB_ASSERT(ClearEmpties_A, clr_i |=> valid_o == '0 && hit_q == '0, clk_i, rst_ni)
  for (genvar i = 0; i < Entries; i++) begin : gen_kill_clears
    `TLB_ASSERT(KillClears_A, kill_q[i] |=> !entries_q[i].valid || $past(install_slot[i]),
                clk_i, rst_ni)
  end

  // Functional coverage: each invalidation kind retires entries, or finds none to retire.
  `TLB_COVER_KINDS(InvRetires, inval_kind_i, inval_valid_i && inval_match != '0, clk_i, rst_ni)
  `TLB_COVER_KINDS(InvFindsNone, inval_kind_i, inval_valid_i && inval_match == '0, clk_i, rst_ni)
  `TLB_COVER(InvAndInstall_C, inval_valid_i && install_valid_i, clk_i, rst_ni)
  // A lookup that compared in an invalidation's cycle and missed only because of it.
  `TLB_COVER(HitRetired_C, (hit_q & kill_q) != '0, clk_i, rst_ni)
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
