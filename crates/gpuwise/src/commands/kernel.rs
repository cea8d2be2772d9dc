//! `gpuwise kernel install | list | remove`: Jupyter kernels whose `env` sets the GPU variables
//! before the kernel process starts (seed 003: set in a running notebook, they come too late).

use std::path::PathBuf;

use anyhow::{Context as _, anyhow};
use gpuwise_core::Report;
use gpuwise_core::Variables;
use gpuwise_envs::jupyter::{self, NewKernel};

use crate::ExitStatus;
use crate::assemble::{self, Scope};
use crate::cli::{KernelCommand, KernelInstallArgs};
use crate::output;

/// The variables a GPU kernel's `env` may set, in the order `list` shows them.
const GPU_VARIABLES: [&str; 4] =
    ["CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "TF_FORCE_GPU_ALLOW_GROWTH", "XLA_PYTHON_CLIENT_PREALLOCATE"];

/// Runs one kernel command.
pub fn run(command: &KernelCommand, vars: &Variables) -> anyhow::Result<ExitStatus> {
    match command {
        KernelCommand::Install(args) => {
            let path = install(args, vars)?;
            output::print(&format!("Installed kernel '{}' in {}\n", args.name.to_lowercase(), path.display()))?;
        }
        KernelCommand::List { json } => {
            let report = kernels_report(vars);
            let text = if *json {
                let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
                text.push('\n');
                text
            } else {
                list_text(&report)
            };
            output::print(&text)?;
        }
        KernelCommand::Remove { name } => {
            let removed = crate::api::kernel_remove(name)?;
            output::print(&format!("Removed kernel '{}' ({})\n", name.to_lowercase(), removed.display()))?;
        }
    }
    Ok(ExitStatus::Success)
}

/// Writes the kernel `args` describe; returns its directory.
pub fn install(args: &KernelInstallArgs, vars: &Variables) -> anyhow::Result<PathBuf> {
    let python = match &args.python {
        Some(path) => std::path::absolute(path).with_context(|| format!("--python {}", path.display()))?,
        None => gpuwise_envs::current_python(vars).ok_or_else(|| anyhow!("no python3 on PATH: pass --python"))?,
    };
    let gpu = match (&args.gpu, args.by_uuid) {
        (Some(gpu), true) => Some(uuids(gpu, vars)?),
        (gpu, _) => gpu.clone(),
    };
    let kernels_dir = if args.sys_prefix {
        let prefix = python.parent().and_then(|bin| bin.parent()).ok_or_else(|| anyhow!("--sys-prefix: no prefix"))?;
        prefix.join("share/jupyter/kernels")
    } else {
        jupyter::user_kernels_dir(vars).ok_or_else(|| anyhow!("no HOME or JUPYTER_DATA_DIR to install into"))?
    };
    let kernel = NewKernel {
        name: args.name.clone(),
        display_name: args.display_name.clone(),
        python,
        gpu,
        memory_growth: args.memory_growth,
        jax_no_prealloc: args.jax_no_prealloc,
    };
    Ok(jupyter::install(&kernel, &kernels_dir, args.force)?)
}

/// `--gpu` indices (nvidia-smi's numbering) replaced by the devices' UUIDs; UUIDs kept.
fn uuids(gpu: &str, vars: &Variables) -> anyhow::Result<String> {
    let system = gpuwise_probe::probe_system(vars);
    let resolve = |entry: &str| -> anyhow::Result<String> {
        let entry = entry.trim();
        let Ok(index) = entry.parse::<u32>() else { return Ok(entry.to_string()) };
        system.devices.iter().find(|d| d.index == index).map(|d| d.uuid.clone()).ok_or_else(|| {
            anyhow!("--gpu {entry}: this machine has no NVIDIA GPU {entry} (`gpuwise doctor` lists them)")
        })
    };
    Ok(gpu.split(',').map(resolve).collect::<anyhow::Result<Vec<_>>>()?.join(","))
}

/// The kernels and the environments they run, judged as doctor judges them.
fn kernels_report(vars: &Variables) -> Report {
    let mut report = assemble::machine_report(gpuwise_probe::probe_system(vars), vars);
    assemble::add_environments(&mut report, vars, &Scope { current: false, pythons: Vec::new(), kernels: true });
    report
}

/// One block per kernel: name, where, GPU settings, and each framework's verdict.
fn list_text(report: &Report) -> String {
    if report.kernels.is_empty() {
        return "No Jupyter kernels found (`gpuwise kernel install --name NAME` writes one).\n".into();
    }
    let mut out = String::new();
    for kernel in &report.kernels {
        out.push_str(&format!("{} — {}\n  {}\n", kernel.name, kernel.display_name, kernel.spec_path));
        let settings: Vec<String> =
            GPU_VARIABLES.iter().filter_map(|k| kernel.env.get(*k).map(|v| format!("{k}={v}"))).collect();
        if !settings.is_empty() {
            out.push_str(&format!("  env: {}\n", settings.join(" ")));
        }
        let frameworks = kernel.environment.and_then(|i| report.environments.get(i)).map(|e| &e.frameworks);
        match frameworks {
            Some(list) if !list.is_empty() => {
                for f in list {
                    let verdict = if f.uses_gpu { "uses the GPU" } else { "runs on the CPU" };
                    out.push_str(&format!("  {} {}: {verdict}\n", f.name, f.version));
                }
            }
            _ => out.push_str("  no GPU framework installed\n"),
        }
    }
    out
}
