// SPDX-License-Identifier: Apache-2.0
// The L1 TLB array: a set-associative array of 4 KiB entries whose tags live in LUT RAM, and
// a small fully associative array of superpages (2 MiB and 1 GiB) in flip-flops
// (docs/architecture.md, "The L1's organisation").
//
// 4 KiB entries: `Sets` sets of `Ways` ways, set = the VPN's low bits, entry index
// set * Ways + way. Each way's tags ({asid, g, vpn}) are a memory with one write port (the
// install) and one asynchronous read port at the compared VPN's set (`gen_way[w].tag_mem`),
// so a lookup compares `Ways` tags, not every entry. Only the valid bits are flip-flops
// (`valid_q`), since invalidations clear them. Superpages: `Supers` entries at indices
// Entries .. Entries + Supers - 1, compared all at once (`sup_q`).
//
// A lookup is split across two cycles at a register: the cycle it is presented reads its
// set, compares the set's ways and the superpages, and registers the one entry that answers
// (`hit_q`, `hit_idx_q`, with its global bit and page size); in the next cycle `hit_o` says
// whether it hit and `hit_entry_o` reads the entry's data (`data_mem`, LUT RAM, at
// `hit_idx_q`). With `SplitLookup` (tlb_core's HitLatency 2) the register is placed earlier:
// only which ways and superpages matched are registered (`hw_q`, `hs_q`), and the entry that
// answers is formed from them in the next cycle; the ports answer in the same cycles. At
// most one 4 KiB way can match (an install drops its set's overlaps) and at most one
// superpage (likewise); if both match, the 4 KiB entry answers (the multi-hit rule:
// a superpage install does not drop the 4 KiB entries it covers, which would take a search
// of every set, and both answers are architecturally allowed until software fences).
//
// Install: a 4 KiB entry goes to the first invalid way of its set, else the set's tree-PLRU
// victim (`gen_set[s].u_plru`); a superpage to the first invalid superpage, else the
// superpages' PLRU victim. It drops every entry that overlaps it: the ways of its set and the
// superpages for a 4 KiB entry, the superpages for a superpage. The overlap probe is not
// compared in the install's cycle: an install is always of the VPN and ASID of the last
// lookup (the miss whose walk it fills), and that lookup's compare, kept in its parts
// (`pr_*_q`: ASID rule, VPN equality, page cover at the superpage's size and at 1 GiB), is
// still the probe's, since only installs write tags; the install's cycle masks it with the
// valid bits as they are and the new entry's global bit and size. An invalidation in the
// cycle of an install applies to the new entry too.
//
// Invalidation: presented in cycle t, applied in t+1 (as the core applies it). It is
// registered on the way in (`in_*_q`) with its kind decoded and its ASID already compared
// with the ASIDs the pending operation and the queue's slots hold in t+1 (`in_eq_p_q`,
// `in_eq_q_q`: the ASID of one taken or queued in t, else the one held), so that the
// decision of t+1 (take, merge, queue, flash) is a few gates on registers, not compares.
// InvAll (and every unknown kind) is a flash: every valid bit is killed. Every
// other kind is swept: held in the pending registers (`p_*_q`: any ASID, or one ASID's
// non-global entries, over the pages [p_vpn_q, p_last_q]; InvAsid is all pages) and compared
// with one set a cycle (step `p_step_q`: its `Ways` ways, read from a second copy of the tags,
// `gen_way[w].stag_mem`, and the superpages whose index is the step modulo `Sets`), `Sets`
// cycles in all. One of the same scope that arrives during a sweep is merged into it (the
// hull of both page ranges, swept again from set 0); an ASID-scoped one of another ASID is
// queued as a flush of its whole ASID (`q_*_q`, `L1Queue` slots), swept beside the pending
// one from set 0, if a slot is free or holds that ASID; anything else is applied as a flash
// of every entry (over-invalidation costs refills; it never misses). While it is
// pending, a lookup that hits an entry it matches is voided (a miss): the lookup's own
// operands are compared with the pending operation in the cycle it is presented, at each of
// the three page sizes (`lk_*_q`), and the hit entry's size and global bit pick the answer a
// cycle later.
// Matches are registered (`kill_q`) and clear the valid bits a cycle later; `valid` is
// `valid_q` with those kills applied, so every reader sees exactly what it would if the clear
// had been immediate.
// A clear (the core's reset) empties the array: every valid bit, the registered lookup, kill
// and touch, and the pending operation, from the next cycle (the PLRU trees are only hints
// and keep what they hold).
module tlb_l1
  import tlb_pkg::*;
