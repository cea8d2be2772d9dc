//! One file per command.

pub(crate) mod bench;
mod doctor;
pub(crate) mod estimate;
mod explain;
pub(crate) mod kernel;
mod verify;

use gpuwise_core::Variables;

use crate::cli::{Cli, Command};

/// Runs the command the user asked for.
pub fn run(cli: Cli, vars: &Variables) -> anyhow::Result<u8> {
    match cli.command {
        None => doctor::run(&cli.doctor, vars),
        Some(Command::Doctor(args)) => doctor::run(&args, vars),
        Some(Command::Explain(args)) => explain::run(&args),
        Some(Command::Verify(args)) => verify::run(&args, vars),
        Some(Command::Estimate(args)) => estimate::run(&args, vars),
        Some(Command::Bench(args)) => bench::run(&args, vars),
        Some(Command::Kernel(command)) => kernel::run(&command, vars),
    }
}
