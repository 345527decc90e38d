// SPDX-License-Identifier: Apache-2.0
// Small assertion and coverage macros in the style of lowRISC's prim_assert.sv. Active in every Verilator
// run; define TLB_NO_ASSERT to compile them out (synthesis and the formal proofs do).
//
// The assertions are immediate assertions in a clocked block, checked at each rising edge
// on the values the design's registers load from (what a concurrent assertion's sampled
// values are when the inputs settle before the edge). They are not concurrent assertions
// because Verilator takes a concurrent assertion's sampled values at the start of each
// evaluation, before the logic fed by new inputs settles: that needs the inputs applied in
// an evaluation of their own ahead of the edge, two evaluations a cycle. These need one
// (docs/perf.md). A check across cycles names its registers: TLB_ASSERT_NEXT registers the
// antecedent (`ante |=> prop`), TLB_PAST keeps a signal's value from the edge before
// (`$past`). Covers stay concurrent: only coverage builds count them, and those evaluate
// twice a cycle (harness/src/rtl.rs).
`ifndef TLB_ASSERT_SVH
`define TLB_ASSERT_SVH

`ifndef TLB_NO_ASSERT
// Checked on every rising clock edge while out of reset.
`define TLB_ASSERT(name, prop, clk, rst_n) \
  always_ff @(posedge clk or negedge rst_n) if (rst_n) begin \
    name: assert (prop) else $error("assertion %s failed", `"name`"); \
  end
// name: sig as it was at the edge before (`$past(sig)`; zero after reset).
`define TLB_PAST(name, sig, clk, rst_n) \
  var type(sig) name; \
  always_ff @(posedge clk or negedge rst_n) begin \
    if (!(rst_n)) name <= '0; \
    else          name <= (sig); \
  end
// prop holds at the edge after every edge where ante held (`ante |=> prop`), out of reset:
// the antecedent's past value, kept in name_q.
`define TLB_ASSERT_NEXT(name, ante, prop, clk, rst_n) \
  `TLB_PAST(name``_q, (ante), clk, rst_n) \
  `TLB_ASSERT(name, !name``_q || (prop), clk, rst_n)
// No X or Z on a signal after reset (meaningful in 4-state simulators; Verilator is 2-state).
`define TLB_ASSERT_KNOWN(name, sig, clk, rst_n) \
  `TLB_ASSERT(name, !$isunknown(sig), clk, rst_n)
// A functional coverage point: counted on every rising edge where prop holds, out of reset.
// Only coverage builds count them (`--coverage-user`, scripts/coverage.sh); the list and
// what each one means are in docs/verification.md.
`define TLB_COVER(name, prop, clk, rst_n) \
  name: cover property (@(posedge clk) disable iff (!(rst_n)) (prop));
// One cover per invalidation kind (inval_kind_e): name_InvAll_C ... name_InvRangeAsid_C,
// each counted where prop holds and kind has that value. (Not a generate loop: Verilator
// merges the points of every loop iteration into one when it writes its counts.)
`define TLB_COVER_KINDS(name, kind, prop, clk, rst_n) \
  `TLB_COVER(name``_InvAll_C, (kind) == 3'd0 && (prop), clk, rst_n) \
  `TLB_COVER(name``_InvAsid_C, (kind) == 3'd1 && (prop), clk, rst_n) \
  `TLB_COVER(name``_InvVa_C, (kind) == 3'd2 && (prop), clk, rst_n) \
  `TLB_COVER(name``_InvVaAsid_C, (kind) == 3'd3 && (prop), clk, rst_n) \
  `TLB_COVER(name``_InvRangeAsid_C, (kind) == 3'd4 && (prop), clk, rst_n)
`else
`define TLB_ASSERT(name, prop, clk, rst_n)
`define TLB_PAST(name, sig, clk, rst_n)
`define TLB_ASSERT_NEXT(name, ante, prop, clk, rst_n)
`define TLB_ASSERT_KNOWN(name, sig, clk, rst_n)
`define TLB_COVER(name, prop, clk, rst_n)
`define TLB_COVER_KINDS(name, kind, prop, clk, rst_n)
`endif

`endif
