// SPDX-License-Identifier: Apache-2.0
// On-chip self-test of tlb_system, the same on every board (docs/fpga.md, "Self-test").
//
// Four processes (ASIDs 1..4) share one small Sv39 address space shape: 16 pages at
// VA 0x0000..0xf000, each a leaf of a three-level table held in registers. Every core runs
// a pseudo-random program: translations of its current process's pages, context switches,
// lazy (kernel-thread) periods, attribute changes, and edits of the pages it owns
// (page p is owned by core p mod NumCores, in every process), each edit followed by a
// shootdown (POST, then SYNC) from that core, so several cores shoot down at once.
//
// Each edit gives the page a new version (mapped or not); a mapped leaf's frame number
// encodes (process, page, version), so a translation says which version it came from.
// When the owner's SYNC completes the version becomes the page's minimum: the checker
// fails any translation accepted after that which returns an older version, a frame of
// another page or process, a fault where every allowed version is mapped, or any refused
// command. That is the central property: no translation from a mapping removed before a
// completed sync.
//
// `fault_i` (a button on the boards, a debug input in simulation) makes initiators skip
// their POST, so stale entries survive a "completed" shootdown and the checker must fail.
module tlb_selftest
  import tlb_pkg::*;
#(
  parameter int unsigned NumCores     = 4,
  parameter int unsigned Entries      = 32,
  parameter int unsigned Slots        = 4,
  parameter int unsigned LogDepth     = 4,
  /// A hit's answer latency, 1 or 2 cycles (tlb_core; the generator waits for each answer).
  parameter int unsigned HitLatency   = 1,
  /// Clock frequency in Hz: sets the UART bit time and, by default, the status period.
  parameter int unsigned ClkHz        = 100_000_000,
  parameter int unsigned Baud         = 115_200,
  /// Cycles between status lines; 0 means ClkHz (one line a second).
  parameter int unsigned StatusCycles = 0,
  parameter logic [31:0] Seed         = 32'h1
) (
  input  logic        clk_i,
  input  logic        rst_ni,           ///< async reset, active low
  input  logic        fault_i,          ///< debug: drop every shootdown's POST
  output logic        uart_tx_o,        ///< 8N1 status line every StatusCycles
  output logic        led_heartbeat_o,  ///< toggles every half status period
  output logic        led_pass_o,       ///< running, translations checked, no failure
  output logic        led_fail_o,       ///< a check failed (sticky until reset)
  output logic [31:0] checks_o,         ///< translations checked
  output logic [31:0] hits_o,           ///< ... of which TLB hits
  output logic [31:0] faults_o,         ///< ... of which page faults (all legal)
  output logic [31:0] shootdowns_o,     ///< edits whose shootdown completed
  output logic [31:0] fails_o,          ///< failed checks
  output logic [31:0] fail_info_o       ///< the first failure (see below)
);
  localparam int unsigned NProc   = 4;    // processes, ASIDs 1..NProc
  localparam int unsigned Pages   = 16;   // pages per process
  localparam int unsigned NPage   = NProc * Pages;
  localparam int unsigned VerW    = 8;    // version width in the tables
  localparam int unsigned Period  = StatusCycles == 0 ? ClkHz : StatusCycles;
  localparam logic [PpnW-1:0] RootBase = PpnW'('h100);  // root table of process i
  localparam logic [PpnW-1:0] MidBase  = PpnW'('h200);  // level-1 table
  localparam logic [PpnW-1:0] LeafBase = PpnW'('h300);  // level-0 table
  localparam logic [PpnW-11:0] DataTag = (PpnW - 10)'(1);  // frames: {DataTag, i, p, ver[3:0]}

  // Failure reasons, in fail_info_o[3:0].
  localparam logic [3:0] FailFrame   = 4'd1;  // frame of another page or process, or bad offset
  localparam logic [3:0] FailStale   = 4'd2;  // a version older than the completed sync allows
  localparam logic [3:0] FailUnmap   = 4'd3;  // a translation from a version that was unmapped
  localparam logic [3:0] FailFault   = 4'd4;  // a fault while every allowed version is mapped
  localparam logic [3:0] FailRefused = 4'd5;  // a command refused (never issued by design)

  // ---------------------------------------------------------------------------------------
  // The page tables: per (process, page) the current version, the minimum version a
  // translation may still return, and which of the last 16 versions were unmapped.
  logic [NPage-1:0][VerW-1:0] ver_q, minv_q;
  logic [NPage-1:0][15:0]     unmapped_q;
  // unmapped_q[idx][ver_q[idx][3:0]], kept as its own bit (the same edit writes both) so
  // that the memory's PTE read selects one bit per page instead of a version's bit of a row.
  logic [NPage-1:0]           cur_unm_q;

  // ---------------------------------------------------------------------------------------
  // tlb_system and its per-core signals.
  logic [NumCores-1:0]              req_valid, req_ready, resp_valid, resp_fault, resp_hit;
  logic [NumCores-1:0][VaW-1:0]     req_vaddr, cmd_vaddr;
  logic [NumCores-1:0][1:0]         req_access, cmd_pm;
  logic [NumCores-1:0][PaW-1:0]     resp_paddr, mem_req_addr;
  logic [NumCores-1:0]              mem_req_valid, mem_req_ready, mem_resp_valid, mem_resp_ready;
  logic [NumCores-1:0][PteW-1:0]    mem_resp_data;
  logic [NumCores-1:0]              cmd_valid, cmd_ready, cmd_done, cmd_error;
  logic [NumCores-1:0][2:0]         cmd_op, cmd_kind;
  logic [NumCores-1:0][AsidW-1:0]   cmd_asid, cur_asid;
  logic [NumCores-1:0][NpagesW-1:0] cmd_npages;
  logic [NumCores-1:0][PpnW-1:0]    cmd_root;
  logic [NumCores-1:0]              cur_valid, lazy, walk_restart;
  logic [CntW-1:0] cnt_posted, cnt_targets, cnt_skipped, cnt_log, cnt_full, cnt_errors, cnt_stall;

  tlb_system #(
    .NumCores   (NumCores),
    .Entries    (Entries),
    .Slots      (Slots),
    .LogDepth   (LogDepth),
    .NumAsids   (8),
    .HitLatency (HitLatency)
  ) u_sys (
    .clk_i              (clk_i),
    .rst_ni             (rst_ni),
    .core_rst_i         ('0),
    .ctx_sum_i          ('0),
    .ctx_mxr_i          ('0),
    .req_valid_i        (req_valid),
    .req_ready_o        (req_ready),
    .req_vaddr_i        (req_vaddr),
    .req_access_i       (req_access),
    .req_priv_u_i       ('1),
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
    .cnt_posted_o       (cnt_posted),
    .cnt_targets_o      (cnt_targets),
    .cnt_skipped_o      (cnt_skipped),
    .cnt_catchup_log_o  (cnt_log),
    .cnt_catchup_full_o (cnt_full),
    .cnt_errors_o       (cnt_errors),
    .cnt_stall_o        (cnt_stall)
  );

  function automatic logic [31:0] xorshift(logic [31:0] x);
    logic [31:0] y;
    y = x ^ (x << 13);
    y = y ^ (y >> 17);
    return y ^ (y << 5);
  endfunction

  // The leaf PTE of (process i, page p) as it is now.
  function automatic logic [PteW-1:0] leaf_pte(int unsigned idx);
    logic [1:0] i;
    logic [3:0] p;
    i = 2'(idx / Pages);
    p = 4'(idx % Pages);
    if (cur_unm_q[idx]) return '0;
    //          reserved  ppn                              rsw    D A G U X W R V
    return {10'd0, DataTag, i, p, ver_q[idx][3:0], 2'b00, 8'b1101_1111};
  endfunction

  // The page-table memory's answer for a physical address: pointer PTEs down the first
  // entry of each process's root and level-1 tables, leaves for its 16 pages, zero (an
  // invalid PTE) everywhere else.
  function automatic logic [PteW-1:0] pte_at(logic [PaW-1:0] pa);
    logic [PpnW-1:0] ppn;
    logic [8:0]      idx;
    ppn = pa[PaW-1:12];
    idx = pa[11:3];  // bits 2:0 are zero (PTEs are aligned)
    for (int unsigned i = 0; i < NProc; i++) begin
      if (ppn == RootBase + PpnW'(i) && idx == '0) return {10'd0, MidBase + PpnW'(i), 10'h001};
      if (ppn == MidBase + PpnW'(i) && idx == '0) return {10'd0, LeafBase + PpnW'(i), 10'h001};
      if (ppn == LeafBase + PpnW'(i) && idx < 9'(Pages)) return leaf_pte(i * Pages + 32'(idx));
    end
    return '0;
  endfunction

  // ---------------------------------------------------------------------------------------
  // Per core: memory port, program, checker.
  typedef enum logic [3:0] {
    StInit, StIdle, StReq, StResp, StCmd, StCmdWait, StEditRd, StEdit, StSync, StPublish
  } state_e;

  logic                init_done_q;
  logic [NumCores-1:0] edit_we, pub_we, chk_valid, chk_hit, chk_fault, chk_fail;
  logic [NumCores-1:0][5:0]      edit_idx;
  logic [NumCores-1:0][VerW-1:0] edit_ver;
  logic [NumCores-1:0]           edit_unmap;
  logic [NumCores-1:0][31:0]     chk_info;

  for (genvar c = 0; c < NumCores; c++) begin : gen_core
    // Private pseudo-random source (xorshift32).
    logic [31:0] rnd_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rnd_q <= Seed ^ (32'h9e37_79b9 * 32'(c + 1));
      end else begin
        rnd_q <= xorshift(rnd_q);
      end
    end

    // Page-table memory port: one request at a time, 1..8 cycles of latency (long enough
    // for shootdowns to land while a walk waits for its leaf). The address is registered
    // when the request is taken and the PTE read from it the next cycle (the read then
    // starts from a register, off the walker's paths).
    logic            mem_busy_q, mem_read_q;
    logic [2:0]      mem_wait_q;
    logic [PaW-1:0]  mem_addr_q;
    logic [PteW-1:0] mem_data_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        mem_busy_q <= 1'b0;
        mem_read_q <= 1'b0;
        mem_wait_q <= '0;
        mem_addr_q <= '0;
        mem_data_q <= '0;
      end else if (!mem_busy_q) begin
        if (mem_req_valid[c]) begin
          mem_busy_q <= 1'b1;
          mem_read_q <= 1'b1;
          mem_wait_q <= rnd_q[31:29];
          mem_addr_q <= mem_req_addr[c];
        end
      end else if (mem_read_q) begin
        // The memory reads the PTE the cycle after it takes the request; the answer
        // travels back for 0..7 more cycles, and an edit in that window makes it stale
        // (what poisoning is for).
        mem_read_q <= 1'b0;
        mem_data_q <= pte_at(mem_addr_q);
      end else if (mem_wait_q != '0) begin
        mem_wait_q <= mem_wait_q - 3'd1;
      end else if (mem_resp_ready[c]) begin
        mem_busy_q <= 1'b0;
      end
    end
    assign mem_req_ready[c]  = !mem_busy_q;
    assign mem_resp_valid[c] = mem_busy_q && !mem_read_q && mem_wait_q == '0;
    assign mem_resp_data[c]  = mem_data_q;

    // Page k of this core's own: c + k * NumCores (mod Pages), as a table of constants
    // (a multiply would become a DSP).
    function automatic logic [3:0] own(logic [3:0] k);
      logic [3:0] p;
      p = '0;
      for (int unsigned i = 0; i < 16; i++) if (k == 4'(i)) p = 4'((i * NumCores + c) % Pages);
      return p;
    endfunction

    // The program.
    state_e              state_q, after_q;
    logic [2:0]          init_step_q;
    logic                ctx_q, lazy_q;  // the core runs process proc_q (lazily)
    logic [1:0]          proc_q;
    logic [2:0]          op_q, kind_q;
    logic [1:0]          cmd_proc_q;
    logic [3:0]          cmd_page_q;     // first page of the invalidation
    logic [3:0]          cmd_n_q;        // range: pages minus one
    logic [5:0]          ed_idx_q;       // the page being edited
    logic [VerW-1:0]     ed_ver_q;       // ... its new version
    logic                ed_unmap_q;     // ... which is unmapped
    logic                ed_pending_q;   // ... whose shootdown is under way
    logic [1:0]          rq_proc_q;      // the translation in flight
    logic [3:0]          rq_page_q;
    logic [11:0]         rq_off_q;
    logic [VerW-1:0]     rq_min_q;
    logic [7:0]          r;
    logic [1:0]          rp;
    logic [3:0]          own_page;
    logic [5:0]          own_idx;

    assign r        = rnd_q[7:0];
    assign rp       = rnd_q[9:8];
    // A random page this core owns: p = c + k * NumCores.
    assign own_page = own(rnd_q[13:10]);
    // Half the edits go to the core's hot page (page c), where translations also crowd.
    assign own_idx  = {rp, rnd_q[14] ? own_page : own(4'd0)};

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        state_q     <= StInit;
        after_q     <= StIdle;
        init_step_q <= '0;
        ctx_q       <= 1'b0;
        lazy_q      <= 1'b0;
        proc_q      <= '0;
        op_q        <= CmdSync;
        kind_q      <= InvVaAsid;
        cmd_proc_q  <= '0;
        cmd_page_q  <= '0;
        cmd_n_q     <= '0;
        ed_idx_q    <= '0;
        ed_ver_q    <= '0;
        ed_unmap_q  <= 1'b0;
        ed_pending_q <= 1'b0;
        rq_proc_q   <= '0;
        rq_page_q   <= '0;
        rq_off_q    <= '0;
        rq_min_q    <= '0;
      end else begin
        unique case (state_q)
          // Core 0 gives every process its root (SET_ATTRS), syncs, and lets everyone go.
          StInit: begin
            if (c != 0) begin
              if (init_done_q) state_q <= StIdle;
            end else if (init_step_q < 3'(NProc)) begin
              op_q        <= CmdSetAttrs;
              cmd_proc_q  <= init_step_q[1:0];
              init_step_q <= init_step_q + 3'd1;
              after_q     <= StInit;
              state_q     <= StCmd;
            end else if (init_step_q == 3'(NProc)) begin
              op_q        <= CmdSync;
              init_step_q <= init_step_q + 3'd1;
              after_q     <= StInit;
              state_q     <= StCmd;
            end else begin
              state_q <= StIdle;
            end
          end
          StIdle: begin
            after_q <= StIdle;
            if (!ctx_q || (lazy_q && r < 8'd64)) begin
              // Run a process (a lazy core returns to its own, or to another one).
              op_q       <= CmdSwitch;
              cmd_proc_q <= (ctx_q && r[0]) ? proc_q : rp;
              proc_q     <= (ctx_q && r[0]) ? proc_q : rp;
              ctx_q      <= 1'b1;
              lazy_q     <= 1'b0;
              state_q    <= StCmd;
            end else if (lazy_q) begin
              state_q <= StIdle;  // a kernel thread touches no user pages
            end else if (r < 8'd6) begin
              op_q    <= CmdLazy;
              lazy_q  <= 1'b1;
              state_q <= StCmd;
            end else if (r < 8'd26) begin
              op_q       <= CmdSwitch;
              cmd_proc_q <= rp;
              proc_q     <= rp;
              state_q    <= StCmd;
            end else if (r < 8'd50) begin
              ed_idx_q <= own_idx;
              state_q  <= StEditRd;
            end else if (r < 8'd53) begin
              // A new generation of a process's attributes (same root), then a sync.
              op_q       <= CmdSetAttrs;
              cmd_proc_q <= rp;
              after_q    <= StSync;
              state_q    <= StCmd;
            end else begin
              rq_proc_q <= proc_q;
              // Half the translations go to the hot pages 0..3, which cores 0..3 edit most.
              rq_page_q <= rnd_q[14] ? rnd_q[13:10] : {2'b00, rnd_q[11:10]};
              rq_off_q  <= rnd_q[25:14];
              state_q   <= StReq;
            end
          end
          StReq: begin
            if (req_ready[c]) begin
              rq_min_q <= minv_q[{rq_proc_q, rq_page_q}];
              state_q  <= StResp;
            end
          end
          StResp: if (resp_valid[c]) state_q <= StIdle;
          StCmd: if (cmd_ready[c]) state_q <= StCmdWait;
          StCmdWait: if (cmd_done[c]) state_q <= after_q;
          // Edit a page: a new version, mapped three times in four; then shoot it down
          // (or, with fault_i, pretend to). StEditRd reads the page's version (this core is
          // the page's only writer) so that StEdit writes the tables from registers.
          StEditRd: begin
            ed_ver_q   <= ver_q[ed_idx_q] + VerW'(1);
            ed_unmap_q <= rnd_q[17:16] == 2'b00;
            state_q    <= StEdit;
          end
          StEdit: begin
            ed_pending_q <= 1'b1;
            op_q       <= CmdPost;
            cmd_proc_q <= ed_idx_q[5:4];
            // Mostly the page alone; sometimes a range around it, the whole ASID, or all.
            cmd_page_q <= ed_idx_q[3:0];
            cmd_n_q    <= '0;
            unique casez (r[7:5])
              3'b0??, 3'b100: kind_q <= InvVaAsid;
              3'b101: begin
                kind_q     <= InvRangeAsid;
                cmd_page_q <= ed_idx_q[3:0] - 4'(r[1:0] & ed_idx_q[1:0]);
                cmd_n_q    <= 4'(r[1:0] & ed_idx_q[1:0]) + 4'(r[3:2]);
              end
              3'b110: kind_q <= InvAsid;
              default: kind_q <= r[4] ? InvVa : InvAll;
            endcase
            after_q <= StSync;
            state_q <= fault_i ? StSync : StCmd;
          end
          StSync: begin
            op_q    <= CmdSync;
            after_q <= ed_pending_q ? StPublish : StIdle;
            state_q <= StCmd;
          end
          StPublish: begin
            ed_pending_q <= 1'b0;
            state_q      <= StIdle;
          end
          default: state_q <= StIdle;
        endcase
      end
    end

    // Edits and publications go to the shared tables (each page has a single owner).
    assign edit_we[c]    = state_q == StEdit;
    assign edit_idx[c]   = ed_idx_q;
    assign edit_ver[c]   = ed_ver_q;
    assign edit_unmap[c] = ed_unmap_q;
    assign pub_we[c]     = state_q == StPublish;  // also: a shootdown completed

    // Commands.
    assign cmd_valid[c]  = state_q == StCmd;
    assign cmd_op[c]     = op_q;
    assign cmd_kind[c]   = kind_q;
    assign cmd_asid[c]   = AsidW'(cmd_proc_q) + AsidW'(1);
    assign cmd_vaddr[c]  = VaW'({cmd_page_q, 12'd0});
    assign cmd_npages[c] = NpagesW'(cmd_n_q);
    assign cmd_root[c]   = RootBase + PpnW'(cmd_proc_q);
    assign cmd_pm[c]     = PmOff;

    // Translations.
    assign req_valid[c]  = state_q == StReq;
    assign req_vaddr[c]  = VaW'({rq_page_q, rq_off_q});
    assign req_access[c] = rnd_q[31:30] == 2'b11 ? AccLoad : rnd_q[31:30];

    // The checker, in two stages after the translation's answer, so that it stays off
    // the TLB's output paths and shallower than the IP. In the answer's cycle the answer
    // and the page's row of the tables (its current version and which versions were
    // unmapped) are registered; the next cycle compares them with the request's fields
    // (which stay put until then: the program is back in StIdle, and a new request
    // latches them at the end of it) and registers each verdict; the cycle after that
    // picks the failure. Reading the page's row in the answer's cycle rather than a cycle
    // later can only narrow the versions allowed by an edit of that cycle, which no
    // answer of that cycle can have seen (the memory read its PTE in an earlier cycle).
    logic            rs_valid_q, rs_fault_q, rs_hit_q, rs_refused_q;
    logic [PaW-1:0]  rs_paddr_q;
    logic [2:0]      rs_op_q;
    logic [VerW-1:0] rs_ver_q;  // the page's current version in the answer's cycle
    logic [15:0]     rs_unm_q;  // ... and which of its last 16 versions were unmapped
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rs_valid_q   <= 1'b0;
        rs_fault_q   <= 1'b0;
        rs_hit_q     <= 1'b0;
        rs_refused_q <= 1'b0;
        rs_paddr_q   <= '0;
        rs_op_q      <= '0;
        rs_ver_q     <= '0;
        rs_unm_q     <= '0;
      end else begin
        rs_valid_q   <= state_q == StResp && resp_valid[c];
        rs_fault_q   <= resp_fault[c];
        rs_hit_q     <= resp_hit[c];
        rs_paddr_q   <= resp_paddr[c];
        rs_refused_q <= state_q == StCmdWait && cmd_done[c] && cmd_error[c];
        rs_op_q      <= op_q;
        rs_ver_q     <= ver_q[{rq_proc_q, rq_page_q}];
        rs_unm_q     <= unmapped_q[{rq_proc_q, rq_page_q}];
      end
    end

    logic [VerW-1:0] window, got_off, got_ver;
    logic [3:0]      got_off4;
    logic [PpnW-1:0] got_ppn;
    logic            fault_ok, frame_ok;
    assign window  = rs_ver_q - rq_min_q;  // versions rq_min .. rq_min + window allowed
    assign got_ppn = rs_paddr_q[PaW-1:12];
    assign got_off4 = got_ppn[3:0] - rq_min_q[3:0];  // modulo 16
    assign got_off  = VerW'(got_off4);
    assign got_ver = rq_min_q + got_off;
    assign frame_ok = got_ppn[PpnW-1:10] == DataTag && got_ppn[9:8] == rq_proc_q &&
                      got_ppn[7:4] == rq_page_q && rs_paddr_q[11:0] == rq_off_q;
    always_comb begin
      fault_ok = 1'b0;
      for (int unsigned k = 0; k < 16; k++) begin
        if (VerW'(k) <= window && rs_unm_q[4'(rq_min_q + VerW'(k))]) fault_ok = 1'b1;
      end
    end

    // The verdicts, registered (the second stage).
    logic        ck_valid_q, ck_hit_q, ck_fault_q, ck_refused_q, ck_checked_q;
    logic        ck_fault_ok_q, ck_frame_ok_q, ck_stale_q, ck_unmap_q;
    logic [31:0] ck_info_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        ck_valid_q    <= 1'b0;
        ck_hit_q      <= 1'b0;
        ck_fault_q    <= 1'b0;
        ck_refused_q  <= 1'b0;
        ck_checked_q  <= 1'b0;
        ck_fault_ok_q <= 1'b0;
        ck_frame_ok_q <= 1'b0;
        ck_stale_q    <= 1'b0;
        ck_unmap_q    <= 1'b0;
        ck_info_q     <= '0;
      end else begin
        ck_valid_q    <= rs_valid_q;
        ck_hit_q      <= rs_hit_q;
        ck_fault_q    <= rs_fault_q;
        ck_refused_q  <= rs_refused_q;
        // Windows of 16 versions or more (a page edited 16 times while one translation
        // waited) cannot be told apart with 4 version bits in the frame: not checked.
        ck_checked_q  <= window < VerW'(16);
        ck_fault_ok_q <= fault_ok;
        ck_frame_ok_q <= frame_ok;
        ck_stale_q    <= got_off > window;
        ck_unmap_q    <= rs_unm_q[got_ver[3:0]];
        ck_info_q     <= rs_refused_q
            ? {4'(c), 2'(cmd_proc_q), 4'd0, 1'b0, 4'd0, 8'd0, 5'(rs_op_q), 4'd0}
            : {4'(c), rq_proc_q, rq_page_q, rs_fault_q, got_ppn[3:0], rq_min_q,
               window[4:0], 4'd0};
      end
    end

    assign chk_valid[c] = ck_valid_q;
    assign chk_hit[c]   = ck_hit_q;
    assign chk_fault[c] = ck_fault_q;
    always_comb begin
      chk_fail[c] = 1'b0;
      chk_info[c] = '0;
      if (ck_refused_q) begin
        chk_fail[c] = 1'b1;
        chk_info[c] = ck_info_q;
        chk_info[c][3:0] = FailRefused;
      end else if (ck_valid_q && ck_checked_q) begin
        chk_info[c] = ck_info_q;
        if (ck_fault_q) begin
          if (!ck_fault_ok_q) begin chk_fail[c] = 1'b1; chk_info[c][3:0] = FailFault; end
        end else if (!ck_frame_ok_q) begin
          chk_fail[c] = 1'b1; chk_info[c][3:0] = FailFrame;
        end else if (ck_stale_q) begin
          chk_fail[c] = 1'b1; chk_info[c][3:0] = FailStale;
        end else if (ck_unmap_q) begin
          chk_fail[c] = 1'b1; chk_info[c][3:0] = FailUnmap;
        end
      end
    end

    logic unused;
    assign unused = ^{walk_restart[c], cur_valid[c], cur_asid[c], lazy[c], got_ver[VerW-1:4]};
  end

  // ---------------------------------------------------------------------------------------
  // Shared tables and global state.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ver_q      <= '0;
      minv_q     <= '0;
      unmapped_q <= '0;
      cur_unm_q  <= '0;
    end else begin
      for (int unsigned c = 0; c < NumCores; c++) begin
        if (edit_we[c]) begin
          ver_q[edit_idx[c]]                          <= edit_ver[c];
          unmapped_q[edit_idx[c]][edit_ver[c][3:0]]   <= edit_unmap[c];
          cur_unm_q[edit_idx[c]]                      <= edit_unmap[c];
        end
        // The version the edit wrote (the page's owner is its only writer).
        if (pub_we[c]) minv_q[edit_idx[c]] <= edit_ver[c];
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      init_done_q <= 1'b0;
    end else if (gen_core[0].state_q == StInit && gen_core[0].init_step_q > 3'(NProc)) begin
      init_done_q <= 1'b1;
    end
  end

  // The verdicts are registered once more before they are counted (the counters' adders
  // are then the only logic behind them).
  logic [NumCores-1:0]       v_valid_q, v_hit_q, v_fault_q, v_fail_q, v_sd_q;
  logic [NumCores-1:0][31:0] v_info_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      v_valid_q <= '0;
      v_hit_q   <= '0;
      v_fault_q <= '0;
      v_fail_q  <= '0;
      v_sd_q    <= '0;
      v_info_q  <= '0;
    end else begin
      v_valid_q <= chk_valid;
      v_hit_q   <= chk_valid & chk_hit;
      v_fault_q <= chk_valid & chk_fault;
      v_fail_q  <= chk_fail;
      v_sd_q    <= pub_we;
      v_info_q  <= chk_info;
    end
  end

  logic [31:0] checks_q, hits_q, faults_q, sd_q, fails_q, info_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      checks_q <= '0;
      hits_q   <= '0;
      faults_q <= '0;
      sd_q     <= '0;
      fails_q  <= '0;
      info_q   <= '0;
    end else begin
      checks_q <= checks_q + 32'($countones(v_valid_q));
      hits_q   <= hits_q + 32'($countones(v_hit_q));
      faults_q <= faults_q + 32'($countones(v_fault_q));
      sd_q     <= sd_q + 32'($countones(v_sd_q));
      fails_q  <= fails_q + 32'($countones(v_fail_q));
      if (fails_q == '0) begin
        for (int c = NumCores - 1; c >= 0; c--) if (v_fail_q[c]) info_q <= v_info_q[c];
      end
    end
  end
  assign checks_o     = checks_q;
  assign hits_o       = hits_q;
  assign faults_o     = faults_q;
  assign shootdowns_o = sd_q;
  assign fails_o      = fails_q;
  assign fail_info_o  = info_q;

  // ---------------------------------------------------------------------------------------
  // LEDs and the status line: "TLB sec=... tr=... hit=... flt=... sd=... tgt=... skp=...
  // log=... ful=... err=... PASS\r\n", every field eight hex digits.
  localparam int unsigned Fields = 10;
  localparam int unsigned LineLen = 3 + Fields * 13 + 7;
  localparam logic [Fields*32-1:0] Labels = " sec  tr hit flt  sd tgt skp log ful err";

  logic [31:0] period_q, secs_q;
  logic        beat_q, send_q, fresh_q;
  logic [7:0]  pos_q;                  // character of the line being sent
  logic [3:0]  f_q, j_q;               // ... as field and character in the field
  logic [Fields-1:0][31:0] snap_q;     // counters at the end of the period, field 0 in [0]
  logic        uart_ready, take;
  logic [7:0]  ch, ch_q;

  // The UART takes ch_q, registered from the position one cycle earlier (fresh_q), so the
  // character mux is off the clock's critical paths; it needs ten bit times per character.
  assign take = send_q && fresh_q && uart_ready;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      period_q <= '0;
      secs_q   <= '0;
      beat_q   <= 1'b0;
      send_q   <= 1'b0;
      fresh_q  <= 1'b0;
      pos_q    <= '0;
      f_q      <= '0;
      j_q      <= '0;
      snap_q   <= '0;
      ch_q     <= '0;
    end else begin
      period_q <= period_q == 32'(Period - 1) ? '0 : period_q + 32'd1;
      if (period_q == 32'(Period / 2 - 1) || period_q == 32'(Period - 1)) beat_q <= !beat_q;
      ch_q    <= ch;
      fresh_q <= !take;
      if (period_q == 32'(Period - 1)) begin
        secs_q <= secs_q + 32'd1;
        if (!send_q) begin
          send_q  <= 1'b1;
          fresh_q <= 1'b0;
          pos_q   <= '0;
          f_q     <= '0;
          j_q     <= '0;
          snap_q  <= {fails_q, cnt_full, cnt_log, cnt_skipped, cnt_targets, sd_q, faults_q,
                      hits_q, checks_q, secs_q + 32'd1};
        end
      end
      if (take) begin
        pos_q <= pos_q + 8'd1;
        if (pos_q == 8'(LineLen - 1)) send_q <= 1'b0;
        // Fields start after "TLB"; the field being printed is always snap_q[0].
        if (pos_q >= 8'd3 && f_q < 4'(Fields)) begin
          if (j_q == 4'd12) begin
            j_q    <= '0;
            f_q    <= f_q + 4'd1;
            snap_q <= snap_q >> 32;
          end else begin
            j_q <= j_q + 4'd1;
          end
        end
      end
    end
  end

  // The character at position pos_q of the line.
  function automatic logic [7:0] hex(logic [3:0] n);
    return n < 4'd10 ? 8'h30 + 8'(n) : 8'h57 + 8'(n);
  endfunction
  always_comb begin
    ch = " ";
    if (pos_q < 8'd3) begin
      ch = pos_q == 8'd0 ? "T" : pos_q == 8'd1 ? "L" : "B";
    end else if (f_q < 4'(Fields)) begin
      // Labels holds one 4-character group per field, the first field leftmost.
      if (j_q < 4'd4) ch = Labels[(32'(Fields) - 1 - 32'(f_q)) * 32 + (3 - 32'(j_q)) * 8 +: 8];
      else if (j_q == 4'd4) ch = "=";
      else ch = hex(snap_q[0][(12 - 32'(j_q)) * 4 +: 4]);
    end else begin
      unique case (pos_q - 8'(3 + Fields * 13))
        8'd0: ch = " ";
        8'd1: ch = fails_q == '0 ? "P" : "F";
        8'd2: ch = "A";
        8'd3: ch = fails_q == '0 ? "S" : "I";
        8'd4: ch = fails_q == '0 ? "S" : "L";
        8'd5: ch = 8'h0d;
        default: ch = 8'h0a;
      endcase
    end
  end

  tlb_uart_tx #(
    .ClksPerBit (ClkHz / Baud)
  ) u_uart (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .valid_i (send_q && fresh_q),
    .ready_o (uart_ready),
    .data_i  (ch_q),
    .tx_o    (uart_tx_o)
  );

  assign led_heartbeat_o = beat_q;
  assign led_pass_o      = init_done_q && checks_q != '0 && fails_q == '0;
  assign led_fail_o      = fails_q != '0;

  logic unused_cnt;
  assign unused_cnt = ^{cnt_posted, cnt_errors, cnt_stall};

endmodule : tlb_selftest
