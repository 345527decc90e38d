// Timing and area harness for tlb_system (not the board self-test): every input of the
// system comes from a free-running 64-bit LFSR (sliced and rotated so no input is
// constant), every output is folded into one register, so synthesis keeps all the logic and
// place-and-route times every path from register to register. Used by fpga/timing.sh for
// the Fmax and area table in docs/fpga.md.
module tlb_timing_top #(
  parameter int unsigned NumCores = 4,
  parameter int unsigned Entries  = 32
) (
  input  logic clk_i,   ///< board clock
  output logic led_o    ///< the folded outputs
);
  import tlb_pkg::*;

  // Reset: held for 16 cycles after configuration.
  logic [4:0] rst_cnt_q = '0;
  logic       rst_n;
  always_ff @(posedge clk_i) if (!rst_cnt_q[4]) rst_cnt_q <= rst_cnt_q + 5'd1;
  assign rst_n = rst_cnt_q[4];

  logic [63:0] lfsr_q = 64'h1;
  always_ff @(posedge clk_i) lfsr_q <= {lfsr_q[62:0], lfsr_q[63] ^ lfsr_q[62] ^ lfsr_q[60] ^ lfsr_q[59]};

  function automatic logic [63:0] rot(logic [63:0] v, int unsigned k);
    return (v << (k % 64)) | (v >> ((64 - k % 64) % 64));
  endfunction

  logic [NumCores-1:0]                  req_valid, req_ready, req_priv_u, sum, mxr;
  logic [NumCores-1:0][63:0]            req_vaddr, cmd_vaddr;
  logic [NumCores-1:0][1:0]             req_access, cmd_pm;
  logic [NumCores-1:0]                  resp_valid, resp_fault, resp_hit;
  logic [NumCores-1:0][PaW-1:0]         resp_paddr, mem_req_addr;
  logic [NumCores-1:0]                  mem_req_valid, mem_req_ready, mem_resp_valid, mem_resp_ready;
  logic [NumCores-1:0][63:0]            mem_resp_data;
  logic [NumCores-1:0]                  cmd_valid, cmd_ready, cmd_done, cmd_error;
  logic [NumCores-1:0][2:0]             cmd_op, cmd_kind;
  logic [NumCores-1:0][15:0]            cmd_asid, cur_asid;
  logic [NumCores-1:0][15:0]            cmd_npages;
  logic [NumCores-1:0][43:0]            cmd_root;
  logic [NumCores-1:0]                  cur_valid, lazy, walk_restart;
  logic [31:0] cnt [7];

  for (genvar c = 0; c < NumCores; c++) begin : gen_in
    logic [63:0] r0, r1;
    assign r0 = rot(lfsr_q, 7 * c + 1);
    assign r1 = rot(lfsr_q, 13 * c + 29);
    assign req_valid[c]      = r0[0];
    assign req_vaddr[c]      = {{25{r0[38]}}, r0[38:0]};
    assign req_access[c]     = r1[1:0];
    assign req_priv_u[c]     = r1[2];
    assign sum[c]            = r1[3];
    assign mxr[c]            = r1[4];
    assign mem_req_ready[c]  = r1[5];
    assign mem_resp_valid[c] = r1[6];
    assign mem_resp_data[c]  = rot(lfsr_q, 3 * c + 5);
    assign cmd_valid[c]      = r1[7] & r1[8];
    assign cmd_op[c]         = r1[11:9];
    assign cmd_kind[c]       = r1[14:12];
    assign cmd_asid[c]       = {12'd0, r1[18:15]};
    assign cmd_vaddr[c]      = {25'd0, r1[63:25]};
    assign cmd_npages[c]     = r1[34:19];
    assign cmd_root[c]       = {r1[43:0]};
    assign cmd_pm[c]         = r1[45:44];
  end

  tlb_system #(
    .NumCores (NumCores),
    .Entries  (Entries)
  ) u_sys (
    .clk_i              (clk_i),
    .rst_ni             (rst_n),
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

  logic fold_q = 1'b0;
  always_ff @(posedge clk_i) begin
    fold_q <= ^{req_ready, resp_valid, resp_paddr, resp_fault, resp_hit, mem_req_valid,
                mem_req_addr, mem_resp_ready, cmd_ready, cmd_done, cmd_error, cur_valid,
                cur_asid, lazy, walk_restart, cnt[0], cnt[1], cnt[2], cnt[3], cnt[4], cnt[5],
                cnt[6]};
  end
  assign led_o = fold_q;

endmodule : tlb_timing_top
