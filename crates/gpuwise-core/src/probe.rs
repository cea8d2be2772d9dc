//! The outcome of asking one source (a library, a file) for information.

use serde::{Deserialize, Serialize};

/// What happened when gpuwise tried one source of information.
///
/// Missing hardware is data, not an error: a library that is not installed is
/// `Unavailable`, a library that is there but answered with an error is `Failed`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ProbeStatus {
    /// The source answered; `detail` names what was used (a library path, a version).
    Available {
        /// What was loaded or read.
        detail: String,
    },
    /// The source is not on this machine.
    Unavailable {
        /// Why it could not be used, in words.
        reason: String,
    },
    /// The source is present but returned an error.
    Failed {
        /// The error it returned, with its name where it has one.
        error: String,
    },
    /// The source was not asked (a snapshot that did not record it).
    #[default]
    NotProbed,
}

impl ProbeStatus {
    /// True when the source answered.
    pub fn is_available(&self) -> bool {
        matches!(self, ProbeStatus::Available { .. })
    }

    /// A one-line description for views.
    pub fn describe(&self) -> String {
        match self {
            ProbeStatus::Available { detail } => format!("available ({detail})"),
            ProbeStatus::Unavailable { reason } => format!("unavailable: {reason}"),
            ProbeStatus::Failed { error } => format!("failed: {error}"),
            ProbeStatus::NotProbed => "not probed".to_string(),
        }
    }
}
