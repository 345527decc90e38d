// SPDX-License-Identifier: Apache-2.0
//! Verilated tops driven through marlin's dynamic API: `tlb_core`
//! ([`crate::rtl_core::RtlCore`]) and `tlb_system` ([`crate::rtl_system::RtlSystem`]), both
//! through one generic [`RtlTop`].
//!
//! marlin cannot pass `-G` parameters, its macro front end rejects parameterised port
//! widths, and its dynamic API looks a port's symbol up on every access. So for each
//! configuration the harness writes a flat wrapper top (`TopSpec::source`) that
//! instantiates the design with literal parameters and packs every input into one wide port
//! `sim_in_i` and every output into `sim_out_o` (first field in the least significant
//! bits). marlin builds and loads the model and evaluates it; a cycle reads and writes the
//! ports in place, at addresses the wrapper hands over once (`Ports`), with no symbol
//! lookup at all. The wrapper adds two
//! simulation-only inputs: `sim_time_i`, copied into the Verilator context time on each
//! clock edge (through `csrc/tlb_sim_dpi.cpp`), and `sim_trace_i`, whose rising edge opens
//! a VCD of the whole hierarchy with `$dumpfile`/`$dumpvars`.
//!
//! Waveform time: cycle `c` (counted from the end of reset) drives its inputs with the clock
//! low at `10*(c+1)` ns and has its rising edge at `10*(c+1) + 5` ns. The model's waveform
//! (`vcdout.rs` in `tlb-lockstep`) uses the same times.
//!
//! - `rtl/wrapper.rs`: the generated wrapper top of a configuration ([`TopSpec`]) and the
//!   RTL's file list ([`rtl_sources`]).
//! - `rtl/bits.rs`: fields packed into the words of the wide ports ([`pack`], [`unpack`]).
//! - `rtl/ports.rs`: our helpers in the library marlin built, and an instance's ports read
//!   and written in place.
//! - here: [`RtlTop`], one instance: marlin's runtime per top and thread, the pool of
//!   reused instances, reset, clocking and the VCD.

mod bits;
mod ports;
mod wrapper;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use marlin::verilator::dynamic::{AsDynamicVerilatedModel, DynamicVerilatedModel, VerilatorValue};
use marlin::verilator::tracing::Waveform;
use marlin::verilator::{CxxStandard, VerilatedModelConfig, VerilatorRuntime, VerilatorRuntimeOptions};
/// The part of a wrapper top's name that says its HitLatency (one definition for every
/// wrapper and for the model's waveform, in `tlb-lockstep`).
pub use tlb_lockstep::hit_latency_suffix;

pub use bits::{get_bits, pack, put_bits, unpack};
use ports::{helpers, read_port, write_port, Ports, LOADED};
pub use wrapper::{file_list, rtl_sources, TopSpec};

use crate::error::BuildError;
use crate::toolchain;
use crate::toolchain::{build_dir, write_if_changed};