#(
  /// Number of 4 KiB entries; a power of two from 2 to 64, in sets of 2 ways.
  parameter int unsigned Entries = 32,
  /// 0: the lookup's cycle forms the entry that answers and registers it (`hit_q`,
  /// `hit_idx_q`). 1: it registers only which way and which superpage matched (`hw_q`,
  /// `hs_q`), and the entry that answers is formed from them in the next cycle; the ports
  /// answer in the same cycles either way (tlb_core sets it with HitLatency 2, which
  /// registers what the answer reads).
  parameter bit          SplitLookup = 1'b0,
  // Derived, do not change.
  /// Superpage (2 MiB, 1 GiB) entries, fully associative, beside the 4 KiB entries.
  localparam int unsigned Supers = L1Supers,
  localparam int unsigned Ways   = L1Ways,
  localparam int unsigned Queue  = L1Queue,
  localparam int unsigned Sets   = Entries / Ways,
  localparam int unsigned SetW   = (Sets > 1) ? $clog2(Sets) : 1,
  localparam int unsigned WayW   = $clog2(Ways),
  localparam int unsigned SupW   = $clog2(Supers),
  /// Valid bits: the 4 KiB entries, then the superpages.
  localparam int unsigned N      = Entries + Supers,
  localparam int unsigned IdxW   = $clog2(N)
) (
  input  logic              clk_i,            ///< clock
  input  logic              rst_ni,           ///< asynchronous reset, active low
  input  logic              clr_i,            ///< synchronous clear: every entry invalid
  // Lookup: compared this cycle, answered (hit or miss, and the entry) in the next.
  input  logic              lookup_valid_i,   ///< a lookup is accepted this cycle
  input  logic [VpnW-1:0]   lookup_vpn_i,     ///< its virtual page number
  input  logic [AsidW-1:0]  lookup_asid_i,    ///< the ASID it runs under
  output logic              hit_o,            ///< last cycle's lookup hit (an entry matched,
                                              ///< and no invalidation since retires it)
  output tlb_entry_t        hit_entry_o,      ///< the entry last cycle's lookup hit: valid,
                                              ///< level, ppn and r/w/x/u/d (asid, g and vpn
                                              ///< read as zero); meaningful only if hit_o
  // Install a walk result.
  input  logic              install_valid_i,  ///< write install_entry_i this cycle
  input  tlb_entry_t        install_entry_i,  ///< the entry, vpn already aligned
  // Invalidate (sfence.vma semantics): presented in this cycle, applied in the next.
  input  logic              inval_valid_i,    ///< an invalidation, applied next cycle
  input  logic [2:0]        inval_kind_i,     ///< inval_kind_e; unknown values act as InvAll
  input  logic [AsidW-1:0]  inval_asid_i,     ///< ASID operand (InvAsid, InvVaAsid, InvRangeAsid)
  input  logic [VpnW-1:0]   inval_vpn_i,      ///< VPN operand (InvVa, InvVaAsid, InvRangeAsid)
  input  logic [VpnW:0]     inval_last_i,     ///< InvRangeAsid: its last page, vpn + npages
                                              ///< (one bit wider: the sum's carry)
  output logic [N-1:0]      valid_o           ///< valid bit of each entry (4 KiB entries,
                                              ///< then superpages), for statistics
);

  `include "tlb_assert.svh"

  if (Entries < 2 || Entries > 64 || (Entries & (Entries - 1)) != 0) begin : gen_bad_entries
    $error("tlb_l1: Entries must be a power of two from 2 to 64, got %0d", Entries);
  end

  // A 4 KiB entry's tag, as its way's memories hold it.
  typedef struct packed {
    logic [AsidW-1:0] asid;
    logic             g;
    logic [VpnW-1:0]  vpn;
  } tag_t;
  // A superpage's tag (flip-flops).
  typedef struct packed {
    logic [AsidW-1:0] asid;
    logic             g;
    page_level_e      level;
    logic [VpnW-1:0]  vpn;
  } sup_tag_t;
  // The fields a hit reads (LUT RAM; no reset: an entry is read only after the install that
  // wrote it).
  typedef struct packed {
    page_level_e     level;
    logic [PpnW-1:0] ppn;
    logic            r;
    logic            w;
    logic            x;
    logic            u;
    logic            d;
  } entry_data_t;

  logic [N-1:0]        valid_q, valid_d, valid, kill_q, kill_d;
  sup_tag_t [Supers-1:0] sup_q;
  // The registered lookup (last cycle's): it hit (`rl_hit`), the entry that answers, its
  // global bit and page size; registers themselves (`gen_lookup_whole`), or formed from the
  // registered matches (`gen_lookup_split`).
  logic                rl_hit, rl_live;  // rl_live: it hit and is not voided (hit_o)
  logic [IdxW-1:0]     rl_idx;
  logic                rl_g;
  page_level_e         rl_level;
  // A hit's PLRU touch, a cycle after its answer.
  logic                touch_hit_q;
  logic [IdxW-1:0]     touch_idx_q;
  // The invalidation applied this cycle (presented last cycle): valid, swept (valid and not
  // a flash kind), any ASID (InvVa), its ASID and pages [in_vpn_q, in_last_q] (every page for
  // InvAsid), and whether its ASID is the pending operation's and each queue slot's now.
  logic                in_valid_q, in_swept_q, in_any_q, in_eq_p_q;
  logic [AsidW-1:0]    in_asid_q;
  logic [VpnW-1:0]     in_vpn_q;
  logic [VpnW:0]       in_last_q;
  logic [Queue-1:0]    in_eq_q_q;
  // The pending (swept) operation and the set the sweep compares this cycle.
  logic                p_valid_q, p_valid_d;
  logic                p_any_q, p_any_d;
  logic [AsidW-1:0]    p_asid_q, p_asid_d;
  logic [VpnW-1:0]     p_vpn_q, p_vpn_d;
  logic [VpnW:0]       p_last_q, p_last_d;
  logic [SetW-1:0]     p_step_q, p_step_d;
  // The sweep in two stages: the compare of set p_step_q registers its matches (`sw_kill_q`),
  // which go into `kill_q` a cycle later; after its last set the operation stays pending for
  // one cycle without a compare (`p_tail_q`), voiding lookups until those matches are killed.
  logic                p_tail_q, p_tail_d;
  logic [N-1:0]        sw_kill_q;
  // The slot an install wrote last cycle (one bit per entry; zero if none): the sweep's
  // matches registered in that cycle spare it (the compare read the entry it replaced).
  logic [N-1:0]        ins_slot_q;
  // What the invalidations applied in this cycle say about this cycle's lookup, registered
  // for its answer. The operation swept now: it matches any ASID (lk_any), or the lookup's
  // ASID (lk_asid); and the pages of the entry the lookup hits would meet its pages if the
  // entry were a 4 KiB, 2 MiB or 1 GiB page (lk_lvl[level]). The operation taken now (every
  // page): any ASID (lk_tk_any) or the lookup's (lk_tk_asid). A flash now (lk_flash).
  logic                lk_any_q, lk_asid_q, lk_tk_any_q, lk_tk_asid_q, lk_flash_q;
  logic [2:0]          lk_lvl_q, lk_lvl;
  // The queue: `Queue` slots, each one ASID's non-global entries, every page (an ASID-scoped
  // kind of another ASID that found the sweeper busy), swept beside the pending one from
  // set 0 until the pending one's sweep ends; and whether this cycle's lookup runs in one of
  // their ASIDs.
  logic [Queue-1:0]            q_valid_q, q_valid_d, q_same, q_load;
  logic [Queue-1:0][AsidW-1:0] q_asid_q, q_asid_d;
  logic                        lk_q_q;
  // The install's overlap probe: the parts of the last lookup's compare (`way_*`, `sup_*`).
  logic [Ways-1:0]             pr_way_asid_q, pr_way_vpn_q;
  logic [Supers-1:0]           pr_sup_asid_q, pr_sup_cov_q, pr_sup_gig_q;
  logic [SetW-1:0]             pr_set_q;  // the last lookup's set

  entry_data_t data_mem [N];
  entry_data_t hit_data;

  // Entry indices.
  function automatic logic [IdxW-1:0] way_idx(logic [SetW-1:0] set, int unsigned way);
    return IdxW'(Sets > 1 ? set : '0) * IdxW'(Ways) + IdxW'(way);
  endfunction

  assign valid = valid_q & ~kill_q;

  // ---------------------------------------------------------------------------------------
  // The compare: the lookup's, every cycle. An entry answers it if it is global or of the
  // lookup's ASID, and its page holds the lookup's VPN. Its parts are kept for the install's
  // overlap probe (below).
  logic [VpnW-1:0]  cmp_vpn;
  logic [AsidW-1:0] cmp_asid;
  logic [SetW-1:0]  cmp_set;
  assign cmp_vpn  = lookup_vpn_i;
  assign cmp_asid = lookup_asid_i;
  assign cmp_set  = Sets > 1 ? SetW'(cmp_vpn) : '0;

  // The install: its set and way (or superpage), chosen in its cycle.
  logic             ins_4k, ins_sup;
  logic [SetW-1:0]  ins_set;
  logic [WayW-1:0]  ins_way;
  logic [SupW-1:0]  ins_sup_idx;
  logic [IdxW-1:0]  install_idx;
  assign ins_4k  = install_valid_i && install_entry_i.level == Page4K;
  assign ins_sup = install_valid_i && install_entry_i.level != Page4K;
  assign ins_set = Sets > 1 ? SetW'(install_entry_i.vpn) : '0;

`ifdef TLB_FV_VIEW
  // Formal only (formal/): every entry as it stands, assembled from the tag memories, the
  // superpages' registers and the valid bits, for the proofs' invariants; and both copies of
  // the tags.
  tlb_entry_t [N-1:0] entries;
  tag_t [Ways-1:0][Sets-1:0] tag_view, stag_view;
  for (genvar k = 0; k < N; k++) begin : gen_entries
    if (k < Entries) begin : gen_4k
      assign entries[k] = '{valid: valid[k], asid: tag_view[k % Ways][k / Ways].asid,
                            g: tag_view[k % Ways][k / Ways].g, level: Page4K,
                            vpn: tag_view[k % Ways][k / Ways].vpn, default: '0};
    end else begin : gen_super
      assign entries[k] = '{valid: valid[k], asid: sup_q[k - Entries].asid,
                            g: sup_q[k - Entries].g, level: sup_q[k - Entries].level,
                            vpn: sup_q[k - Entries].vpn, default: '0};
    end
  end
