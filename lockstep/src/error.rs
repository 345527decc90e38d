// SPDX-License-Identifier: Apache-2.0
//! What can go wrong around a device under test, other than a failure of the run itself
//! (that is a [`crate::Failure`]): building it, and writing its waveform.

use std::path::PathBuf;

/// Why a device could not be built or its waveform written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The builder's own error (for a Verilated top: the toolchain, the Verilator build or
    /// a parameter the RTL refuses); the harness takes its own errors back out of it.
    #[error(transparent)]
    Build(Box<dyn std::error::Error + Send + Sync + 'static>),
    /// A model's parameters refused (the RTL's elaboration checks, as one line).
    #[error("{0}")]
    Config(String),
    /// Writing a model's waveform failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The run's own model waveform could not be started.
    #[error("cannot write {}: {error}", path.display())]
    ModelWaveform { path: PathBuf, error: Box<Error> },
    /// The run's own model waveform could not be finished.
    #[error("writing the model VCD: {0}")]
    ModelVcd(Box<Error>),
    /// This device writes no waveform.
    #[error("the fabric model writes no waveform (the RTL's shows the same run)")]
    NoWaveform,
}
