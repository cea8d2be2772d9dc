//! Jupyter kernels: install one whose environment pins the GPU settings, remove one, and judge
//! them all as doctor does.

use std::path::PathBuf;

use gpuwise_core::{Report, Variables};
use gpuwise_envs::jupyter::{self, KernelError, NewKernel};
use gpuwise_model::Naming;

use crate::doctor::{Scope, report};
use crate::host::Host;

/// A kernel to install.
#[derive(Debug, Clone, Default)]
pub struct KernelSettings {
    /// Its name (letters, digits, `.`, `_`, `-`).
    pub name: String,
    /// What Jupyter's launcher shows (default: `Python (NAME)`).
    pub display_name: Option<String>,
    /// The interpreter that runs it (default: `python3` on `PATH`).
    pub python: Option<PathBuf>,
    /// The GPUs it sees, nvidia-smi indices or UUIDs, comma-separated.
    pub gpu: Option<String>,
    /// Write indices in `gpu` as the devices' UUIDs.
    pub by_uuid: bool,
    /// `TF_FORCE_GPU_ALLOW_GROWTH=true`.
    pub memory_growth: bool,
    /// `XLA_PYTHON_CLIENT_PREALLOCATE=false`.
    pub jax_no_prealloc: bool,
    /// Install into the interpreter's environment rather than the user's data directory.
    pub sys_prefix: bool,
    /// Replace a kernel of that name.
    pub force: bool,
}

/// A kernel that could not be installed or removed.
#[derive(Debug, thiserror::Error)]
pub enum KernelsError {
    /// Jupyter's side: a bad name, an existing or missing kernel, the filesystem.
    #[error(transparent)]
    Kernel(#[from] KernelError),
    /// No interpreter was named and the shell has none.
    #[error("no python3 on PATH: name the interpreter")]
    NoPython,
    /// The interpreter's path cannot be made absolute.
    #[error("{}: {source}", path.display())]
    Interpreter {
        /// The interpreter as given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The interpreter lies in no environment prefix to install into.
    #[error("{} is in no environment prefix to install into", .0.display())]
    NoPrefix(PathBuf),
    /// Neither `HOME` nor `JUPYTER_DATA_DIR` says where the user's kernels go.
    #[error("no HOME or JUPYTER_DATA_DIR to install into")]
    NoDataDir,
    /// An index in `gpu` names no GPU of this machine.
    #[error("this machine has no NVIDIA GPU {0} (`gpuwise doctor` lists them)")]
    NoSuchGpu(String),
}

impl KernelsError {
    /// True when the user's input is at fault (rather than the filesystem).
    pub fn is_input(&self) -> bool {
        match self {
            KernelsError::Kernel(err) => err.is_input(),
            KernelsError::Interpreter { .. } => false,
            _ => true,
        }
    }

    /// The message, with the setting at fault named by `naming` where there is one.
    pub fn describe(&self, naming: Naming) -> String {
        match self {
            KernelsError::NoPython => format!("no python3 on PATH: pass {}", naming("python")),
            KernelsError::NoSuchGpu(entry) => format!("{} {entry}: {self}", naming("gpu")),
            KernelsError::NoPrefix(_) => format!("{}: {self}", naming("sys_prefix")),
            KernelsError::Kernel(KernelError::Exists { .. }) => {
                format!("{self}: pass {} to replace it", naming("force"))
            }
            other => other.to_string(),
        }
    }
}

/// Writes the kernel `settings` describe; returns its directory.
pub fn install(settings: &KernelSettings, vars: &Variables, host: Host) -> Result<PathBuf, KernelsError> {
    let python = match &settings.python {
        Some(path) => {
            std::path::absolute(path).map_err(|source| KernelsError::Interpreter { path: path.clone(), source })?
        }
        None => gpuwise_envs::current_python(vars).ok_or(KernelsError::NoPython)?,
    };
    let gpu = match (&settings.gpu, settings.by_uuid) {
        (Some(gpu), true) => Some(uuids(gpu, vars, host)?),
        (gpu, _) => gpu.clone(),
    };
    let kernels_dir = if settings.sys_prefix {
        let prefix =
            python.parent().and_then(|bin| bin.parent()).ok_or_else(|| KernelsError::NoPrefix(python.clone()))?;
        prefix.join("share/jupyter/kernels")
    } else {
        jupyter::user_kernels_dir(vars).ok_or(KernelsError::NoDataDir)?
    };
    let kernel = NewKernel {
        name: settings.name.clone(),
        display_name: settings.display_name.clone(),
        python,
        gpu,
        memory_growth: settings.memory_growth,
        jax_no_prealloc: settings.jax_no_prealloc,
    };
    Ok(jupyter::install(&kernel, &kernels_dir, settings.force)?)
}

/// Removes the kernel `name` (the first in Jupyter's search order); returns its directory.
pub fn remove(name: &str, vars: &Variables) -> Result<PathBuf, KernelsError> {
    let dirs = jupyter::kernel_dirs(vars, &jupyter::ServerEnv::default());
    Ok(jupyter::remove(name, &dirs)?)
}

/// Every kernel Jupyter finds and the environments they run, judged as doctor judges them.
pub fn list(vars: &Variables, host: Host) -> Report {
    report(host.probe(vars), vars, &Scope { current: false, pythons: Vec::new(), kernels: true })
}

/// `gpu` with indices (nvidia-smi's numbering) replaced by the devices' UUIDs; UUIDs kept.
fn uuids(gpu: &str, vars: &Variables, host: Host) -> Result<String, KernelsError> {
    let system = host.probe(vars);
    let resolve = |entry: &str| {
        let entry = entry.trim();
        let Ok(index) = entry.parse::<u32>() else { return Ok(entry.to_string()) };
        let device = system.devices.iter().find(|d| d.index == index);
        device.map(|d| d.uuid.clone()).ok_or_else(|| KernelsError::NoSuchGpu(entry.to_string()))
    };
    Ok(gpu.split(',').map(resolve).collect::<Result<Vec<_>, _>>()?.join(","))
}
