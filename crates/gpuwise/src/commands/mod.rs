//! One file per command.

mod bench;
mod doctor;
mod estimate;
pub(crate) use estimate::settings as estimate_settings;
mod explain;
mod fleet;
mod kernel;
mod serve;
mod verify;

use gpuwise_core::Variables;

use crate::cli::{Cli, Command};
use gpuwise_service::Host;

use crate::ExitStatus;

/// Runs the command the user asked for.
pub fn run(cli: Cli, vars: &Variables, host: Host) -> anyhow::Result<ExitStatus> {
    match cli.command {
        None => doctor::run(&cli.doctor, vars, host),
        Some(Command::Doctor(args)) => doctor::run(&args, vars, host),
        Some(Command::Explain(args)) => explain::run(&args),
        Some(Command::Verify(args)) => verify::run(&args, vars, host),
        Some(Command::Estimate(args)) => estimate::run(&args, vars),
        Some(Command::Bench(args)) => bench::run(&args, vars),
        Some(Command::Kernel(command)) => kernel::run(&command, vars, host),
        Some(Command::Fleet(command)) => fleet::run(&command),
        Some(Command::Serve(args)) => serve::run(&args, vars),
    }
}
