//! Reads Python environments and Jupyter kernels for gpuwise, from files: each interpreter is
//! asked only where it imports from (a small script run with `-I` and a timeout); everything
//! else — installed distributions, each framework's build files, the CUDA libraries it would
//! load, kernelspecs — is read from disk. No framework is ever imported.
//!
//! ```no_run
//! use std::path::Path;
//! use gpuwise_envs::{EnvironmentReader, Options, Request};
//! let vars = gpuwise_core::Variables::capture();
//! let requests = [Request::new("/usr/bin/python3", gpuwise_core::Source::Argument, vars)];
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
mod modules;
pub mod process;
mod pth;
pub mod pyliteral;
mod requirements;
mod shims;
mod venv;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use gpuwise_core::Variables;
use gpuwise_core::{Environment, Source};

pub use distributions::{Distribution, Installed};
pub use interpreter::{Interpreter, Markers, ProbeError, probe as probe_interpreter};
pub use modules::ModuleLookup;
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
    /// Why it is read.
    pub source: Source,
    /// The variables the interpreter runs with (a kernel's env applied).
    pub vars: Variables,
}

impl Request {
    /// A request for `python`.
    pub fn new(python: impl Into<PathBuf>, source: Source, vars: Variables) -> Self {
        Request { python: python.into(), source, vars }
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

    /// Reads every requested environment, one per request in order. Interpreters not asked
    /// before are asked in parallel; a virtual environment is answered from its base
    /// interpreter's answer where that is exact, so venvs of one Python cost one start.
    pub fn read(&mut self, requests: &[Request]) -> Vec<Environment> {
        let mut new: Vec<&Request> = requests.iter().filter(|r| !self.answers.contains_key(&r.python)).collect();
        new.sort_by(|a, b| a.python.cmp(&b.python));
        new.dedup_by(|a, b| a.python == b.python);
        let answers = self.answer(&new);
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

impl EnvironmentReader {
    /// Whether `module` is where `python`, started with `vars`, imports from, judged from its
    /// files; `None` when `python` was not read here or could not be asked.
    pub fn find_module(&self, python: &Path, vars: &Variables, module: &str) -> Option<ModuleLookup> {
        let interpreter = self.answers.get(python)?.as_ref().ok()?;
        Some(environment::find_module(interpreter, vars, module))
    }

    /// The answers of the `new` requests' interpreters: each asked once, venvs derived from
    /// their base's answer where exact, the rest asked themselves.
    fn answer(&self, new: &[&Request]) -> Vec<(PathBuf, Result<Interpreter, ProbeError>)> {
        let cwd = std::env::current_dir().unwrap_or_default();
        // A version manager's shim is resolved to the interpreter it would run from this shell's
        // directory (its logical $PWD, as the managers use); a kernel starts elsewhere, so its
        // shim runs as it is.
        let resolve = |r: &Request| {
            let logical =
                r.vars.get("PWD").map(PathBuf::from).filter(|pwd| pwd.canonicalize().ok() == cwd.canonicalize().ok());
            let here = logical.unwrap_or_else(|| cwd.clone());
            r.source.kernel().is_none().then(|| shims::resolve(&r.python, &r.vars, &here)).flatten()
        };
        let commands: Vec<(&Path, PathBuf)> =
            new.iter().map(|r| (r.python.as_path(), resolve(r).unwrap_or_else(|| r.python.clone()))).collect();
        let venvs: Vec<Option<venv::Venv>> = commands.iter().map(|(_, command)| venv::read(command)).collect();
        let mut first: Vec<PathBuf> = commands
            .iter()
            .zip(&venvs)
            .map(|((_, command), venv)| venv.as_ref().map_or_else(|| command.clone(), |v| v.base.clone()))
            .collect();
        first.sort();
        first.dedup();
        let asked = self.ask(&first);
        let derived: Vec<Option<Interpreter>> = commands
            .iter()
            .zip(&venvs)
            .map(|((_, command), venv)| {
                let venv = venv.as_ref()?;
                venv::derive(venv, command, asked.get(&venv.base)?.as_ref().ok()?)
            })
            .collect();
        let rest: Vec<PathBuf> = commands
            .iter()
            .zip(&derived)
            .filter(|((_, command), answer)| answer.is_none() && !asked.contains_key(command))
            .map(|((_, command), _)| command.clone())
            .collect();
        let asked_again = self.ask(&rest);
        commands
            .iter()
            .zip(derived)
            .map(|((request, command), derived)| {
                let answer = derived.map(Ok).unwrap_or_else(|| {
                    asked.get(command).or_else(|| asked_again.get(command)).cloned().unwrap_or_else(|| {
                        Err(ProbeError::Garbage { path: command.clone(), excerpt: "nothing (it was not asked)".into() })
                    })
                });
                (request.to_path_buf(), answer)
            })
            .collect()
    }

    /// Runs the probe in each interpreter, in parallel.
    fn ask(&self, pythons: &[PathBuf]) -> BTreeMap<PathBuf, Result<Interpreter, ProbeError>> {
        let timeout = self.options.timeout;
        std::thread::scope(|scope| {
            let handles: Vec<_> = pythons
                .iter()
                .map(|python| (python, scope.spawn(move || interpreter::probe(python, timeout))))
                .collect();
            handles
                .into_iter()
                .map(|(python, handle)| {
                    let answer = handle.join().unwrap_or_else(|_| {
                        Err(ProbeError::Garbage { path: python.clone(), excerpt: "nothing (the probe failed)".into() })
                    });
                    (python.clone(), answer)
                })
                .collect()
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

pub(crate) fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
