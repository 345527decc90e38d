// SPDX-License-Identifier: Apache-2.0
// Timing and area harness for tlb_system (not the board self-test): every input of the
// system is a flip-flop of a long shift register fed by a free-running 64-bit LFSR, every
// output goes to a flip-flop of its own (fpga/tlb_timing_sink.sv), so synthesis keeps all the
// logic at full width and place-and-route times every path from register to register. Used by fpga/timing.sh for
// the Fmax and area table in docs/fpga.md.
module tlb_timing_top #(
  parameter int unsigned NumCores = 4,
  parameter int unsigned Entries  = 32,
  parameter int unsigned HitLatency = 1
) (
  input  logic clk_i,   ///< board clock
  output logic led_o    ///< the folded outputs
);
  import tlb_pkg::*;

  // Every input bit of every core, a flip-flop of its own (fpga/tlb_timing_stim.sv).
  localparam int unsigned InW = 1 + 1 + 64 + 2 + 1 + 1 + 1 + 1 + 1 + 64 + 1 + 3 + 3 + 16 + 64
                                + 16 + 44 + 2;
  logic       rst_n;
  logic [NumCores*InW-1:0] in_q;
  tlb_timing_stim #(.Width(NumCores*InW)) u_stim (.clk_i(clk_i), .rst_no(rst_n), .in_o(in_q));

  logic [NumCores-1:0]                  core_rst, req_valid, req_ready, req_priv_u, sum, mxr;
  logic [NumCores-1:0][63:0]            req_vaddr, cmd_vaddr;
  logic [NumCores-1:0][1:0]             req_access, cmd_pm;
  logic [NumCores-1:0]                  resp_valid, resp_fault, resp_hit;
  logic [NumCores-1:0][PaW-1:0]         resp_paddr, mem_req_addr;
  logic [NumCores-1:0]                  mem_req_valid, mem_req_ready, mem_resp_valid,
                                        mem_resp_ready;
  logic [NumCores-1:0][63:0]            mem_resp_data;
  logic [NumCores-1:0]                  cmd_valid, cmd_ready, cmd_done, cmd_error;
  logic [NumCores-1:0][2:0]             cmd_op, cmd_kind;
  logic [NumCores-1:0][15:0]            cmd_asid, cur_asid;
  logic [NumCores-1:0][15:0]            cmd_npages;
  logic [NumCores-1:0][43:0]            cmd_root;
  logic [NumCores-1:0]                  cur_valid, lazy, walk_restart;
  logic [31:0] cnt [7];

  for (genvar c = 0; c < NumCores; c++) begin : gen_in
    assign {core_rst[c], req_valid[c], req_vaddr[c], req_access[c], req_priv_u[c], sum[c], mxr[c],
            mem_req_ready[c], mem_resp_valid[c], mem_resp_data[c], cmd_valid[c], cmd_op[c],
            cmd_kind[c], cmd_asid[c], cmd_vaddr[c], cmd_npages[c], cmd_root[c], cmd_pm[c]}
      = in_q[c*InW +: InW];
  end

  tlb_system #(
    .NumCores   (NumCores),
    .Entries    (Entries),
    .HitLatency (HitLatency)
  ) u_sys (
    .clk_i              (clk_i),
    .rst_ni             (rst_n),
    .core_rst_i         (core_rst),
    .ctx_sum_i          (sum),
    .ctx_mxr_i          (mxr),
    .req_valid_i        (req_valid),
    .req_ready_o        (req_ready),
    .req_vaddr_i        (req_vaddr),
    .req_access_i       (req_access),
    .req_priv_u_i       (req_priv_u),
    .resp_valid_o       (resp_valid),
    .resp_paddr_o       (resp_paddr),
    .resp_fault_o       (resp_fault),
    .resp_hit_o         (resp_hit),
    .mem_req_valid_o    (mem_req_valid),
    .mem_req_ready_i    (mem_req_ready),
    .mem_req_addr_o     (mem_req_addr),
    .mem_resp_valid_i   (mem_resp_valid),
    .mem_resp_ready_o   (mem_resp_ready),
    .mem_resp_data_i    (mem_resp_data),
    .cmd_valid_i        (cmd_valid),
    .cmd_ready_o        (cmd_ready),
    .cmd_op_i           (cmd_op),
    .cmd_kind_i         (cmd_kind),
    .cmd_asid_i         (cmd_asid),
    .cmd_vaddr_i        (cmd_vaddr),
    .cmd_npages_i       (cmd_npages),
    .cmd_root_i         (cmd_root),
    .cmd_pm_i           (cmd_pm),
    .cmd_done_o         (cmd_done),
    .cmd_error_o        (cmd_error),
    .cur_valid_o        (cur_valid),
    .cur_asid_o         (cur_asid),
    .lazy_o             (lazy),
    .walk_restart_o     (walk_restart),
    .cnt_posted_o       (cnt[0]),
    .cnt_targets_o      (cnt[1]),
    .cnt_skipped_o      (cnt[2]),
    .cnt_catchup_log_o  (cnt[3]),
    .cnt_catchup_full_o (cnt[4]),
    .cnt_errors_o       (cnt[5]),
    .cnt_stall_o        (cnt[6])
  );

  // Every output bit, into a flip-flop of its own.
  localparam int unsigned OutW = NumCores * (1 + 1 + PaW + 1 + 1 + 1 + PaW + 1 + 1 + 1 + 1 + 1 + 16
                                             + 1 + 1) + 7 * 32;
  logic [OutW-1:0] outs;
  assign outs = {req_ready, resp_valid, resp_paddr, resp_fault, resp_hit, mem_req_valid,
                 mem_req_addr, mem_resp_ready, cmd_ready, cmd_done, cmd_error, cur_valid,
                 cur_asid, lazy, walk_restart, cnt[0], cnt[1], cnt[2], cnt[3], cnt[4], cnt[5],
                 cnt[6]};
  tlb_timing_sink #(.Width(OutW)) u_sink (.clk_i(clk_i), .outs_i(outs), .led_o(led_o));

endmodule : tlb_timing_top
