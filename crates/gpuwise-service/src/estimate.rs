//! Estimate: the cost model for one operation at the user's sizes, on a GPU and CPU from the
//! built-in tables or this machine's, calibrated by its profile when one applies.

use std::path::PathBuf;
use std::sync::Arc;

use gpuwise_core::{Device, System, Variables, visibility};
use gpuwise_model::{
    CpuProfile, Dtype, Estimate, Extras, GpuProfile, Input, InputError, MachineProfile, ModelError, Naming, OpName,
    Operation, Problem, ProfileError, Scenario, SeedComparison, SeedInputs,
};
use gpuwise_probe::snapshot::LoadError;

use crate::Warn;
use crate::doctor::Machine;
use crate::host::Host;

/// A GPU or CPU: this machine's (`auto`), or a row of the built-in table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Part {
    /// This machine's (the first GPU a CUDA program here would use).
    #[default]
    Auto,
    /// A built-in row by name.
    Named(String),
}

impl Part {
    /// `auto` or a table name.
    pub fn parse(text: &str) -> Part {
        if text.trim().eq_ignore_ascii_case("auto") { Part::Auto } else { Part::Named(text.to_string()) }
    }
}

/// Seed 004's inputs, where the user gives them (the rest default from the operation and GPU).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeedSettings {
    /// Data size, elements.
    pub size: Option<f64>,
    /// GPU cores.
    pub gpu_cores: Option<f64>,
    /// CPU performance factor.
    pub cpu_factor: f64,
    /// GPU memory bandwidth, GB/s.
    pub bandwidth: Option<f64>,
    /// Transfer overhead, ms.
    pub overhead_ms: Option<f64>,
}

/// What to estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateSettings {
    /// The operation.
    pub op: OpName,
    /// Its sizes.
    pub shape: Vec<u64>,
    /// The number format.
    pub dtype: Dtype,
    /// The GPU.
    pub gpu: Part,
    /// The CPU.
    pub cpu: Part,
    /// The machine `auto` refers to: this one (probed on first need), or a recorded one.
    pub machine: Machine,
    /// Residency, host memory and repeats.
    pub scenario: Scenario,
    /// The operation's other inputs.
    pub extras: Extras,
    /// A machine profile to calibrate with (default: this machine's, where `auto` is asked for).
    pub profile: Option<PathBuf>,
    /// Seed 004's answer beside the model's.
    pub seed: Option<SeedSettings>,
}

/// An estimate, and seed 004's answer beside it when asked for.
#[derive(Debug, Clone)]
pub struct Estimated {
    /// The cost model's estimate.
    pub estimate: Estimate,
    /// Seed 004's formula for the same inputs.
    pub seed: Option<SeedComparison>,
}

/// Why there is no estimate.
#[derive(Debug, thiserror::Error)]
pub enum EstimateError {
    /// An input the model cannot use, or work the GPU cannot do.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The recorded system cannot be read.
    #[error(transparent)]
    Recorded(#[from] LoadError),
    /// The profile cannot be used.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// `auto` was asked for and no GPU is visible.
    #[error("no NVIDIA GPU is visible here: name one")]
    NoVisibleGpu,
}

impl From<InputError> for EstimateError {
    fn from(err: InputError) -> Self {
        EstimateError::Model(err.into())
    }
}

impl EstimateError {
    /// True when the user's input is at fault: every estimate error is, the machine's own
    /// included (a GPU that is not visible, a CPU whose frequency is unknown: name one).
    pub fn is_input(&self) -> bool {
        true
    }

    /// The message, with inputs named by `naming`.
    pub fn describe(&self, naming: Naming) -> String {
        match self {
            EstimateError::Model(ModelError::CpuFrequencyUnknown) => {
                format!("{}: name a preset with {}", ModelError::CpuFrequencyUnknown, naming("cpu"))
            }
            EstimateError::Model(err) => err.describe(naming),
            EstimateError::NoVisibleGpu => format!("no NVIDIA GPU is visible here: name one with {}", naming("gpu")),
            other => other.to_string(),
        }
    }
}

/// Estimates what `settings` describe; `warn` hears of a default profile that cannot be read.
pub fn estimate(settings: &EstimateSettings, vars: &Variables, warn: Warn<'_>) -> Result<Estimated, EstimateError> {
    if settings.scenario.repeats == 0 {
        return Err(InputError::new(Input::Repeats, Problem::Zero).into());
    }
    let operation = Operation::new(settings.op, &settings.shape, &settings.extras)?;
    let mut machine = MachineCache { machine: &settings.machine, vars, system: None };
    let profile = machine_profile(settings, warn)?;
    let mut gpu = gpu_profile(&settings.gpu, &mut machine)?;
    let mut cpu = cpu_profile(&settings.cpu, &mut machine)?;
    if let Some(profile) = &profile {
        calibrate(profile, settings, &mut machine, &mut gpu, &mut cpu)?;
    }
    let estimate = gpuwise_model::estimate(&operation, settings.dtype, &gpu, &cpu, settings.scenario)?;
    let seed = match &settings.seed {
        Some(seed) => Some(SeedComparison::new(seed_inputs(seed, &estimate, &gpu), &estimate)?),
        None => None,
    };
    Ok(Estimated { estimate, seed })
}

/// The machine `auto` refers to, probed (or loaded) once, on first need.
struct MachineCache<'a> {
    machine: &'a Machine,
    vars: &'a Variables,
    system: Option<System>,
}

