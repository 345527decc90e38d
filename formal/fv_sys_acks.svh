// SPDX-License-Identifier: Apache-2.0
// Acknowledgement accounting of the fabric (part of proofs 2 and 3), over `dut`.
//   AckAfterApply_A  a core acknowledges only a message it applied (invalidated its TLB
//                    with) in the previous cycle, to that message's initiator: no ack
//                    before the invalidation is applied.
//   OwedExact_A      the directory's owed_q[i] is exactly the set of cores whose ack to
//                    initiator i is in flight;
//   QuietExact_A     initiator i is quiet exactly when no acknowledgement is still to come
//                    (none on the way, no need-ack message of its on the bus): quiet (sync
//                    may complete) implies every target has applied.
//   helpers          an acked message on the bus serves an agent in AgDir; an ack in flight
//                    never belongs to an agent in AgSync; a catch-up has 1..LogDepth-1 left.
  logic [NumCores-1:0]                prev_apply_q;
  logic [NumCores-1:0][CoreIdxW-1:0]  prev_init_q;
  always_ff @(posedge clk_i) begin
    for (int unsigned c = 0; c < NumCores; c++) begin
      prev_apply_q[c] <= dut.bus.valid && dut.bus.targets[c] && dut.bus.inval &&
                         dut.bus.need_ack && rst_n;
      prev_init_q[c]  <= dut.bus.init;
    end
  end

  for (genvar c = 0; c < NumCores; c++) begin : gen_ack_c
    always_comb if (rst_n) begin
      AckAfterApply_A: assert (!dut.ack[c] || (prev_apply_q[c] &&
                                               dut.ack_init[c] == prev_init_q[c]));
    end
  end

  for (genvar i = 0; i < NumCores; i++) begin : gen_ack_i
    logic [7:0] inflight;
    logic [NumCores-1:0] acking;  // the cores whose ack to initiator i is in flight
    for (genvar c = 0; c < NumCores; c++) begin : gen_acking
      assign acking[c] = dut.ack[c] && dut.ack_init[c] == CoreIdxW'(i);
    end
    always_comb begin
      inflight = '0;
      if (dut.bus.valid && dut.bus.need_ack && dut.bus.init == CoreIdxW'(i)) begin
        for (int unsigned c = 0; c < NumCores; c++) inflight = inflight + 8'(dut.bus.targets[c]);
      end
      for (int unsigned c = 0; c < NumCores; c++) begin
        inflight = inflight + 8'(dut.ack[c] && dut.ack_init[c] == CoreIdxW'(i));
      end
    end
    always_comb if (rst_n) begin
      OwedExact_A: assert (dut.u_dir.owed_q[i] == acking);
      QuietExact_A: assert (dut.quiet[i] == (inflight == '0));
      BusAckedInDir_A: assert (!(dut.bus.valid && dut.bus.need_ack &&
                                 dut.bus.init == CoreIdxW'(i)) ||
                               dut.gen_core[i].u_agent.state_q == 2'd1);
    end
  end
  for (genvar c = 0; c < NumCores; c++) begin : gen_ack_sync
    for (genvar i = 0; i < NumCores; i++) begin : gen_i
      always_comb if (rst_n) begin
        AckNotInSync_A: assert (!(dut.ack[c] && dut.ack_init[c] == CoreIdxW'(i)) ||
                                dut.gen_core[i].u_agent.state_q != 2'd2);
      end
    end
  end
  always_comb if (rst_n) begin
    CuLeft_A: assert (!dut.u_dir.cu_busy_q ||
                      (dut.u_dir.cu_left_q >= 1 && dut.u_dir.cu_left_q <= LogDepth - 1));
  end
  // Proof 3a: a SYNC completes in the cycle after the agent takes it, whatever the others do.
  for (genvar c = 0; c < NumCores; c++) begin : gen_sync_next
    always_comb if (rst_n) begin
      SyncNextCycle_A: assert (dut.gen_core[c].u_agent.state_q != 2'd2 || dut.quiet[c]);
    end
  end
