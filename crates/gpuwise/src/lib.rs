//! `gpuwise`: will my code run on the GPU, why not, and is it worth it?
//!
//! The command line: [`main_with_args`] inside another program's process (Python's `python -m
//! gpuwise`), [`run_program`] as the `gpuwise` program itself. Every command is a function in
//! `commands/` that turns its arguments into a service's settings (gpuwise-service), renders the
//! result and returns its [`ExitStatus`].

mod cli;
mod commands;
mod exit;
mod output;

use std::ffi::OsString;

use clap::Parser;
use gpuwise_service::Host;

pub use exit::ExitStatus;

/// Runs the command line `args` (the program name first) inside another program's process:
/// the process environment is left as it is ([`Host::EMBEDDED`]).
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> ExitStatus {
    run(args, gpuwise_core::Variables::capture(), Host::EMBEDDED)
}

/// Runs the command line `args` as the `gpuwise` program: doctor and verify may clear the CUDA
/// selection variables in this process (see [`Host::program`]).
///
/// # Safety
/// As for [`Host::program`]: call it first thing in `main`, before any other thread exists or
/// CUDA is initialised.
pub unsafe fn run_program(args: impl IntoIterator<Item = OsString>) -> ExitStatus {
    let vars = gpuwise_core::Variables::capture();
    // SAFETY: this function's caller gives `Host::program`'s guarantee.
    run(args, vars, unsafe { Host::program() })
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
    if let Err(err) = gpuwise_service::check_settings(&vars) {
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

/// The settings `gpuwise estimate ARGS` would use (IPython's `%gpuwise estimate ...` takes the
/// command line's options); `Err` is the command line's complaint in one line (`--help`: the help).
pub fn estimate_settings(args: &[String]) -> Result<gpuwise_service::estimate::EstimateSettings, String> {
    let argv = std::iter::once("estimate".to_string()).chain(args.iter().cloned());
    cli::EstimateCommand::try_parse_from(argv).map(|command| commands::estimate_settings(&command.args)).map_err(
        |err| {
            let text = err.render().to_string();
            if matches!(err.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) {
                return text;
            }
            let complaint = text.split("\n\n").next().unwrap_or_default();
            let complaint = complaint.strip_prefix("error: ").unwrap_or(complaint);
            complaint.split('\n').map(str::trim).collect::<Vec<_>>().join(" ")
        },
    )
}

/// Names an input as the command line's option (`flops_per_element` -> `--flops-per-element`),
/// for front ends that take the command line's options.
pub use cli::flag;
