// SPDX-License-Identifier: Apache-2.0
// Reference rules for the formal proofs, written from the contract (docs/architecture.md,
// "Invalidation" and "Match"), independently of the RTL's own functions in tlb_l1/tlb_core,
// so that a proof compares the RTL against the documented rule, not against itself.
package fv_spec;
  import tlb_pkg::*;

  // An invalidation as it travels on the bus / the core's invalidation port.
  typedef struct packed {
    logic [2:0]         kind;
    logic [AsidW-1:0]   asid;
    logic [VpnW-1:0]    vpn;
    logic [NpagesW-1:0] npages;
  } inval_t;

  // The invalidation a core applies, read from its registers (tlb_core's inv_*_q: the range's
  // last page instead of its length, from which npages is recovered).
  function automatic inval_t from_core_regs(logic [2:0] kind, logic [AsidW-1:0] asid,
                                            logic [VpnW-1:0] vpn, logic [VpnW:0] last);
    return '{kind: kind, asid: asid, vpn: vpn, npages: NpagesW'(last - {1'b0, vpn})};
  endfunction

  // First and last 4 KiB page of an entry (its page range), 28 bits so nothing wraps.
  function automatic logic [VpnW:0] first_page(tlb_entry_t e);
    unique case (e.level)
      Page2M:  return {1'b0, e.vpn[26:9], 9'd0};
      Page1G:  return {1'b0, e.vpn[26:18], 18'd0};
      default: return {1'b0, e.vpn};
    endcase
  endfunction
  function automatic logic [VpnW:0] last_page(tlb_entry_t e);
    unique case (e.level)
      Page2M:  return {1'b0, e.vpn[26:9], 9'h1ff};
      Page1G:  return {1'b0, e.vpn[26:18], 18'h3ffff};
      default: return {1'b0, e.vpn};
    endcase
  endfunction

  // The table of docs/architecture.md, "Invalidation": does invalidation `i` drop entry `e`?
  function automatic logic spec_drops(tlb_entry_t e, inval_t i);
    logic own, covers, range;
    own    = !e.g && e.asid == i.asid;
    covers = first_page(e) <= {1'b0, i.vpn} && {1'b0, i.vpn} <= last_page(e);
    range  = first_page(e) <= {1'b0, i.vpn} + 28'(i.npages) && last_page(e) >= {1'b0, i.vpn};
    unique case (i.kind)
      3'd1:    return own;
      3'd2:    return covers;
      3'd3:    return own && covers;
      3'd4:    return own && range;
      default: return 1'b1;   // 0 all, 5..7 act as all
    endcase
  endfunction

  // Does the L1's pending (swept) invalidation match entry `e` (tlb_l1's pend_hits): any
  // ASID or `asid`'s non-global entries, over the pages [vpn, last].
  function automatic logic pend_matches(tlb_entry_t e, logic any, logic [AsidW-1:0] asid,
                                        logic [VpnW-1:0] vpn, logic [VpnW:0] last);
    return (any || (!e.g && e.asid == asid)) && first_page(e) <= last &&
           last_page(e) >= {1'b0, vpn};
  endfunction

  // Does the L1's queue of ASID flushes match entry `e` (tlb_l1's `q_*_q`, L1Queue slots):
  // the non-global entries of a valid slot's ASID, every page.
  function automatic logic queue_matches(tlb_entry_t e, logic [L1Queue-1:0] q_valid,
                                         logic [L1Queue-1:0][AsidW-1:0] asid);
    logic m;
    m = 1'b0;
    for (int unsigned i = 0; i < L1Queue; i++) m = m || (q_valid[i] && e.asid == asid[i]);
    return m && !e.g;
  endfunction

  // Is `i` ASID-scoped (kinds 1, 3, 4: global entries survive it)?
  function automatic logic scoped(logic [2:0] kind);
    return kind == 3'd1 || kind == 3'd3 || kind == 3'd4;
  endfunction

  // Does applying `j` drop at least every entry `i` drops (j "covers" i)?
  // Exact copy, an "all" kind, or a flush of i's ASID when i is ASID-scoped.
  function automatic logic covers_inval(inval_t j, inval_t i);
    if (j == i) return 1'b1;
    if (!(j.kind inside {3'd1, 3'd2, 3'd3, 3'd4})) return 1'b1;
    if (j.kind == 3'd1 && scoped(i.kind) && j.asid == i.asid) return 1'b1;
    return 1'b0;
  endfunction

  // Two entries can match one lookup (same ASID or either global, and a common page).
  function automatic logic same_lookup(tlb_entry_t a, tlb_entry_t b);
    return (a.g || b.g || a.asid == b.asid) &&
           first_page(a) <= last_page(b) && first_page(b) <= last_page(a);
  endfunction

  // An entry is well formed: a real page size and a VPN aligned to it.
  function automatic logic well_formed(tlb_entry_t e);
    unique case (e.level)
      Page4K:  return 1'b1;
      Page2M:  return e.vpn[8:0] == '0;
      Page1G:  return e.vpn[17:0] == '0;
      default: return 1'b0;
    endcase
  endfunction

endpackage : fv_spec