type Pooled = (DynamicVerilatedModel<'static>, *mut [u32], Ports);

thread_local! {
    /// One marlin runtime per (thread, top): Verilator models must be evaluated on the
    /// thread that built them, and models borrow their runtime for their lifetime.
    static RUNTIMES: RefCell<HashMap<String, &'static VerilatorRuntime>> = RefCell::new(HashMap::new());
    /// Untraced instances handed back by dropped tops, reset and reused: marlin frees
    /// models only with their (here leaked) runtime.
    static POOL: RefCell<HashMap<String, Vec<Pooled>>> = RefCell::new(HashMap::new());
}

fn runtime(spec: &TopSpec) -> Result<(&'static VerilatorRuntime, PathBuf), BuildError> {
    let root = toolchain::repo_root();
    let rtl_root = toolchain::rtl_root();
    let wrapper = build_dir().join("gen").join(format!("{}.sv", spec.name));
    if let Some(rt) = RUNTIMES.with(|r| r.borrow().get(&spec.name).copied()) {
        return Ok((rt, wrapper));
    }
    let verilator = toolchain::verilator()?;
    forget_if_headers_changed(&spec.name, &rtl_root.join("rtl"));
    write_if_changed(&wrapper, &spec.source)
        .map_err(|e| BuildError::Write { path: wrapper.clone(), error: Arc::new(e) })?;
    let helper = wrapper.with_extension("cpp");
    write_if_changed(&helper, &spec.helper_source())
        .map_err(|e| BuildError::Write { path: helper.clone(), error: Arc::new(e) })?;
    // The wrapper goes first: its `timescale then covers every later file (Verilator warns
    // when only some modules have one).
    let mut sources = vec![wrapper.clone()];
    sources.extend(rtl_sources().into_iter().map(|s| rtl_root.join(s)));
    sources.extend(spec.extra_sources.iter().map(|s| root.join(s)));
    sources.push(root.join("harness/csrc/tlb_sim_dpi.cpp"));
    sources.push(helper);
    let rt = VerilatorRuntime::new2(
        build_dir(),
        &sources,
        &[rtl_root.join("rtl")],
        [],
        VerilatorRuntimeOptions::default().verilator_executable(verilator.into_os_string()),
    )
    .map_err(|e| BuildError::Marlin(format!("{e:?}")))?;
    let rt: &'static VerilatorRuntime = Box::leak(Box::new(rt));
    RUNTIMES.with(|r| r.borrow_mut().insert(spec.name.clone(), rt));
    Ok((rt, wrapper))
}

/// Runs `f` with file descriptor 1 pointing at stderr: marlin prints its Verilator command
/// lines with `println!`, which would corrupt our own stdout (`tlbsim run --json`).
pub(crate) fn stdout_to_stderr<T>(f: impl FnOnce() -> T) -> T {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    // Safety: plain descriptor duplication; the saved descriptor is restored and closed.
    let saved = unsafe { libc::dup(1) };
    if saved < 0 {
        return f();
    }
    unsafe { libc::dup2(2, 1) };
    let out = f();
    let _ = std::io::stdout().flush();
    // Verilator prints through C's stdio (a failed assertion, for one): what its buffer
    // still holds belongs to the redirected stream too.
    unsafe {
        libc::fflush(std::ptr::null_mut());
        libc::dup2(saved, 1);
        libc::close(saved);
    }
    out
}

/// Removes a top's builds that are older than an included header (`rtl/*.svh`). marlin
/// rebuilds a model when one of its source files is newer than the build, but a header is
/// not a source file (it is `include`d), so an edit to the assertion macros alone would
/// otherwise run every test on the models built before it.
/// Checked once per top and process, under a lock: a thread must not remove a build another
/// thread has just begun.
fn forget_if_headers_changed(name: &str, include_dir: &Path) {
    static CHECKED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut checked = CHECKED.lock().unwrap_or_else(|e| e.into_inner());
    if checked.iter().any(|n| n == name) {
        return;
    }
    checked.push(name.to_string());
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let Some(newest_header) = std::fs::read_dir(include_dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "svh"))
        .filter_map(|p| modified(&p))
        .max()
    else {
        return;
    };
    let prefix = format!("{name}__");
    let stale = std::fs::read_dir(build_dir()).into_iter().flatten().flatten().any(|e| {
        e.file_name().to_string_lossy().starts_with(&prefix)
            && modified(&e.path().join("obj_dir")).is_some_and(|built| built < newest_header)
    });
    if stale {
        forget_build(name);
    }
}

