//! What a kernel's argv launches, and whether an interpreter can launch ipykernel: asked of the
//! interpreter itself before a kernel is written for it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::process::{self, RunError};

/// Run in the interpreter as the kernel would run (not isolated, so the user site and
/// `PYTHONPATH` count): finds `ipykernel_launcher`, then imports what it imports to start.
const CHECK: &str = "\
import sys
print('gpuwise: python')
import importlib.util
if importlib.util.find_spec('ipykernel_launcher') is None:
    print('gpuwise: no ipykernel_launcher')
    sys.exit(0)
import ipykernel.kernelapp
print('gpuwise: ipykernel imports')
";

/// Why an interpreter cannot run an ipykernel kernel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LaunchError {
    /// It could not be started.
    #[error("{} could not be started: {error}", python.display())]
    NotExecutable {
        /// The interpreter.
        python: PathBuf,
        /// The operating system's reason.
        error: String,
    },
    /// It did not finish in time (and was killed).
    #[error("{} did not answer within {seconds} s and was stopped", python.display())]
    TimedOut {
        /// The interpreter.
        python: PathBuf,
        /// The limit.
        seconds: u64,
    },
    /// It ran, but not as Python.
    #[error("{} is not a Python interpreter: it exited with {status}, saying {said}", python.display())]
    NotPython {
        /// The program.
        python: PathBuf,
        /// Its exit status, as text.
        status: String,
        /// The last line it wrote.
        said: String,
    },
    /// `ipykernel_launcher` is not importable: ipykernel is not installed for it.
    #[error("ipykernel is not installed in the environment of {}", python.display())]
    NoIpykernel {
        /// The interpreter.
        python: PathBuf,
    },
    /// ipykernel is there, but importing it fails (a dependency missing or broken).
    #[error("{} cannot import ipykernel: {error}", python.display())]
    Broken {
        /// The interpreter.
        python: PathBuf,
        /// The last line of the traceback.
        error: String,
    },
}

/// Asks `python` whether it can start an ipykernel kernel (`python -m ipykernel_launcher`),
/// killing it after `timeout`. It runs in `/`, so that no module of the working directory
/// stands in for an installed one.
///
/// # Errors
/// A [`LaunchError`] naming the interpreter and what stands in the way.
pub fn check(python: &Path, timeout: Duration) -> Result<(), LaunchError> {
    let path = || python.to_path_buf();
    let mut command = Command::new(python);
    command.args(["-c", CHECK]).current_dir("/");
    let finished = process::run(&mut command, timeout).map_err(|err| match err {
        RunError::Spawn(error) => LaunchError::NotExecutable { python: path(), error },
        RunError::TimedOut => LaunchError::TimedOut { python: path(), seconds: timeout.as_secs().max(1) },
    })?;
    let stdout = String::from_utf8_lossy(&finished.stdout);
    let said = |marker: &str| stdout.lines().any(|line| line == marker);
    let stderr = process::last_line(&String::from_utf8_lossy(&finished.stderr));
    if !said("gpuwise: python") {
        let last = if stderr == "nothing" { process::last_line(&stdout) } else { stderr };
        return Err(LaunchError::NotPython { python: path(), status: finished.status.to_string(), said: last });
    }
    if said("gpuwise: no ipykernel_launcher") {
        return Err(LaunchError::NoIpykernel { python: path() });
    }
    if !finished.status.success() || !said("gpuwise: ipykernel imports") {
        return Err(LaunchError::Broken { python: path(), error: stderr });
    }
    Ok(())
}

