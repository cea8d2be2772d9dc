//! What the Python package embeds: doctor and estimate as functions returning their views
//! instead of printing them. Both run in the caller's process, which may already have
//! initialised CUDA, so neither touches the CUDA selection variables (see docs/DESIGN.md).

use std::path::PathBuf;

use clap::Parser;
use gpuwise_core::Variables;
use gpuwise_probe::snapshot;

use crate::assemble::{self, Scope};
use crate::cli::{BenchArgs, EstimateArgs, KernelInstallArgs};

/// One command's options parsed from `args` as its command line takes them; `Err` is clap's
/// message.
fn parse<T: clap::Args>(command: &str, args: &[String]) -> Result<T, String> {
    #[derive(Parser)]
    struct Command<T: clap::Args> {
        #[command(flatten)]
        args: T,
    }
    let argv = std::iter::once(command.to_string()).chain(args.iter().cloned());
    Command::<T>::try_parse_from(argv).map(|c| c.args).map_err(|err| err.render().to_string())
}

/// `Err` naming the first gpuwise setting in `vars` that cannot be used (a
/// `GPUWISE_PROBE_TIMEOUT` that is not positive seconds). Every entry point checks this
/// before it probes, the command line and the Python API alike.
pub(crate) fn check_settings(vars: &Variables) -> Result<(), gpuwise_probe::BadTimeout> {
    gpuwise_probe::probe_timeout_setting(vars.get("GPUWISE_PROBE_TIMEOUT")).map(drop)
}

/// This process's variables, once [`check_settings`] accepts them.
fn captured() -> Result<Variables, String> {
    let vars = Variables::capture();
    check_settings(&vars).map_err(|err| err.to_string())?;
    Ok(vars)
}

/// `gpuwise kernel install` with `args` as the command line takes them; returns the kernel's
/// directory. `Err` says what is wrong.
pub fn kernel_install(args: &[String]) -> Result<PathBuf, String> {
    let args: KernelInstallArgs = parse("kernel install", args)?;
    crate::commands::kernel::install(&args, &captured()?).map_err(|err| format!("{err:#}"))
}

/// Removes the kernel `name` (the first in Jupyter's search order); returns its directory.
pub fn kernel_remove(name: &str) -> Result<PathBuf, gpuwise_envs::jupyter::KernelError> {
    let vars = Variables::capture();
    let dirs = gpuwise_envs::jupyter::kernel_dirs(&vars, &gpuwise_envs::jupyter::ServerEnv::default());
    gpuwise_envs::jupyter::remove(name, &dirs)
}

/// A doctor report in the forms a notebook shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DoctorViews {
    /// The report as JSON (the contract of docs/DESIGN.md).
    pub json: String,
    /// The report as Markdown.
    pub markdown: String,
}

/// Diagnoses this machine (or the recorded `system`), the interpreters in `pythons` and every
/// Jupyter kernel. `Err` says what is wrong with `system`.
pub fn doctor(pythons: &[PathBuf], system: Option<PathBuf>) -> Result<DoctorViews, String> {
    let vars = captured()?;
    let (system, source) = match &system {
        Some(path) => (snapshot::load(path).map_err(|err| err.to_string())?, format!("snapshot {}", path.display())),
        None => (gpuwise_probe::probe_system(&vars), "this machine".to_string()),
    };
    let mut report = assemble::machine_report(system, &vars);
    let scope = Scope { current: false, pythons: pythons.to_vec(), kernels: true };
    assemble::add_environments(&mut report, &vars, &scope);
    Ok(DoctorViews { json: gpuwise_render::json(&report), markdown: gpuwise_render::markdown(&report, &source) })
}

/// An estimate in the forms a notebook shows.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateViews {
    /// The estimate as JSON (what `estimate --json` prints).
    pub json: String,
    /// The terminal view, styling stripped.
    pub text: String,
    /// The chart, an SVG document.
    pub svg: String,
}

/// `gpuwise estimate` with `args` as the command line takes them (`--op`, `--shape`, ...;
/// `--json` and `--plot` are ignored). `Err` carries the message the command line would print.
pub fn estimate(args: &[String]) -> Result<EstimateViews, String> {
    let args: EstimateArgs = parse("estimate", args)?;
    let (estimate, seed) = crate::commands::estimate::compute(&args, &captured()?).map_err(|err| format!("{err:#}"))?;
    let text = gpuwise_render::estimate_terminal(&estimate, seed.as_ref());
    Ok(EstimateViews {
        json: gpuwise_render::estimate_json(&estimate, seed.as_ref()),
        text: anstream::adapter::strip_str(&text).to_string(),
        svg: gpuwise_render::svg(&estimate).map_err(|err| err.to_string())?,
    })
}

/// A bench run in the forms a notebook shows.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchViews {
    /// The run as JSON (what `bench --json` prints).
    pub json: String,
    /// The terminal view, styling stripped.
    pub text: String,
    /// Time against size for every operation, an SVG document.
    pub svg: String,
    /// True when every case ran and checked right.
    pub passed: bool,
}

/// `gpuwise bench` with `args` as the command line takes them (`--json` ignored), calling
/// `progress(done, total, label)` as cases start. `Err` says what is wrong.
pub fn bench(args: &[String], progress: &mut dyn FnMut(usize, usize, &str)) -> Result<BenchViews, String> {
    let args: BenchArgs = parse("bench", args)?;
    let measured = crate::commands::bench::measure(&args, &captured()?, progress).map_err(|err| format!("{err:#}"))?;
    let (report, calibration) = (&measured.report, measured.calibration.as_ref());
    let text = gpuwise_render::bench_terminal(report, calibration);
    Ok(BenchViews {
        json: gpuwise_render::bench_json(report, calibration),
        text: anstream::adapter::strip_str(&text).to_string(),
        svg: gpuwise_render::bench_svg(report).map_err(|err| err.to_string())?,
        passed: report.failures.is_empty(),
    })
}
