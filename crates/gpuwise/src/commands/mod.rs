//! One file per command.

pub(crate) mod bench;
mod doctor;
pub(crate) mod estimate;
mod explain;
pub(crate) mod kernel;
mod verify;

use gpuwise_core::Variables;

use crate::cli::{Cli, Command};
use crate::{ExitStatus, Host};

/// Runs the command the user asked for.
pub fn run(cli: Cli, vars: &Variables, host: Host) -> anyhow::Result<ExitStatus> {
    match cli.command {
        None => doctor::run(&cli.doctor, vars, host),
        Some(Command::Doctor(args)) => doctor::run(&args, vars, host),
        Some(Command::Explain(args)) => explain::run(&args),
        Some(Command::Verify(args)) => verify::run(&args, vars, host),
        Some(Command::Estimate(args)) => estimate::run(&args, vars),
        Some(Command::Bench(args)) => bench::run(&args, vars),
        Some(Command::Kernel(command)) => kernel::run(&command, vars),
    }
}

/// Probes this machine. As the program ([`Host::Program`]) the CUDA selection variables are
/// cleared first, so the CUDA driver describes every GPU.
fn probe(host: Host, vars: &Variables) -> gpuwise_core::System {
    if host == Host::Program {
        // SAFETY: `run_program`'s caller guarantees that no other thread exists and that CUDA is
        // not initialised; commands call this before they start any thread.
        unsafe { gpuwise_probe::cuda::expose_all_devices() };
    }
    gpuwise_probe::probe_system(vars)
}
