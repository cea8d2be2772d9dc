//! `gpuwise`: will my code run on the GPU, why not, and is it worth it?
//!
//! The entry point only parses the command line, runs the command and maps its result to the
//! process exit status; every command is a function in `commands/` returning a `Result`.

mod assemble;
mod cli;
mod commands;
mod files;
mod julia;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Captured before anything else: the doctor probe later clears the CUDA selection variables
    // in this process so the CUDA driver describes every GPU.
    let vars = gpuwise_probe::Variables::capture();
    let cli = cli::Cli::parse();
    match commands::run(cli, &vars) {
        Ok(code) => code,
        Err(err) if output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            output::report_error(&err);
            ExitCode::from(2)
        }
    }
}
