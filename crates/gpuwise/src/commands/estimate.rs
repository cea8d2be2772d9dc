//! `gpuwise estimate`: the cost model for one operation at the user's sizes.

use anyhow::{Context as _, anyhow, bail};
use std::sync::Arc;

use gpuwise_core::{Device, System};
use gpuwise_core::{Variables, visibility};
use gpuwise_model::SeedComparison;
use gpuwise_model::{
    CpuProfile, Dtype, Estimate, Extras, GpuProfile, Input, MachineProfile, ModelError, Operation, Scenario, SeedInputs,
};
use gpuwise_probe::snapshot;
use gpuwise_render::ChartFormat;

use crate::ExitStatus;
use crate::cli::EstimateArgs;
use crate::output;

/// Estimates, prints, and writes the chart when asked.
pub fn run(args: &EstimateArgs, vars: &Variables) -> anyhow::Result<ExitStatus> {
    if args.list_gpus {
        output::print(&gpuwise_render::gpu_list(gpuwise_model::gpus()))?;
        return Ok(ExitStatus::Success);
    }
    let (estimate, seed) = compute(args, vars)?;
    if let Some(path) = &args.plot {
        let format = ChartFormat::of_path(path)
            .ok_or_else(|| anyhow!("--plot {}: the chart is written as .svg or .html", path.display()))?;
        let chart = gpuwise_render::chart(&estimate, format)?;
        crate::files::write_atomically(path, &chart)
            .with_context(|| format!("cannot write the chart to {}", path.display()))?;
    }
    let text = if args.json {
        gpuwise_render::estimate_json(&estimate, seed.as_ref())
    } else {
        gpuwise_render::estimate_terminal(&estimate, seed.as_ref())
    };
    output::print(&text)?;
    Ok(ExitStatus::Success)
}

/// The estimate `args` ask for, and seed 004's answer beside it with `--seed-model`.
pub fn compute(args: &EstimateArgs, vars: &Variables) -> anyhow::Result<(Estimate, Option<SeedComparison>)> {
    let op_name = args.op.as_deref().unwrap_or_default();
    let dtype: Dtype = args.dtype.parse().map_err(flagged)?;
    if op_name != "custom" && args.shape.is_empty() {
        bail!("--shape is required for {op_name} (see `gpuwise estimate --help`)");
    }
    let extras = Extras {
        batch: args.batch,
        stride: args.stride,
        padding: args.padding,
        real: args.real,
        inputs: args.inputs,
        flops_per_element: args.flops_per_element,
        activation: args.activation.clone(),
        custom: match (args.flops, args.bytes_in, args.bytes_out) {
            (Some(flops), Some(bytes_in), Some(bytes_out)) => Some((flops, bytes_in, bytes_out)),
            _ => None,
        },
    };
    let operation = Operation::parse(op_name, &args.shape, &extras).map_err(flagged)?;
    let mut machine = Machine::new(args, vars);
    let profile = machine_profile(args)?;
    let mut gpu = gpu_profile(&args.gpu, &mut machine)?;
    let mut cpu = cpu_profile(&args.cpu, &mut machine)?;
    if let Some(profile) = &profile {
        calibrate(profile, args, &mut machine, &mut gpu, &mut cpu)?;
    }
    let scenario = Scenario { resident: args.resident, pinned: !args.pageable, repeats: args.repeats };
    let estimate = gpuwise_model::estimate(&operation, dtype, &gpu, &cpu, scenario).map_err(flagged)?;
    let seed = args
        .seed_model
        .then(|| SeedComparison::new(seed_inputs(args, &estimate, &gpu), &estimate))
        .transpose()
        .map_err(flagged)?;
    Ok((estimate, seed))
}

/// The model's error as the command line says it: inputs named by their options.
fn flagged(err: impl Into<ModelError>) -> anyhow::Error {
    anyhow!(err.into().describe(Input::flag))
}

/// The machine `auto` refers to, probed (or loaded) once, on first need.
struct Machine<'a> {
    args: &'a EstimateArgs,
    vars: &'a Variables,
    system: Option<System>,
}

impl<'a> Machine<'a> {
    fn new(args: &'a EstimateArgs, vars: &'a Variables) -> Self {
        Machine { args, vars, system: None }
    }

    fn system(&mut self) -> anyhow::Result<&System> {
        let system = match self.system.take() {
            Some(system) => system,
            None => match &self.args.system {
                Some(path) => snapshot::load(path).map_err(|err| anyhow!("{err}"))?,
                None => gpuwise_probe::probe_system(self.vars),
            },
        };
        Ok(self.system.insert(system))
    }
}

