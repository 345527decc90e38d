// SPDX-License-Identifier: Apache-2.0
//! Finding Verilator: `$TLB_VERILATOR`, else a `verilator` >= 5.025 on PATH, else the pinned
//! 5.048 that `scripts/setup-tools.sh` installs into `.tools/` (run on first use).
//!
//! Two environment variables change what gets built (docs/verification.md):
//! - `TLB_COVERAGE=<dir>`: every Verilated model is built with line, toggle and user
//!   (`cover property`) coverage, in a build folder of its own, and writes its counts into
//!   `<dir>` when the process exits (`scripts/coverage.sh` merges them).
//! - `TLB_RTL_ROOT=<dir>`: the RTL is read from `<dir>/rtl/` instead of the repository's
//!   (the mutation runner, `tlbsim mutate`, points it at a mutated copy), and models are
//!   built under `<dir>/verilator/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use crate::error::BuildError;

/// `path`, or the repository root joined with it if it is relative.
pub fn from_root(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        repo_root().join(path)
    }
}

/// The folder an environment variable names, if set and not empty (see [`from_root`]).
fn env_dir(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|d| !d.is_empty()).map(|d| from_root(Path::new(&d)))
}

/// Where coverage counts go, if this is a coverage run (`TLB_COVERAGE`).
pub fn coverage_dir() -> Option<PathBuf> {
    env_dir("TLB_COVERAGE")
}

/// The folder whose `rtl/` holds the sources to simulate instead of the repository's, if
/// `TLB_RTL_ROOT` names one.
pub fn rtl_root_override() -> Option<PathBuf> {
    env_dir("TLB_RTL_ROOT")
}

/// The folder whose `rtl/` holds the sources to simulate.
pub fn rtl_root() -> PathBuf {
    rtl_root_override().unwrap_or_else(repo_root)
}

/// marlin refuses older versions.
const MIN_VERSION: (u32, u32) = (5, 25);

/// The repository root (the harness is built from inside it).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("harness/ has a parent").to_path_buf()
}

/// Parses `Verilator 5.048 ...` into (5, 48).
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let rest = text.trim().strip_prefix("Verilator ")?;
    let ver = rest.split_whitespace().next()?;
    let (major, minor) = ver.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn version_of(exe: &Path) -> Result<(u32, u32), BuildError> {
    let out = Command::new(exe)
        .arg("--version")
        .output()
        .map_err(|e| BuildError::Run { exe: exe.to_path_buf(), error: Arc::new(e) })?;
    let text = String::from_utf8_lossy(&out.stdout);
    parse_version(&text).ok_or_else(|| BuildError::Version { exe: exe.to_path_buf(), printed: text.trim().to_string() })
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|p| p.join(name)).find(|p| p.is_file()))
}

fn find() -> Result<PathBuf, BuildError> {
    if let Some(exe) = std::env::var_os("TLB_VERILATOR") {
        let exe = PathBuf::from(exe);
        let v = version_of(&exe)?;
        if v < MIN_VERSION {
            return Err(BuildError::TooOld { exe, version: v });
        }
        return Ok(exe);
    }
    if let Some(exe) = on_path("verilator") {
        if version_of(&exe).is_ok_and(|v| v >= MIN_VERSION) {
            return Ok(exe);
        }
    }
    let root = repo_root();
    let status = Command::new("bash")
        .arg(root.join("scripts/setup-tools.sh"))
        .status()
        .map_err(|e| BuildError::SetupRun(Arc::new(e)))?;
    if !status.success() {
        return Err(BuildError::SetupFailed);
    }
    let exe = root.join(".tools/bin/verilator-pinned");
    version_of(&exe)?;
    Ok(exe)
}

/// The Verilator executable to use, installing the pinned one if needed. Also asks make to
/// build the Verilated C++ at -O3 (about twice the speed of marlin's default -Os). In a
/// coverage run it is a script that adds the coverage options (marlin has no way to pass
/// options of our own).
pub fn verilator() -> Result<PathBuf, BuildError> {
    static FOUND: OnceLock<Result<PathBuf, BuildError>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            if std::env::var_os("MAKEFLAGS").is_none() {
                // Safe: set once, before any model is built, under the OnceLock.
                std::env::set_var("MAKEFLAGS", "OPT_FAST=-O3 OPT_SLOW=-O2 OPT_GLOBAL=-O3");
            }
            let exe = find()?;
            match coverage_dir() {
                Some(dir) => {
                    std::fs::create_dir_all(&dir)
                        .map_err(|e| BuildError::CoverageDir { dir: dir.clone(), error: Arc::new(e) })?;
                    // The models read it at exit (csrc/tlb_sim_dpi.cpp): make it absolute.
                    std::env::set_var("TLB_COVERAGE", &dir);
                    coverage_wrapper(&exe)
                }
                None => Ok(exe),
            }
        })
        .clone()
}

/// Writes (once) the script that runs `exe` with coverage on.
fn coverage_wrapper(exe: &Path) -> Result<PathBuf, BuildError> {
    let script = build_dir().join("verilator-coverage.sh");
    let text = format!(
        "#!/bin/sh\n# Generated by harness/src/toolchain.rs: Verilator with coverage on.\n\
         if [ \"$1\" = --version ]; then exec '{exe}' --version; fi\n\
         exec '{exe}' --coverage-line --coverage-toggle --coverage-user \"$@\"\n",
        exe = exe.display()
    );
    use std::os::unix::fs::PermissionsExt;
    write_if_changed(&script, &text)
        .and_then(|()| std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)))
        .map_err(|e| BuildError::Write { path: script.clone(), error: Arc::new(e) })?;
    Ok(script)
}

/// Writes `text` to `path` unless it already holds exactly that (keeps the mtime, so marlin
/// does not rebuild).
pub(crate) fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    static UNIQUE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    std::fs::create_dir_all(path.parent().expect("has a parent"))?;
    let n = UNIQUE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, path)
}

/// Where Verilated builds live (under target/, so `cargo clean` removes them); coverage
/// builds and builds of another RTL root (`TLB_RTL_ROOT`) each have a folder of their own.
pub fn build_dir() -> PathBuf {
    if let Some(rtl_root) = rtl_root_override() {
        rtl_root.join("verilator")
    } else if coverage_dir().is_some() {
        repo_root().join("target/verilator-coverage")
    } else {
        repo_root().join("target/verilator")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_marlin_style_versions() {
        assert_eq!(parse_version("Verilator 5.048 2026-01-01 rev v5.048"), Some((5, 48)));
        assert_eq!(parse_version("Verilator 5.006 2023-01-22"), Some((5, 6)));
        assert_eq!(parse_version(" rev vUNKNOWN-built2026"), None);
    }
}
