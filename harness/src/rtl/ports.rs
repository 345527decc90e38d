// SPDX-License-Identifier: Apache-2.0
//! Reaching into the library marlin built: our helpers in it (`csrc/tlb_sim_dpi.cpp` and
//! the wrapper's generated C++), and an instance's ports read and written in place.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::toolchain::build_dir;

thread_local! {
    static HELPERS: RefCell<HashMap<String, Helpers>> = RefCell::new(HashMap::new());
}

/// The shared object marlin built for a top: the newest one, since every change of build
/// options leaves a folder of its own behind.
fn built_library(name: &str) -> Option<PathBuf> {
    let prefix = format!("{name}__");
    let lib_name = format!("libmarlin_V{name}.so");
    std::fs::read_dir(build_dir())
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path().join("obj_dir").join(&lib_name))
        .filter_map(|lib| Some((lib.metadata().ok()?.modified().ok()?, lib)))
        .max()
        .map(|(_, lib)| lib)
}

/// Our helpers in csrc/tlb_sim_dpi.cpp, found in the library marlin built and loaded.
#[derive(Clone, Copy)]
pub(super) struct Helpers {
    pub(super) own_context: extern "C" fn(),
    pub(super) trace_context: extern "C" fn(),
    pub(super) restore_last_context: extern "C" fn(),
    pub(super) reset_time: extern "C" fn(),
    pub(super) take_ports: extern "C" fn(*mut *mut std::ffi::c_void) -> bool,
    pub(super) assertions_stop: extern "C" fn(i32) -> u64,
}

/// Tops whose library marlin has (re)built if needed and loaded in this process.
pub(super) static LOADED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The helpers of a top's library, once marlin has loaded it in this process. Never
/// earlier: marlin rebuilds a stale library in place, and a dlopen of the old file made
/// before that would pin the old code (dlopen hands back the handle it already has).
pub(super) fn helpers(name: &str) -> Option<Helpers> {
    if let Some(h) = HELPERS.with(|m| m.borrow().get(name).copied()) {
        return Some(h);
    }
    if !LOADED.lock().unwrap_or_else(|p| p.into_inner()).iter().any(|n| n == name) {
        return None;
    }
    let path = built_library(name)?;
    // Safety: this is the library marlin has loaded (dlopen hands back the same handle, and
    // we leak ours so the addresses stay valid); the helpers take no arguments and only
    // touch Verilator's context pointers and time.
    let h = unsafe {
        let lib = Box::leak(Box::new(libloading::Library::new(&path).ok()?));
        Helpers {
            own_context: *lib.get(b"tlb_sim_own_context").ok()?,
            trace_context: *lib.get(b"tlb_sim_trace_context").ok()?,
            restore_last_context: *lib.get(b"tlb_sim_restore_last_context").ok()?,
            reset_time: *lib.get(b"tlb_sim_reset_time").ok()?,
            take_ports: *lib.get(b"tlb_sim_take_ports").ok()?,
            assertions_stop: *lib.get(b"tlb_sim_assertions_stop").ok()?,
        }
    };
    HELPERS.with(|m| m.borrow_mut().insert(name.to_string(), h));
    Some(h)
}

/// Where one instance's ports live in its model, read and written in place: marlin's dynamic
/// API formats a port's symbol name and looks it up with `dlsym` on every access, which was
/// about a quarter of the time of an RTL-only run. Found once per instance, after its first
/// evaluation (`tlb_sim_take_ports` in the generated helper); valid as long as the model,
/// which marlin never frees.
#[derive(Clone, Copy)]
pub(super) struct Ports {
    pub(super) clk: *mut u8,
    pub(super) time: *mut u64,
    /// `sim_in_i` and `sim_out_o`: an integer of the port's width up to 64 bits, else 32-bit
    /// words, least significant first.
    pub(super) sim_in: *mut u8,
    pub(super) sim_out: *const u8,
}

impl Ports {
    pub(super) fn take(h: &Helpers) -> Option<Ports> {
        let mut p = [std::ptr::null_mut(); 6];
        if !(h.take_ports)(p.as_mut_ptr()) || p.iter().any(|q| q.is_null()) {
            return None;
        }
        Some(Ports { clk: p[0].cast(), time: p[3].cast(), sim_in: p[4].cast(), sim_out: p[5].cast_const().cast() })
    }
}

/// Writes packed `words` into a port of `bits` bits at `at` (see [`Ports`]).
///
/// Safety: `at` is such a port of that width.
pub(super) unsafe fn write_port(at: *mut u8, bits: u32, words: &[u32]) {
    let lo = words[0];
    let v = lo as u64 | words.get(1).map_or(0, |&w| (w as u64) << 32);
    match bits {
        0..=8 => *at = lo as u8,
        9..=16 => *at.cast::<u16>() = lo as u16,
        17..=32 => *at.cast::<u32>() = lo,
        33..=64 => *at.cast::<u64>() = v,
        _ => std::ptr::copy_nonoverlapping(words.as_ptr(), at.cast::<u32>(), bits.div_ceil(32) as usize),
    }
}

/// Reads a port of `bits` bits at `at` into packed `words` (see [`Ports`]).
///
/// Safety: `at` is such a port of that width.
pub(super) unsafe fn read_port(at: *const u8, bits: u32, words: &mut [u32]) {
    match bits {
        0..=8 => words[0] = *at as u32,
        9..=16 => words[0] = *at.cast::<u16>() as u32,
        17..=32 => words[0] = *at.cast::<u32>(),
        33..=64 => {
            let v = *at.cast::<u64>();
            words[0] = v as u32;
            words[1] = (v >> 32) as u32;
        }
        _ => std::ptr::copy_nonoverlapping(at.cast::<u32>(), words.as_mut_ptr(), bits.div_ceil(32) as usize),
    }
}
