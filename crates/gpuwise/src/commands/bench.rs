//! `gpuwise bench`: measure this machine, check every result, compare with the estimate, and
//! optionally save the measurements as this machine's profile.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, anyhow};
use gpuwise_bench::cpu::{self, GemmChoice};
use gpuwise_bench::cuda::Gpu;
use gpuwise_bench::error::GpuSkipped;
use gpuwise_bench::runner::{self, Options, Predictors, Progress};
use gpuwise_bench_results::calibrate::{self, CalibrationError};
use gpuwise_bench_results::plan::Mode;
use gpuwise_bench_results::report::BenchReport;
use gpuwise_core::Variables;
use gpuwise_model::{CpuProfile, MachineProfile};
use indicatif::{ProgressBar, ProgressStyle};

use crate::ExitStatus;
use crate::cli::BenchArgs;
use crate::files::write_atomically;
use crate::output;

/// Runs the bench with a progress bar on stderr and prints the result; exits 1 when any case
/// failed (a wrong result or an error), 0 otherwise.
pub fn run(args: &BenchArgs, vars: &Variables) -> anyhow::Result<ExitStatus> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let measured = measure(args, vars, &mut |done, total, label| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(label.to_string());
    });
    bar.finish_and_clear();
    let Measured { report, calibration, profile } = measured?;
    let text = if args.json {
        gpuwise_render::bench_json(&report, calibration.as_ref())
    } else {
        let mut text = gpuwise_render::bench_terminal(&report, calibration.as_ref());
        if let Some(path) = &profile {
            text.push_str(&format!(
                "Profile saved to {}: `gpuwise estimate` uses it on this machine.\n",
                path.display()
            ));
        }
        text
    };
    output::print(&text)?;
    Ok(ExitStatus::reported_unless(report.failures.is_empty()))
}

/// A finished run.
pub struct Measured {
    /// Everything measured.
    pub report: BenchReport,
    /// How well the saved profile reproduces the run, with `--calibrate`.
    pub calibration: Option<CalibrationError>,
    /// Where the profile was saved, with `--calibrate`.
    pub profile: Option<PathBuf>,
}

/// Runs the cases `args` ask for, reporting `progress`, and writes the chart and the profile
/// when asked. `Err` for bad options, an unusable `--device`, files that cannot be written, or a
/// run that can measure nothing.
pub fn measure(args: &BenchArgs, vars: &Variables, progress: Progress<'_>) -> anyhow::Result<Measured> {
    if let Some(path) = &args.plot
        && !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"))
    {
        return Err(anyhow!("--plot {}: the chart is written as .svg", path.display()));
    }
    let profile_path = match &args.calibrate {
        Some(None) => Some(
            MachineProfile::default_path()
                .ok_or_else(|| anyhow!("--calibrate: no HOME to put the profile in; give a FILE"))?,
        ),
        Some(Some(path)) => Some(path.clone()),
        None => None,
    };
    // Fail before a long run, not after it, when a file cannot be written.
    for path in profile_path.iter().chain(&args.plot) {
        writable(path)?;
    }
    // Open the GPU before the probe: the probe clears CUDA_VISIBLE_DEVICES in this process, and
    // the device ordinal must mean what it means to the user's own CUDA programs.
    let gpu = if args.cpu_only {
        Err(GpuSkipped::CpuOnly)
    } else {
        Gpu::open(args.device.unwrap_or(0), args.memory_fraction).map_err(GpuSkipped::from)
    };
    if let (Some(device), Err(why)) = (args.device, &gpu) {
        return Err(anyhow!("--device {device}: {why}"));
    }
    let system = gpuwise_probe::probe_system(vars);
    let gpu_profile = gpu.as_ref().ok().and_then(|g| system.devices.iter().find(|d| d.uuid == g.uuid()));
    let predictors = Predictors {
        cpu: CpuProfile::probed(&system.cpu).ok(),
        gpu: gpu_profile.and_then(|d| gpuwise_model::for_device(d).ok()),
    };
    let options = Options {
        mode: if args.quick { Mode::Quick } else { Mode::Full },
        ops: args.op.clone(),
        memory_fraction: args.memory_fraction,
    };
    let sites = match args.cpu_gemm {
        GemmChoice::Auto => python_sites(args.python.as_deref(), vars)?,
        _ => Vec::new(),
    };
    let cpu = cpu::choose(&args.cpu_gemm, &sites)?;
    let report = runner::run(&options, gpu, &cpu, &predictors, progress);
    if report.results.is_empty() && report.failures.is_empty() {
        let why = report.gpu_skipped.as_deref().unwrap_or("no case matched");
        return Err(anyhow!(
            "nothing to measure: --op {} runs on the GPU only, and the GPU side was skipped: {why}",
            args.op.iter().map(|op| op.name()).collect::<Vec<_>>().join(",")
        ));
    }

    let calibration = match &profile_path {
        Some(path) => Some(save_profile(&report, &system.cpu.model, path)?),
        None => None,
    };
    if let Some(path) = &args.plot {
        let svg = gpuwise_render::bench_svg(&report)?;
        write_atomically(path, &svg).with_context(|| format!("cannot write the chart to {}", path.display()))?;
    }
    Ok(Measured { report, calibration, profile: profile_path })
}

/// The `sys.path` (then the user site) of `--python`, else of the shell's python3: where numpy's
/// BLAS is looked for. Empty when the shell has no python3 or it cannot be asked; `Err` when
/// the named `--python` cannot be.
fn python_sites(python: Option<&Path>, vars: &Variables) -> anyhow::Result<Vec<PathBuf>> {
    let Some(interpreter) = python.map(Path::to_path_buf).or_else(|| gpuwise_envs::current_python(vars)) else {
        return Ok(Vec::new());
    };
    match gpuwise_envs::probe_interpreter(&interpreter, PYTHON_TIMEOUT) {
        Ok(found) => Ok(found.path.iter().chain([&found.user_site]).map(PathBuf::from).collect()),
        Err(err) if python.is_some() => Err(anyhow!("--python: {err}")),
        Err(_) => Ok(Vec::new()),
    }
}

/// How long the interpreter may take to describe itself.
const PYTHON_TIMEOUT: Duration = Duration::from_secs(10);

/// `Err` naming `path` when a file cannot be created in its folder (created when missing).
fn writable(path: &Path) -> anyhow::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let probe = dir.join(format!(".gpuwise-write-test.{}", std::process::id()));
    std::fs::write(&probe, b"").with_context(|| format!("cannot write {}", path.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Writes the profile `report` measured to `path` (creating its folder) and returns how well
/// it reproduces the measurements.
/// Curves the run did not measure are kept from an earlier profile of this same machine.
fn save_profile(report: &BenchReport, cpu_model: &str, path: &Path) -> anyhow::Result<CalibrationError> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let mut profile = calibrate::profile(report, cpu_model, now);
    if let Ok(earlier) = MachineProfile::load(path) {
        profile.keep_unmeasured(&earlier);
    }
    let mut json = serde_json::to_string_pretty(&profile)?;
    json.push('\n');
    write_atomically(path, &json).with_context(|| format!("cannot write the profile to {}", path.display()))?;
    Ok(calibrate::error(&profile))
}
