//! One Python environment, read: ask the interpreter where it imports from, then read files.

use std::path::{Path, PathBuf};

use gpuwise_core::Variables;
use gpuwise_core::{Environment, EnvironmentKind, ProbeStatus, Source};

use crate::distributions::Installed;
use crate::frameworks::{self, Site};
use crate::interpreter::{Interpreter, ProbeError};
use crate::libraries::LibrarySearch;
use crate::modules::{self, ModuleLookup};
use crate::requirements::marker_environment;

/// Builds the environment record from an interpreter's answer (or its failure), reading the
/// packages it would import when started with `vars`. `root` prefixes system paths (`/`).
pub fn read(
    python: &Path,
    source: &Source,
    answer: &Result<Interpreter, ProbeError>,
    vars: &Variables,
    root: &Path,
) -> Environment {
    let mut env =
        Environment { interpreter: python.display().to_string(), source: source.clone(), ..Environment::default() };
    let interpreter = match answer {
        Ok(interpreter) => interpreter,
        Err(err) => {
            env.probe = ProbeStatus::Failed { error: err.to_string() };
            return env;
        }
    };
    env.probe = ProbeStatus::Available { detail: interpreter.executable.clone() };
    let markers = &interpreter.markers;
    env.python_version = Some(markers.python_full_version.clone());
    env.platform = Some(format!("{}-{}", markers.sys_platform, markers.platform_machine));
    env.prefix = Some(interpreter.prefix.clone());
    let prefix = Path::new(&interpreter.prefix);
    let venv = venv_config(prefix);
    env.kind = Some(if venv.is_some() {
        EnvironmentKind::Venv
    } else if prefix.join("conda-meta").is_dir() {
        EnvironmentKind::Conda
    } else {
        EnvironmentKind::System
    });
    let sites = site_dirs(&import_path(interpreter, venv.as_deref(), vars), vars);
    env.site_packages = sites.iter().map(|p| p.display().to_string()).collect();
    let installed = Installed::scan(&sites);
    let mut library_dirs = sites.clone();
    if env.kind == Some(EnvironmentKind::Conda) {
        library_dirs.push(prefix.to_path_buf()); // conda's CUDA packages sit in <prefix>/lib
    }
    let libraries = LibrarySearch::new(&library_dirs, vars, root);
    let marker_env = marker_environment(markers);
    let site = Site {
        installed: &installed,
        markers: marker_env.as_ref(),
        libraries: &libraries,
        sys_platform: &markers.sys_platform,
    };
    let (found, problems) = frameworks::read_all(&site);
    env.frameworks = found;
    env.unreadable = installed.unreadable.into_iter().chain(problems).collect();
    env.shadowed = libraries.shadowed();
    env
}

/// The text of `pyvenv.cfg`, when `prefix` is a virtual environment.
fn venv_config(prefix: &Path) -> Option<String> {
    gpuwise_fs::read_text(prefix.join("pyvenv.cfg")).ok()
}

/// Whether `module` is where the interpreter started with `vars` imports from.
pub fn find_module(interpreter: &Interpreter, vars: &Variables, module: &str) -> ModuleLookup {
    let venv = venv_config(Path::new(&interpreter.prefix));
    let path = import_path(interpreter, venv.as_deref(), vars);
    let sites = site_dirs(&path, vars);
    modules::find(module, &path, &sites)
}

/// Where the interpreter imports from when it runs normally (not `-I`), in order: `PYTHONPATH`
/// first, then its `sys.path` (the standard library, its site directories and what their `.pth`
/// files add), with the user site directory before the first site directory when Python would
/// enable it (not in a virtual environment without system site packages, not with
/// `PYTHONNOUSERSITE`). Entries that do not exist are left out.
fn import_path(interpreter: &Interpreter, venv: Option<&str>, vars: &Variables) -> Vec<PathBuf> {
    let mut entries = python_path(vars);
    let system_site = venv.is_none_or(|cfg| {
        cfg.lines().any(|line| {
            let (key, value) = line.split_once('=').unwrap_or((line, ""));
            key.trim() == "include-system-site-packages" && value.trim().eq_ignore_ascii_case("true")
        })
    });
    let mut user_site = (system_site && vars.get("PYTHONNOUSERSITE").is_none_or(str::is_empty))
        .then(|| PathBuf::from(&interpreter.user_site));
    for entry in interpreter.path.iter().filter(|e| !e.is_empty()).map(PathBuf::from) {
        if is_site(&entry) {
            entries.extend(user_site.take());
        }
        entries.push(entry);
    }
    entries.extend(user_site);
    let mut kept: Vec<PathBuf> = Vec::new();
    for entry in entries {
        if entry.exists() && !kept.contains(&entry) {
            kept.push(entry);
        }
    }
    kept
}

/// The directories of `path` that distributions are installed in: `PYTHONPATH`'s and the site
/// directories. The standard library's own directories hold no distributions.
fn site_dirs(path: &[PathBuf], vars: &Variables) -> Vec<PathBuf> {
    let python_path = python_path(vars);
    path.iter().filter(|d| d.is_dir() && (is_site(d) || python_path.contains(d))).cloned().collect()
}

/// The directories of `PYTHONPATH`, in order.
fn python_path(vars: &Variables) -> Vec<PathBuf> {
    vars.get("PYTHONPATH")
        .map(|p| std::env::split_paths(p).filter(|d| !d.as_os_str().is_empty()).collect())
        .unwrap_or_default()
}

/// True for a site directory: `site-packages`, or Debian's `dist-packages`.
fn is_site(dir: &Path) -> bool {
    dir.ends_with("site-packages") || dir.ends_with("dist-packages")
}
