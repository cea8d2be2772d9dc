//! Asking an interpreter about itself: the embedded probe script, run with `-I` and a timeout.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;

use crate::process::{self, RunError};

/// The probe script; it prints one JSON object and imports no framework.
const SCRIPT: &str = include_str!("probe.py");

/// What an interpreter says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Interpreter {
    /// `sys.executable`.
    pub executable: String,
    /// `sys.prefix`.
    pub prefix: String,
    /// `sys.base_prefix` (differs from `prefix` in a virtual environment).
    pub base_prefix: String,
    /// `sys.path` under `-I`: no script directory, no `PYTHONPATH`, no user site.
    pub path: Vec<String>,
    /// `site.getusersitepackages()`, whether or not it is enabled.
    pub user_site: String,
    /// `site.getsitepackages()`: the site directories of its prefix.
    #[serde(default)]
    pub site_packages: Vec<String>,
    /// The PEP 508 marker environment.
    pub markers: Markers,
}

/// The PEP 508 environment markers of an interpreter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[allow(missing_docs)]
pub struct Markers {
    pub implementation_name: String,
    pub implementation_version: String,
    pub os_name: String,
    pub platform_machine: String,
    pub platform_python_implementation: String,
    pub platform_release: String,
    pub platform_system: String,
    pub platform_version: String,
    pub python_full_version: String,
    pub python_version: String,
    pub sys_platform: String,
}

/// Why an interpreter could not be asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// Nothing at that path.
    #[error("{0} does not exist")]
    Missing(PathBuf),
    /// It exists but could not be started.
    #[error("{path} could not be started: {error}")]
    NotExecutable {
        /// The interpreter.
        path: PathBuf,
        /// The operating system's reason.
        error: String,
    },
    /// It did not answer in time (and was killed).
    #[error("{path} did not answer within {seconds} s and was stopped")]
    TimedOut {
        /// The interpreter.
        path: PathBuf,
        /// The limit.
        seconds: u64,
    },
    /// It ran but failed.
    #[error("{path} exited with {status} (is it Python 3.4 or newer?){stderr}")]
    Failed {
        /// The interpreter.
        path: PathBuf,
        /// Exit status as text.
        status: String,
        /// The end of its standard error, prefixed with `: ` when not empty.
        stderr: String,
    },
    /// It answered with something that is not the probe's JSON.
    #[error("{path} printed something other than the probe's answer: {excerpt}")]
    Garbage {
        /// The interpreter.
        path: PathBuf,
        /// The start of what it printed.
        excerpt: String,
    },
}

/// Runs the probe script in `python` with `-I`, killing it after `timeout`.
///
/// # Errors
/// A [`ProbeError`] naming the interpreter and what went wrong.
pub fn probe(python: &Path, timeout: Duration) -> Result<Interpreter, ProbeError> {
    if !python.exists() {
        return Err(ProbeError::Missing(python.to_path_buf()));
    }
    let path = || python.to_path_buf();
    let finished = process::run(Command::new(python).args(["-I", "-c", SCRIPT]), timeout).map_err(|err| match err {
        RunError::Spawn(error) => ProbeError::NotExecutable { path: path(), error },
        RunError::TimedOut => ProbeError::TimedOut { path: path(), seconds: timeout.as_secs().max(1) },
    })?;
    if !finished.status.success() {
        let tail = process::last_line(&String::from_utf8_lossy(&finished.stderr));
        return Err(ProbeError::Failed {
            path: path(),
            status: finished.status.to_string(),
            stderr: if tail == "nothing" { String::new() } else { format!(": {tail}") },
        });
    }
    serde_json::from_slice(&finished.stdout).map_err(|_| ProbeError::Garbage {
        path: path(),
        excerpt: process::excerpt(&String::from_utf8_lossy(&finished.stdout)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn a_real_interpreter_answers() {
        let Ok(python) = which_python3() else { return };
        let found = probe(&python, Duration::from_secs(30)).unwrap();
        assert!(found.markers.python_version.starts_with("3."), "{found:?}");
        assert!(!found.path.iter().any(|p| p.is_empty()), "-I leaves the script directory out");
    }

    fn which_python3() -> Result<PathBuf, ()> {
        let path = std::env::var_os("PATH").ok_or(())?;
        std::env::split_paths(&path).map(|dir| dir.join("python3")).find(|p| p.is_file()).ok_or(())
    }

    #[test]
    fn broken_interpreters_become_named_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        assert_eq!(probe(&missing, Duration::from_secs(1)), Err(ProbeError::Missing(missing.clone())));

        let plain = dir.path().join("plain");
        std::fs::write(&plain, "not a program").unwrap();
        assert!(matches!(probe(&plain, Duration::from_secs(1)), Err(ProbeError::NotExecutable { .. })));

        let garbage = script(dir.path(), "garbage", "echo 'Hello, world'");
        let err = probe(&garbage, Duration::from_secs(5)).unwrap_err();
        assert!(err.to_string().contains("\"Hello, world\""), "{err}");

        let failing = script(dir.path(), "failing", "echo 'Unknown option: -I' >&2; exit 2");
        let err = probe(&failing, Duration::from_secs(5)).unwrap_err();
        assert!(err.to_string().ends_with("(is it Python 3.4 or newer?): \"Unknown option: -I\""), "{err}");
    }

    #[test]
    fn a_hanging_interpreter_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        // The grandchild keeps the pipes open after the script itself is killed.
        let hanging = script(dir.path(), "hanging", "sleep 30 & sleep 30");
        let start = std::time::Instant::now();
        let err = probe(&hanging, Duration::from_millis(300)).unwrap_err();
        assert!(matches!(err, ProbeError::TimedOut { .. }), "{err}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}
