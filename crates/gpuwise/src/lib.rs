//! `gpuwise`: will my code run on the GPU, why not, and is it worth it?
//!
//! The command line ([`main_with_args`], and [`run_program`] for the `gpuwise` program itself)
//! and the functions the Python package embeds ([`api`]). Every command is a function in
//! `commands/` returning its [`ExitStatus`].

pub mod api;
mod assemble;
mod cli;
mod commands;
mod exit;
mod files;
mod julia;
mod output;

use std::ffi::OsString;

use clap::Parser;

pub use exit::{ExitStatus, Host};

/// Runs the command line `args` (the program name first) inside another program's process
/// (Python's `python -m gpuwise`): the process environment is left as it is.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> ExitStatus {
    run(args, gpuwise_core::Variables::capture(), Host::Embedded)
}

/// Runs the command line `args` as the `gpuwise` program: doctor and verify may clear the CUDA
/// selection variables in this process (see [`Host::Program`]).
///
/// # Safety
/// No other thread may exist, now or while a command runs, besides those gpuwise starts itself
/// after that point (call it first thing in `main`); CUDA must not be initialised in this process.
pub unsafe fn run_program(args: impl IntoIterator<Item = OsString>) -> ExitStatus {
    run(args, gpuwise_core::Variables::capture(), Host::Program)
}

/// Parses `args` and runs the command with `vars`, captured before anything changed them.
fn run(args: impl IntoIterator<Item = OsString>, vars: gpuwise_core::Variables, host: Host) -> ExitStatus {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { ExitStatus::Error } else { ExitStatus::Success };
        }
    };
    if let Err(err) = api::check_settings(&vars) {
        output::report_error(&anyhow::anyhow!(err));
        return ExitStatus::Error;
    }
    match commands::run(cli, &vars, host) {
        Ok(status) => status,
        Err(err) if output::is_broken_pipe(&err) => ExitStatus::Success,
        Err(err) => {
            output::report_error(&err);
            ExitStatus::Error
        }
    }
}
