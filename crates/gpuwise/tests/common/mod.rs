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

/// The Python of a real environment built by scripts/test (`jax-cpu`, `numba`), or `None` when the run did not ask for them.
pub fn real_env(name: &str) -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("GPUWISE_TEST_VENVS") else {
        eprintln!("GPUWISE_TEST_VENVS unset: skipping the real-environment check (scripts/test sets it)");
        return None;
    };
    let python = PathBuf::from(dir).join(name).join("bin/python");
    assert!(python.exists(), "GPUWISE_TEST_VENVS is set but {} is missing", python.display());
    Some(python)
}