impl MachineCache<'_> {
    fn system(&mut self) -> Result<&System, LoadError> {
        let system = match self.system.take() {
            Some(system) => system,
            // Estimate never initialises CUDA for the user: the probe describes the GPUs this
            // process's variables leave it, as the user's own programs see them.
            None => self.machine.system(self.vars, Host::EMBEDDED)?,
        };
        Ok(self.system.insert(system))
    }
}

/// A table row by name, or `auto`: the first GPU a CUDA program here would use.
fn gpu_profile(part: &Part, machine: &mut MachineCache<'_>) -> Result<GpuProfile, EstimateError> {
    match part {
        Part::Named(name) => Ok(gpuwise_model::gpu(name).cloned()?),
        Part::Auto => Ok(gpuwise_model::for_device(&first_visible(machine)?)?),
    }
}

/// The first GPU a CUDA program here would use.
fn first_visible(machine: &mut MachineCache<'_>) -> Result<Device, EstimateError> {
    let vars = machine.vars;
    let system = machine.system()?;
    let visible = visibility::resolve(system, vars);
    let first = visible.devices.first().and_then(|v| system.devices.iter().find(|d| d.uuid == v.uuid));
    first.cloned().ok_or(EstimateError::NoVisibleGpu)
}

/// A preset by name, or `auto`: this machine's CPU.
fn cpu_profile(part: &Part, machine: &mut MachineCache<'_>) -> Result<CpuProfile, EstimateError> {
    match part {
        Part::Named(name) => Ok(gpuwise_model::cpu(name).cloned()?),
        Part::Auto => Ok(CpuProfile::probed(&machine.system()?.cpu)?),
    }
}

/// A profile and whether the user named it.
struct ChosenProfile {
    profile: MachineProfile,
    named: bool,
}

/// The named profile, or the default one when it exists and `auto` is asked for; a default that
/// cannot be read is reported to `warn` and left out (a named one is an error).
fn machine_profile(settings: &EstimateSettings, warn: Warn<'_>) -> Result<Option<ChosenProfile>, EstimateError> {
    if let Some(path) = &settings.profile {
        return Ok(Some(ChosenProfile { profile: MachineProfile::load(path)?, named: true }));
    }
    // The default profile describes this machine: it matters only where `auto` is asked for.
    if settings.gpu != Part::Auto && settings.cpu != Part::Auto {
        return Ok(None);
    }
    let Some(path) = MachineProfile::default_path().filter(|p| p.exists()) else { return Ok(None) };
    match MachineProfile::load(&path) {
        Ok(profile) => Ok(Some(ChosenProfile { profile, named: false })),
        Err(err) => {
            warn(format!("{err}; estimating without it"));
            Ok(None)
        }
    }
}

/// Puts the profile's measured times on each side it describes: the GPU side for `auto` when
/// the profile was measured on this very GPU (any GPU of the same model when it was named), the
/// CPU side for `auto` when it was measured on this CPU model (always when it was named).
fn calibrate(
    chosen: &ChosenProfile,
    settings: &EstimateSettings,
    machine: &mut MachineCache<'_>,
    gpu: &mut GpuProfile,
    cpu: &mut CpuProfile,
) -> Result<(), EstimateError> {
    let profile = &chosen.profile;
    if settings.gpu == Part::Auto
        && let Some(measured) = &profile.gpu
    {
        let first = first_visible(machine)?;
        let same_model = gpuwise_model::for_device(&Device { name: measured.name.clone(), ..Device::default() })
            .is_ok_and(|row| row.name == gpu.name);
        if first.uuid == measured.uuid || (chosen.named && same_model) {
            gpu.calibration = Some(Arc::new(profile.gpu_curves.clone()));
        }
    }
    if settings.cpu == Part::Auto && (chosen.named || machine.system()?.cpu.model == profile.cpu_model) {
        cpu.calibration = Some(Arc::new(profile.cpu.clone()));
    }
    Ok(())
}

/// The seed calculator's inputs, defaulted from the operation and the GPU where not given.
fn seed_inputs(seed: &SeedSettings, estimate: &Estimate, gpu: &GpuProfile) -> SeedInputs {
    SeedInputs {
        op: estimate.op,
        size: seed.size.unwrap_or(estimate.work.h2d_bytes / estimate.dtype.bytes() as f64),
        gpu_cores: seed.gpu_cores.unwrap_or(f64::from(gpu.sms) * 64.0),
        cpu_factor: seed.cpu_factor,
        bandwidth_gb_s: seed.bandwidth.unwrap_or(gpu.memory_bandwidth_bytes_per_s / 1e9),
        overhead_ms: seed.overhead_ms.unwrap_or(estimate.gpu.transfer_seconds * 1e3),
    }
}