`endif

  // The compare's parts, per way: the ASID rule (global or the lookup's ASID) and the VPN's
  // equality; per superpage: the ASID rule, the page holds the VPN at the superpage's size,
  // and at 1 GiB (the VPN's top 9 bits).
  logic [Ways-1:0]   way_hit, way_asid, way_vpn;
  logic [Supers-1:0] sup_hit, sup_asid, sup_cov, sup_gig;
  tag_t [Ways-1:0]   way_tag, sweep_tag;
  for (genvar w = 0; w < Ways; w++) begin : gen_way
    // Two copies of the way's tags: one read at the compared set, one at the sweep's.
    tag_t tag_mem [Sets];
    tag_t stag_mem [Sets];
    always_ff @(posedge clk_i) begin
      if (ins_4k && ins_way == WayW'(w)) begin
        tag_mem[ins_set]  <= '{asid: install_entry_i.asid, g: install_entry_i.g,
                               vpn: install_entry_i.vpn};
        stag_mem[ins_set] <= '{asid: install_entry_i.asid, g: install_entry_i.g,
                               vpn: install_entry_i.vpn};
      end
    end
`ifdef TLB_FV_VIEW
    for (genvar t = 0; t < Sets; t++) begin : gen_view
      assign tag_view[w][t]  = tag_mem[t];
      assign stag_view[w][t] = stag_mem[t];
    end
