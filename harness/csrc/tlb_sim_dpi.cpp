// Simulation-only helpers for the generated wrapper tops (harness/src/rtl.rs).
//
// marlin's dynamic models expose no trace API and no way to set the simulation time, so a
// traced wrapper opens its own VCD with $dumpfile/$dumpvars and sets the time on each clock
// edge from a value the harness drives in. Trace timestamps come from the *thread's*
// Verilator context, and Verilator refuses to construct a model in a context whose time is
// non-zero, so:
//  - untraced models never move time (the wrapper only calls tlb_sim_set_time while
//    sim_trace_i is high), whichever context they live in;
//  - every thread builds its untraced models in a context of its own (tlb_sim_own_context),
//    and each traced model in a context holding it alone (tlb_sim_trace_context); the time
//    a traced run sets (on the thread's plain context) never reaches another thread;
//  - building a model makes its context Verilator's global "last context", which threads
//    that never chose one inherit: tlb_sim_restore_last_context puts the default back;
//  - when the traced model is done, the thread's time goes back to zero
//    (tlb_sim_reset_time), so the thread can build models again.
//
// Coverage builds (VM_COVERAGE, TLB_COVERAGE set: harness/src/toolchain.rs) also remember
// every context made here and write each one's counts to $TLB_COVERAGE when the process
// exits (contexts are never destroyed: marlin leaks its models).
#include "verilated.h"
#include <cstdint>
#include <cstdlib>
#include <limits>
#if VM_COVERAGE
#include "verilated_cov.h"
#include <mutex>
#include <string>
#include <unistd.h>
#include <vector>

namespace {
std::mutex g_contexts_lock;
std::vector<VerilatedContext*>& contexts() {
  static std::vector<VerilatedContext*>* list = new std::vector<VerilatedContext*>;
  return *list;
}

// Runs at exit (registered below, when the library is loaded). Every top's library has its
// own copy of this file, so file names carry the address of this copy's list as well as
// the process id.
void write_coverage() {
  const char* dir = std::getenv("TLB_COVERAGE");
  if (!dir || !*dir) return;
  std::lock_guard<std::mutex> guard(g_contexts_lock);
  // The very first model of a library is built before these helpers can be found, in
  // Verilator's default context.
  std::vector<VerilatedContext*> all = contexts();
  all.push_back(Verilated::defaultContextp());
  int n = 0;
  for (VerilatedContext* ctx : all) {
    const std::string path = std::string(dir) + "/cov-" + std::to_string(getpid()) + "-" +
                             std::to_string(reinterpret_cast<uintptr_t>(&contexts())) + "-" +
                             std::to_string(n++) + ".dat";
    ctx->coveragep()->write(path);
  }
}

// Registered when this library is loaded, which is before its first model is built: that
// model lives in Verilator's default context, and a process that builds only one model
// per library (tests/full_width.rs, for one) never makes a context of its own, so waiting
// for the first context would lose its counts. The default context is made first, so that
// the handler runs before it is destroyed (exit runs handlers in reverse order).
struct RegisterWriter {
  RegisterWriter() {
    Verilated::defaultContextp();
    std::atexit(write_coverage);
  }
} g_register_writer;
}  // namespace
#endif

extern "C" void tlb_sim_set_time(long long t) {
  Verilated::threadContextp()->time(static_cast<uint64_t>(t));
}

// The harness sets TLB_SIM_VCD_PATH under a process-wide lock just before it raises
// sim_trace_i, so concurrent tests in one process each get their own file.
extern "C" const char* tlb_sim_vcd_path() {
  const char* path = std::getenv("TLB_SIM_VCD_PATH");
  return path ? path : "tlb_rtl.vcd";
}

// This thread's context for untraced models, and for trace timestamps (Verilator stamps a
// dump with the thread context's time).
static thread_local VerilatedContext* t_plain = nullptr;

static VerilatedContext* new_context() {
  VerilatedContext* const ctx = new VerilatedContext;  // also becomes thread and last context
  ctx->traceEverOn(true);                              // $dumpvars needs it before time 0
#if VM_COVERAGE
  {
    std::lock_guard<std::mutex> guard(g_contexts_lock);
    contexts().push_back(ctx);
  }
#endif
  return ctx;
}

// Before an untraced model is built: build it in this thread's plain context.
extern "C" void tlb_sim_own_context() {
  if (!t_plain) t_plain = new_context();
  Verilated::threadContextp(t_plain);
}

// Before a traced model is built: a context holding that model alone, so $dumpvars (which
// dumps every model of a context) writes just its hierarchy.
extern "C" void tlb_sim_trace_context() {
  if (!t_plain) t_plain = new_context();
  new_context();
}

// After any build: back to the plain context, and the default as everyone's "last".
extern "C" void tlb_sim_restore_last_context() {
  if (t_plain) Verilated::threadContextp(t_plain);
  Verilated::lastContextp(Verilated::defaultContextp());
}

extern "C" void tlb_sim_reset_time() { Verilated::threadContextp()->time(0); }

// A replay of inputs the RTL never answered itself (a model-mode run's, for its waveform)
// may break the RTL's own assertions. With stop = 0 a failed assertion is counted and the
// evaluation goes on (Verilator's error limit raised on this thread's context, which
// reports them); stop = 1 puts the limit back (by default the first failure stops the
// process). Returns this thread's count of failed assertions so far.
extern "C" unsigned long long tlb_sim_assertions_stop(int stop) {
  static thread_local int t_saved_limit = 0;
  VerilatedContext* const ctx = Verilated::threadContextp();
  if (!stop && t_saved_limit == 0) {
    t_saved_limit = ctx->errorLimit();
    ctx->errorLimit(std::numeric_limits<int>::max());
  } else if (stop && t_saved_limit != 0) {
    ctx->errorLimit(t_saved_limit);
    t_saved_limit = 0;
  }
  return ctx->errorCount();
}
