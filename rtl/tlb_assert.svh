// SPDX-License-Identifier: Apache-2.0
// Small assertion and coverage macros in the style of lowRISC's prim_assert.sv. Active in every Verilator
// run (Verilator checks immediate and simple concurrent assertions by default); define
// TLB_NO_ASSERT to compile them out (synthesis never sees them: yosys ignores them too).
`ifndef TLB_ASSERT_SVH
`define TLB_ASSERT_SVH

`ifndef TLB_NO_ASSERT
// Checked on every rising clock edge while out of reset.
`define TLB_ASSERT(name, prop, clk, rst_n) \
  name: assert property (@(posedge clk) disable iff (!(rst_n)) (prop)) \
    else $error("assertion %s failed", `"name`");
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
`define TLB_ASSERT_KNOWN(name, sig, clk, rst_n)
`define TLB_COVER(name, prop, clk, rst_n)
`define TLB_COVER_KINDS(name, kind, prop, clk, rst_n)
`endif

`endif