`endif
    assign way_tag[w]   = tag_mem[cmp_set];
    assign sweep_tag[w] = stag_mem[p_step_q];
    assign way_asid[w] = way_tag[w].g || way_tag[w].asid == cmp_asid;
    assign way_vpn[w]  = way_tag[w].vpn == cmp_vpn;
    assign way_hit[w]  = valid[way_idx(cmp_set, w)] && way_asid[w] && way_vpn[w];
  end
  for (genvar s = 0; s < Supers; s++) begin : gen_sup
    assign sup_asid[s] = sup_q[s].g || sup_q[s].asid == cmp_asid;
    assign sup_cov[s]  = vpn_covers(sup_q[s].level, sup_q[s].vpn, cmp_vpn);
    assign sup_gig[s]  = vpn_covers(Page1G, sup_q[s].vpn, cmp_vpn);
    assign sup_hit[s]  = valid[Entries + s] && sup_asid[s] && sup_cov[s];
  end

  // The entry that answers a compare: the 4 KiB way of `set` if one matched (`wh`, their
  // global bits `wg`), else the superpage (`sh`); its index, global bit and size. Both the
  // compare's cycle (`gen_lookup_whole`) and the registered matches (`gen_lookup_split`)
  // pick it this way.
  typedef struct packed {
    logic [IdxW-1:0] idx;
    logic            g;
    page_level_e     level;
  } pick_t;
  function automatic pick_t pick(logic [Ways-1:0] wh, logic [Ways-1:0] wg,
                                 logic [Supers-1:0] sh, logic [SetW-1:0] set);
    pick_t p;
    p = '{idx: '0, g: 1'b0, level: Page4K};
    for (int unsigned s = 0; s < Supers; s++) begin
      if (sh[s]) p = '{idx: IdxW'(Entries + s), g: sup_q[s].g, level: sup_q[s].level};
    end
    for (int unsigned w = 0; w < Ways; w++) begin
      if (wh[w]) p = '{idx: way_idx(set, w), g: wg[w], level: Page4K};
    end
    return p;
  endfunction

  logic            hit, hit_g;
  logic [IdxW-1:0] hit_idx;
  page_level_e     hit_level;
  logic [Ways-1:0] way_g;
  for (genvar w = 0; w < Ways; w++) begin : gen_way_g
    assign way_g[w] = way_tag[w].g;
  end
  assign hit = (way_hit != '0) || (sup_hit != '0);
  assign {hit_idx, hit_g, hit_level} = pick(way_hit, way_g, sup_hit, cmp_set);

  // Whether an invalidation applied in a lookup's cycle voids its hit on an entry of global
  // bit g and size level (`hit_void`, below, says why).
  function automatic logic void_of(logic g, page_level_e level);
    return lk_flash_q || lk_tk_any_q || (!g && (lk_tk_asid_q || lk_q_q)) ||
           ((lk_any_q || (!g && lk_asid_q)) &&
            lk_lvl_q[level == Page1G ? 2 : level == Page2M ? 1 : 0]);
  endfunction
  logic hit_void;

  // The registered lookup. Whole: the entry formed above, registered. Split: the matches
  // registered (each way's and superpage's, and each way's global bit), and the entry that
  // answers formed from them a cycle later, the same way: the ways' tags and the superpages'
  // registers are unchanged in between (no install in the two cycles after a lookup, and an
  // install's set is the lookup's), so the answer is the same in every cycle.
  if (!SplitLookup) begin : gen_lookup_whole
    logic            hit_q, hit_g_q;
    logic [IdxW-1:0] hit_idx_q;
    page_level_e     hit_level_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        hit_q       <= 1'b0;
        hit_idx_q   <= '0;
        hit_g_q     <= 1'b0;
        hit_level_q <= Page4K;
      end else begin
        hit_q       <= lookup_valid_i && !clr_i && hit;
        hit_idx_q   <= hit_idx;
        hit_g_q     <= hit_g;
        hit_level_q <= hit_level;
      end
    end
    assign rl_hit   = hit_q;
    assign rl_idx   = hit_idx_q;
    assign rl_g     = hit_g_q;
    assign rl_level = hit_level_q;
    assign rl_live  = hit_q && !hit_void;
  end else begin : gen_lookup_split
    // hw_q, hs_q: the matches of whatever was compared, lookup or not (`lv_q` says if it
    // was one), so that the lookup's enable, which last cycle's answer decides, does not
    // stand behind the compare.
    logic              lv_q;
    logic [Ways-1:0]   hw_q, hwg_q;
    logic [Supers-1:0] hs_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        lv_q  <= 1'b0;
        hw_q  <= '0;
        hwg_q <= '0;
        hs_q  <= '0;
      end else begin
        lv_q  <= lookup_valid_i && !clr_i;
        hw_q  <= way_hit;
        hs_q  <= sup_hit;
        hwg_q <= way_g;
      end
    end
    assign rl_hit = lv_q && ((hw_q != '0) || (hs_q != '0));
    assign {rl_idx, rl_g, rl_level} = pick(hw_q, hwg_q, hs_q, pr_set_q);
    // Whether it is live is judged for each match on its own (the match's global bit and
    // size against the invalidations of the lookup's cycle, as `hit_void` judges the
    // answering entry), so that no selection stands in front of the judgement: at most one
    // way and one superpage match, and the way answers if both do.
    logic [Ways-1:0]   hw_void;
    logic [Supers-1:0] hs_void;
    for (genvar w = 0; w < Ways; w++) begin : gen_hw_void
      assign hw_void[w] = void_of(hwg_q[w], Page4K);
    end
    for (genvar s = 0; s < Supers; s++) begin : gen_hs_void
      assign hs_void[s] = void_of(sup_q[s].g, sup_q[s].level);
    end
    assign rl_live = lv_q && ((hw_q & ~hw_void) != '0 || (hw_q == '0 && (hs_q & ~hs_void) != '0));
    logic unused_hit;
    assign unused_hit = ^{hit, hit_idx, hit_g, hit_level};
  end

  // Last cycle's lookup, unless an invalidation applied in its cycle matches its entry (an
  // invalidation is ordered before a lookup in its cycle and every one after it): a flash;
  // the operation swept then, in any of its steps (the one that kills the entry, a later one,
  // or an earlier one if the entry was installed after its set was swept); the operation
  // taken then, whose sweep starts a cycle later; a queued ASID. Every entry the sweep or
  // the flash of that cycle kills (`kill_q` now) is among them, so the answer is formed from
  // these few registers, not from the kill bit the hit index selects (docs/timing.md).
  assign hit_void = void_of(rl_g, rl_level);
  assign hit_o    = rl_live;
  assign hit_data = data_mem[rl_idx];

  always_comb begin
    hit_entry_o       = '0;
    hit_entry_o.valid = rl_hit && valid[rl_idx];
    hit_entry_o.level = hit_data.level;
    hit_entry_o.ppn   = hit_data.ppn;
    hit_entry_o.r     = hit_data.r;
    hit_entry_o.w     = hit_data.w;
    hit_entry_o.x     = hit_data.x;
    hit_entry_o.u     = hit_data.u;
    hit_entry_o.d     = hit_data.d;
  end

  // ---------------------------------------------------------------------------------------
  // Replacement: a 4 KiB entry's set's first invalid way, else its tree-PLRU victim; a
  // superpage's first invalid superpage, else theirs. An install touches its tree in its
  // cycle; a hit touches its tree in the cycle after its answer (`touch_hit_q`); the core
  // never installs in the two cycles after a lookup, so the two never meet.
  logic [Sets-1:0][WayW-1:0] set_victim;
  logic [SupW-1:0]           sup_victim;
  logic                      touch_4k, touch_sup;
  logic [SetW-1:0]           touch_set;
  assign touch_4k  = touch_hit_q && touch_idx_q < IdxW'(Entries);
  assign touch_sup = touch_hit_q && touch_idx_q >= IdxW'(Entries);
  assign touch_set = Sets > 1 ? SetW'(touch_idx_q >> WayW) : '0;
  for (genvar s = 0; s < Sets; s++) begin : gen_set
    tlb_plru #(
      .Entries (Ways)
    ) u_plru (
      .clk_i         (clk_i),
      .rst_ni        (rst_ni),
      .touch_valid_i ((ins_4k && ins_set == SetW'(s)) || (touch_4k && touch_set == SetW'(s))),
      .touch_idx_i   (ins_4k ? ins_way : WayW'(touch_idx_q)),
      .victim_o      (set_victim[s])
    );
  end
  tlb_plru #(
    .Entries (Supers)
  ) u_sup_plru (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .touch_valid_i (ins_sup || touch_sup),
    .touch_idx_i   (ins_sup ? ins_sup_idx : SupW'(touch_idx_q - IdxW'(Entries))),
    .victim_o      (sup_victim)
  );
  // The way an install takes is chosen in the set of the last lookup (`pr_set_q`: an install
  // is of that lookup's VPN, so it is the install's set), so that the new entry's own VPN
  // does not enter the choice, only its size picks the way or the superpage.
  logic [WayW-1:0] ins_way_d;
  logic [SupW-1:0] ins_sup_d;
  always_comb begin
    logic found;
    ins_way_d = set_victim[pr_set_q];
    found = 1'b0;
    for (int unsigned w = 0; w < Ways; w++) begin
      if (!found && !valid[way_idx(pr_set_q, w)]) begin
        ins_way_d = WayW'(w);
        found = 1'b1;
      end
    end
  end
  always_comb begin
    logic found;
    ins_sup_d = sup_victim;
    found = 1'b0;
    for (int unsigned s = 0; s < Supers; s++) begin
      if (!found && !valid[Entries + s]) begin
        ins_sup_d = SupW'(s);
        found = 1'b1;
      end
    end
  end
  assign ins_way     = ins_way_d;
  assign ins_sup_idx = ins_sup_d;
  assign install_idx = ins_4k ? way_idx(ins_set, 32'(ins_way)) : IdxW'(Entries + 32'(ins_sup_idx));

  // ---------------------------------------------------------------------------------------
  // Invalidation: the flash, the sweeper, and what a pending operation says about a lookup.
  logic in_swept, in_any, take, merge, load_q, flash_all, p_done;
  logic [VpnW-1:0] in_vpn;
  logic [VpnW:0]   in_last;
  // The decode, on the way in: every kind but InvAll is swept: any ASID (InvVa) or one, over
  // [vpn, last] (every page for InvAsid, one for InvVa and InvVaAsid).
  logic            in_swept_d, in_any_d;
  logic [VpnW-1:0] in_vpn_d;
  logic [VpnW:0]   in_last_d;
  assign in_swept_d = inval_valid_i && (inval_kind_i == InvAsid || inval_kind_i == InvVa ||
                                        inval_kind_i == InvVaAsid ||
                                        inval_kind_i == InvRangeAsid);
  assign in_any_d   = inval_kind_i == InvVa;
  assign in_vpn_d   = inval_kind_i == InvAsid ? '0 : inval_vpn_i;
  assign in_last_d  = inval_kind_i == InvRangeAsid ? inval_last_i :
                      inval_kind_i == InvAsid ? {1'b0, {VpnW{1'b1}}} : {1'b0, inval_vpn_i};
  assign in_swept   = in_swept_q;
  assign in_any     = in_any_q;
  assign in_vpn     = in_vpn_q;
  assign in_last    = in_last_q;
  // The sweeper takes it if it is free or in its tail this cycle (its last set compared last
  // cycle); or merges it into the pending operation if both have the same scope (any ASID, or
  // the same one).
  assign p_done    = !p_valid_q || p_tail_q;
  assign merge     = in_swept && !p_done && in_any == p_any_q && (in_any || in_eq_p_q);
  assign take      = in_swept && (p_done || merge);
  // An ASID-scoped kind of another ASID that finds it busy is queued as a flush of its whole
  // ASID, in the slot that holds that ASID, else in the first free one; the sweep starts
  // again from set 0. With one set a sweep is one step: the sweeper takes every kind, and
  // nothing is queued.
  for (genvar i = 0; i < Queue; i++) begin : gen_q_same
    assign q_same[i] = q_valid_q[i] && in_eq_q_q[i];
  end
  assign load_q    = Sets > 1 && in_swept && !take && !in_any &&
                     (q_same != '0 || q_valid_q != '1);
  always_comb begin
    logic found;
    q_load = q_same;
    found  = 1'b0;
    if (q_same == '0) begin
      for (int unsigned i = 0; i < Queue; i++) begin
        if (!found && !q_valid_q[i]) begin
          q_load[i] = 1'b1;
          found     = 1'b1;
        end
      end
    end
    if (!load_q) q_load = '0;
  end
  // Everything else flashes every entry: InvAll, unknown kinds, and a kind the sweeper
  // can neither take nor queue.
  assign flash_all = in_valid_q && !take && !load_q;

  // The ASID rule of a pending operation: any ASID, or one ASID's non-global entries.
  function automatic logic pend_scope(logic [AsidW-1:0] e_asid, logic e_g, logic any,
                                      logic [AsidW-1:0] asid);
    return any || (!e_g && e_asid == asid);
  endfunction

  // Does a pending operation match an entry: its ASID rule, and the entry's pages
  // [vpn, vpn_last] meet [vpn_i, last_i]. Every range compare in this file is written as a
  // negated strict one (a <= b as !(b < a)): a strict compare is a carry chain alone, where
  // synthesis builds a <= b as the chain and an equality tree beside it (four LUT levels
  // for 28 bits on the ECP5; docs/fpga.md, twenty-second session).
  function automatic logic pend_hits(logic [AsidW-1:0] e_asid, logic e_g, page_level_e e_level,
                                     logic [VpnW-1:0] e_vpn, logic any, logic [AsidW-1:0] asid,
                                     logic [VpnW-1:0] vpn, logic [VpnW:0] last);
    return pend_scope(e_asid, e_g, any, asid) &&
           !(last < {1'b0, e_vpn}) && !(vpn_last(e_level, e_vpn) < {1'b0, vpn});
  endfunction

  // Does the page of size l (0: 4 KiB, 1: 2 MiB, 2: 1 GiB) that holds x meet the pages
  // [vpn, last]? The page is [x with 0s below its offset, x with 1s], so only the bits above
  // the offset compare: 27, 18 or 9 of them (l is a constant at every call, so the shifts are
  // wiring and each size is its own two carry chains).
  function automatic logic page_meets(int unsigned l, logic [VpnW-1:0] x, logic [VpnW-1:0] vpn,
                                      logic [VpnW:0] last);
    return !((last >> (9 * l)) < ({1'b0, x} >> (9 * l))) && !((x >> (9 * l)) < (vpn >> (9 * l)));
  endfunction

  // The same as pend_hits for a superpage (2 MiB or 1 GiB, its VPN aligned): its pages are
  // compared at both sizes and its size picks one after the carry chains, so that the size
  // does not form its last page in front of them (the same answer for an aligned VPN).
  function automatic logic sup_pend_hits(logic [AsidW-1:0] e_asid, logic e_g,
                                         page_level_e e_level, logic [VpnW-1:0] e_vpn,
                                         logic any, logic [AsidW-1:0] asid,
                                         logic [VpnW-1:0] vpn, logic [VpnW:0] last);
    return pend_scope(e_asid, e_g, any, asid) &&
           (e_level == Page1G ? page_meets(2, e_vpn, vpn, last) : page_meets(1, e_vpn, vpn, last));
  endfunction

  // The operation pending next cycle: the one taken now, else the one in flight unless it is
  // in its tail now; in its tail after its last set is compared (a queued ASID restarts the
  // sweep from set 0).
  logic sweeping;
  assign sweeping = p_valid_q && !p_tail_q && !load_q;
  always_comb begin
    p_valid_d = p_valid_q && !p_done;
    p_any_d   = p_any_q;
    p_asid_d  = p_asid_q;
    p_vpn_d   = p_vpn_q;
    p_last_d  = p_last_q;
    p_step_d  = Sets > 1 && sweeping ? p_step_q + SetW'(1) : '0;
    p_tail_d  = sweeping && p_step_q == SetW'(Sets - 1);
    if (take) begin
      p_valid_d = 1'b1;
      p_any_d   = in_any;
      p_asid_d  = in_asid_q;
      p_vpn_d   = in_vpn;
      p_last_d  = in_last;
      p_step_d  = '0;
      p_tail_d  = 1'b0;
      if (merge) begin
        if (p_vpn_q < in_vpn) p_vpn_d = p_vpn_q;
        if (p_last_q > in_last) p_last_d = p_last_q;
      end
    end
  end

  // The queue next cycle: a slot loaded now, else kept until the pending sweep ends.
  for (genvar i = 0; i < Queue; i++) begin : gen_q_next
    assign q_valid_d[i] = q_load[i] || (q_valid_q[i] && !p_done);
    assign q_asid_d[i]  = q_load[i] ? in_asid_q : q_asid_q[i];
  end

  // The ASID presented now against the ASIDs the pending operation and each queue slot hold
  // next cycle: the one taken or loaded now (this cycle's `in_asid_q`), else the one held;
  // both compares run beside the decision, which only picks one. Without an invalidation
  // `in_asid_q` holds, and so do the compares, unless the slot or the operation loads it now.
  logic             in_eq_p_d;
  logic [Queue-1:0] in_eq_q_d;
  logic             in_eq_in;
  assign in_eq_in  = inval_asid_i == in_asid_q;
  assign in_eq_p_d = inval_valid_i ? (take ? in_eq_in : inval_asid_i == p_asid_q)
                                    : (take || in_eq_p_q);
  for (genvar i = 0; i < Queue; i++) begin : gen_in_eq_q
    assign in_eq_q_d[i] = inval_valid_i ? (q_load[i] ? in_eq_in : inval_asid_i == q_asid_q[i])
                                        : (q_load[i] || in_eq_q_q[i]);
  end

  // Does the queue match an entry: one of its ASIDs, not global.
  function automatic logic queue_hits(logic [Queue-1:0] q_valid,
                                      logic [Queue-1:0][AsidW-1:0] q_asid,
                                      logic e_g, logic [AsidW-1:0] e_asid);
    logic m;
    m = 1'b0;
    for (int unsigned i = 0; i < Queue; i++) m = m || (q_valid[i] && q_asid[i] == e_asid);
    return m && !e_g;
  endfunction

  // This cycle's lookup against the operation swept now, at each page size, compared from its
  // registers (the scope, lk_any and lk_asid, says whether there is one).
  for (genvar l = 0; l < 3; l++) begin : gen_lk_lvl
    assign lk_lvl[l] = page_meets(l, lookup_vpn_i, p_vpn_q, p_last_q);
  end

  // The lookup's ASID against the operation swept now, the one taken now and the queue's
  // slots: those that hold one now, and the slot loaded now. Each compare is made beside the
  // decision (take, load_q), which only gates it.
  logic lk_asid, lk_tk_asid, lk_q;
  assign lk_asid    = p_valid_q && !p_any_q && p_asid_q == lookup_asid_i;
  assign lk_tk_asid = take && !in_any && in_asid_q == lookup_asid_i;
  assign lk_q       = (load_q && in_asid_q == lookup_asid_i) ||
                      queue_hits(q_valid_q, q_asid_q, 1'b0, lookup_asid_i);

  // The sweep's compare (its first stage): step p_step_q compares set p_step_q's ways and the
  // superpages p_step_q, p_step_q + Sets, ..., valid or not, and registers the matches
  // (`sw_kill_q`; a slot written in the compare's cycle is spared a cycle later, from
  // `ins_slot_q`, so the install's choice does not stand behind the compare). One
  // comparator per way, read from the tag copy at the step; one per superpage, compared
  // from its own registers every cycle and kept only in its step (the step gates the match,
  // not the operands: no multiplexer in front of the range compares).
  logic [N-1:0] sweep_kill;
  always_comb begin
    sweep_kill = '0;
    for (int unsigned w = 0; w < Ways; w++) begin
      sweep_kill[way_idx(p_step_q, w)] =
          p_valid_q && !p_tail_q &&
          (pend_hits(sweep_tag[w].asid, sweep_tag[w].g, Page4K, sweep_tag[w].vpn, p_any_q,
                     p_asid_q, p_vpn_q, p_last_q) ||
           queue_hits(q_valid_q, q_asid_q, sweep_tag[w].g, sweep_tag[w].asid));
    end
    for (int unsigned s = 0; s < Supers; s++) begin
      sweep_kill[Entries + s] =
          p_valid_q && !p_tail_q && 32'(p_step_q) == s % Sets &&
          (sup_pend_hits(sup_q[s].asid, sup_q[s].g, sup_q[s].level, sup_q[s].vpn, p_any_q,
                         p_asid_q, p_vpn_q, p_last_q) ||
           queue_hits(q_valid_q, q_asid_q, sup_q[s].g, sup_q[s].asid));
    end
  end

  // The invalidation as it is applied this cycle judges an install of this cycle.
  logic install_killed;
  assign install_killed = in_valid_q &&
      (take ? pend_hits(install_entry_i.asid, install_entry_i.g, install_entry_i.level,
                        install_entry_i.vpn, in_any, in_asid_q, in_vpn, in_last)
            : !load_q || (!install_entry_i.g && install_entry_i.asid == in_asid_q));

  // ---------------------------------------------------------------------------------------
  // Next state: the matches are registered (kill_q) and cleared next cycle; the overlap drop
  // and the install are written now. An install's slot is never killed: its old entry is
  // replaced, and install_killed judges the new one.
  // The overlap probe: an entry is dropped if it could answer the same lookup as the new
  // one: global, or the new one's ASID, or the new one is global; and its page meets the new
  // one's at the coarser of the two sizes (the ways only for a 4 KiB install: the multi-hit
  // rule, above). Its compare is the one of the lookup whose miss started the walk
  // (`pr_*_q`, registered with every lookup): an install is always of that lookup's VPN and
  // ASID (the core walks the VPN that missed, and a fill is the walk's), nothing writes a
  // tag between the two (only installs do); the valid bits as they are now mask it (valid_d).
  // So the install's cycle only masks and writes; it compares nothing.
  logic [N-1:0] install_slot, install_overlap;
  assign install_slot = install_valid_i ? N'(1) << install_idx : '0;
  always_comb begin
    install_overlap = '0;
    for (int unsigned w = 0; w < Ways; w++) begin
      install_overlap[way_idx(ins_set, w)] =
          ins_4k && pr_way_vpn_q[w] &&
          (pr_way_asid_q[w] || install_entry_i.g);
    end
    for (int unsigned s = 0; s < Supers; s++) begin
      install_overlap[Entries + s] =
          install_valid_i && (pr_sup_asid_q[s] || install_entry_i.g) &&
          (install_entry_i.level == Page1G ? pr_sup_gig_q[s] : pr_sup_cov_q[s]);
    end
  end
  // The kill: a flash's valid entries, and the sweep's matches of last cycle (its second
  // stage) but the slot written in that cycle, and not a slot written now.
  assign kill_d = ((flash_all ? valid : '0) | (sw_kill_q & ~ins_slot_q)) & ~install_slot;

  always_comb begin
    valid_d = valid & ~install_overlap;
    if (install_valid_i) valid_d[install_idx] = !install_killed;
    if (clr_i) valid_d = '0;
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
      valid_q     <= '0;
      kill_q      <= '0;
      sw_kill_q   <= '0;
      ins_slot_q  <= '0;
      p_tail_q    <= 1'b0;
      sup_q       <= '0;
      touch_hit_q <= 1'b0;
      touch_idx_q <= '0;
      in_valid_q  <= 1'b0;
      in_swept_q  <= 1'b0;
      in_any_q    <= 1'b0;
      in_asid_q   <= '0;
      in_vpn_q    <= '0;
      in_last_q   <= '0;
      in_eq_p_q   <= 1'b1;
      in_eq_q_q   <= '1;
      p_valid_q   <= 1'b0;
      p_any_q     <= 1'b0;
      p_asid_q    <= '0;
      p_vpn_q     <= '0;
      p_last_q    <= '0;
      lk_any_q    <= 1'b0;
      lk_asid_q   <= 1'b0;
      lk_lvl_q    <= '0;
      lk_tk_any_q  <= 1'b0;
      lk_tk_asid_q <= 1'b0;
      lk_flash_q   <= 1'b0;
      q_valid_q   <= '0;
      q_asid_q    <= '0;
      lk_q_q      <= 1'b0;
      pr_way_asid_q <= '0;
      pr_way_vpn_q  <= '0;
      pr_sup_asid_q <= '0;
      pr_sup_cov_q  <= '0;
      pr_sup_gig_q  <= '0;
      pr_set_q      <= '0;
    end else begin
      valid_q     <= valid_d;
      kill_q      <= clr_i ? '0 : kill_d;
      sw_kill_q   <= sweep_kill;  // after a clear every entry is invalid: nothing to kill
      ins_slot_q  <= install_slot;
      p_tail_q    <= p_tail_d && !clr_i;
      if (ins_sup) begin
        sup_q[ins_sup_idx] <= '{asid: install_entry_i.asid, g: install_entry_i.g,
                                level: install_entry_i.level, vpn: install_entry_i.vpn};
      end
      touch_hit_q <= hit_o && !clr_i;
      touch_idx_q <= rl_idx;
      in_valid_q  <= inval_valid_i && !clr_i;
      in_swept_q  <= in_swept_d && !clr_i;
      // The operands load only with an invalidation and hold otherwise: with the core's own
      // valid as their enable, the cores of a system keep one copy each, where synthesis
      // merged the copies of a register loaded every cycle from the one bus they all see into
      // a single register driving every core across the chip (docs/fpga.md, twenty-sixth
      // session). The ASID compares (`in_eq_p_d`, `in_eq_q_d`) follow the value held.
      if (inval_valid_i) begin
        in_any_q  <= in_any_d;
        in_asid_q <= inval_asid_i;
        in_vpn_q  <= in_vpn_d;
        in_last_q <= in_last_d;
      end
      in_eq_p_q   <= in_eq_p_d;
      in_eq_q_q   <= in_eq_q_d;
      p_valid_q   <= p_valid_d && !clr_i;
      p_any_q     <= p_any_d;
      p_asid_q    <= p_asid_d;
      p_vpn_q     <= p_vpn_d;
      p_last_q    <= p_last_d;
      lk_any_q    <= p_valid_q && p_any_q;
      lk_asid_q   <= lk_asid;
      lk_lvl_q    <= lk_lvl;
      lk_tk_any_q  <= take && in_any;
      lk_tk_asid_q <= lk_tk_asid;
      lk_flash_q   <= flash_all;
      q_valid_q   <= clr_i ? '0 : q_valid_d;
      q_asid_q    <= q_asid_d;
      lk_q_q      <= lk_q;
      if (lookup_valid_i) begin
        pr_way_asid_q <= way_asid;
        pr_way_vpn_q  <= way_vpn;
        pr_sup_asid_q <= sup_asid;
        pr_sup_cov_q  <= sup_cov;
        pr_sup_gig_q  <= sup_gig;
        pr_set_q      <= cmp_set;
      end
    end
  end

  // The step register exists only if there is more than one set.
  if (Sets > 1) begin : gen_steps
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) p_step_q <= '0;
      else         p_step_q <= p_step_d;
    end
  end else begin : gen_one_step
    assign p_step_q = '0;
    logic unused_step;
    assign unused_step = ^p_step_d;
  end

  assign valid_o = valid;

  // The install's valid bit: the L1 writes its own (install_killed).
  logic unused_install_valid;
  assign unused_install_valid = install_entry_i.valid;

  // At most one 4 KiB way and one superpage match (the install drops overlaps).
  `TLB_ASSERT(OneWayHit_A, $onehot0(way_hit), clk_i, rst_ni)
  `TLB_ASSERT(OneSuperHit_A, $onehot0(sup_hit), clk_i, rst_ni)
`ifndef TLB_NO_ASSERT
  // The probe's premise: an install is of the VPN and ASID of the last lookup, with no
  // install since (the last lookup's operands, kept for this check only).
  logic [VpnW-1:0]  chk_vpn_q;
  logic [AsidW-1:0] chk_asid_q;
  logic             chk_seen_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      chk_vpn_q  <= '0;
      chk_asid_q <= '0;
      chk_seen_q <= 1'b0;
    end else if (lookup_valid_i) begin
      chk_vpn_q  <= lookup_vpn_i;
      chk_asid_q <= lookup_asid_i;
      chk_seen_q <= 1'b1;
    end else if (install_valid_i) begin
      chk_seen_q <= 1'b0;
    end
  end
