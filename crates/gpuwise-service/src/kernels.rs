//! Jupyter kernels: install one whose environment pins the GPU settings (once its interpreter
//! is known to run ipykernel and the machine to have the GPUs named), remove one, and judge them
//! all as doctor does.

use std::path::PathBuf;

use gpuwise_core::{EntryStatus, Report, System, VarValue, Variables, visibility};
use gpuwise_envs::jupyter::{self, KernelError, LaunchError, NewKernel};
use gpuwise_model::Naming;
use gpuwise_probe::snapshot::LoadError;

use crate::Warn;
use crate::doctor::{Machine, Scope, report};
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
    /// The machine whose GPUs `gpu` names (default: this one).
    pub machine: Machine,
    /// Replace a kernel of that name, and install even when the interpreter cannot run ipykernel
    /// or the machine has no GPU that `gpu` names (each said as a warning).
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
    /// The interpreter cannot run the kernel.
    #[error(transparent)]
    Launch(#[from] LaunchError),
    /// The interpreter lies in no environment prefix to install into.
    #[error("{} is in no environment prefix to install into", .0.display())]
    NoPrefix(PathBuf),
    /// Neither `HOME` nor `JUPYTER_DATA_DIR` says where the user's kernels go.
    #[error("no HOME or JUPYTER_DATA_DIR to install into")]
    NoDataDir,
    /// The recorded machine cannot be read.
    #[error(transparent)]
    Recorded(#[from] LoadError),
    /// An entry of `gpu` names no GPU of the machine.
    #[error("{machine} has no NVIDIA GPU {entry}: {has}")]
    NoSuchGpu {
        /// `this machine` or `snapshot PATH`.
        machine: String,
        /// The entry.
        entry: String,
        /// The GPUs it has: `it has none`, `it has GPUs 0–3`.
        has: String,
    },
    /// An entry of `gpu` that CUDA would not select as written.
    #[error("{entry} {why}")]
    GpuEntry {
        /// The entry.
        entry: String,
        /// What CUDA does with it.
        why: String,
    },
    /// An index in `gpu` whose UUID was asked for names no GPU of the machine.
    #[error("{machine} has no NVIDIA GPU {entry} to write the UUID of: {has}")]
    NoUuid {
        /// `this machine` or `snapshot PATH`.
        machine: String,
        /// The index.
        entry: String,
        /// The GPUs it has.
        has: String,
    },
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
            KernelsError::NoSuchGpu { entry, .. } | KernelsError::GpuEntry { entry, .. } => format!(
                "{} {entry}: {self}; pass {} to install it anyway (for another machine)",
                naming("gpu"),
                naming("force")
            ),
            KernelsError::NoUuid { entry, .. } => {
                format!("{} {entry}: {self}; name it by index without {}", naming("gpu"), naming("by_uuid"))
            }
            KernelsError::Launch(err) => {
                let option = match err {
                    LaunchError::NoIpykernel { .. } | LaunchError::Broken { .. } => String::new(),
                    _ => format!("{}: ", naming("python")),
                };
                format!("{option}{}; pass {} to install it anyway", launch_fix(err), naming("force"))
            }
            KernelsError::NoPrefix(_) => format!("{}: {self}", naming("sys_prefix")),
            KernelsError::Recorded(_) => format!("{}: {self}", naming("system")),
            KernelsError::Kernel(KernelError::Exists { .. }) => {
                format!("{self}: pass {} to replace it", naming("force"))
            }
            other => other.to_string(),
        }
    }
}

/// Why the interpreter cannot run the kernel, and what to do.
fn launch_fix(err: &LaunchError) -> String {
    let install = |what: &str, python: &std::path::Path| {
        gpuwise_rules::install_into_environment(&python.display().to_string(), what)
    };
    match err {
        LaunchError::NoIpykernel { python } => {
            format!("{err}, so it cannot run the kernel; install it: {}", install("ipykernel", python))
        }
        LaunchError::Broken { python, .. } => {
            format!("{err}; reinstall it with its dependencies: {}", install("--force-reinstall ipykernel", python))
        }
        LaunchError::NotExecutable { .. } | LaunchError::TimedOut { .. } | LaunchError::NotPython { .. } => {
            format!("{err}: name a Python interpreter")
        }
    }
}

