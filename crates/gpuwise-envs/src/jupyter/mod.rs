//! Jupyter kernelspecs, found and read as jupyter_client does, and the variables each kernel's
//! process gets.

mod error;
mod install;
mod launcher;
mod paths;
mod replace;
mod template;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gpuwise_core::Kernel;
use gpuwise_core::{VarValue, Variables};
use serde::Deserialize;

pub use error::{KernelError, UnknownInterpreter};
pub use install::{NewKernel, install, kernel_name, remove, user_kernels_dir};
pub use launcher::{LaunchError, check as check_launcher, launched_module};
pub use paths::{ServerEnv, kernel_dirs, user_data_dir};
pub use template::safe_substitute;

/// The shape of kernel.json (jupyter_client's kernelspec schema); unknown keys are ignored.
#[derive(Deserialize)]
struct Spec {
    argv: Vec<String>,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    env: BTreeMap<String, String>,
}

/// A kernelspec, read, or why it could not be.
#[derive(Debug, Clone)]
pub struct Found {
    /// The kernel as the report records it.
    pub kernel: Kernel,
    /// Why kernel.json could not be used, when it could not.
    pub problem: Option<String>,
}

/// Every kernelspec in `dirs`, the first directory holding a name winning (names compare in
/// lower case, as jupyter_client lists them).
pub fn find_kernels(dirs: &[PathBuf]) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        let mut specs: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        specs.sort();
        for spec_dir in specs {
            let Some(name) = spec_dir.file_name().and_then(|n| n.to_str()).map(str::to_lowercase) else { continue };
            if !spec_dir.join("kernel.json").exists()
                || !valid_name(&name)
                || found.iter().any(|f| f.kernel.name == name)
            {
                continue;
            }
            found.push(read_spec(&name, &spec_dir));
        }
    }
    found
}

/// jupyter_client's rule (ASCII letters, digits, `.`, `_` and `-`), and one directory: not
/// only dots (`.` and `..` pass Jupyter's character rule but name no kernel directory).
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !name.chars().all(|c| c == '.')
}

fn read_spec(name: &str, dir: &Path) -> Found {
    let mut kernel = Kernel { name: name.into(), spec_path: dir.display().to_string(), ..Kernel::default() };
    let file = dir.join("kernel.json");
    let parsed =
        gpuwise_fs::read(&file).map_err(|err| format!("{} cannot be read: {err}", file.display())).and_then(|bytes| {
            serde_json::from_slice::<Spec>(&bytes)
                .map_err(|err| format!("{} is not a valid kernelspec: {err}", file.display()))
        });
    let problem = match parsed {
        Ok(spec) if spec.argv.is_empty() => Some(format!("{} has an empty argv", file.display())),
        Ok(spec) => {
            kernel.display_name = spec.display_name;
            kernel.language = spec.language;
            kernel.argv = spec.argv;
            kernel.env = spec.env;
            None
        }
        Err(problem) => Some(problem),
    };
    Found { kernel, problem }
}

/// ipykernel's built-in `python3` spec, which jupyter_client offers when no directory holds
/// one: it runs the server's own interpreter.
pub fn builtin_python3(server_python: &Path) -> Found {
    let python = server_python.display().to_string();
    Found {
        kernel: Kernel {
            name: "python3".into(),
            display_name: "Python 3 (ipykernel)".into(),
            spec_path: "ipykernel (built in)".into(),
            language: "python".into(),
            argv: [python.as_str(), "-m", "ipykernel_launcher", "-f", "{connection_file}"].map(String::from).to_vec(),
            ..Kernel::default()
        },
        problem: None,
    }
}

/// The variables the kernel's process starts with: the server's, less `PYTHONEXECUTABLE`,
/// with each `env` value expanded against the server's and then set.
pub fn kernel_variables(kernel: &Kernel, server: &Variables) -> Variables {
    let mut vars = server.with("PYTHONEXECUTABLE", None);
    for (name, value) in &kernel.env {
        vars = vars.with(name, Some(VarValue::new(safe_substitute(value, server))));
    }
    vars
}

/// The interpreter the kernel runs: argv[0] when it is a Python (a bare `python` or `python3`
/// is the server's own interpreter, as jupyter_client substitutes it; other bare names are
/// looked up on the kernel's `PATH`). `Err` explains why it cannot be told.
pub fn interpreter(
    kernel: &Kernel,
    kernel_vars: &Variables,
    server_python: Option<&Path>,
) -> Result<PathBuf, UnknownInterpreter> {
    let program = kernel.argv.first().ok_or(UnknownInterpreter::NoArgv)?;
    let base = Path::new(program).file_name().and_then(|n| n.to_str()).unwrap_or("");
    let looks_python = base.starts_with("python") || base.starts_with("pypy");
    if !looks_python {
        return Err(if kernel.language.eq_ignore_ascii_case("python") {
            UnknownInterpreter::NotPython(program.clone())
        } else {
            let language = if kernel.language.is_empty() { "non-Python" } else { &kernel.language };
            UnknownInterpreter::OtherLanguage(language.to_string())
        });
    }
    let bare = !program.contains('/');
    if let Some(server) = server_python.filter(|_| bare && (base == "python" || base == "python3")) {
        return Ok(server.to_path_buf());
    }
    if !bare {
        return Ok(PathBuf::from(program));
    }
    let path = kernel_vars.get("PATH").unwrap_or("");
    std::env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| UnknownInterpreter::NotOnPath(program.clone()))
}

#[cfg(test)]
mod tests;
