//! `gpuwise`: will my code run on the GPU, why not, and is it worth it?
//!
//! The command line ([`main_with_args`]) and the functions the Python package embeds
//! ([`api`]). Every command is a function in `commands/` returning a `Result`.

pub mod api;
mod assemble;
mod cli;
mod commands;
mod files;
mod julia;
mod output;

use std::ffi::OsString;

use clap::Parser;

/// Runs the command line `args` (the program name first) and returns the exit status: 0 when
/// the command did its job, 1 for the states a command reports with it (`--require-gpu`
/// without a usable GPU, a framework that disagrees, a failed bench case), 2 for bad input.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> u8 {
    // Captured before anything else: the doctor probe later clears the CUDA selection variables
    // in this process so the CUDA driver describes every GPU.
    let vars = gpuwise_core::Variables::capture();
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { 2 } else { 0 };
        }
    };
    if let Err(err) = api::check_settings(&vars) {
        output::report_error(&anyhow::anyhow!(err));
        return 2;
    }
    match commands::run(cli, &vars) {
        Ok(code) => code,
        Err(err) if output::is_broken_pipe(&err) => 0,
        Err(err) => {
            output::report_error(&err);
            2
        }
    }
}
