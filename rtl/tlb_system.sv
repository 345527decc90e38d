// SPDX-License-Identifier: Apache-2.0
// The multi-core translation system: NumCores x (tlb_core + tlb_agent), and the directory
// that orders every shootdown, switch, attribute change and ASID release
// (docs/shootdown.md). Per-core ports are packed arrays indexed by core.
module tlb_system
  import tlb_pkg::*;
#(
  /// Number of cores, 2 to 16.
  parameter int unsigned NumCores = 4,
  /// L1 entries per core; a power of two from 2 to 64.
  parameter int unsigned Entries  = 32,
  /// ASID context slots per core, 1 to 8.
  parameter int unsigned Slots    = 4,
  /// Flush-log depth per ASID: 1, 2, 4 or 8.
  parameter int unsigned LogDepth = 4,
  /// Hardware ASIDs: a power of two from 2 to 4096.
  parameter int unsigned NumAsids = 16,
  /// A hit's answer latency in cycles, 1 or 2 (tlb_core; docs/timing.md).
  parameter int unsigned HitLatency = 1,
  /// The directory reads its memories a cycle ahead (1: block RAM or synchronous SRAM) or
  /// in the decision's cycle (0: LUT RAM); by default ahead above 64 ASIDs (tlb_directory).
  parameter bit          ReadAhead = NumAsids > 64
) (
  input  logic                                 clk_i,             ///< clock
  input  logic                                 rst_ni,            ///< async reset, active low
  /// Core c's own reset: synchronous, active high, acting at the end of each cycle it is
  /// high; the core empties its TLB, abandons its walk, requests and command, loads no
  /// context, and the directory forgets it; acknowledgements are neither lost nor doubled
  /// (docs/shootdown.md, "Core reset"). Tie to zero if unused.
  input  logic [NumCores-1:0]                  core_rst_i,
  // Translation, per core (as tlb_core; the ASID and root come from the agent).
  input  logic [NumCores-1:0]                  ctx_sum_i,         ///< sstatus.SUM of core c
  input  logic [NumCores-1:0]                  ctx_mxr_i,         ///< sstatus.MXR of core c
  input  logic [NumCores-1:0]                  req_valid_i,       ///< core c requests a translation
  output logic [NumCores-1:0]                  req_ready_o,       ///< ... accepted this cycle
  input  logic [NumCores-1:0][VaW-1:0]         req_vaddr_i,       ///< its virtual address (64 bits)
  input  logic [NumCores-1:0][1:0]             req_access_i,      ///< access_e: load, store, fetch
  input  logic [NumCores-1:0]                  req_priv_u_i,      ///< 1: U-mode, 0: S-mode
  output logic [NumCores-1:0]                  resp_valid_o,      ///< an answer, in order
  output logic [NumCores-1:0][PaW-1:0]         resp_paddr_o,      ///< physical address, 0 on fault
  output logic [NumCores-1:0]                  resp_fault_o,      ///< page fault
  output logic [NumCores-1:0]                  resp_hit_o,        ///< answered from the TLB
  // Page-table memory, per core.
  output logic [NumCores-1:0]                  mem_req_valid_o,   ///< PTE read request
  input  logic [NumCores-1:0]                  mem_req_ready_i,   ///< memory accepts it
  output logic [NumCores-1:0][PaW-1:0]         mem_req_addr_o,    ///< PTE address
  input  logic [NumCores-1:0]                  mem_resp_valid_i,  ///< PTE data valid (any latency)
  output logic [NumCores-1:0]                  mem_resp_ready_o,  ///< the walker takes it
  input  logic [NumCores-1:0][PteW-1:0]        mem_resp_data_i,   ///< PTE data
  // Commands, per core (docs/shootdown.md).
  input  logic [NumCores-1:0]                  cmd_valid_i,       ///< core c presents a command
  output logic [NumCores-1:0]                  cmd_ready_o,       ///< its agent takes it (idle)
  input  logic [NumCores-1:0][2:0]             cmd_op_i,          ///< cmd_op_e
  input  logic [NumCores-1:0][2:0]             cmd_kind_i,        ///< inval_kind_e (post)
  input  logic [NumCores-1:0][AsidW-1:0]       cmd_asid_i,        ///< ASID operand
  input  logic [NumCores-1:0][VaW-1:0]         cmd_vaddr_i,       ///< post: VA operand
  input  logic [NumCores-1:0][NpagesW-1:0]     cmd_npages_i,      ///< range: pages after the first
  input  logic [NumCores-1:0][PpnW-1:0]        cmd_root_i,        ///< set-attrs: root PPN
  input  logic [NumCores-1:0][1:0]             cmd_pm_i,          ///< set-attrs: pm_mode_e
  output logic [NumCores-1:0]                  cmd_done_o,        ///< the command completes
  output logic [NumCores-1:0]                  cmd_error_o,       ///< ... and was refused
  // Context, per core.
  output logic [NumCores-1:0]                  cur_valid_o,       ///< core c has an ASID loaded
  output logic [NumCores-1:0][AsidW-1:0]       cur_asid_o,        ///< the loaded ASID
  output logic [NumCores-1:0]                  lazy_o,            ///< ... lazily (a kernel thread)
  output logic [NumCores-1:0]                  walk_restart_o,    ///< a poisoned walk restarted
  // Event counters.
  output logic [CntW-1:0]                      cnt_posted_o,      ///< posts, set-attrs, releases
  output logic [CntW-1:0]                      cnt_targets_o,     ///< cores they were sent to
  output logic [CntW-1:0]                      cnt_skipped_o,     ///< cores a scoped post skipped
  output logic [CntW-1:0]                      cnt_catchup_log_o, ///< switches caught up by log
  output logic [CntW-1:0]                      cnt_catchup_full_o, ///< switches flushing the ASID
  output logic [CntW-1:0]                      cnt_errors_o,      ///< commands it refused
  output logic [CntW-1:0]                      cnt_stall_o        ///< core-cycles a request waited
);

  `include "tlb_assert.svh"

  bus_msg_t                         bus;
  logic     [NumCores-1:0]          dir_req, quiet, ack, ack_rel, switching, core_idle;
  dir_cmd_t [NumCores-1:0]          dir_cmd;
  logic     [NumCores-1:0][CoreIdxW-1:0] ack_init;
  logic     [NumCores-1:0][PpnW-1:0]     root;
  logic     [NumCores-1:0][1:0]          pm;
  logic     [NumCores-1:0]          core_ready;
  logic [CntW-1:0] cnt_stall_q;

  for (genvar c = 0; c < NumCores; c++) begin : gen_core
    dir_cmd_t           cmd;
    logic               inval_valid;
    logic [2:0]         inval_kind;
    logic [AsidW-1:0]   inval_asid;
    logic [VaW-1:0]     inval_vaddr;
    logic [NpagesW-1:0] inval_npages;
    logic [6:0]         valid_count;

    assign cmd = '{op: cmd_op_i[c], kind: cmd_kind_i[c], asid: cmd_asid_i[c],
                   vpn: cmd_vaddr_i[c][38:12], npages: cmd_npages_i[c], root: cmd_root_i[c],
                   pm: cmd_pm_i[c]};

    tlb_agent #(
      .Index (c)
    ) u_agent (
      .clk_i          (clk_i),
      .rst_ni         (rst_ni),
      .clr_i          (core_rst_i[c]),
      .cmd_valid_i    (cmd_valid_i[c]),
      .cmd_ready_o    (cmd_ready_o[c]),
      .cmd_i          (cmd),
      .cmd_done_o     (cmd_done_o[c]),
      .cmd_error_o    (cmd_error_o[c]),
      .dir_req_o      (dir_req[c]),
      .dir_cmd_o      (dir_cmd[c]),
      .bus_i          (bus),
      .quiet_i        (quiet[c]),
      .ack_o          (ack[c]),
      .ack_init_o     (ack_init[c]),
      .ack_rel_o      (ack_rel[c]),
      .core_idle_i    (core_idle[c]),
      .switching_o    (switching[c]),
      .cur_valid_o    (cur_valid_o[c]),
      .cur_asid_o     (cur_asid_o[c]),
      .lazy_o         (lazy_o[c]),
      .root_o         (root[c]),
      .pm_o           (pm[c]),
      .inval_valid_o  (inval_valid),
      .inval_kind_o   (inval_kind),
      .inval_asid_o   (inval_asid),
      .inval_vaddr_o  (inval_vaddr),
      .inval_npages_o (inval_npages)
    );

    tlb_core #(
      .Entries    (Entries),
      .HitLatency (HitLatency)
    ) u_core (
      .clk_i            (clk_i),
      .rst_ni           (rst_ni),
      .clr_i            (core_rst_i[c]),
      .ctx_asid_i       (cur_asid_o[c]),
      .ctx_root_ppn_i   (root[c]),
      .ctx_sum_i        (ctx_sum_i[c]),
      .ctx_mxr_i        (ctx_mxr_i[c]),
      .ctx_pm_i         (pm[c]),
      .req_valid_i      (req_valid_i[c] && !switching[c]),
      .req_ready_o      (core_ready[c]),
      .req_vaddr_i      (req_vaddr_i[c]),
      .req_access_i     (req_access_i[c]),
      .req_priv_u_i     (req_priv_u_i[c]),
      .resp_valid_o     (resp_valid_o[c]),
      .resp_paddr_o     (resp_paddr_o[c]),
      .resp_fault_o     (resp_fault_o[c]),
      .resp_hit_o       (resp_hit_o[c]),
      .inval_valid_i    (inval_valid),
      .inval_kind_i     (inval_kind),
      .inval_asid_i     (inval_asid),
      .inval_vaddr_i    (inval_vaddr),
      .inval_npages_i   (inval_npages),
      .mem_req_valid_o  (mem_req_valid_o[c]),
      .mem_req_ready_i  (mem_req_ready_i[c]),
      .mem_req_addr_o   (mem_req_addr_o[c]),
      .mem_resp_valid_i (mem_resp_valid_i[c]),
      .mem_resp_ready_o (mem_resp_ready_o[c]),
      .mem_resp_data_i  (mem_resp_data_i[c]),
      .walk_restart_o   (walk_restart_o[c]),
      .idle_o           (core_idle[c]),
      .valid_count_o    (valid_count)
    );

    assign req_ready_o[c] = core_ready[c] && !switching[c];

    // A core in reset holds no entry (no stale entry survives it), answers nothing, asks
    // memory for nothing and completes no command, from the cycle after the reset's first.
    `TLB_ASSERT_NEXT(ResetCoreSilent_A, core_rst_i[c], valid_count == '0 && !resp_valid_o[c] &&
                     !mem_req_valid_o[c] && !cmd_done_o[c] && !cur_valid_o[c] && !lazy_o[c],
                     clk_i, rst_ni)

    logic unused_valid_count;  // read only by the assertion above
    assign unused_valid_count = ^valid_count;
  end

  tlb_directory #(
    .NumCores (NumCores),
    .Slots    (Slots),
    .LogDepth (LogDepth),
    .NumAsids (NumAsids),
    .ReadAhead (ReadAhead)
  ) u_dir (
    .clk_i              (clk_i),
    .rst_ni             (rst_ni),
    .core_rst_i         (core_rst_i),
    .req_i              (dir_req),
    .cmd_i              (dir_cmd),
    .ack_i              (ack),
    .ack_init_i         (ack_init),
    .ack_rel_i          (ack_rel),
    .bus_o              (bus),
    .quiet_o            (quiet),
    .cnt_posted_o       (cnt_posted_o),
    .cnt_targets_o      (cnt_targets_o),
    .cnt_skipped_o      (cnt_skipped_o),
    .cnt_catchup_log_o  (cnt_catchup_log_o),
    .cnt_catchup_full_o (cnt_catchup_full_o),
    .cnt_errors_o       (cnt_errors_o)
  );

  // The directory decides on its own record of every core's context (ctx_*_q, written with
  // the bus message that changes it); an agent holds that context a cycle later, once it
  // has applied the message, unless the core was reset (then both hold none).
  for (genvar c = 0; c < NumCores; c++) begin : gen_ctx_check
