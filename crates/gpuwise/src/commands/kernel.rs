//! `gpuwise kernel install | list | remove`: Jupyter kernels whose `env` sets the GPU variables
//! before the kernel process starts (seed 003: set in a running notebook, they come too late).

use anyhow::anyhow;
use gpuwise_core::{Report, Variables};
use gpuwise_service::Host;
use gpuwise_service::kernels::{self, KernelSettings, KernelsError};

use crate::ExitStatus;
use crate::cli::{KernelCommand, KernelInstallArgs, flag};
use crate::output;

/// The variables a GPU kernel's `env` may set, in the order `list` shows them.
const GPU_VARIABLES: [&str; 4] =
    ["CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "TF_FORCE_GPU_ALLOW_GROWTH", "XLA_PYTHON_CLIENT_PREALLOCATE"];

/// Runs one kernel command.
pub fn run(command: &KernelCommand, vars: &Variables, host: Host) -> anyhow::Result<ExitStatus> {
    let described = |err: KernelsError| anyhow!(err.describe(flag));
    match command {
        KernelCommand::Install(args) => {
            let path = kernels::install(&settings(args), vars, host).map_err(described)?;
            output::print(&format!("Installed kernel '{}' in {}\n", args.name.to_lowercase(), path.display()))?;
        }
        KernelCommand::List { json } => {
            let report = kernels::list(vars, host);
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
            let removed = kernels::remove(name, vars).map_err(described)?;
            output::print(&format!("Removed kernel '{}' ({})\n", name.to_lowercase(), removed.display()))?;
        }
    }
    Ok(ExitStatus::Success)
}

/// The settings `args` describe.
fn settings(args: &KernelInstallArgs) -> KernelSettings {
    KernelSettings {
        name: args.name.clone(),
        display_name: args.display_name.clone(),
        python: args.python.clone(),
        gpu: args.gpu.clone(),
        by_uuid: args.by_uuid,
        memory_growth: args.memory_growth,
        jax_no_prealloc: args.jax_no_prealloc,
        sys_prefix: args.sys_prefix,
        force: args.force,
    }
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
