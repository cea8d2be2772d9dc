//! Bench: estimate's operations measured on this machine's CPU and GPU, checked, beside the
//! estimate, and saved as this machine's profile when asked.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gpuwise_bench::cpu::{self, GemmChoice, GemmChoiceError};
use gpuwise_bench::cuda::Gpu;
use gpuwise_bench::error::GpuSkipped;
use gpuwise_bench::runner::{self, Options, Predictors};
use gpuwise_bench_results::calibrate::{self, CalibrationError};
use gpuwise_bench_results::plan::{BenchOp, Mode};
use gpuwise_bench_results::report::BenchReport;
use gpuwise_core::Variables;
use gpuwise_model::{CpuProfile, MachineProfile, Naming};

use crate::files::write_atomically;
use crate::host::Host;

pub use gpuwise_bench::runner::Watcher;
pub use gpuwise_bench_results::duration::Planned;
pub use gpuwise_bench_results::interference::Usage;

/// Where to save the profile a run measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveProfile {
    /// `$GPUWISE_PROFILE`, else `~/.config/gpuwise/profile.json`.
    Default,
    /// This file.
    To(PathBuf),
}

/// What to measure.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchSettings {
    /// Quick or full.
    pub mode: Mode,
    /// The operations; all when empty.
    pub ops: Vec<BenchOp>,
    /// Measure the CPU only.
    pub cpu_only: bool,
    /// The CUDA device (as CUDA numbers them here); named, a device that cannot be opened is an
    /// error rather than a skipped GPU side.
    pub device: Option<usize>,
    /// The most of the GPU's free memory one case may allocate, in (0, 1].
    pub memory_fraction: f64,
    /// Save the measurements as this machine's profile.
    pub calibrate: Option<SaveProfile>,
    /// What multiplies matrices on the CPU.
    pub cpu_gemm: GemmChoice,
    /// The Python whose numpy sets the CPU baseline (default: `python3` on `PATH`).
    pub python: Option<PathBuf>,
}

impl Default for BenchSettings {
    fn default() -> Self {
        BenchSettings {
            mode: Mode::Full,
            ops: Vec::new(),
            cpu_only: false,
            device: None,
            memory_fraction: 0.5,
            calibrate: None,
            cpu_gemm: GemmChoice::Auto,
            python: None,
        }
    }
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Everything measured.
    pub report: BenchReport,
    /// How well the saved profile reproduces the run, when one was saved.
    pub calibration: Option<CalibrationError>,
    /// Where the profile was saved.
    pub profile: Option<PathBuf>,
}

/// Why a run measured nothing or could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum BenchRunError {
    /// The memory fraction is not in (0, 1].
    #[error("expected a fraction above 0 and at most 1, got {0}")]
    MemoryFraction(f64),
    /// The default profile has nowhere to go.
    #[error("no HOME to put the profile in; give a FILE")]
    NoProfileHome,
    /// A file cannot be created where it was asked for.
    #[error("cannot write {}: {source}", path.display())]
    Unwritable {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The device named cannot be opened.
    #[error("{device}: {why}")]
    Device {
        /// The device asked for.
        device: usize,
        /// Why it cannot be used.
        why: GpuSkipped,
    },
    /// The interpreter named cannot be asked for its site directories.
    #[error("{0}")]
    Python(String),
    /// The CPU's matrix library cannot be used.
    #[error(transparent)]
    CpuGemm(#[from] GemmChoiceError),
    /// Only GPU operations were asked for, and the GPU side was skipped.
    #[error("nothing to measure: {ops} runs on the GPU only, and the GPU side was skipped: {why}")]
    NothingToMeasure {
        /// The operations asked for.
        ops: String,
        /// Why the GPU side was skipped.
        why: String,
    },
    /// The profile cannot be serialised.
    #[error("serialising the profile: {0}")]
    Serialise(#[from] serde_json::Error),
}

impl BenchRunError {
    /// True when the user's input is at fault (rather than the machine or the filesystem).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            BenchRunError::MemoryFraction(_)
                | BenchRunError::NoProfileHome
                | BenchRunError::Device { .. }
                | BenchRunError::Python(_)
                | BenchRunError::CpuGemm(_)
                | BenchRunError::NothingToMeasure { .. }
        )
    }

    /// The message, with the setting at fault named by `naming`.
    pub fn describe(&self, naming: Naming) -> String {
        let setting = match self {
            BenchRunError::MemoryFraction(_) => "memory_fraction",
            BenchRunError::NoProfileHome => "calibrate",
            BenchRunError::Device { .. } => return format!("{} {self}", naming("device")),
            BenchRunError::Python(_) => "python",
            BenchRunError::CpuGemm(GemmChoiceError::Unusable(blas)) => return format!("{} {blas}", naming("cpu_gemm")),
            BenchRunError::NothingToMeasure { ops, why } => {
                return format!(
                    "nothing to measure: {} {ops} runs on the GPU only, and the GPU side was skipped: {why}",
                    naming("op")
                );
            }
            _ => return self.to_string(),
        };
        format!("{}: {self}", naming(setting))
    }
}

