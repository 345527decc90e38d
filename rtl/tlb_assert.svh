// Small assertion macros in the style of lowRISC's prim_assert.sv. Active in every Verilator
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
`else
`define TLB_ASSERT(name, prop, clk, rst_n)
`define TLB_ASSERT_KNOWN(name, sig, clk, rst_n)
`endif

`endif
