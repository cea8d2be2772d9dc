//! Why a Julia, or one of the files its environment is made of, could not be read. Messages
//! about a file leave its path to the caller, which reports it beside the error.

use std::path::PathBuf;
use std::time::Duration;

/// A TOML file (project, manifest, preferences, artifacts) that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TomlError {
    /// The file cannot be read.
    #[error("cannot be read: {0}")]
    Unreadable(#[from] std::io::Error),
    /// It is not TOML.
    #[error("is not valid TOML: {0}")]
    Invalid(String),
}

/// Why the Julia a `julia` program runs cannot be told.
#[derive(Debug, thiserror::Error)]
pub enum JuliaError {
    /// A bare name with no such program on `PATH`.
    #[error("`{}` is not on PATH", .0.display())]
    NotOnPath(PathBuf),
    /// The program's path cannot be resolved.
    #[error("{}: {source}", path.display())]
    Unresolvable {
        /// The program.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It cannot be started.
    #[error("{} cannot be run: {reason}", path.display())]
    CannotRun {
        /// The program.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// `--version` gave no answer in time.
    #[error("{} --version did not answer within {timeout:?}", path.display())]
    TimedOut {
        /// The program.
        path: PathBuf,
        /// How long it was given.
        timeout: Duration,
    },
    /// `--version` printed something else.
    #[error("{} --version printed {printed:?}, not `julia version X.Y.Z`", path.display())]
    NotJulia {
        /// The program.
        path: PathBuf,
        /// What it printed.
        printed: String,
    },
}
