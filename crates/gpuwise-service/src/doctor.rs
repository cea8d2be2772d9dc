//! Doctor: this machine (or a recorded one), diagnosed, with the environments and kernels asked
//! for.

use std::path::PathBuf;
use std::sync::Arc;

use gpuwise_core::{Report, Variables};
use gpuwise_probe::snapshot::{self, LoadError};

pub use crate::assemble::Scope;
use crate::assemble::{add_environments, machine_report};
use crate::host::Host;

/// The variable naming a recorded system that "this machine" stands for.
pub const SYSTEM_VARIABLE: &str = "GPUWISE_SYSTEM";

/// The machine a report describes.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Machine {
    /// This machine, probed now.
    #[default]
    This,
    /// A recorded system: a `gpuwise doctor --json` report, or its `system` object.
    Recorded(PathBuf),
    /// This machine as probed earlier (a long-running server probes once and on request).
    Probed(Arc<gpuwise_core::System>),
}

impl Machine {
    /// How views name it: `this machine`, `snapshot PATH`.
    pub fn describe(&self) -> String {
        match self {
            Machine::This | Machine::Probed(_) => "this machine".to_string(),
            Machine::Recorded(path) => format!("snapshot {}", path.display()),
        }
    }

    /// The system: this machine probed under `vars` (or, when `GPUWISE_SYSTEM` names a
    /// recorded system, that one: what-if checks and test clusters whose nodes each describe
    /// another machine), or the recorded one read.
    ///
    /// # Errors
    /// The recorded system cannot be read.
    pub fn system(&self, vars: &Variables, host: Host) -> Result<gpuwise_core::System, LoadError> {
        match self {
            Machine::Recorded(path) => snapshot::load(path),
            Machine::This => match vars.get(SYSTEM_VARIABLE).filter(|path| !path.is_empty()) {
                Some(path) => snapshot::load(std::path::Path::new(path)),
                None => Ok(host.probe(vars)),
            },
            Machine::Probed(system) => Ok(system.as_ref().clone()),
        }
    }
}

/// What doctor reads.
#[derive(Debug, Clone, Default)]
pub struct DoctorSettings {
    /// The machine.
    pub machine: Machine,
    /// The environments and kernels judged besides it.
    pub scope: Scope,
}

/// Doctor's report, and how views name the machine it describes.
#[derive(Debug, Clone)]
pub struct Doctored {
    /// The report (the JSON contract of docs/DESIGN.md).
    pub report: Report,
    /// `this machine` or `snapshot PATH`.
    pub source: String,
}

/// Why doctor gave no report.
#[derive(Debug, thiserror::Error)]
pub enum DoctorError {
    /// The recorded system cannot be read.
    #[error(transparent)]
    Recorded(#[from] LoadError),
}

impl DoctorError {
    /// True when the user's input is at fault: every doctor error is (a file they named).
    pub fn is_input(&self) -> bool {
        true
    }
}

/// Diagnoses the machine and the environments `settings` ask for, under `vars`.
pub fn doctor(settings: &DoctorSettings, vars: &Variables, host: Host) -> Result<Doctored, DoctorError> {
    let system = settings.machine.system(vars, host)?;
    let source = match (&settings.machine, vars.get(SYSTEM_VARIABLE).filter(|path| !path.is_empty())) {
        (Machine::This, Some(path)) => format!("snapshot {path} ({SYSTEM_VARIABLE})"),
        (machine, _) => machine.describe(),
    };
    Ok(Doctored { report: report(system, vars, &settings.scope), source })
}

/// The report of `system` with the environments in `scope`, judged under `vars`.
pub fn report(system: gpuwise_core::System, vars: &Variables, scope: &Scope) -> Report {
    let mut report = machine_report(system, vars);
    add_environments(&mut report, vars, scope);
    report
}
