//! Command-line definitions; the doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Will my code run on the GPU, why not, and is it worth it?
///
/// With no command, runs `doctor`: this machine's GPUs, driver, CUDA and visibility, with the
/// cause and fix of every problem.
#[derive(Debug, Parser)]
#[command(name = "gpuwise", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// The command to run (default: doctor).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `doctor`, when no command is given.
    #[command(flatten)]
    pub doctor: DoctorArgs,
}

/// gpuwise's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report this machine's GPUs, driver, CUDA and visibility, and explain every problem.
    Doctor(DoctorArgs),
    /// Explain a finding code (GW101, GW203, ...), or list them all.
    Explain(ExplainArgs),
    /// Run each installed framework for real (device, a small matmul, its time) and compare
    /// with doctor's verdict. Exits 1 when any framework disagrees with doctor.
    Verify(VerifyArgs),
}

/// Options of `gpuwise doctor`.
#[derive(Debug, Clone, Args, Default)]
pub struct DoctorArgs {
    /// Print the report as JSON (schema_version 1).
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the report as Markdown.
    #[arg(long)]
    pub markdown: bool,
    /// Read a recorded system (a `gpuwise doctor --json` report, or its `system` object)
    /// instead of probing this machine. Visibility still follows this shell's variables.
    #[arg(long, value_name = "FILE")]
    pub system: Option<PathBuf>,
    /// Exit with status 1 when no usable GPU is visible (for scripts and CI jobs).
    #[arg(long)]
    pub require_gpu: bool,
    /// Also judge this Python interpreter (a virtualenv's or conda env's `bin/python`);
    /// repeatable. The shell's `python3` and every Jupyter kernel are always judged.
    #[arg(long, value_name = "PATH")]
    pub python: Vec<PathBuf>,
    /// Report the machine only: no Python environments, no Jupyter kernels.
    #[arg(long, conflicts_with = "python")]
    pub no_envs: bool,
}

/// Options of `gpuwise verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The interpreter to verify (repeatable); default: the first `python3` on `PATH`.
    #[arg(long, value_name = "PATH")]
    pub python: Vec<PathBuf>,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Seconds each framework's check may take (imports of large frameworks are slow).
    #[arg(long, default_value_t = 180.0, value_parser = positive_seconds)]
    pub timeout: f64,
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!("`{text}` is not a number of seconds between 0 and 86400")),
    }
}

/// Options of `gpuwise explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The finding code, e.g. GW203. Without it, every code is listed.
    pub code: Option<String>,
}
