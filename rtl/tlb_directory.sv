// SPDX-License-Identifier: Apache-2.0
// The shootdown fabric's directory: the one place where invalidations, context switches,
// attribute changes and ASID releases are put in order.
//
// It takes one command per cycle from the agents (round robin), decides it against its own
// record of every core's context (`ctx_q`: which ASID each core runs, lazily or not, written
// in the cycle it decides the message that changes it; it reads no agent's state), and says
// what follows on the broadcast bus, one message per cycle. Because it decides switches and
// invalidations one at a time, a core can never slip between "who holds this ASID" and
// "send the invalidation" (seed 000, case 2): either it is targeted, or it is skipped and
// its context slot records that it lags, so its next switch to that ASID catches up from
// the flush log or flushes the ASID (seeds 001, 002).
//
// A core's reset (core_rst_i[c], synchronous) makes the directory forget the core: no
// context, no slot, its granted command and its catch-up replay dropped, nothing decided
// for it in that cycle. It never touches the acknowledgements: what an initiator is owed
// (owed_q) and a release (rel_owed_q) clear as the acks come in, and the
// reset core keeps acknowledging (docs/shootdown.md, "Core reset").
module tlb_directory
  import tlb_pkg::*;
#(
  /// Number of cores, 2 to 16.
  parameter int unsigned NumCores = 4,
  /// ASID context slots per core (x86 keeps six), 1 to 8.
  parameter int unsigned Slots    = 4,
  /// Invalidations remembered per ASID (the flush log): 1, 2, 4 or 8.
  parameter int unsigned LogDepth = 4,
  /// Hardware ASIDs the table tracks: a power of two from 2 to 4096 (x86 rations 4 096
  /// global ASIDs for INVLPGB). The table, attributes and flush logs are memories (LUT RAM
  /// or block RAM), so the cost grows by memory, not by logic (docs/fpga.md).
  parameter int unsigned NumAsids = 16,
  /// The memories are read a cycle ahead of the decision (block RAM, or an ASIC's
  /// synchronous SRAM) rather than in its cycle (LUT RAM, asynchronous). By default ahead
  /// above 64 ASIDs, where an FPGA's tables are block RAM (below, "the memories").
  parameter bit          ReadAhead = NumAsids > 64,
  // Derived, do not change.
  localparam int unsigned AsidIdxW = $clog2(NumAsids),
  localparam int unsigned LagW     = $clog2(LogDepth + 2),
  localparam int unsigned SlotIdxW = Slots > 1 ? $clog2(Slots) : 1,
  localparam int unsigned LogIdxW  = LogDepth > 1 ? $clog2(LogDepth) : 1,
  // An ASID's generation is kept modulo the log (it is the log's write position): slots
  // count their own lag, saturating past LogDepth, so no wider count is ever read.
  localparam int unsigned GenW     = LogIdxW
) (
  input  logic                                clk_i,          ///< clock
  input  logic                                rst_ni,         ///< async reset, active low
  input  logic     [NumCores-1:0]             core_rst_i,     ///< core c's synchronous reset
  // Agents.
  input  logic     [NumCores-1:0]             req_i,          ///< agent c has a command (or
                                                              ///< its answer is in bus_q)
  input  dir_cmd_t [NumCores-1:0]             cmd_i,          ///< agent c's command
  input  logic     [NumCores-1:0]             ack_i,          ///< core c acknowledges
  input  logic     [NumCores-1:0][CoreIdxW-1:0] ack_init_i,   ///< to that initiator
  input  logic     [NumCores-1:0]             ack_rel_i,      ///< a release message
  output bus_msg_t                            bus_o,          ///< the broadcast bus
  output logic     [NumCores-1:0]             quiet_o,        ///< no acks owed to core c
  // Event counters.
  output logic     [CntW-1:0]                 cnt_posted_o,      ///< invalidations posted
  output logic     [CntW-1:0]                 cnt_targets_o,     ///< cores they were sent to
  output logic     [CntW-1:0]                 cnt_skipped_o,     ///< cores ASID-scoped ones skipped
  output logic     [CntW-1:0]                 cnt_catchup_log_o, ///< switches caught up by log
  output logic     [CntW-1:0]                 cnt_catchup_full_o,///< switches that flushed the ASID
  output logic     [CntW-1:0]                 cnt_errors_o       ///< refused commands
);

  if (NumCores < 2 || NumCores > MaxCores) begin : gen_bad_cores
    $error("tlb_directory: NumCores must be 2 to %0d, got %0d", MaxCores, NumCores);
  end
  if (Slots < 1 || Slots > 8) begin : gen_bad_slots
    $error("tlb_directory: Slots must be 1 to 8, got %0d", Slots);
  end
  if (LogDepth != 1 && LogDepth != 2 && LogDepth != 4 && LogDepth != 8) begin : gen_bad_log
    $error("tlb_directory: LogDepth must be 1, 2, 4 or 8, got %0d", LogDepth);
  end
  if (NumAsids < 2 || NumAsids > 4096 || (NumAsids & (NumAsids - 1)) != 0) begin : gen_bad_asids
    $error("tlb_directory: NumAsids must be a power of two from 2 to 4096, got %0d", NumAsids);
  end

  typedef struct packed {
    logic [2:0]         kind;
    logic [VpnW-1:0]    vpn;
    logic [NpagesW-1:0] npages;
  } log_entry_t;

  `include "tlb_assert.svh"

  localparam logic [LagW-1:0] LagFull = LagW'(LogDepth + 1);  // "more than the log holds"

  typedef struct packed {
    logic [PpnW-1:0] root;
    logic [1:0]      pm;
  } attrs_t;

  typedef struct packed {
    logic                valid;  ///< an ASID is loaded
    logic [AsidIdxW-1:0] asid;   ///< which (an index: switches load only ASIDs in the table)
    logic                lazy;   ///< running a kernel thread on it
  } ctx_t;


  // Everything kept per ASID is a memory, not registers (block RAM or LUT RAM on an FPGA),
  // with one write port and one read port each: the ASID table (`asid_mem`: in use or not,
  // and the generation), the attributes (`attr_mem`) and the flush log, one memory per log
  // position (`gen_log[p].mem`), all read at once. The decision and the catch-up replay read
  // them, the replay from a copy. With ReadAhead 0 (LUT RAM, up to 64 ASIDs by default) the
  // decision reads them asynchronously at its command's ASID (`gen_read_now`); with 1 (block
  // RAM, above 64 by default, or synchronous SRAM) the read is
  // registered, a cycle ahead, at the ASID of the command granted now (`rd_addr`, decided
  // next cycle), with a write to that ASID in the same cycle forwarded (`*_fwd_q`,
  // `gen_read_ahead`). Either way the decision reads each memory as it stands; every log
  // position is read at once and the position selected after the read.
  // A catch-up replay reads its ASID's log and attributes from a copy of that read taken in
  // the cycle of the decision that starts it (`cu_log_q`, `cu_attr_q`): nothing is decided,
  // so nothing is written, while it runs.
  // The ASID table is cleared after reset by a sweep, one ASID a cycle (`init_q`), during
  // which nothing is granted. A release in flight is not in the table: the ASID is written
  // free when its release is decided, and reads as releasing while the release is on the bus
  // or its acks are owed (`release_busy`, `rel_asid_q`): the table has one writer, the decision.
  // A log entry is read only after it was written (a slot lags by at most LogDepth posts,
  // each of which wrote one); an ASID's attributes hold whatever was last set (zero after
  // configuration: software sets them, SET_ATTRS, before the first switch).
  typedef struct packed {
    logic            active;  ///< switched to or given attributes, and not released since
    logic [GenW-1:0] gen;     ///< the generation modulo the log: the log's write position
  } asid_rec_t;
  asid_rec_t           asid_mem [NumAsids];
  attrs_t              attr_mem [NumAsids];
  logic                asid_we, attr_we, log_we;
  logic [AsidIdxW-1:0] mem_waddr;
  logic [LogIdxW-1:0]  log_wpos;
  asid_rec_t           asid_wdata, asid_rd;
  attrs_t              attr_wdata, attr_rd;
  log_entry_t          log_wdata, log_rd;
  log_entry_t [LogDepth-1:0] log_rd_all;  // every position of the ASID read
  log_entry_t [LogDepth-1:0] cu_log_q;    // ... as the catch-up replay found it
  attrs_t              cu_attr_q;
  log_entry_t          cu_log;            // the entry the replay sends
  logic [AsidIdxW:0]   init_q;            // the reset sweep's next ASID; NumAsids when done
  logic                init_busy;
  logic                releasing;         // the granted command's ASID is being released
  // Each core's context as its agent holds it once it has applied the message in bus_q:
  // valid, ASID (an index: a switch loads only ASIDs inside the table), lazy. Every change
  // of an agent's context is a bus message the directory sends, so the directory keeps
  // this record itself, written with the message, instead of reading the agents' registers
  // back across the chip and forwarding the message in flight over them (tlb_system's
  // DirKnowsContext_A checks the record against the agents every cycle).
  ctx_t [NumCores-1:0] ctx_q, ctx_d;
  // Context slots.
  logic [NumCores-1:0][Slots-1:0]               slot_valid_q, slot_valid_d;
  logic [NumCores-1:0][Slots-1:0][AsidIdxW-1:0] slot_asid_q, slot_asid_d;
  logic [NumCores-1:0][Slots-1:0][LagW-1:0]     slot_lag_q, slot_lag_d;
  logic [NumCores-1:0][SlotIdxW-1:0]            slot_rr_q, slot_rr_d;
  // Arbitration (the grant is registered: the decision reads it in the next cycle), acks,
  // release, catch-up.
  logic [CoreIdxW-1:0]           rr_q, rr_d;
  logic                          gnt_valid_q, gnt_valid_d;  // a granted command waits
  logic [CoreIdxW-1:0]           gnt_idx_q, gnt_idx_d;      // whose
  dir_cmd_t                      gnt_cmd_q, gnt_cmd_d;      // which
  // ... and its requester's slot for the command's ASID, searched when it was granted
  logic                          gnt_hit_q, gnt_hit_d;
  logic [SlotIdxW-1:0]           gnt_hit_s_q, gnt_hit_s_d;
  logic [LagW-1:0]               gnt_lag_q, gnt_lag_d;
  // Acknowledgements owed, counted by nobody: owed_q[i][c] says core c owes initiator i the
  // ack of a need-ack message it was sent. A message's targets owe from the cycle after it
  // is on the bus (bus_q) until their ack arrives, the cycle after that with today's
  // agents (AcksOnTime_A) but whenever it comes in general; initiator i is quiet when
  // nothing is owed to it and no need-ack message of its is on the bus (bus_owes). A
  // release's acks are owed in rel_owed_q the same way. No popcount, no subtraction: a bit
  // set by its message and cleared by its ack (docs/shootdown.md).
  logic [NumCores-1:0][NumCores-1:0] owed_q, owed_d;
  logic [NumCores-1:0]               rel_owed_q, rel_owed_d;
  logic [NumCores-1:0]               bus_owes;      // bus_q: a need-ack message of initiator i
  logic                              rel_on_bus;    // bus_q: a release
  logic                              release_busy;  // a release on the bus or acks owed for it
  logic [AsidIdxW-1:0]           rel_asid_q, rel_asid_d;
  logic                          cu_busy_q, cu_busy_d;
  logic [CoreIdxW-1:0]           cu_core_q, cu_core_d;
  logic [AsidIdxW-1:0]           cu_asid_q, cu_asid_d;
  logic [LogIdxW-1:0]            cu_pos_q, cu_pos_d;
  logic [LagW-1:0]               cu_left_q, cu_left_d;
  bus_msg_t                      bus_q, bus_d;
  logic [CntW-1:0] cnt_posted_q, cnt_targets_q, cnt_skipped_q;
  logic [CntW-1:0] cnt_cu_log_q, cnt_cu_full_q, cnt_errors_q;
  // What the decision of the last cycle adds to each counter (the counters add it a cycle
  // after the decision, so no sum sits behind it: docs/shootdown.md, "Event counters").
  typedef struct packed {
    logic              posted;
    logic [CoreIdxW:0] targets;
    logic [CoreIdxW:0] skipped;
    logic              cu_log;
    logic              cu_full;
    logic              errors;
  } cnt_inc_t;
  cnt_inc_t cnt_inc_q, cnt_inc_d;

  logic                 grant_valid;
  logic [CoreIdxW-1:0]  grant_idx;
  logic [NumCores-1:0]  grant_oh;  // the grant, one-hot (zero if none)
  logic [NumCores-1:0]  req;       // req_i less the agent whose answer is on the bus
  logic [NumCores-1:0]  answered_q, answered_d;  // bus_q answers agent c
  logic                 rel_wait;  // a release waits for the one in flight (coverage)
  logic                 decide;    // the registered grant is decided this cycle
  logic                 gnt_drop;  // ... or dropped: its requester is in reset
  logic                 cu_drop;   // the catch-up replay is abandoned: its core is in reset
  logic [MaxCores-1:0]  core_rst;  // core_rst_i, indexed by a core number
  dir_cmd_t             cmd;
  logic [AsidIdxW-1:0]  a;
  logic                 asid_ok;
  logic [NumCores-1:0]  holders, all_cores;
  logic [NumCores-1:0]  ctx_valid, ctx_lazy;  // ctx_q's bits, one per core
  // What the decision reads of the granted command's ASID and of its requester's slots.
  asid_state_e          st_a;
  logic [GenW-1:0]      gen_a;
  logic [SlotIdxW-1:0]  hit_s;  // with `hit` below: the requester's slot for the ASID
  logic [LagW-1:0]      lag;    // ... and how far that slot lags
  logic                 hit, victim_free;  // switch: a slot remembers the ASID; a slot is free
  // The decision's verdict on the granted command (all zero when nothing is decided). Each
  // flag is an accepted command, except `refuse`.
  typedef struct packed {
    logic refuse;     ///< refused: an error message, nothing else changes
    logic post;       ///< a post (any kind)
    logic scoped;     ///< ... of an ASID-scoped kind: holders only, skipped slots lag, logged
    logic attrs;      ///< SET_ATTRS
    logic sw;         ///< a switch
    logic sw_log;     ///< ... behind by 1 to LogDepth: the oldest missed entry sent now
    logic sw_replay;  ///< ... by 2 or more: the catch-up replay sends the rest
    logic sw_flush;   ///< ... too far behind, or no slot remembers the ASID: it is flushed
    logic lazy;       ///< LAZY
    logic rel;        ///< RELEASE
  } dec_t;
  dec_t                 dec;
  logic [NumCores-1:0]  targets;  // the message's targets (the switch's: its own core)

  function automatic logic [CoreIdxW:0] popcount(logic [NumCores-1:0] v);
    logic [CoreIdxW:0] n;
    n = '0;
    for (int unsigned i = 0; i < NumCores; i++) n = n + (CoreIdxW + 1)'(v[i]);
    return n;
  endfunction

  function automatic logic [MaxCores-1:0] widen(logic [NumCores-1:0] v);
    return MaxCores'(v);
  endfunction

  // An agent keeps its request up while its completing message is on the bus (it is idle
  // from the next cycle): that request is answered, and is masked here rather than by the
  // agent from the bus it receives. Which agent bus_q answers is registered with it
  // (answered_q): the one whose command is decided now, or whose catch-up replay sends its
  // last message now. (A decision that starts a replay sends no answer yet, and its agent
  // is masked for nothing: nothing is granted while the replay owns the bus.) A core in
  // reset is answered nothing (and not granted: below).
  for (genvar c = 0; c < NumCores; c++) begin : gen_req
    assign answered_d[c] = ((decide && gnt_idx_q == CoreIdxW'(c)) ||
                            (cu_busy_q && cu_left_q == LagW'(1) && cu_core_q == CoreIdxW'(c))) &&
                           !core_rst_i[c];
    assign req[c]        = req_i[c] && !answered_q[c];
  end

  // Round robin: the first eligible requester at or after rr_q, else the first one at all.
  // Not eligible: the one whose command is already granted and waits to be decided, a core
  // in reset (its agent drops the command at the end of this cycle), and a release while
  // another is in flight (still being acknowledged, or granted and not yet decided).
  // Nothing is granted while a catch-up replay owns the bus (the granted command then waits
  // in gnt_*_q too). Every requester's eligibility is formed in parallel, and the two
  // searches (at or after rr_q, and from 0) are each a first-one search over the cores,
  // so the grant's depth grows with log2(NumCores), not with NumCores (docs/fpga.md).
  // Two of its inputs come from registers that hold exactly what it asks, each loaded with
  // its value for the next cycle (below, "the arbiter's registered inputs"; both asserted):
  // `gnt_oh_q`, the grant register's requester in one hot, and `rel_inflight_q`, a release
  // on the bus, its acks owed, or granted. Eligibility is then a few register bits and the
  // requests, not an index compare and an OR over the acks (docs/fpga.md, 27th session).
  logic [NumCores-1:0] eligible, from_rr, after_rr, rel_blocked, req_rel;
  logic                rel_inflight_q, rel_inflight_d;
  logic [NumCores-1:0] gnt_oh_q, gnt_oh_d;
  for (genvar c = 0; c < NumCores; c++) begin : gen_eligible
    logic held, rel_busy;
    assign from_rr[c]     = c >= int'(rr_q);  // cores rr_q and up (a compare, no chain)
    assign req_rel[c]     = cmd_i[c].op == CmdRelease;
    assign held           = gnt_oh_q[c] || core_rst_i[c];
    assign rel_busy       = req_rel[c] && rel_inflight_q;
    assign eligible[c]    = req[c] && !held && !rel_busy && !cu_busy_q && !init_busy;
    assign after_rr[c]    = eligible[c] && from_rr[c];
    assign rel_blocked[c] = req[c] && !held && rel_busy;
  end
  assign rel_wait = rel_blocked != '0 && !cu_busy_q && !init_busy;

  // The grant, one-hot: the lowest set bit of a vector is v & -v (a carry chain), so the
  // command multiplexer (and the block RAMs' read-ahead address) take the grant without an
  // index in between; the index (for gnt_idx_q and rr_q) is the one-hot's encoding.
  logic [NumCores-1:0] pick_rr, pick_any;
  assign pick_rr     = after_rr & (~after_rr + NumCores'(1));
  assign pick_any    = eligible & (~eligible + NumCores'(1));
  assign grant_valid = eligible != '0;
  assign grant_oh    = after_rr != '0 ? pick_rr : pick_any;
  always_comb begin
    grant_idx = '0;
    for (int unsigned c = 0; c < NumCores; c++) begin
      if (grant_oh[c]) grant_idx = grant_idx | CoreIdxW'(c);
    end
  end

  // Every requester's slot for the ASID of its command, searched in parallel: the grant
  // register keeps the granted one's (gnt_hit_q, gnt_hit_s_q, gnt_lag_q), so the decision of
  // a switch does not search its requester's slots (below, "what the decision reads").
  logic [NumCores-1:0]               req_hit;
  logic [NumCores-1:0][SlotIdxW-1:0] req_hit_s;
  logic [NumCores-1:0][LagW-1:0]     req_lag;
  for (genvar c = 0; c < NumCores; c++) begin : gen_req_slot
    always_comb begin
      req_hit[c]   = 1'b0;
      req_hit_s[c] = '0;
      for (int unsigned s = 0; s < Slots; s++) begin
        if (!req_hit[c] && slot_valid_q[c][s] &&
            slot_asid_q[c][s] == cmd_i[c].asid[AsidIdxW-1:0]) begin
          req_hit[c]   = 1'b1;
          req_hit_s[c] = SlotIdxW'(s);
        end
      end
      req_lag[c] = slot_lag_q[c][req_hit_s[c]];
    end
  end

  // The grant register: loaded with the new grant whenever the one it held is decided (or
  // it held none, or dropped it); it keeps its command while a catch-up replay owns the
  // bus, unless its requester is reset.
  assign core_rst = widen(core_rst_i);
  assign gnt_drop = (gnt_oh_q & core_rst_i) != '0;  // gnt_valid_q && core_rst[gnt_idx_q]
  assign cu_drop  = cu_busy_q && core_rst[cu_core_q];
  assign decide   = gnt_valid_q && !cu_busy_q && !gnt_drop;
  always_comb begin
    gnt_valid_d = cu_busy_q ? gnt_valid_q && !gnt_drop : grant_valid;
    gnt_idx_d   = gnt_idx_q;
    gnt_cmd_d   = gnt_cmd_q;
    gnt_hit_d   = gnt_hit_q;
    gnt_hit_s_d = gnt_hit_s_q;
    gnt_lag_d   = gnt_lag_q;
    rr_d        = rr_q;
    if (grant_valid) begin
      gnt_idx_d   = grant_idx;
      gnt_cmd_d   = '0;
      gnt_hit_d   = 1'b0;
      gnt_hit_s_d = '0;
      gnt_lag_d   = '0;
      for (int unsigned r = 0; r < NumCores; r++) begin
        if (grant_oh[r]) begin
          gnt_cmd_d   = gnt_cmd_d | cmd_i[r];
          gnt_hit_d   = gnt_hit_d | req_hit[r];
          gnt_hit_s_d = gnt_hit_s_d | req_hit_s[r];
          gnt_lag_d   = gnt_lag_d | req_lag[r];
        end
      end
      rr_d = CoreIdxW'((int'(grant_idx) + 1) % NumCores);
    end
  end
  // The arbiter's registered inputs, loaded with what they stand for next cycle: the grant
  // register's requester (held through a catch-up unless dropped), and a release in flight
  // (decided now, so on the bus next cycle; acks owed next cycle; or granted, the requester's
  // command a release).
  assign gnt_oh_d       = cu_busy_q ? (gnt_valid_q && !gnt_drop ? gnt_oh_q : '0) : grant_oh;
  assign rel_inflight_d = dec.rel || rel_owed_d != '0 || (grant_oh & req_rel) != '0 ||
                          (cu_busy_q && gnt_valid_q && !gnt_drop && gnt_cmd_q.op == CmdRelease);

  // What the decision reads: all from registers (the granted command, the ASID table, the
  // requester's slots).
  assign cmd = gnt_cmd_q;
  // The requester's slot for the ASID, as searched when the command was granted. Since
  // then, the decision of the command before may have moved it; that message is on the bus
  // now (bus_q) and is applied here: a scoped post that skipped the requester's core added
  // one to the slot's lag, a SET_ATTRS that skipped it made the lag full. Nothing else
  // moves it: a switch writes only its own core's slots, nothing is decided while a replay
  // runs (the grant waits through it, and the bus carries only the replay's messages, which
  // owe no ack), a reset of the requester drops the grant, and a release that removed the
  // slot refuses the switch (its ASID reads releasing while the release is on the bus).
  // GrantSlotExact_A checks this against the slots every cycle.
  logic bus_skipped;
  assign bus_skipped = bus_q.valid && bus_q.need_ack && !bus_q.drop_ctx &&
                       !bus_q.targets[gnt_idx_q] && bus_q.asid[AsidIdxW-1:0] == a &&
                       (bus_q.set_attrs || kind_asid_scoped(bus_q.kind));
  assign hit   = gnt_hit_q;
  assign hit_s = gnt_hit_s_q;
  assign lag   = !bus_skipped || !gnt_hit_q ? gnt_lag_q :
                 bus_q.set_attrs ? LagFull :
                 gnt_lag_q == LagFull ? LagFull : gnt_lag_q + LagW'(1);
  assign releasing = release_busy && rel_asid_q == a;
  assign st_a      = releasing ? AsidReleasing : asid_rd.active ? AsidActive : AsidFree;
  assign gen_a     = asid_rd.gen;

  assign a         = cmd.asid[AsidIdxW-1:0];
  assign asid_ok   = cmd.asid < AsidW'(NumAsids);
  assign all_cores = '1;
  for (genvar c = 0; c < NumCores; c++) begin : gen_ctx_bits
    assign ctx_valid[c] = ctx_q[c].valid;
    assign ctx_lazy[c]  = ctx_q[c].lazy;
  end

  // The cores that hold the granted command's ASID, as of the end of this cycle: the record
  // includes the message on the bus now (the agents apply it in this very cycle). Deciding
  // on the agents' bare registers would miss a switch granted in the previous cycle: the
  // core would be skipped by an invalidation although it already runs the ASID (seed 000,
  // case 2). Only an ASID inside the table is compared (the decision reads holders only
  // then), on its index bits.
  always_comb begin
    for (int unsigned c = 0; c < NumCores; c++) begin
      holders[c] = ctx_q[c].valid && ctx_q[c].asid == a;
    end
  end

  // Acknowledgements: the targets of a need-ack message on the bus owe from the next cycle;
  // an ack clears what its core owes its initiator (never in the cycle its message is on the
  // bus: a target acknowledges a cycle later). A core's reset leaves both alone.
  assign rel_on_bus   = bus_q.valid && bus_q.drop_ctx;
  assign release_busy = rel_on_bus || rel_owed_q != '0;
  for (genvar i = 0; i < NumCores; i++) begin : gen_owed
    logic [NumCores-1:0] acked;  // the cores acknowledging initiator i now
    for (genvar c = 0; c < NumCores; c++) begin : gen_ack
      assign acked[c] = ack_i[c] && ack_init_i[c] == CoreIdxW'(i);
    end
    assign bus_owes[i] = bus_q.valid && bus_q.need_ack && bus_q.init == CoreIdxW'(i) &&
                         bus_q.targets[NumCores-1:0] != '0;
    assign owed_d[i]   = (owed_q[i] & ~acked) | (bus_owes[i] ? bus_q.targets[NumCores-1:0] : '0);
  end
  assign rel_owed_d = (rel_owed_q & ~(ack_i & ack_rel_i)) |
                      (rel_on_bus ? bus_q.targets[NumCores-1:0] : '0);

  // ---- The decision: what the granted command does, decided once (`dec`, `targets`) from
  // the command, its ASID's state in the table, the cores that hold the ASID and the
  // requester's slot for it. The parts after it (the message, the ASID table, the slot
  // table, the context record, the catch-up replay, the counters) each read the verdict,
  // not the command; each has a twin of the same name in sim/src/fabric/directory.rs.
  always_comb begin
    logic scoped_kind;      // the command's kind is ASID-scoped
    logic attrs_ok, sw_ok;  // the ASID in the table and not being released
    dec         = '0;
    targets     = '0;
    scoped_kind = kind_asid_scoped(cmd.kind);
    attrs_ok    = asid_ok && st_a != AsidReleasing;
    sw_ok       = asid_ok && st_a != AsidReleasing;
    if (decide) begin
      unique case (cmd_op_e'(cmd.op))
        CmdPost: begin
          // ASID-scoped: only the cores running the ASID, lazily or not (seeds 000, 003).
          // Everything else may touch global entries: every core.
          dec.refuse = scoped_kind && !asid_ok;
          dec.post   = !dec.refuse;
          dec.scoped = scoped_kind && asid_ok;
          targets    = dec.refuse ? '0 : scoped_kind ? holders : all_cores;
        end
        CmdSetAttrs: begin
          // Seed 002: new attributes are a new generation. Holders take them and flush the
          // ASID now; every other slot holding it must flush it on its next switch.
          dec.refuse = !attrs_ok;
          dec.attrs  = attrs_ok;
          targets    = attrs_ok ? holders : '0;
        end
        CmdSwitch: begin
          // Seed 003: an ASID may not be used before its release has completed. Up to date,
          // behind by 1..LogDepth invalidations (replayed from the log, oldest first, one
          // message a cycle, the last one completing the switch), or too far behind or
          // remembered by no slot (the ASID flushed whole).
          dec.refuse     = !sw_ok;
          dec.sw         = sw_ok;
          dec.sw_log     = sw_ok && hit && lag != '0 && lag != LagFull;
          dec.sw_replay  = dec.sw_log && lag != LagW'(1);
          dec.sw_flush   = sw_ok && !(hit && lag != LagFull);
          targets        = sw_ok ? NumCores'(1) << gnt_idx_q : '0;
        end
        CmdLazy: dec.lazy = 1'b1;
        CmdRelease: begin
          // Refused if not in use, or if a core still runs it for real. Seed 003: every core
          // may hold entries of it (lazy ones included, and cores that ran it earlier).
          dec.refuse = !asid_ok || st_a != AsidActive || |(holders & ~ctx_lazy);
          dec.rel    = !dec.refuse;
          targets    = dec.refuse ? '0 : all_cores;
        end
        default: dec.refuse = 1'b1;
      endcase
    end
  end

  // ---- The message: the replay's next logged invalidation while a catch-up runs, else the
  // decided command's.
  always_comb begin
    bus_d = '0;
    if (cu_busy_q) begin
      bus_d.valid   = 1'b1;
      bus_d.targets = widen(NumCores'(1) << cu_core_q);
      bus_d.inval   = 1'b1;
      bus_d.kind    = cu_log.kind;
      bus_d.vpn     = cu_log.vpn;
      bus_d.npages  = cu_log.npages;
      bus_d.asid    = AsidW'(cu_asid_q);
      bus_d.init    = cu_core_q;
      if (cu_left_q == LagW'(1)) begin
        bus_d.set_ctx = 1'b1;
        bus_d.done    = 1'b1;
        bus_d.root    = cu_attr_q.root;
        bus_d.pm      = cu_attr_q.pm;
      end
      // The switching core is reset: the replay is abandoned, its message not sent (it must
      // not load the context later).
      if (cu_drop) bus_d.valid = 1'b0;
    end else if (decide) begin
      bus_d.valid     = 1'b1;
      bus_d.init      = gnt_idx_q;
      bus_d.done      = !dec.sw_replay;
      bus_d.error     = dec.refuse;
      bus_d.asid      = cmd.asid;
      bus_d.vpn       = cmd.vpn;
      bus_d.npages    = cmd.npages;
      bus_d.kind      = cmd.kind;
      bus_d.targets   = widen(targets);
      bus_d.inval     = dec.post || dec.attrs || dec.rel || dec.sw_log || dec.sw_flush;
      bus_d.need_ack  = dec.post || dec.attrs || dec.rel;
      bus_d.set_attrs = dec.attrs;
      bus_d.set_ctx   = dec.sw && !dec.sw_replay;
      bus_d.set_lazy  = dec.lazy;
      bus_d.drop_ctx  = dec.rel;
      if (dec.attrs || dec.rel || dec.sw_flush) bus_d.kind = InvAsid;
      if (dec.sw_log) begin
        // The oldest invalidation the slot missed.
        bus_d.kind   = log_rd.kind;
        bus_d.vpn    = log_rd.vpn;
        bus_d.npages = log_rd.npages;
      end
      if (dec.attrs) begin
        bus_d.root = cmd.root;
        bus_d.pm   = cmd.pm;
      end
      if (dec.sw) begin
        bus_d.root = attr_rd.root;
        bus_d.pm   = attr_rd.pm;
      end
    end
  end

  // ---- The ASID table, the attributes and the flush log: the decision's one write each, at
  // the command's ASID. Seed 001: the generation moves on every scoped invalidation and on
  // new attributes; a scoped invalidation is logged at the old generation's position. A
  // switch or new attributes make the ASID active; a release frees it in the table (it
  // reads releasing while its acks are owed: `rel_asid_q`).
  always_comb begin
    asid_we           = dec.scoped || dec.attrs || dec.sw || dec.rel;
    asid_wdata        = asid_rd;
    if (dec.scoped || dec.attrs) asid_wdata.gen = gen_a + GenW'(1);
    if (dec.attrs || dec.sw) asid_wdata.active = 1'b1;
    if (dec.rel) asid_wdata.active = 1'b0;
    attr_we           = dec.attrs;
    attr_wdata        = '{root: cmd.root, pm: cmd.pm};
    log_we            = dec.scoped;
    log_wpos          = gen_a & LogIdxW'(LogDepth - 1);
    log_wdata         = '{kind: cmd.kind, vpn: cmd.vpn, npages: cmd.npages};
    rel_asid_d        = dec.rel ? a : rel_asid_q;
  end

  // ---- The slot table. A scoped post makes every slot that holds its ASID on a skipped
  // core (one not holding the ASID now: the post's and SET_ATTRS's targets are the holders)
  // lag by one more (saturating at LagFull); new attributes make them lag past the log;
  // a switch brings its slot up to date, or takes a free slot (else the round robin's
  // victim) for an ASID no slot remembers; a release forgets the ASID in every slot; a core's
  // reset forgets the core's slots.
  always_comb begin
    logic [SlotIdxW-1:0] victim;
    slot_valid_d = slot_valid_q;
    slot_asid_d  = slot_asid_q;
    slot_lag_d   = slot_lag_q;
    slot_rr_d    = slot_rr_q;
    victim       = '0;
    victim_free  = 1'b0;
    // Every slot is visited only when a decision can touch every slot (the same logic
    // either way; a simulator skips the loop in the other cycles).
    if (dec.scoped || dec.attrs || dec.rel) begin
      for (int unsigned c = 0; c < NumCores; c++) begin
        for (int unsigned s = 0; s < Slots; s++) begin
          if (dec.scoped && !holders[c] && slot_valid_q[c][s] && slot_asid_q[c][s] == a &&
              slot_lag_q[c][s] != LagFull) begin
            slot_lag_d[c][s] = slot_lag_q[c][s] + LagW'(1);
          end
          if (dec.attrs && !holders[c] && slot_valid_q[c][s] && slot_asid_q[c][s] == a) begin
            slot_lag_d[c][s] = LagFull;
          end
          if (dec.rel && slot_valid_q[c][s] && slot_asid_q[c][s] == a) begin
            slot_valid_d[c][s] = 1'b0;
          end
        end
      end
    end
    if ((dec.sw_log || dec.sw_flush) && hit) slot_lag_d[gnt_idx_q][hit_s] = '0;
    if (dec.sw_flush && !hit) begin
      for (int s = Slots - 1; s >= 0; s--) begin
        if (!slot_valid_q[gnt_idx_q][s]) begin
          victim_free = 1'b1;
          victim      = SlotIdxW'(s);
        end
      end
      if (!victim_free) begin
        victim = slot_rr_q[gnt_idx_q];
        slot_rr_d[gnt_idx_q] = (slot_rr_q[gnt_idx_q] == SlotIdxW'(Slots - 1)) ? '0 :
                               slot_rr_q[gnt_idx_q] + SlotIdxW'(1);
      end
      slot_valid_d[gnt_idx_q][victim] = 1'b1;
      slot_asid_d[gnt_idx_q][victim]  = a;
      slot_lag_d[gnt_idx_q][victim]   = '0;
    end
    for (int unsigned c = 0; c < NumCores; c++) begin
      if (core_rst_i[c]) slot_valid_d[c] = '0;
    end
  end

  // ---- The context record (what each agent holds once it has applied bus_d): a switch
  // loads its core's context (a replayed one with the replay's last message), LAZY marks it
  // lazy, a release makes the lazy holders let go of the ASID (the running ones refused
  // it), a core's reset forgets it.
  always_comb begin
    ctx_d = ctx_q;
    if (cu_busy_q && cu_left_q == LagW'(1)) begin
      ctx_d[cu_core_q] = '{valid: 1'b1, asid: cu_asid_q, lazy: 1'b0};
    end
    if (dec.sw && !dec.sw_replay) begin
      ctx_d[gnt_idx_q] = '{valid: 1'b1, asid: a, lazy: 1'b0};
    end
    if (dec.lazy) ctx_d[gnt_idx_q].lazy = 1'b1;
    for (int unsigned c = 0; c < NumCores; c++) begin
      if (dec.rel && holders[c]) ctx_d[c] = '{valid: 1'b0, asid: ctx_q[c].asid, lazy: 1'b0};
      if (core_rst_i[c]) ctx_d[c] = '0;
    end
  end

  // ---- The catch-up replay: a switch behind by more than one logged invalidation sends the
  // first with its decision and the rest from here, one a cycle, from the copy of the log
  // (`cu_log_q`) taken in the decision's cycle; abandoned if its core is reset.
  always_comb begin
    cu_busy_d = cu_busy_q;
    cu_core_d = cu_core_q;
    cu_asid_d = cu_asid_q;
    cu_pos_d  = cu_pos_q;
    cu_left_d = cu_left_q;
    if (cu_busy_q) begin
      cu_pos_d  = cu_pos_q + LogIdxW'(1);
      cu_left_d = cu_left_q - LagW'(1);
      if (cu_left_q == LagW'(1) || cu_drop) cu_busy_d = 1'b0;
    end else if (dec.sw_replay) begin
      cu_busy_d = 1'b1;
      cu_core_d = gnt_idx_q;
      cu_asid_d = a;
      cu_pos_d  = (gen_a[LogIdxW-1:0] - LogIdxW'(lag) + LogIdxW'(1)) & LogIdxW'(LogDepth - 1);
      cu_left_d = lag - LagW'(1);
    end
  end

  // ---- The event counters. What is counted goes to the holders (a scoped post, SET_ATTRS)
  // or to every core (any other post, a release), so the counts read the holders, beside
  // the decision, not the message's targets after it. The decision only selects each
  // increment, which is registered (`cnt_inc_q`) and added in the next cycle: a counter
  // counts a command a cycle after its decision, and no 32-bit sum sits behind the decision.
  logic              count_posted, count_held;
  logic [CoreIdxW:0] held;  // how many cores hold the command's ASID
  assign held         = popcount(holders);
  assign count_posted = dec.post || dec.attrs || dec.rel;
  assign count_held   = dec.scoped || dec.attrs;
  assign cnt_inc_d    = '{posted: count_posted,
                          targets: count_held ? held :
                                   count_posted ? (CoreIdxW + 1)'(NumCores) : '0,
                          skipped: count_held ? (CoreIdxW + 1)'(NumCores) - held : '0,
                          cu_log: dec.sw_log, cu_full: dec.sw_flush, errors: dec.refuse};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ctx_q         <= '0;
      slot_valid_q  <= '0;
      slot_asid_q   <= '0;
      slot_lag_q    <= '0;
      slot_rr_q     <= '0;
      rr_q          <= '0;
      answered_q    <= '0;
      gnt_valid_q   <= 1'b0;
      gnt_oh_q      <= '0;
      rel_inflight_q <= 1'b0;
      gnt_idx_q     <= '0;
      gnt_cmd_q     <= '0;
      gnt_hit_q     <= 1'b0;
      gnt_hit_s_q   <= '0;
      gnt_lag_q     <= '0;
      owed_q        <= '0;
      rel_asid_q    <= '0;
      rel_owed_q    <= '0;
      cu_busy_q     <= 1'b0;
      cu_core_q     <= '0;
      cu_asid_q     <= '0;
      cu_pos_q      <= '0;
      cu_left_q     <= '0;
      bus_q         <= '0;
      cnt_inc_q     <= '0;
      cnt_posted_q  <= '0;
      cnt_targets_q <= '0;
      cnt_skipped_q <= '0;
      cnt_cu_log_q  <= '0;
      cnt_cu_full_q <= '0;
      cnt_errors_q  <= '0;
    end else begin
      ctx_q         <= ctx_d;
      slot_valid_q  <= slot_valid_d;
      slot_asid_q   <= slot_asid_d;
      slot_lag_q    <= slot_lag_d;
      slot_rr_q     <= slot_rr_d;
      rr_q          <= rr_d;
      answered_q    <= answered_d;
      gnt_valid_q   <= gnt_valid_d;
      gnt_oh_q      <= gnt_oh_d;
      rel_inflight_q <= rel_inflight_d;
      gnt_idx_q     <= gnt_idx_d;
      gnt_cmd_q     <= gnt_cmd_d;
      gnt_hit_q     <= gnt_hit_d;
      gnt_hit_s_q   <= gnt_hit_s_d;
      gnt_lag_q     <= gnt_lag_d;
      owed_q        <= owed_d;
      rel_asid_q    <= rel_asid_d;
      rel_owed_q    <= rel_owed_d;
      cu_busy_q     <= cu_busy_d;
      cu_core_q     <= cu_core_d;
      cu_asid_q     <= cu_asid_d;
      cu_pos_q      <= cu_pos_d;
      cu_left_q     <= cu_left_d;
      bus_q         <= bus_d;
      cnt_inc_q     <= cnt_inc_d;
      cnt_posted_q  <= cnt_posted_q + CntW'(cnt_inc_q.posted);
      cnt_targets_q <= cnt_targets_q + CntW'(cnt_inc_q.targets);
      cnt_skipped_q <= cnt_skipped_q + CntW'(cnt_inc_q.skipped);
      cnt_cu_log_q  <= cnt_cu_log_q + CntW'(cnt_inc_q.cu_log);
      cnt_cu_full_q <= cnt_cu_full_q + CntW'(cnt_inc_q.cu_full);
      cnt_errors_q  <= cnt_errors_q + CntW'(cnt_inc_q.errors);
    end
  end

  // ---- The memories. Every write is the decision's, at the granted command's ASID, except
  // the reset sweep's (nothing is decided during it). Every memory is read at one ASID, the
  // decided command's (its table record and attributes, and a lagging switch's oldest
  // missed log entry): in the decision's cycle from LUT RAM, or from block RAM a cycle
  // ahead, at the command granted now (or still waiting), a write to that ASID now
  // forwarded to the reader next cycle; that address comes from the arbiter, not from the
  // decision.
`ifndef TLB_FV_NO_TABLE_CLEAR
  localparam logic [AsidIdxW:0] InitFrom = '0;
