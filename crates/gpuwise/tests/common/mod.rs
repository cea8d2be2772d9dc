//! Helpers the whole-program tests share: the repository's fixtures and the machines of the
//! verdict tables.

#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A path in the repository.
pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

/// A recorded machine with its driver, and optionally its GPUs, replaced.
pub fn machine(dir: &Path, base: &str, driver: Option<(&str, &str)>, gpu: Option<(&str, &str)>) -> PathBuf {
    let text = std::fs::read_to_string(repo("fixtures/systems").join(base)).unwrap();
    let mut report: Value = serde_json::from_str(&text).unwrap();
    let system = if report.get("system").is_some() { &mut report["system"] } else { &mut report };
    if let Some((version, cuda)) = driver {
        system["driver"]["version"] = version.into();
        system["driver"]["kernel_module_version"] = version.into();
        system["driver"]["cuda_version"] = cuda.into();
        system["libraries"]["cuda_driver_version"] = cuda.into();
    }
    if let Some((name, cc)) = gpu {
        for device in system["devices"].as_array_mut().unwrap() {
            device["name"] = name.into();
            device["compute_capability"] = cc.into();
        }
    }
    let path = dir.join(format!("{base}-{}-{}.json", driver.map_or("", |d| d.0), gpu.map_or("", |g| g.1)));
    std::fs::write(&path, report.to_string()).unwrap();
    path
}

/// The machines of the verdict table.
pub struct Machines {
    pub h100_580: PathBuf,
    pub h100_550: PathBuf,
    pub v100_470: PathBuf,
    pub v100_580: PathBuf,
    pub blackwell_580: PathBuf,
    pub no_gpu: PathBuf,
}

impl Machines {
    /// Writes the derived machines into `dir`.
    pub fn new(dir: &Path) -> Self {
        let r580 = Some(("580.95.05", "13.0"));
        Machines {
            h100_580: machine(dir, "h100-sxm.json", r580, None),
            h100_550: machine(dir, "h100-sxm.json", Some(("550.54.14", "12.4")), None),
            v100_470: repo("fixtures/systems/old-driver-470.json"),
            v100_580: machine(dir, "old-driver-470.json", r580, None),
            blackwell_580: machine(dir, "h100-sxm.json", r580, Some(("NVIDIA GeForce RTX 5090", "12.0"))),
            no_gpu: repo("fixtures/systems/no-gpu-this-machine.json"),
        }
    }
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Makes a real virtual environment (no pip) at `dir`; returns its python and site-packages.
pub fn new_venv(dir: &Path) -> (PathBuf, PathBuf) {
    let status = std::process::Command::new("python3").args(["-m", "venv", "--without-pip"]).arg(dir).status().unwrap();
    assert!(status.success(), "python3 -m venv works");
    let lib = std::fs::read_dir(dir.join("lib")).unwrap().next().unwrap().unwrap().path();
    (dir.join("bin/python"), lib.join("site-packages"))
}

/// Puts a stand-in for ipykernel into the site-packages directory `site`: its distribution's
/// metadata and the modules a kernel's `python -m ipykernel_launcher` (and `gpuwise kernel
/// install`'s check) import, empty.
pub fn add_ipykernel(site: &Path) {
    let files = [
        ("ipykernel-6.29.5.dist-info/METADATA", "Metadata-Version: 2.1\nName: ipykernel\nVersion: 6.29.5\n"),
        ("ipykernel-6.29.5.dist-info/INSTALLER", "pip\n"),
        ("ipykernel_launcher.py", ""),
        ("ipykernel/__init__.py", ""),
        ("ipykernel/kernelapp.py", ""),
    ];
    for (file, text) in files {
        let path = site.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Runs `gpuwise SUBCOMMAND ARGS...`.
pub fn gpuwise(subcommand: &str, args: &[&str]) -> std::process::Output {
    gpuwise_env(subcommand, args, &[])
}

/// Runs `gpuwise SUBCOMMAND ARGS...` with variables set to paths.
pub fn gpuwise_env(subcommand: &str, args: &[&str], envs: &[(&str, &Path)]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_gpuwise"));
    command.arg(subcommand).args(args);
    for (name, value) in envs {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// Asserts exit status 2, nothing on stdout and a message on stderr containing `says`.
pub fn refused(subcommand: &str, args: &[&str], says: &str) {
    let out = gpuwise(subcommand, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(says), "{args:?}: expected {says:?} in {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
}

/// Why the tests on real environments are ignored by default; scripts/test builds the
/// environments and runs them (`--run-ignored only -E 'test(/real_/)'`).
pub const NEEDS_REAL_ENVS: &str = "needs scripts/test-envs' real environments (GPUWISE_TEST_VENVS)";

/// The Python of a real environment built by scripts/test-envs (`jax-cpu`, `numba`, ...).
pub fn real_env(name: &str) -> PathBuf {
    let dir = std::env::var_os("GPUWISE_TEST_VENVS")
        .unwrap_or_else(|| panic!("GPUWISE_TEST_VENVS is unset: this test {NEEDS_REAL_ENVS}; scripts/test runs it"));
    let python = PathBuf::from(dir).join(name).join("bin/python");
    assert!(python.exists(), "GPUWISE_TEST_VENVS is set but {} is missing", python.display());
    python
}

/// Runs doctor against `system` judging `python` only: no kernels (HOME and the Jupyter
/// directories point nowhere), no shell interpreter (PATH holds no python3).
pub fn doctor(system: &Path, python: &Path, vars: &[(&str, &str)]) -> Value {
    let empty = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_gpuwise"));
    command
        .args(["doctor", "--json", "--system"])
        .arg(system)
        .arg("--python")
        .arg(python)
        .env_clear()
        .env("HOME", empty.path())
        .env("PATH", empty.path())
        .env("JUPYTER_PATH", empty.path())
        .env("JUPYTER_DATA_DIR", empty.path());
    for (name, value) in vars {
        command.env(name, value);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `(uses_gpu, codes)` of the named framework in the report's only environment.
pub fn verdict(report: &Value, name: &str) -> (bool, Vec<String>) {
    let env = &report["environments"][0];
    assert_eq!(env["probe"]["status"], "available", "{env}");
    let framework = env["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {}", env["frameworks"]));
    let codes = framework["findings"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    (framework["uses_gpu"].as_bool().unwrap(), codes)
}

/// How the named framework of the report's only environment ends (`gpu`, `cpu`,
/// `import_fails`), the codes that decide it, and the fixes of those findings.
pub fn decided(report: &Value, name: &str) -> (String, Vec<String>, Vec<String>) {
    let framework = report["environments"][0]["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report}"));
    let because: Vec<String> =
        framework["because"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    let fixes = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| because.iter().any(|c| f["code"] == c.as_str()))
        .map(|f| f["fix"].as_str().unwrap().to_string())
        .collect();
    (framework["outcome"].as_str().unwrap().to_string(), because, fixes)
}
