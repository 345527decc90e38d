// SPDX-License-Identifier: Apache-2.0
// UART transmitter, 8N1: one start bit, eight data bits LSB first, one stop bit.
// `ClksPerBit` is the clock frequency divided by the baud rate (868 for 115200 at 100 MHz).
module tlb_uart_tx #(
  parameter int unsigned ClksPerBit = 868
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       valid_i,  ///< send data_i (taken when ready_o)
  output logic       ready_o,  ///< idle: the line is at the stop level
  input  logic [7:0] data_i,
  output logic       tx_o      ///< serial line, idle high
);
  localparam int unsigned CntW = $clog2(ClksPerBit + 1);

  logic [9:0]      shift_q;  // stop, data[7:0], start: bit 0 is on the line
  logic [3:0]      bits_q;   // bits left to send, 0 when idle
  logic [CntW-1:0] cnt_q;    // clocks left in the current bit

  assign ready_o = bits_q == '0;
  assign tx_o    = ready_o || shift_q[0];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      shift_q <= '1;
      bits_q  <= '0;
      cnt_q   <= '0;
    end else if (ready_o) begin
      if (valid_i) begin
        shift_q <= {1'b1, data_i, 1'b0};
        bits_q  <= 4'd10;
        cnt_q   <= CntW'(ClksPerBit - 1);
      end
    end else if (cnt_q == '0) begin
      shift_q <= {1'b1, shift_q[9:1]};
      bits_q  <= bits_q - 4'd1;
      cnt_q   <= CntW'(ClksPerBit - 1);
    end else begin
      cnt_q <= cnt_q - CntW'(1);
    end
  end

  if (ClksPerBit < 2) begin : gen_bad_div
    $error("tlb_uart_tx: ClksPerBit must be at least 2");
  end

endmodule : tlb_uart_tx
