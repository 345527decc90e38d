// SPDX-License-Identifier: Apache-2.0
// What the timing harnesses (fpga/tlb_timing_top.sv, tlb_timing_core.sv, tlb_timing_dir.sv)
// share: the stimulus that drives the unit under test (this file) and the sink that keeps
// its outputs (tlb_timing_sink.sv).
// Every input bit is a flip-flop of one long shift register fed by a free-running 64-bit
// LFSR, so inputs change every cycle and each is driven from next to where it is used (a few
// LFSR bits driving every input made routing, not logic, the limit); every output bit goes
// to a flip-flop of its own, chained by an XOR with its neighbour, so synthesis keeps all of
// them and the logic behind them, and place and route times every path register to register.

/// Reset (held for 16 cycles after configuration) and `Width` pseudo-random input bits.
module tlb_timing_stim #(
  parameter int unsigned Width = 2
) (
  input  logic             clk_i,   ///< board clock
  output logic             rst_no,  ///< reset for the unit, active low
  output logic [Width-1:0] in_o     ///< its inputs, one flip-flop each
);
  logic [4:0] rst_cnt_q = '0;
  always_ff @(posedge clk_i) if (!rst_cnt_q[4]) rst_cnt_q <= rst_cnt_q + 5'd1;
`ifdef TLB_ECP5_GBUF
  // On the ECP5 the reset reaches every register's asynchronous reset through a global
  // network (fpga/tlb_ecp5_gbuf.v), as a board's reset would: nextpnr promotes only clocks,
  // and a reset routed as a plain net to thousands of registers measured the harness, not
  // the unit (docs/fpga.md, fifteenth session). The network carries the reset active high,
  // as the flip-flops' LSR pins take it: the unit's active-low rst_ni is its inverse, which
  // synthesis cancels against the inversion in front of every LSR. Carried active low, the
  // network reached one LUT, that inverter, and the inverted reset went to every flip-flop
  // on general routing (docs/fpga.md, twenty-seventh session).
  logic rst_g;
  tlb_ecp5_gbuf u_rst_gbuf (.i(!rst_cnt_q[4]), .o(rst_g));
  assign rst_no = !rst_g;
`else
  assign rst_no = rst_cnt_q[4];
`endif

  logic [63:0] lfsr_q = 64'h1;
  always_ff @(posedge clk_i) begin
    lfsr_q <= {lfsr_q[62:0], lfsr_q[63] ^ lfsr_q[62] ^ lfsr_q[60] ^ lfsr_q[59]};
  end

  logic [Width-1:0] in_q = '0;
  always_ff @(posedge clk_i) in_q <= {in_q[Width-2:0], lfsr_q[63] ^ lfsr_q[31]};
  assign in_o = in_q;
endmodule : tlb_timing_stim
