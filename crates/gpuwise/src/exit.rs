//! How a run of gpuwise ends, as the process's exit status.

/// The exit status of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command did its job (0).
    Success,
    /// A state the command reports with its status (1): `--require-gpu` without a usable GPU,
    /// a framework that disagrees with doctor, a bench case that failed.
    Reported,
    /// Bad input or a failure that stopped the command (2).
    Error,
}

impl ExitStatus {
    /// The status as the process returns it.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Reported => 1,
            ExitStatus::Error => 2,
        }
    }

    /// [`ExitStatus::Success`] when `ok`, else [`ExitStatus::Reported`].
    pub fn reported_unless(ok: bool) -> Self {
        if ok { ExitStatus::Success } else { ExitStatus::Reported }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}