/// Runs the cases `settings` ask for, telling `watcher` the plan, a busy machine and the
/// progress, and saves the profile when asked; `extra_outputs` are files the caller will write
/// after the run (a chart), checked first so a long run does not end in an error.
pub fn bench(
    settings: &BenchSettings,
    vars: &Variables,
    extra_outputs: &[&Path],
    watcher: &mut dyn Watcher,
) -> Result<Measured, BenchRunError> {
    let fraction = settings.memory_fraction;
    if !(fraction > 0.0 && fraction <= 1.0) {
        return Err(BenchRunError::MemoryFraction(fraction));
    }
    let profile_path = match &settings.calibrate {
        Some(SaveProfile::Default) => Some(MachineProfile::default_path().ok_or(BenchRunError::NoProfileHome)?),
        Some(SaveProfile::To(path)) => Some(path.clone()),
        None => None,
    };
    for path in profile_path.iter().map(PathBuf::as_path).chain(extra_outputs.iter().copied()) {
        writable(path)?;
    }
    // Open the GPU before anything else initialises CUDA: the device ordinal must mean what it
    // means to the user's own CUDA programs.
    let gpu = if settings.cpu_only {
        Err(GpuSkipped::CpuOnly)
    } else {
        Gpu::open(settings.device.unwrap_or(0), fraction).map_err(GpuSkipped::from)
    };
    if let (Some(device), Err(why)) = (settings.device, &gpu) {
        return Err(BenchRunError::Device { device, why: why.clone() });
    }
    let system = Host::EMBEDDED.probe(vars);
    let gpu_device = gpu.as_ref().ok().and_then(|g| system.devices.iter().find(|d| d.uuid == g.uuid()));
    let predictors = Predictors {
        cpu: CpuProfile::probed(&system.cpu).ok(),
        gpu: gpu_device.and_then(|d| gpuwise_model::for_device(d).ok()),
    };
    let options = Options { mode: settings.mode, ops: settings.ops.clone(), memory_fraction: fraction };
    let sites = match settings.cpu_gemm {
        GemmChoice::Auto => python_sites(settings.python.as_deref(), vars)?,
        _ => Vec::new(),
    };
    let cpu = cpu::choose(&settings.cpu_gemm, &sites)?;
    let report = runner::run(&options, gpu, &cpu, &predictors, watcher);
    if report.results.is_empty() && report.failures.is_empty() {
        let ops = settings.ops.iter().map(|op| op.name()).collect::<Vec<_>>().join(",");
        let why = report.gpu_skipped.clone().unwrap_or_else(|| "no case matched".into());
        return Err(BenchRunError::NothingToMeasure { ops, why });
    }
    let calibration = match &profile_path {
        Some(path) => Some(save_profile(&report, &system.cpu.model, path)?),
        None => None,
    };
    Ok(Measured { report, calibration, profile: profile_path })
}

/// The `sys.path` (then the user site) of `python`, else of the shell's python3: where numpy's
/// BLAS is looked for. Empty when the shell has no python3 or it cannot be asked; `Err` when
/// the named `python` cannot be.
fn python_sites(python: Option<&Path>, vars: &Variables) -> Result<Vec<PathBuf>, BenchRunError> {
    let Some(interpreter) = python.map(Path::to_path_buf).or_else(|| gpuwise_envs::current_python(vars)) else {
        return Ok(Vec::new());
    };
    match gpuwise_envs::probe_interpreter(&interpreter, PYTHON_TIMEOUT) {
        Ok(found) => Ok(found.path.iter().chain([&found.user_site]).map(PathBuf::from).collect()),
        Err(err) if python.is_some() => Err(BenchRunError::Python(err.to_string())),
        Err(_) => Ok(Vec::new()),
    }
}

/// How long the interpreter may take to describe itself.
const PYTHON_TIMEOUT: Duration = Duration::from_secs(10);

/// `Err` naming `path` when a file cannot be created in its folder (created when missing).
fn writable(path: &Path) -> Result<(), BenchRunError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let unwritable = |source| BenchRunError::Unwritable { path: path.to_path_buf(), source };
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    let probe = dir.join(format!(".gpuwise-write-test.{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(unwritable)?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Writes the profile `report` measured to `path` and returns how well it reproduces the
/// measurements. Curves the run did not measure are kept from an earlier profile of this same
/// machine.
fn save_profile(report: &BenchReport, cpu_model: &str, path: &Path) -> Result<CalibrationError, BenchRunError> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let mut profile = calibrate::profile(report, cpu_model, now);
    if let Ok(earlier) = MachineProfile::load(path) {
        profile.keep_unmeasured(&earlier);
    }
    let mut json = serde_json::to_string_pretty(&profile)?;
    json.push('\n');
    write_atomically(path, &json).map_err(|source| BenchRunError::Unwritable { path: path.to_path_buf(), source })?;
    Ok(calibrate::error(&profile))
}