/// `--gpu`: a table name, or `auto`: the first GPU a CUDA program here would use.
fn gpu_profile(name: &str, machine: &mut Machine<'_>) -> anyhow::Result<GpuProfile> {
    if name != "auto" {
        return gpuwise_model::gpu(name)
            .cloned()
            .map_err(|err| anyhow!("{} (`gpuwise estimate --list-gpus` lists all)", flagged(err)));
    }
    gpuwise_model::for_device(&first_visible(machine)?).map_err(|err| anyhow!("{err} (see --list-gpus)"))
}

/// The first GPU a CUDA program here would use.
fn first_visible(machine: &mut Machine<'_>) -> anyhow::Result<Device> {
    let vars = machine.vars;
    let system = machine.system()?;
    let visible = visibility::resolve(system, vars);
    visible.devices.first().and_then(|v| system.devices.iter().find(|d| d.uuid == v.uuid)).cloned().ok_or_else(|| {
        anyhow!("no NVIDIA GPU is visible here: name one with --gpu (see `gpuwise estimate --list-gpus`)")
    })
}

/// `--cpu`: a preset, or `auto`: this machine's.
fn cpu_profile(name: &str, machine: &mut Machine<'_>) -> anyhow::Result<CpuProfile> {
    if name != "auto" {
        return gpuwise_model::cpu(name).cloned().map_err(flagged);
    }
    let cpu = machine.system()?.cpu.clone();
    CpuProfile::probed(&cpu).map_err(|err| anyhow!("{err}: name a preset with --cpu"))
}

/// `--profile FILE`, or the default profile when one exists and `auto` is asked for; a default
/// that cannot be read is reported on stderr and left out (an explicit one is an error).
fn machine_profile(args: &EstimateArgs) -> anyhow::Result<Option<Explicit<MachineProfile>>> {
    if let Some(path) = &args.profile {
        return Ok(Some(Explicit(MachineProfile::load(path)?, true)));
    }
    // The default profile describes this machine: it matters only where `auto` is asked for.
    if args.gpu != "auto" && args.cpu != "auto" {
        return Ok(None);
    }
    let Some(path) = MachineProfile::default_path().filter(|p| p.exists()) else { return Ok(None) };
    match MachineProfile::load(&path) {
        Ok(profile) => Ok(Some(Explicit(profile, false))),
        Err(err) => {
            output::warn(&format!("{err}; estimating without it"));
            Ok(None)
        }
    }
}

/// A value and whether the user named it.
struct Explicit<T>(T, bool);

/// Puts the profile's measured times on each side it describes: the GPU side for `--gpu auto`
/// when the profile was measured on this very GPU (any GPU of the same model with `--profile`),
/// the CPU side for `--cpu auto` when it was measured on this CPU model (always with `--profile`).
fn calibrate(
    Explicit(profile, explicit): &Explicit<MachineProfile>,
    args: &EstimateArgs,
    machine: &mut Machine<'_>,
    gpu: &mut GpuProfile,
    cpu: &mut CpuProfile,
) -> anyhow::Result<()> {
    if args.gpu == "auto"
        && let Some(measured) = &profile.gpu
    {
        let first = first_visible(machine)?;
        let same_model = gpuwise_model::for_device(&Device { name: measured.name.clone(), ..Device::default() })
            .is_ok_and(|row| row.name == gpu.name);
        if first.uuid == measured.uuid || (*explicit && same_model) {
            gpu.calibration = Some(Arc::new(profile.gpu_curves.clone()));
        }
    }
    if args.cpu == "auto" && (*explicit || machine.system()?.cpu.model == profile.cpu_model) {
        cpu.calibration = Some(Arc::new(profile.cpu.clone()));
    }
    Ok(())
}

/// The seed calculator's inputs, defaulted from the operation and the GPU where not given.
fn seed_inputs(args: &EstimateArgs, estimate: &gpuwise_model::Estimate, gpu: &GpuProfile) -> SeedInputs {
    let size = args.size.unwrap_or(estimate.work.h2d_bytes / estimate.dtype.bytes() as f64);
    SeedInputs {
        op: estimate.op.clone(),
        size,
        gpu_cores: args.gpu_cores.unwrap_or(f64::from(gpu.sms) * 64.0),
        cpu_factor: args.cpu_factor,
        bandwidth_gb_s: args.bandwidth.unwrap_or(gpu.memory_bandwidth_bytes_per_s / 1e9),
        overhead_ms: args.overhead_ms.unwrap_or(estimate.gpu.transfer_seconds * 1e3),
    }
}