`endif
  `TLB_ASSERT(InstallOfLastLookup_A, !install_valid_i ||
              (chk_seen_q && install_entry_i.asid == chk_asid_q &&
               install_entry_i.vpn == vpn_align(install_entry_i.level, chk_vpn_q)),
              clk_i, rst_ni)
  // The entry a registered hit reads was not rewritten since the lookup compared it.
  `TLB_ASSERT(NoInstallAfterLookup_A, !(install_valid_i && rl_hit), clk_i, rst_ni)
  // No lookup in an install's cycle (the core's CoreFill): the install's probe is the lookup
  // whose miss it fills, and the lookup's hit would read the slot being written.
  `TLB_ASSERT(NoLookupInInstall_A, !(install_valid_i && lookup_valid_i), clk_i, rst_ni)
  `TLB_ASSERT(InstallAligned_A,
              !install_valid_i || install_entry_i.vpn == vpn_align(install_entry_i.level,
                                                                   install_entry_i.vpn),
              clk_i, rst_ni)
  `TLB_PAST(chk_install_idx_q, install_idx, clk_i, rst_ni)
  `TLB_ASSERT_NEXT(InstallKilledStaysInvalid_A, install_valid_i && install_killed,
                   !valid_o[chk_install_idx_q], clk_i, rst_ni)
  // The entries an invalidation decided to kill (kill_d) are invalid from the next cycle.
  `TLB_PAST(chk_kill_d_q, kill_d, clk_i, rst_ni)
  `TLB_ASSERT(InvalRetires_A, (valid_o & chk_kill_d_q) == '0, clk_i, rst_ni)
  // Nothing survives a clear: no entry, no hit of a lookup from before it, no sweep.
  `TLB_ASSERT_NEXT(ClearEmpties_A, clr_i, valid_o == '0 && !rl_hit && !p_valid_q, clk_i, rst_ni)
  // A registered kill clears its entry unless an install rewrites it in that cycle: every
  // entry at once (one vector check, not one assertion per entry: the Verilated model
  // evaluates each instance every cycle).
  `TLB_PAST(chk_kill_q, kill_q & ~install_slot, clk_i, rst_ni)
  `TLB_ASSERT(KillClears_A, (valid_q & chk_kill_q) == '0, clk_i, rst_ni)
  // A sweep ends: after its last set's compare it is in its tail, and it leaves after its
  // tail unless another is taken: Sets + 1 cycles in all.
  `TLB_ASSERT_NEXT(SweepTail_A, p_valid_q && !p_tail_q && p_step_q == SetW'(Sets - 1) && !take &&
                   !load_q && !clr_i, p_valid_q && p_tail_q, clk_i, rst_ni)
  `TLB_ASSERT_NEXT(SweepEnds_A, p_valid_q && p_tail_q && !take, !p_valid_q, clk_i, rst_ni)
  // The tail compares nothing: it only waits for the last set's matches to be killed.
  `TLB_ASSERT(TailComparesNothing_A, !p_tail_q || sweep_kill == '0, clk_i, rst_ni)

  // The registered compares are the ASIDs' equality as the registers stand: the pending
  // operation's and every queue slot's (whatever their valid bits).
`ifndef TLB_NO_ASSERT
  logic [Queue-1:0] chk_eq_q;
  for (genvar i = 0; i < Queue; i++) begin : gen_chk_eq_q
    assign chk_eq_q[i] = q_asid_q[i] == in_asid_q;
  end
`endif
  `TLB_ASSERT(InEqPending_A, in_eq_p_q == (p_asid_q == in_asid_q), clk_i, rst_ni)
  `TLB_ASSERT(InEqQueue_A, in_eq_q_q == chk_eq_q, clk_i, rst_ni)

  // Functional coverage: each invalidation kind is applied while entries are valid, and is
  // taken by the sweeper (every kind but InvAll); the kind applied is last cycle's.
  `TLB_PAST(chk_in_kind_q, inval_kind_i, clk_i, rst_ni)
  `TLB_COVER_KINDS(InvMeetsEntries, chk_in_kind_q, in_valid_q && valid != '0, clk_i, rst_ni)
  `TLB_COVER_KINDS(InvSwept, chk_in_kind_q, take, clk_i, rst_ni)
  `TLB_COVER(InvAndInstall_C, in_valid_q && install_valid_i, clk_i, rst_ni)
  // The registered compares forwarded: an ASID presented beside one taken or queued of the
  // same ASID (its compare made against that one, not the registers it replaces).
  `TLB_COVER(InEqForwardedPending_C, take && in_swept_d && in_eq_in && p_asid_q != in_asid_q,
             clk_i, rst_ni)
  `TLB_COVER(InEqForwardedQueue_C, load_q && in_swept_d && in_eq_in && q_same == '0,
             clk_i, rst_ni)
  // A lookup that compared in an invalidation's cycle and missed only because of it.
  `TLB_COVER(HitRetired_C, rl_hit && kill_q[rl_idx], clk_i, rst_ni)
  // ... a flash in its cycle voids it; an operation taken in its cycle voids it.
  `TLB_COVER(HitVoidedByFlash_C, rl_hit && lk_flash_q, clk_i, rst_ni)
  `TLB_COVER(HitVoidedByTake_C, rl_hit && (lk_tk_any_q || (!rl_g && lk_tk_asid_q)), clk_i,
             rst_ni)
  // The sweeper: it retires entries, a 4 KiB one and a superpage; a lookup hits an entry it
  // has yet to reach and is voided; it takes the next operation in its tail; an
  // operation finds it busy with another scope and flashes every entry instead.
  `TLB_COVER(SweepRetires_C, (sw_kill_q[Entries-1:0] & valid[Entries-1:0]) != '0, clk_i, rst_ni)
  `TLB_COVER(SweepRetiresSuper_C, (sw_kill_q[N-1:Entries] & valid[N-1:Entries]) != '0, clk_i,
             rst_ni)
  // An install into a slot whose old entry the sweep matched, in the compare's cycle or the
  // kill's (the new entry is spared).
  `TLB_COVER(SweepSparesInstall_C, (sw_kill_q & (ins_slot_q | install_slot)) != '0, clk_i,
             rst_ni)
  `TLB_COVER(HitVoided_C, hit_void && rl_hit && !kill_q[rl_idx], clk_i, rst_ni)
  `TLB_COVER(SweepTakesNext_C, take && p_valid_q && p_done, clk_i, rst_ni)
  `TLB_COVER(SweepMerges_C, merge, clk_i, rst_ni)
  `TLB_COVER(SweepBusyFlashes_C, in_swept && !take && !load_q, clk_i, rst_ni)
  // An ASID-scoped kind of another ASID queued beside the pending one; a hit voided by it.
  `TLB_COVER(SweepQueuesAsid_C, load_q, clk_i, rst_ni)
  `TLB_COVER(SweepQueueFull_C, q_valid_q == '1, clk_i, rst_ni)
  `TLB_COVER(SweepQueueFullFlashes_C, in_swept && !take && !in_any && !load_q, clk_i, rst_ni)
  `TLB_COVER(HitVoidedByQueue_C, rl_hit && lk_q_q && !rl_g, clk_i, rst_ni)
  // A lookup matches a 4 KiB way and a superpage (the multi-hit rule picks the way).
  `TLB_COVER(TwoSizesHit_C, lookup_valid_i && way_hit != '0 && sup_hit != '0, clk_i, rst_ni)
  // An install evicts a valid entry: a 4 KiB one (its set full) and a superpage.
  `TLB_COVER(InstallEvicts_C, ins_4k && valid[install_idx], clk_i, rst_ni)
  `TLB_COVER(InstallEvictsSuper_C, ins_sup && valid[install_idx], clk_i, rst_ni)
  `TLB_COVER(InstallDropsOverlap_C, (install_overlap & valid) != '0, clk_i, rst_ni)
  `TLB_COVER(InstallKilled_C, install_valid_i && install_killed, clk_i, rst_ni)

endmodule : tlb_l1
