// SPDX-License-Identifier: Apache-2.0
// Timing and area harness for tlb_directory alone, built like tlb_timing_top: every input
// bit (the agents' requests, commands and acks) is a flip-flop of a shift register
// fed by an LFSR, every output bit goes to a flip-flop of its own. Times the directory's
// decision paths without the cores, in minutes (fpga/timing.sh --unit directory).
module tlb_timing_dir #(
  parameter int unsigned NumCores = 4,
  parameter int unsigned NumAsids = 16
) (
  input  logic clk_i,   ///< board clock
  output logic led_o    ///< the folded outputs
);
  import tlb_pkg::*;

  localparam int unsigned CmdW = $bits(dir_cmd_t);
  localparam int unsigned InW = 1 + 1 + CmdW + 1 + CoreIdxW + 1;
  logic       rst_n;
  logic [NumCores*InW-1:0] in_q;
  tlb_timing_stim #(.Width(NumCores*InW)) u_stim (.clk_i(clk_i), .rst_no(rst_n), .in_o(in_q));

  logic     [NumCores-1:0]               core_rst, req, ack, ack_rel, quiet;
  dir_cmd_t [NumCores-1:0]               cmd;
  logic     [NumCores-1:0][CoreIdxW-1:0] ack_init;
  for (genvar c = 0; c < NumCores; c++) begin : gen_in
    assign {core_rst[c], req[c], cmd[c], ack[c], ack_init[c], ack_rel[c]} = in_q[c*InW +: InW];
  end

  bus_msg_t bus;
  logic [CntW-1:0] cnt [6];

  tlb_directory #(
    .NumCores (NumCores),
    .NumAsids (NumAsids)
  ) u_dir (
    .clk_i              (clk_i),
    .rst_ni             (rst_n),
    .core_rst_i         (core_rst),
    .req_i              (req),
    .cmd_i              (cmd),
    .ack_i              (ack),
    .ack_init_i         (ack_init),
    .ack_rel_i          (ack_rel),
    .bus_o              (bus),
    .quiet_o            (quiet),
    .cnt_posted_o       (cnt[0]),
    .cnt_targets_o      (cnt[1]),
    .cnt_skipped_o      (cnt[2]),
    .cnt_catchup_log_o  (cnt[3]),
    .cnt_catchup_full_o (cnt[4]),
    .cnt_errors_o       (cnt[5])
  );

  localparam int unsigned OutW = $bits(bus_msg_t) + NumCores + 6 * CntW;
  logic [OutW-1:0] outs;
  assign outs = {bus, quiet, cnt[0], cnt[1], cnt[2], cnt[3], cnt[4], cnt[5]};
  tlb_timing_sink #(.Width(OutW)) u_sink (.clk_i(clk_i), .outs_i(outs), .led_o(led_o));

endmodule : tlb_timing_dir
