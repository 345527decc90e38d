// Simulation-only helpers for the generated wrapper tops (harness/src/rtl.rs).
//
// marlin's dynamic models expose no trace API and no way to set the simulation time, so a
// traced wrapper opens its own VCD with $dumpfile/$dumpvars and sets its context's time on
// each clock edge from a value the harness drives in. Verilator refuses to construct a model
// in a context whose time is non-zero, so a traced model gets a context of its own
// (tlb_sim_fresh_context before it is built, tlb_sim_default_context after) and the time
// is set through the calling scope's own context, never the shared default one.
#include "verilated.h"
#include "verilated_syms.h"
#include "svdpi.h"
#include <cstdint>
#include <cstdlib>

extern "C" void tlb_sim_set_time(long long t) {
  const VerilatedScope* scope = static_cast<const VerilatedScope*>(svGetScope());
  VerilatedContext* ctx = scope ? scope->symsp()->_vm_contextp__ : Verilated::threadContextp();
  ctx->time(static_cast<uint64_t>(t));
}

// The harness sets TLB_SIM_VCD_PATH under a process-wide lock just before it raises
// sim_trace_i, so concurrent tests in one process each get their own file.
extern "C" const char* tlb_sim_vcd_path() {
  const char* path = std::getenv("TLB_SIM_VCD_PATH");
  return path ? path : "tlb_rtl.vcd";
}

// Called from Rust (by symbol) around the construction of a traced model.
extern "C" void tlb_sim_fresh_context() { Verilated::threadContextp(new VerilatedContext); }
extern "C" void tlb_sim_default_context() {
  Verilated::threadContextp(Verilated::defaultContextp());
}
