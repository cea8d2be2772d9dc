//! `gpuwise kernel install | list | remove`: Jupyter kernels whose `env` sets the GPU variables
//! before the kernel process starts (seed 003: set in a running notebook, they come too late).

use anyhow::anyhow;
use gpuwise_core::Variables;
use gpuwise_service::Host;
use gpuwise_service::doctor::Machine;
use gpuwise_service::kernels::{self, KernelSettings, KernelsError};

use crate::ExitStatus;
use crate::cli::{KernelCommand, KernelInstallArgs, flag};
use crate::output;

/// Runs one kernel command.
pub fn run(command: &KernelCommand, vars: &Variables, host: Host) -> anyhow::Result<ExitStatus> {
    let described = |err: KernelsError| anyhow!(err.describe(flag));
    match command {
        KernelCommand::Install(args) => {
            let warn = &mut |warning: String| output::warn(&warning);
            let path = kernels::install(&settings(args), vars, host, warn).map_err(described)?;
            output::print(&format!("Installed kernel '{}' in {}\n", args.name.to_lowercase(), path.display()))?;
        }
        KernelCommand::List { json, system } => {
            let report = kernels::list(&machine(system.as_ref()), vars, host).map_err(described)?;
            let text = if *json { gpuwise_render::json(&report) } else { gpuwise_render::kernel_list(&report) };
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
        machine: machine(args.system.as_ref()),
        force: args.force,
    }
}

/// The machine `--system` names, else this one.
fn machine(system: Option<&std::path::PathBuf>) -> Machine {
    system.cloned().map_or(Machine::This, Machine::Recorded)
}