`else
  // Formal only (formal/*.sby): no sweep, and the table starts with any content, so that a
  // proof about the shootdown (which no table content may break) holds for every table
  // and spends its depth on traffic.
  localparam logic [AsidIdxW:0] InitFrom = (AsidIdxW + 1)'(NumAsids);
`endif
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)        init_q <= InitFrom;
    else if (init_busy) init_q <= init_q + 1'b1;
  end
  assign init_busy = !init_q[AsidIdxW];
  assign mem_waddr = init_busy ? init_q[AsidIdxW-1:0] : a;
  assign log_rd    = log_rd_all[(gen_a - LogIdxW'(lag)) & LogIdxW'(LogDepth - 1)];
  assign cu_log    = cu_log_q[cu_pos_q & LogIdxW'(LogDepth - 1)];
  // The replay's copy: the read registers as the decision that starts a replay sees them
  // (at its ASID), held while the replay runs (no reset: read only during a replay).
  always_ff @(posedge clk_i) begin
    if (!cu_busy_q) begin
      cu_log_q  <= log_rd_all;
      cu_attr_q <= attr_rd;
    end
  end

  asid_rec_t  asid_wr;
  logic       asid_wr_en;
  assign asid_wr_en = asid_we || init_busy;
  assign asid_wr    = init_busy ? '0 : asid_wdata;
  always_ff @(posedge clk_i) begin
    if (asid_wr_en) asid_mem[mem_waddr] <= asid_wr;
  end
  always_ff @(posedge clk_i) begin
    if (attr_we) attr_mem[mem_waddr] <= attr_wdata;
  end
  for (genvar p = 0; p < LogDepth; p++) begin : gen_log
    log_entry_t mem [NumAsids];
    always_ff @(posedge clk_i) begin
      if (log_we && log_wpos == LogIdxW'(p)) mem[mem_waddr] <= log_wdata;
    end
  end

  if (!ReadAhead) begin : gen_read_now
    // LUT RAM: read asynchronously, in the decision's cycle, at the decided command's ASID.
    // A write lands at the end of its cycle, so the read is the memory as it stands.
    assign asid_rd = asid_mem[a];
    assign attr_rd = attr_mem[a];
    for (genvar p = 0; p < LogDepth; p++) begin : gen_log_rd
      assign log_rd_all[p] = gen_log[p].mem[a];
    end
  end else begin : gen_read_ahead
    // Block RAM: read synchronously, a cycle ahead, at the next grant's ASID, a write to
    // that ASID in the same cycle forwarded.
    asid_rec_t  asid_rd_q, asid_fwd_data_q;
    attrs_t     attr_rd_q, attr_fwd_data_q;
    log_entry_t log_fwd_data_q;
    logic       asid_fwd_q, attr_fwd_q;
    logic [LogDepth-1:0] log_fwd_q;
    logic [AsidIdxW-1:0] rd_addr;
    assign rd_addr = gnt_cmd_d.asid[AsidIdxW-1:0];
    always_ff @(posedge clk_i) begin
      asid_rd_q <= asid_mem[rd_addr];
      attr_rd_q <= attr_mem[rd_addr];
    end
    for (genvar p = 0; p < LogDepth; p++) begin : gen_log_rd
      log_entry_t rd_q;
      always_ff @(posedge clk_i) rd_q <= gen_log[p].mem[rd_addr];
      assign log_rd_all[p] = log_fwd_q[p] ? log_fwd_data_q : rd_q;
    end
    // The forwarding registers (no reset: a read is used only after the sweep, and only
    // in a cycle whose forward flags were set from a real comparison in the cycle before).
    always_ff @(posedge clk_i) begin
      asid_fwd_q      <= asid_wr_en && mem_waddr == rd_addr;
      asid_fwd_data_q <= asid_wr;
      attr_fwd_q      <= attr_we && mem_waddr == rd_addr;
      attr_fwd_data_q <= attr_wdata;
      for (int unsigned p = 0; p < LogDepth; p++) begin
        log_fwd_q[p] <= log_we && log_wpos == LogIdxW'(p) && mem_waddr == rd_addr;
      end
      log_fwd_data_q  <= log_wdata;
    end
    assign asid_rd = asid_fwd_q ? asid_fwd_data_q : asid_rd_q;
    assign attr_rd = attr_fwd_q ? attr_fwd_data_q : attr_rd_q;
  end

  assign bus_o = bus_q;
  for (genvar i = 0; i < NumCores; i++) begin : gen_quiet
    assign quiet_o[i] = owed_q[i] == '0 && !bus_owes[i];
  end
  assign cnt_posted_o       = cnt_posted_q;
  assign cnt_targets_o      = cnt_targets_q;
  assign cnt_skipped_o      = cnt_skipped_q;
  assign cnt_catchup_log_o  = cnt_cu_log_q;
  assign cnt_catchup_full_o = cnt_cu_full_q;
  assign cnt_errors_o       = cnt_errors_q;

  // ---- Assertions (docs/verification.md).
  logic                post_msg;  // a post goes on the bus next cycle
  assign post_msg = bus_d.valid && bus_d.need_ack && !bus_d.set_attrs && !bus_d.drop_ctx;

  `TLB_ASSERT_KNOWN(BusKnown_A, bus_o, clk_i, rst_ni)
  `TLB_ASSERT_KNOWN(QuietKnown_A, quiet_o, clk_i, rst_ni)
  `TLB_ASSERT(GrantOneHot_A, $onehot0(grant_oh), clk_i, rst_ni)
  `TLB_ASSERT(GrantOhMatchesIdx_A, grant_oh == (grant_valid ? NumCores'(1) << grant_idx : '0),
              clk_i, rst_ni)
  `TLB_ASSERT(GrantToRequester_A, (grant_oh & ~req) == '0, clk_i, rst_ni)
  `TLB_ASSERT(NoGrantDuringCatchup_A, !(cu_busy_q && grant_valid), clk_i, rst_ni)
  // The registered grant: never granted twice; its requester keeps asking, with the same
  // command, until the decision (the request is masked while the answer is on the bus);
  // a release is decided only once the one before it is acknowledged.
  `TLB_ASSERT(GrantOhHeld_A, gnt_oh_q == (gnt_valid_q ? NumCores'(1) << gnt_idx_q : '0), clk_i,
              rst_ni)
  `TLB_ASSERT(RelInflightExact_A, rel_inflight_q ==
              (release_busy || (gnt_valid_q && gnt_cmd_q.op == CmdRelease)), clk_i, rst_ni)
  `TLB_ASSERT(GrantNotHeld_A, !(grant_valid && gnt_valid_q && grant_idx == gnt_idx_q), clk_i,
              rst_ni)
  `TLB_ASSERT(HeldStillRequested_A, !gnt_valid_q || ((req_i >> gnt_idx_q) & NumCores'(1)) != '0
              && cmd_i[gnt_idx_q] == gnt_cmd_q, clk_i, rst_ni)
  // answered_q names the agent bus_q completes (or, at a replay's start, one that nothing
  // can be granted to anyway).
  `TLB_ASSERT(AnsweredIsOnTheBus_A, (bus_q.valid && bus_q.done) ?
              answered_q == NumCores'(1) << bus_q.init : answered_q == '0 || cu_busy_q, clk_i,
              rst_ni)
  `TLB_ASSERT(OneReleaseAtATime_A, !(decide && cmd.op == CmdRelease) || !release_busy, clk_i,
              rst_ni)
`ifndef TLB_NO_ASSERT
  // The slot a switch decides with, searched at its grant and brought up to date from the
  // bus, is the one its requester's slots hold now (whenever it matters: a switch that is
  // not refused). The search is written again here, not shared with gen_req_slot, so that a
  // fault in that one does not also blind the check (dir-slot-search-ignores-valid).
  logic                chk_hit;
  logic [SlotIdxW-1:0] chk_hit_s;
  always_comb begin
    chk_hit   = 1'b0;
    chk_hit_s = '0;
    for (int unsigned s = 0; s < Slots; s++) begin
      if (!chk_hit && slot_valid_q[gnt_idx_q][s] && slot_asid_q[gnt_idx_q][s] == a) begin
        chk_hit   = 1'b1;
        chk_hit_s = SlotIdxW'(s);
      end
    end
  end
`endif
  `TLB_ASSERT(GrantSlotExact_A, !(decide && cmd.op == CmdSwitch && asid_ok && !releasing) ||
              (hit == chk_hit && (!hit || (hit_s == chk_hit_s &&
                                           lag == slot_lag_q[gnt_idx_q][chk_hit_s]))),
              clk_i, rst_ni)
  `TLB_ASSERT(CatchupHasWork_A, !cu_busy_q || cu_left_q != '0, clk_i, rst_ni)
  `TLB_ASSERT(TargetsExist_A, (bus_q.targets >> NumCores) == '0, clk_i, rst_ni)
  // Every acknowledgement was owed, and every ack owed arrives now: a target acknowledges
  // the cycle after its message, whether its core is reset or not (the owed bits are set the
  // cycle after the message too). An ack lost (a reset that cleared one), doubled or late
  // breaks the equality; the owed bits themselves would wait for a late one.
  `TLB_ASSERT(ReleaseAcksOwed_A, ((ack_i & ack_rel_i) & ~rel_owed_q) == '0, clk_i, rst_ni)
  `TLB_ASSERT(ReleaseAcksOnTime_A, rel_owed_q == (ack_i & ack_rel_i), clk_i, rst_ni)
  for (genvar i = 0; i < NumCores; i++) begin : gen_ack_check
    `TLB_ASSERT(AcksOwed_A, (gen_owed[i].acked & ~owed_q[i]) == '0, clk_i, rst_ni)
    `TLB_ASSERT(AcksOnTime_A, owed_q[i] == gen_owed[i].acked, clk_i, rst_ni)
    // A reset core is forgotten: no context, no slot, no grant, no replay, and nothing on
    // the bus for it (its own commands) in the next cycle.
    `TLB_ASSERT_NEXT(ResetForgets_A, core_rst_i[i], !ctx_q[i].valid && slot_valid_q[i] == '0 &&
                     !(gnt_valid_q && gnt_idx_q == CoreIdxW'(i)) &&
                     !(cu_busy_q && cu_core_q == CoreIdxW'(i)) &&
                     !(bus_q.valid && bus_q.init == CoreIdxW'(i)), clk_i, rst_ni)
  end

  // ---- Functional coverage (docs/verification.md lists each point and the unreachable ones).
  // A post of each kind reaches a core running the ASID, skips a core (ASID-scoped kinds
  // only), skips a core that ran the ASID before (its slot now lags), reaches a lazy core.
  `TLB_COVER_KINDS(PostTargetsRunning, bus_d.kind,
                   post_msg && (bus_d.targets[NumCores-1:0] & ctx_valid & ~ctx_lazy) != '0,
                   clk_i, rst_ni)
  `TLB_COVER_KINDS(PostSkips, bus_d.kind, post_msg && ~bus_d.targets[NumCores-1:0] != '0,
                   clk_i, rst_ni)
  `TLB_COVER_KINDS(PostLagsSlot, bus_d.kind, post_msg && slot_lag_d != slot_lag_q, clk_i,
                   rst_ni)
  `TLB_COVER_KINDS(PostTargetsLazy, bus_d.kind,
                   post_msg && (bus_d.targets[NumCores-1:0] & ctx_valid & ctx_lazy) != '0,
                   clk_i, rst_ni)
  // A switch catches up on a logged invalidation of each kind.
  `TLB_COVER_KINDS(CatchupLog, bus_d.kind,
                   bus_d.valid && bus_d.inval && (cu_busy_q || dec.sw_log),
                   clk_i, rst_ni)
  `TLB_COVER(CatchupLogMulti_C, cu_busy_q && cu_left_q == LagW'(1), clk_i, rst_ni)
  `TLB_COVER(CatchupLogFull_C, cu_busy_q && cu_left_q == LagW'(LogDepth - 1), clk_i, rst_ni)
  `TLB_COVER(CatchupFullLagged_C, dec.sw_flush && hit, clk_i, rst_ni)
  `TLB_COVER(CatchupFullNoSlot_C, dec.sw_flush && !hit && victim_free, clk_i, rst_ni)
  `TLB_COVER(CatchupFullEvicts_C, dec.sw_flush && !hit && !victim_free, clk_i, rst_ni)
  `TLB_COVER(SwitchUpToDate_C, bus_d.set_ctx && !bus_d.inval, clk_i, rst_ni)
  `TLB_COVER(LogWraps_C, post_msg && gen_a == GenW'(LogDepth - 1) &&
             kind_asid_scoped(cmd.kind), clk_i, rst_ni)
  // Concurrent initiators: several requests at once, several posts at once, acks owed to
  // several initiators at once (overlapping syncs), an ack arriving with a grant.
  `TLB_COVER(ConcurrentRequests_C, $countones(req) >= 2, clk_i, rst_ni)
  `TLB_COVER(AllCoresRequest_C, req == '1, clk_i, rst_ni)
  `TLB_COVER(ConcurrentSyncs_C, $countones(~quiet_o) >= 2, clk_i, rst_ni)
  `TLB_COVER(AckWithGrant_C, ack_i != '0 && decide, clk_i, rst_ni)
  // ASID life cycle: attributes, release (refused, granted, completed), reuse.
  `TLB_COVER(AttrsTargetHolders_C, bus_d.set_attrs && bus_d.targets != '0, clk_i, rst_ni)
  `TLB_COVER(AttrsLagSlots_C, bus_d.set_attrs && slot_lag_d != slot_lag_q, clk_i, rst_ni)
  `TLB_COVER(ReleaseGranted_C, bus_d.drop_ctx, clk_i, rst_ni)
  `TLB_COVER(ReleaseRefused_C, decide && cmd.op == CmdRelease && bus_d.error, clk_i, rst_ni)
  `TLB_COVER(ReleaseWaits_C, rel_wait && release_busy, clk_i, rst_ni)
  `TLB_COVER(ReleaseCompletes_C, rel_owed_q != '0 && rel_owed_d == '0, clk_i, rst_ni)
  `TLB_COVER(SwitchWhileReleasing_C, decide && cmd.op == CmdSwitch &&
             asid_ok && st_a == AsidReleasing, clk_i, rst_ni)
`ifndef TLB_NO_ASSERT
  // Coverage bookkeeping only, compiled out with the assertions (not part of the design,
  // not mirrored by the model): the ASIDs whose release has completed since reset (the
  // completion ReleaseCompletes_C counts).
  logic [NumAsids-1:0] cov_released_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cov_released_q <= '0;
    end else if (rel_owed_q != '0 && rel_owed_d == '0) begin
      cov_released_q[rel_asid_q] <= 1'b1;
    end
  end
`endif
  // A released ASID taken again (by a switch, or by new attributes first).
  `TLB_COVER(AsidReused_C, decide && asid_ok && st_a == AsidFree &&
             (cmd.op == CmdSwitch || cmd.op == CmdSetAttrs) && cov_released_q[a], clk_i,
             rst_ni)
  `TLB_COVER(ScopedPostBadAsid_C, decide && cmd.op == CmdPost && bus_d.error, clk_i, rst_ni)
  // The memories: a decision reads a table record, attributes or a log entry written in the
  // cycle before (read in the decision's cycle from LUT RAM; forwarded into the read-ahead
  // register from block RAM); a replay runs while the memories are read for another ASID's
  // waiting command (it reads its copy); a command waits for the reset sweep.
`ifndef TLB_NO_ASSERT
  logic wrote_table, wrote_attrs, wrote_log;  // the cycle before wrote the decided ASID
  if (!ReadAhead) begin : gen_chk_written
    `TLB_PAST(chk_waddr_q, mem_waddr, clk_i, rst_ni)
    `TLB_PAST(chk_asid_we_q, asid_wr_en, clk_i, rst_ni)
    `TLB_PAST(chk_attr_we_q, attr_we, clk_i, rst_ni)
    `TLB_PAST(chk_log_we_q, log_we, clk_i, rst_ni)
    assign wrote_table = chk_asid_we_q && chk_waddr_q == a;
    assign wrote_attrs = chk_attr_we_q && chk_waddr_q == a;
    assign wrote_log   = chk_log_we_q && chk_waddr_q == a;
  end else begin : gen_chk_forwarded
    assign wrote_table = gen_read_ahead.asid_fwd_q;
    assign wrote_attrs = gen_read_ahead.attr_fwd_q;
    assign wrote_log   = gen_read_ahead.log_fwd_q != '0;
  end
`endif
  // A switch whose slot the decision before it moved (a post or SET_ATTRS that skipped it).
  `TLB_COVER(SlotLagForwarded_C, decide && cmd.op == CmdSwitch && bus_skipped && hit &&
             !bus_q.set_attrs, clk_i, rst_ni)
  `TLB_COVER(SlotFullForwarded_C, decide && cmd.op == CmdSwitch && bus_skipped && hit &&
             bus_q.set_attrs, clk_i, rst_ni)
  `TLB_COVER(TableForwarded_C, decide && asid_ok && wrote_table, clk_i, rst_ni)
  `TLB_COVER(AttrsForwarded_C, decide && cmd.op == CmdSwitch && asid_ok && wrote_attrs, clk_i,
             rst_ni)
  `TLB_COVER(LogForwarded_C, decide && cmd.op == CmdSwitch && hit && lag != '0 &&
             lag != LagFull && wrote_log, clk_i, rst_ni)
  `TLB_COVER(ReplayBesideOtherAsid_C, cu_busy_q && gnt_valid_q &&
             gnt_cmd_q.asid[AsidIdxW-1:0] != cu_asid_q, clk_i, rst_ni)
  `TLB_COVER(WaitsForSweep_C, init_busy && req != '0, clk_i, rst_ni)
  // Core resets: one drops a granted command, one abandons a replay, one hits an initiator
  // still owed acks, one a core the bus targets (its ack still comes), all cores at once.
  `TLB_COVER(ResetDropsGrant_C, gnt_drop, clk_i, rst_ni)
  `TLB_COVER(ResetAbandonsCatchup_C, cu_drop, clk_i, rst_ni)
  `TLB_COVER(ResetInitiatorOwed_C, (core_rst_i & ~quiet_o) != '0, clk_i, rst_ni)
  `TLB_COVER(ResetWhileTargeted_C, bus_q.valid && bus_q.need_ack &&
             (core_rst_i & bus_q.targets[NumCores-1:0]) != '0, clk_i, rst_ni)
  `TLB_COVER(ResetAllCores_C, core_rst_i == '1, clk_i, rst_ni)

endmodule : tlb_directory