/// Removes marlin's build folder(s) for a top.
fn forget_build(name: &str) {
    let prefix = format!("{name}__");
    if let Ok(dir) = std::fs::read_dir(build_dir()) {
        for e in dir.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Serialises the hand-off of the VCD path through the environment (see tlb_sim_dpi.cpp).
static VCD_PATH_LOCK: Mutex<()> = Mutex::new(());

/// What a traced instance needs to hand its thread back.
struct Trace {
    reset_time: extern "C" fn(),
}

/// One Verilated wrapper top.
pub struct RtlTop {
    spec: TopSpec,
    model: Option<DynamicVerilatedModel<'static>>,
    ports: Ports,
    /// Set on traced instances, which are never returned to the pool.
    trace: Option<Trace>,
    /// One evaluation a cycle (the wrapper's `sim_onepass_i`): every instance but a
    /// traceable one or one in a coverage run ([`one_pass`]).
    onepass: bool,
    /// Staging buffer for the packed inputs of a reset (see `pin_wide_inputs`); leaked with
    /// the model.
    in_buf: *mut [u32],
    /// The packed outputs after the last evaluation.
    out: Vec<u32>,
    /// Cycles since reset.
    cycle: u64,
}

impl RtlTop {
    /// Builds (or reuses a pooled instance of) the top and resets it.
    pub fn new(spec: &TopSpec) -> Result<RtlTop, BuildError> {
        if let Some((model, in_buf, ports)) = POOL.with(|p| p.borrow_mut().get_mut(&spec.name).and_then(Vec::pop)) {
            let mut top = RtlTop::with_model(spec, model, ports, in_buf, one_pass(false));
            top.reset();
            return Ok(top);
        }
        Self::build(spec, false)
    }

    fn with_model(
        spec: &TopSpec,
        model: DynamicVerilatedModel<'static>,
        ports: Ports,
        in_buf: *mut [u32],
        onepass: bool,
    ) -> RtlTop {
        RtlTop {
            spec: spec.clone(),
            model: Some(model),
            ports,
            trace: None,
            onepass,
            in_buf,
            out: vec![0; spec.out_words()],
            cycle: 0,
        }
    }

    /// A fresh instance dumping a VCD of its whole hierarchy to `vcd`.
    pub fn new_traced(spec: &TopSpec, vcd: &Path) -> Result<RtlTop, BuildError> {
        let mut top = Self::new_traceable(spec)?;
        top.open_vcd(vcd);
        Ok(top)
    }

    /// A fresh instance that can dump a VCD ([`RtlTop::open_vcd`]) from any cycle on; it
    /// keeps VCD time (10 ns a cycle) from reset, so a window shows the run's own cycles.
    pub fn new_traceable(spec: &TopSpec) -> Result<RtlTop, BuildError> {
        // Build (or find) the library through an ordinary instance first, so that our
        // context helpers exist and the traced model is built in a context of its own.
        drop(RtlTop::new(spec)?);
        let mut top = Self::build(spec, true)?;
        let reset_time = helpers(&spec.name).ok_or_else(|| no_library(spec))?.reset_time;
        top.trace = Some(Trace { reset_time });
        Ok(top)
    }

    fn build(spec: &TopSpec, traced: bool) -> Result<RtlTop, BuildError> {
        // One model is constructed at a time in the process: the first model of a library
        // lives in Verilator's default context, which threads share, and coverage builds
        // register their points there without a lock of their own.
        static CONSTRUCT: Mutex<()> = Mutex::new(());
        let _one_at_a_time = CONSTRUCT.lock().unwrap_or_else(|p| p.into_inner());
        let (rt, wrapper) = runtime(spec)?;
        if let Some(h) = helpers(&spec.name) {
            if traced {
                (h.trace_context)()
            } else {
                (h.own_context)()
            }
        }
        let config = VerilatedModelConfig::default()
            .enable_tracing(Some(Waveform::Vcd))
            .verilator_optimization(3)
            .cxx_standard(Some(CxxStandard::Cxx17));
        let ports = spec.port_list();
        let mut model =
            stdout_to_stderr(|| rt.create_dyn_model(&spec.name, wrapper.to_str().expect("UTF-8 path"), &ports, config))
                .map_err(|e| {
                    // marlin treats a half-built folder as up to date next time: remove it.
                    forget_build(&spec.name);
                    BuildError::Verilate { top: spec.name.clone(), details: format!("{e:?}") }
                })?;
        {
            let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
            if !loaded.iter().any(|n| n == &spec.name) {
                loaded.push(spec.name.clone());
            }
        }
        let h = helpers(&spec.name).ok_or_else(|| no_library(spec))?;
        (h.restore_last_context)();
        let in_buf = Box::into_raw(vec![0u32; spec.in_words()].into_boxed_slice());
        // The first evaluation (the reset's) runs the wrapper's `initial` block, which
        // registers the instance; its ports are taken right after.
        let onepass = one_pass(traced);
        reset_model(&mut model, spec, in_buf, onepass);
        let ports = Ports::take(&h).ok_or_else(|| BuildError::NoPorts(spec.name.clone()))?;
        let mut top = RtlTop::with_model(spec, model, ports, in_buf, onepass);
        top.read_outputs();
        Ok(top)
    }

    fn m(&mut self) -> &mut DynamicVerilatedModel<'static> {
        self.model.as_mut().expect("model present until drop")
    }

    fn pin(&mut self, port: &str, width: u32, value: u64) {
        pin(self.m(), port, width, value);
    }

    /// Asynchronous reset, leaving the clock high and every input zero.
    pub fn reset(&mut self) {
        let in_buf = self.in_buf;
        let model = self.model.as_mut().expect("model present until drop");
        reset_model(model, &self.spec, in_buf, self.onepass);
        self.cycle = 0;
        self.read_outputs();
    }

    /// Starts dumping every signal of the hierarchy to `path` from the current cycle on
    /// (traced or traceable instances only).
    pub fn open_vcd(&mut self, path: &Path) {
        let _guard = VCD_PATH_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        std::env::set_var("TLB_SIM_VCD_PATH", path);
        self.pin("sim_trace_i", 1, 1);
        self.m().eval();
        std::env::remove_var("TLB_SIM_VCD_PATH");
        self.read_outputs();
    }

    /// Closes the VCD opened by [`RtlTop::new_traced`] (dumping stops).
    pub fn close_vcd(&mut self) {
        self.pin("sim_trace_i", 1, 0);
        self.m().eval();
        self.read_outputs();
    }

    fn read_outputs(&mut self) {
        // Safety: `sim_out` is this instance's `sim_out_o`, of `out_bits` bits.
        unsafe { read_port(self.ports.sim_out, self.spec.out_bits, &mut self.out) };
    }

    /// The packed outputs.
    pub fn read_words(&self) -> &[u32] {
        &self.out
    }

    /// Whether a failed assertion stops the process (`true`, Verilator's default) or is
    /// counted and evaluation goes on (`false`); returns the failures counted so far on this
    /// thread (`tlb_sim_assertions_stop` in csrc/tlb_sim_dpi.cpp).
    pub fn assertions_stop(&mut self, stop: bool) -> u64 {
        helpers(&self.spec.name).map_or(0, |h| (h.assertions_stop)(stop as i32))
    }

    /// One clock cycle. In one pass (`onepass`): the inputs are applied and the clock
    /// changes, which the wrapper turns into a rising edge, in one evaluation. Otherwise
    /// (a traceable instance, or a coverage run): the inputs are applied and settled with
    /// the clock low, then the clock rises, two evaluations. The second form is there for
    /// what samples: Verilator takes the values that concurrent covers see (the preponed
    /// region) at the start of the evaluation that takes the rising edge, so inputs pinned
    /// in that same evaluation would be seen one cycle late by every combinational net that
    /// depends on them; and a waveform shows the clock fall. The assertions are immediate
    /// (rtl/tlb_assert.svh) and sample nothing, so one pass checks them the same. Two passes
    /// cost an evaluation more of the logic that depends on the inputs: Verilator runs its
    /// input-logic region (`ico`) at every evaluation, changed inputs or not.
    pub fn step_words(&mut self, words: &[u32]) {
        let p = self.ports;
        // Safety: the pointers are this instance's ports ([`Ports`]), of these widths, and
        // only this thread evaluates the model.
        unsafe {
            write_port(p.sim_in, self.spec.in_bits, words);
            if self.trace.is_some() {
                *p.time = 10 * (self.cycle + 1);
            }
            if self.onepass {
                *p.clk ^= 1;
            } else {
                *p.clk = 0;
            }
        }
        self.m().eval();
        if !self.onepass {
            // Safety: as above.
            unsafe { *p.clk = 1 };
            self.m().eval();
        }
        self.read_outputs();
        self.cycle += 1;
    }
}

/// Whether an instance runs one evaluation a cycle ([`RtlTop::step_words`]): not when it may
/// dump a waveform, nor in a coverage run.
fn one_pass(traceable: bool) -> bool {
    !traceable && crate::toolchain::coverage_dir().is_none()
}

fn no_library(spec: &TopSpec) -> BuildError {
    BuildError::NoLibrary { top: spec.name.clone(), dir: build_dir() }
}

fn pin(m: &mut DynamicVerilatedModel<'static>, port: &str, width: u32, value: u64) {
    let r = match width {
        0..=8 => m.pin(port, value as u8),
        9..=16 => m.pin(port, value as u16),
        17..=32 => m.pin(port, value as u32),
        _ => m.pin(port, value),
    };
    r.unwrap_or_else(|e| panic!("pin {port}: {e:?}"));
}

/// Asynchronous reset through marlin's API (before an instance's ports are known), leaving
/// the clock high and every input zero; `onepass` sets the wrapper's clocking for the
/// instance's life (`sim_onepass_i`).
fn reset_model(m: &mut DynamicVerilatedModel<'static>, spec: &TopSpec, in_buf: *mut [u32], onepass: bool) {
    for (port, width) in [("clk_i", 1), ("rst_ni", 1), ("sim_trace_i", 1), ("sim_time_i", 64)] {
        pin(m, port, width, 0);
    }
    pin(m, "sim_onepass_i", 1, onepass as u64);
    if spec.in_bits <= 64 {
        pin(m, "sim_in_i", spec.in_bits, 0);
    } else {
        // marlin wants wide input data borrowed for the model's lifetime although the FFI
        // call copies it into the model at once: the buffer is leaked with the model.
        // Safety: `in_buf` is a leaked allocation only this instance touches, and the shared
        // borrow handed to marlin ends inside `pin`, before the next write.
        let shared: &'static [u32] = unsafe {
            (*in_buf).fill(0);
            &*in_buf
        };
        m.pin("sim_in_i", VerilatorValue::WDataInP(shared)).unwrap_or_else(|e| panic!("pin sim_in_i: {e:?}"));
    }
    m.eval();
    pin(m, "clk_i", 1, 1);
    m.eval();
    pin(m, "rst_ni", 1, 1);
    m.eval();
}

impl Drop for RtlTop {
    fn drop(&mut self) {
        if let Some(model) = self.model.take() {
            match &self.trace {
                None => POOL.with(|p| {
                    p.borrow_mut().entry(self.spec.name.clone()).or_default().push((model, self.in_buf, self.ports))
                }),
                // The model itself stays allocated (marlin frees models with their runtime);
                // its thread's time goes back to zero so the thread can build models again.
                Some(t) => (t.reset_time)(),
            }
        }
    }
}