/// Writes the kernel `settings` describe; returns its directory. The interpreter is run once to
/// check that it can start ipykernel, and the GPUs in `gpu` are looked for on the machine; with
/// `force`, what these find goes to `warn` once the kernel is written, instead of stopping it.
pub fn install(
    settings: &KernelSettings,
    vars: &Variables,
    host: Host,
    warn: Warn<'_>,
) -> Result<PathBuf, KernelsError> {
    jupyter::kernel_name(&settings.name)?;
    let python = match &settings.python {
        Some(path) => {
            std::path::absolute(path).map_err(|source| KernelsError::Interpreter { path: path.clone(), source })?
        }
        None => gpuwise_envs::current_python(vars).ok_or(KernelsError::NoPython)?,
    };
    if !python.is_file() {
        return Err(KernelError::NoInterpreter(python).into());
    }
    let mut let_through = Vec::new();
    let mut forced = |problem: KernelsError, said: String| {
        if settings.force {
            let_through.push(format!("installed anyway, as forced: {said}"));
            Ok(())
        } else {
            Err(problem)
        }
    };
    if let Err(err) = jupyter::check_launcher(&python, gpuwise_probe::probe_timeout()) {
        let said = launch_fix(&err);
        forced(err.into(), said)?;
    }
    let gpu = match &settings.gpu {
        Some(gpu) => {
            let system = settings.machine.system(vars, host)?;
            let machine = settings.machine.describe();
            let gpu = if settings.by_uuid { uuids(gpu, &system, &machine)? } else { gpu.clone() };
            if let Err(err) = selects(&gpu, &system, &machine) {
                let said = err.to_string();
                forced(err, said)?;
            }
            Some(gpu)
        }
        None => None,
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
    let installed = jupyter::install(&kernel, &kernels_dir, settings.force)?;
    let_through.into_iter().for_each(warn);
    Ok(installed)
}

/// Removes the kernel `name` (the first in Jupyter's search order); returns its directory.
pub fn remove(name: &str, vars: &Variables) -> Result<PathBuf, KernelsError> {
    let dirs = jupyter::kernel_dirs(vars, &jupyter::ServerEnv::default());
    Ok(jupyter::remove(name, &dirs)?)
}

/// Every kernel Jupyter finds and the environments they run, judged as doctor judges them on
/// `machine`.
pub fn list(machine: &Machine, vars: &Variables, host: Host) -> Result<Report, KernelsError> {
    let system = machine.system(vars, host)?;
    Ok(report(system, vars, &Scope { current: false, pythons: Vec::new(), kernels: true }))
}

/// `gpu` with indices (nvidia-smi's numbering) replaced by the devices' UUIDs; UUIDs kept.
fn uuids(gpu: &str, system: &System, machine: &str) -> Result<String, KernelsError> {
    let resolve = |entry: &str| {
        let entry = entry.trim();
        let Ok(index) = entry.parse::<u32>() else { return Ok(entry.to_string()) };
        let device = system.devices.iter().find(|d| d.index == index);
        device.map(|d| d.uuid.clone()).ok_or_else(|| KernelsError::NoUuid {
            machine: machine.to_string(),
            entry: entry.to_string(),
            has: has(system.devices.len()),
        })
    };
    Ok(gpu.split(',').map(resolve).collect::<Result<Vec<_>, _>>()?.join(","))
}

/// Whether a kernel whose env sets `CUDA_VISIBLE_DEVICES=gpu` (and `CUDA_DEVICE_ORDER=PCI_BUS_ID`)
/// sees on `system` every GPU `gpu` names, as CUDA reads the variable; `Err` names the first
/// entry that does not select one, and why.
fn selects(gpu: &str, system: &System, machine: &str) -> Result<(), KernelsError> {
    let vars = Variables::default()
        .with("CUDA_VISIBLE_DEVICES", Some(VarValue::new(gpu)))
        .with("CUDA_DEVICE_ORDER", Some(VarValue::new("PCI_BUS_ID")));
    let visibility = visibility::resolve(system, &vars);
    // The entry CUDA stops at (the entries after it are only `Ignored` because of it).
    let stops = |e: &&gpuwise_core::VisibilityEntry| !matches!(e.status, EntryStatus::Selected | EntryStatus::Ignored);
    let Some(entry) = visibility.entries.iter().find(stops) else {
        return match visibility.devices.is_empty() {
            true => Err(KernelsError::GpuEntry { entry: format!("{gpu:?}"), why: "selects no GPU".into() }),
            false => Ok(()),
        };
    };
    let why = |why: &str| Err(KernelsError::GpuEntry { entry: entry.text.clone(), why: why.to_string() });
    match entry.status {
        EntryStatus::OutOfRange | EntryStatus::NoMatch => Err(KernelsError::NoSuchGpu {
            machine: machine.to_string(),
            entry: entry.text.clone(),
            has: has(visibility.enumerable as usize),
        }),
        EntryStatus::Invalid => why("is not a GPU index or UUID: CUDA ignores it and every GPU after it"),
        EntryStatus::Ambiguous => why(&format!("matches more than one GPU of {machine}: give more of its UUID")),
        EntryStatus::Duplicate => why("is listed twice: CUDA then shows no GPU at all"),
        EntryStatus::ExtraMig => why("is a second MIG instance: CUDA uses one MIG instance per process"),
        EntryStatus::Ignored | EntryStatus::Selected => Ok(()),
    }
}

/// `it has none`, `it has GPU 0`, `it has GPUs 0–3`: the indices of `count` devices.
fn has(count: usize) -> String {
    match count {
        0 => "it has none".to_string(),
        1 => "it has GPU 0".to_string(),
        n => format!("it has GPUs 0–{}", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(count: u32) -> System {
        let devices = (0..count)
            .map(|index| gpuwise_core::Device {
                index,
                uuid: format!("GPU-ab{index}00000-aaaa-bbbb-cccc-000000000000"),
                name: "NVIDIA H100 80GB HBM3".into(),
                ..Default::default()
            })
            .collect();
        System { devices, ..Default::default() }
    }

    fn refusal(gpu: &str, system: &System) -> String {
        selects(gpu, system, "this machine").unwrap_err().to_string()
    }

    #[test]
    fn every_entry_must_select_a_gpu_of_the_machine() {
        assert_eq!(refusal("1", &machine(0)), "this machine has no NVIDIA GPU 1: it has none");
        assert_eq!(refusal("0,4", &machine(4)), "this machine has no NVIDIA GPU 4: it has GPUs 0–3");
        assert_eq!(refusal("GPU-9", &machine(1)), "this machine has no NVIDIA GPU GPU-9: it has GPU 0");
        assert!(selects("0,3", &machine(4), "this machine").is_ok());
        assert!(selects("GPU-ab2", &machine(4), "this machine").is_ok(), "a UUID's unique prefix");
        assert!(refusal("GPU-ab", &machine(2)).contains("matches more than one GPU"));
        assert!(refusal("1,1", &machine(2)).contains("listed twice"));
        assert!(refusal("one", &machine(2)).contains("is not a GPU index or UUID"));
        assert_eq!(refusal("", &machine(2)), "\"\" selects no GPU");
    }

    #[test]
    fn uuids_replace_indices_that_exist() {
        let two = machine(2);
        assert_eq!(uuids("1, GPU-x", &two, "this machine").unwrap(), "GPU-ab100000-aaaa-bbbb-cccc-000000000000,GPU-x");
        let err = uuids("2", &two, "snapshot node.json").unwrap_err();
        assert_eq!(err.to_string(), "snapshot node.json has no NVIDIA GPU 2 to write the UUID of: it has GPUs 0–1");
        assert_eq!(
            err.describe(|name| format!("--{}", name.replace('_', "-"))),
            "--gpu 2: snapshot node.json has no NVIDIA GPU 2 to write the UUID of: it has GPUs 0–1; name it by index without --by-uuid"
        );
    }
}
