//! Reads Python environments and Jupyter kernels for gpuwise, from files: each interpreter is
//! asked only where it imports from (a small script run with `-I` and a timeout); everything
//! else — installed distributions, each framework's build files, the CUDA libraries it would
//! load, kernelspecs — is read from disk. No framework is ever imported.
//!
//! ```no_run
//! use std::path::Path;
//! use gpuwise_envs::{EnvironmentReader, Options, Request};
//! let vars = gpuwise_probe::Variables::capture();
//! let requests = [Request::new("/usr/bin/python3", "argument", vars)];
//! let envs = EnvironmentReader::new(Options::default()).read(&requests);
//! println!("{:?}", envs[0].frameworks);
//! ```

mod distributions;
mod elf;
mod environment;
mod fatbin;
mod frameworks;
mod interpreter;
pub mod julia;
pub mod jupyter;
mod libraries;
pub mod process;
pub mod pyliteral;
mod requirements;
mod shims;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use gpuwise_core::Environment;
use gpuwise_probe::Variables;

pub use distributions::{Distribution, Installed};
pub use interpreter::{Interpreter, Markers, ProbeError, probe as probe_interpreter};
pub use requirements::{marker_environment, unmet};

/// How environments are read.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long an interpreter may take to answer.
    pub timeout: Duration,
    /// Prefix of system paths such as `/etc/ld.so.conf` (`/`, or a directory in tests).
    pub root: PathBuf,
}

impl Default for Options {
    fn default() -> Self {
        Options { timeout: Duration::from_secs(10), root: PathBuf::from("/") }
    }
}

/// One environment to read: an interpreter, why, and the variables it will run with.
#[derive(Debug, Clone)]
pub struct Request {
    /// The interpreter.
    pub python: PathBuf,
    /// `current`, `argument` or `kernel:<name>`.
    pub source: String,
    /// The variables the interpreter runs with (a kernel's env applied).
    pub vars: Variables,
}

impl Request {
    /// A request for `python`.
    pub fn new(python: impl Into<PathBuf>, source: impl Into<String>, vars: Variables) -> Self {
        Request { python: python.into(), source: source.into(), vars }
    }
}

/// Reads environments, asking each interpreter about itself only once however many requests
/// (the shell, `--python`, kernels with their own variables) name it.
#[derive(Debug, Default)]
pub struct EnvironmentReader {
    options: Options,
    answers: BTreeMap<PathBuf, Result<Interpreter, ProbeError>>,
}

impl EnvironmentReader {
    /// A reader with these options and nothing asked yet.
    pub fn new(options: Options) -> Self {
        EnvironmentReader { options, answers: BTreeMap::new() }
    }

    /// Reads every requested environment, one per request in order; interpreters not asked
    /// before are probed in parallel.
    pub fn read(&mut self, requests: &[Request]) -> Vec<Environment> {
        let mut new: Vec<&Request> = requests.iter().filter(|r| !self.answers.contains_key(&r.python)).collect();
        new.sort_by(|a, b| a.python.cmp(&b.python));
        new.dedup_by(|a, b| a.python == b.python);
        let timeout = self.options.timeout;
        let cwd = std::env::current_dir().unwrap_or_default();
        let answers: Vec<(PathBuf, Result<Interpreter, ProbeError>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = new
                .iter()
                .map(|request| {
                    // A version manager's shim is resolved to the interpreter it would run.
                    let python =
                        shims::resolve(&request.python, &request.vars, &cwd).unwrap_or_else(|| request.python.clone());
                    (request.python.as_path(), scope.spawn(move || interpreter::probe(&python, timeout)))
                })
                .collect();
            handles
                .into_iter()
                .map(|(python, handle)| {
                    let answer = handle.join().unwrap_or_else(|_| {
                        Err(ProbeError::Garbage {
                            path: python.to_path_buf(),
                            excerpt: "nothing (the probe failed)".into(),
                        })
                    });
                    (python.to_path_buf(), answer)
                })
                .collect()
        });
        self.answers.extend(answers);
        let (answers, root) = (&self.answers, &self.options.root);
        std::thread::scope(|scope| {
            let handles: Vec<_> = requests
                .iter()
                .map(|request| {
                    let answer = &answers[request.python.as_path()];
                    scope
                        .spawn(move || environment::read(&request.python, &request.source, answer, &request.vars, root))
                })
                .collect();
            let read = handles.into_iter().zip(requests).map(|(handle, request)| {
                handle.join().unwrap_or_else(|_| {
                    let failed = Err(ProbeError::Garbage {
                        path: request.python.clone(),
                        excerpt: "nothing (reading it failed)".into(),
                    });
                    environment::read(&request.python, &request.source, &failed, &request.vars, root)
                })
            });
            read.collect()
        })
    }
}

/// The first `python3` (else `python`) on the `PATH` of `vars`: the interpreter a shell would run.
pub fn current_python(vars: &Variables) -> Option<PathBuf> {
    find_program(vars, &["python3", "python"])
}

/// The first executable called one of `names` (in that preference) on the `PATH` of `vars`.
pub(crate) fn find_program(vars: &Variables, names: &[&str]) -> Option<PathBuf> {
    let path = vars.get("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(path).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
    })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