`ifndef TLB_NO_ASSERT
    logic [AsidW+1:0] chk_ctx;  // the directory's record of the core's context, as the agent's
    assign chk_ctx = {u_dir.ctx_q[c].valid, AsidW'(u_dir.ctx_q[c].asid), u_dir.ctx_q[c].lazy};
`endif
    `TLB_PAST(chk_ctx_q, chk_ctx, clk_i, rst_ni)
    `TLB_PAST(chk_rst_q, core_rst_i[c], clk_i, rst_ni)
    `TLB_ASSERT(DirKnowsContext_A,
                {cur_valid_o[c], cur_asid_o[c], lazy_o[c]} == (chk_rst_q ? '0 : chk_ctx_q),
                clk_i, rst_ni)
  end

  // Core-cycles in which a translation request waited (walks, switches): the cores that
  // waited are registered (`stall_q`) and counted a cycle later, so that the count's sum
  // does not sit behind the cores' ready outputs.
  logic [NumCores-1:0] stall_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      stall_q     <= '0;
      cnt_stall_q <= '0;
    end else begin
      stall_q     <= req_valid_i & ~req_ready_o;
      cnt_stall_q <= cnt_stall_q + CntW'($countones(stall_q));
    end
  end
  assign cnt_stall_o = cnt_stall_q;

endmodule : tlb_system