/// The module a Python kernel's argv runs with `-m` (`ipykernel_launcher` in
/// `python -m ipykernel_launcher -f {connection_file}`), read as Python reads its options;
/// `None` when it runs a script, `-c` code, or no interpreter options at all.
pub fn launched_module(argv: &[String]) -> Option<&str> {
    let mut args = argv.iter().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--check-hash-based-pycs" {
            args.next();
            continue;
        }
        let flags = arg.strip_prefix('-').filter(|f| !f.is_empty() && !f.starts_with('-'))?;
        for (at, flag) in flags.char_indices() {
            let rest = &flags[at + 1..];
            match flag {
                'm' if rest.is_empty() => return args.next().map(String::as_str),
                'm' => return Some(rest),
                'c' => return None,
                'W' | 'X' => {
                    if rest.is_empty() {
                        args.next();
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn the_module_is_read_as_python_reads_its_options() {
        let cases: [(&[&str], Option<&str>); 9] = [
            (&["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], Some("ipykernel_launcher")),
            (&["python", "-Xfrozen_modules=off", "-m", "ipykernel_launcher"], Some("ipykernel_launcher")),
            (&["python", "-X", "dev", "-W", "ignore", "-Esm", "ipykernel"], Some("ipykernel")),
            (&["python", "-mbash_kernel", "-f", "x"], Some("bash_kernel")),
            (&["python", "--check-hash-based-pycs", "never", "-m", "a.b"], Some("a.b")),
            (&["python", "-c", "import x", "-m", "y"], None),
            (&["python", "/opt/kernel.py", "-m", "y"], None),
            (&["python", "--version"], None),
            (&["python"], None),
        ];
        for (words, module) in cases {
            assert_eq!(launched_module(&argv(words)), module, "{words:?}");
        }
    }

    fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn python3() -> Option<PathBuf> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).map(|d| d.join("python3")).find(|p| p.is_file())
    }

    #[test]
    fn an_interpreter_without_ipykernel_or_with_a_broken_one_is_named() {
        let Some(python) = python3() else { return };
        let dir = tempfile::tempdir().unwrap();
        // python3 importing from `dir/NAME` alone (besides its own site directories).
        let importing = |name: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(&path).unwrap();
            let line = format!("PYTHONPATH={} PYTHONNOUSERSITE=1 exec {} \"$@\"", path.display(), python.display());
            script(dir.path(), &format!("python-{name}"), &line)
        };
        let bare = importing("empty");
        if check(&bare, Duration::from_secs(60)).is_ok() {
            return; // this python3 has ipykernel of its own
        }
        assert_eq!(check(&bare, Duration::from_secs(60)), Err(LaunchError::NoIpykernel { python: bare.clone() }));
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("ipykernel")).unwrap();
        std::fs::write(site.join("ipykernel_launcher.py"), "").unwrap();
        std::fs::write(site.join("ipykernel/__init__.py"), "").unwrap();
        std::fs::write(site.join("ipykernel/kernelapp.py"), "import zmq_that_is_not_there\n").unwrap();
        let stub = importing("site");
        let err = check(&stub, Duration::from_secs(60)).unwrap_err();
        assert!(
            matches!(&err, LaunchError::Broken { error, .. } if error.contains("No module named 'zmq_that_is_not_there'")),
            "{err}"
        );
        std::fs::write(site.join("ipykernel/kernelapp.py"), "").unwrap();
        assert_eq!(check(&stub, Duration::from_secs(60)), Ok(()));
    }

    #[test]
    fn programs_that_are_not_python_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let shell = script(dir.path(), "fake", "echo 'fake: unknown option -c' >&2; exit 2");
        let err = check(&shell, Duration::from_secs(60)).unwrap_err();
        assert!(matches!(err, LaunchError::NotPython { .. }), "{err}");
        assert!(err.to_string().ends_with("saying \"fake: unknown option -c\""), "{err}");
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "not a program").unwrap();
        assert!(matches!(check(&plain, Duration::from_secs(5)), Err(LaunchError::NotExecutable { .. })));
        let hanging = script(dir.path(), "hanging", "sleep 30");
        assert!(matches!(check(&hanging, Duration::from_millis(300)), Err(LaunchError::TimedOut { .. })));
    }
}
