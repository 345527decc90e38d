// Timing and area harness for tlb_directory alone, built like tlb_timing_top: every input
// bit (the agents' requests, commands, contexts and acks) is a flip-flop of a shift register
// fed by an LFSR, every output bit goes to a flip-flop of its own. Times the directory's
// decision paths without the cores, in minutes (fpga/timing.sh --unit directory).
module tlb_timing_dir #(
  parameter int unsigned NumCores = 4
) (
  input  logic clk_i,   ///< board clock
  output logic led_o    ///< the folded outputs
);
  import tlb_pkg::*;

  logic [4:0] rst_cnt_q = '0;
  logic       rst_n;
  always_ff @(posedge clk_i) if (!rst_cnt_q[4]) rst_cnt_q <= rst_cnt_q + 5'd1;
  assign rst_n = rst_cnt_q[4];

  logic [63:0] lfsr_q = 64'h1;
  always_ff @(posedge clk_i) lfsr_q <= {lfsr_q[62:0], lfsr_q[63] ^ lfsr_q[62] ^ lfsr_q[60] ^ lfsr_q[59]};

  localparam int unsigned CmdW = $bits(dir_cmd_t);
  localparam int unsigned InW = 1 + CmdW + 1 + AsidW + 1 + 1 + CoreIdxW + 1;
  logic [NumCores*InW-1:0] in_q = '0;
  always_ff @(posedge clk_i) in_q <= {in_q[NumCores*InW-2:0], lfsr_q[63] ^ lfsr_q[31]};

  logic     [NumCores-1:0]               req, cur_valid, lazy, ack, ack_rel, quiet;
  dir_cmd_t [NumCores-1:0]               cmd;
  logic     [NumCores-1:0][AsidW-1:0]    cur_asid;
  logic     [NumCores-1:0][CoreIdxW-1:0] ack_init;
  for (genvar c = 0; c < NumCores; c++) begin : gen_in
    assign {req[c], cmd[c], cur_valid[c], cur_asid[c], lazy[c], ack[c], ack_init[c], ack_rel[c]}
      = in_q[c*InW +: InW];
  end

  bus_msg_t bus;
  logic [CntW-1:0] cnt [6];

  tlb_directory #(
    .NumCores (NumCores)
  ) u_dir (
    .clk_i              (clk_i),
    .rst_ni             (rst_n),
    .req_i              (req),
    .cmd_i              (cmd),
    .cur_valid_i        (cur_valid),
    .cur_asid_i         (cur_asid),
    .lazy_i             (lazy),
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
  logic [OutW-1:0] outs, out_q = '0;
  assign outs = {bus, quiet, cnt[0], cnt[1], cnt[2], cnt[3], cnt[4], cnt[5]};
  always_ff @(posedge clk_i) out_q <= outs ^ {out_q[OutW-2:0], 1'b0};
  assign led_o = out_q[OutW-1];

endmodule : tlb_timing_dir
