// Simulation-only DPI helpers for the generated wrapper tops (harness/src/rtl.rs).
//
// marlin's dynamic models expose no trace API and no way to set the simulation time, so the
// wrapper opens its own VCD with $dumpfile/$dumpvars and sets the context time itself on each
// clock edge, from a time value the harness drives into it.
#include "verilated.h"
#include <cstdint>
#include <cstdlib>

extern "C" void tlb_sim_set_time(long long t) {
  Verilated::threadContextp()->time(static_cast<uint64_t>(t));
}

// The harness sets TLB_SIM_VCD_PATH under a process-wide lock just before it raises
// sim_trace_i, so concurrent tests in one process each get their own file.
extern "C" const char* tlb_sim_vcd_path() {
  const char* path = std::getenv("TLB_SIM_VCD_PATH");
  return path ? path : "tlb_rtl.vcd";
}
