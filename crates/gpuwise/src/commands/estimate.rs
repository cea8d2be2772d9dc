//! `gpuwise estimate`: the cost model for one operation at the user's sizes.

use anyhow::{Context as _, anyhow};

use gpuwise_core::Variables;
use gpuwise_model::{Extras, InputError, ModelError, OpName, Problem, Scenario};
use gpuwise_render::ChartFormat;
use gpuwise_service::doctor::Machine;
use gpuwise_service::estimate::{self, EstimateError, EstimateSettings, Estimated, Part, SeedSettings};

use crate::ExitStatus;
use crate::cli::{EstimateArgs, flag};
use crate::output;

/// Estimates, prints, and writes the chart when asked.
pub fn run(args: &EstimateArgs, vars: &Variables) -> anyhow::Result<ExitStatus> {
    if args.list_gpus {
        let gpus = gpuwise_model::gpus();
        output::print(&if args.json { gpuwise_render::gpu_list_json(gpus) } else { gpuwise_render::gpu_list(gpus) })?;
        return Ok(ExitStatus::Success);
    }
    let format = match &args.plot {
        Some(path) => Some(
            ChartFormat::of_path(path)
                .ok_or_else(|| anyhow!("--plot {}: the chart is written as .svg or .html", path.display()))?,
        ),
        None => None,
    };
    let Estimated { estimate, seed } = compute(args, vars)?;
    if let (Some(path), Some(format)) = (&args.plot, format) {
        let chart = gpuwise_render::chart(&estimate, format)?;
        gpuwise_service::write_atomically(path, &chart)
            .with_context(|| format!("cannot write the chart to {}", path.display()))?;
        output::wrote("Chart", path);
    }
    let text = if args.json {
        gpuwise_render::estimate_json(&estimate, seed.as_ref())
    } else {
        gpuwise_render::estimate_terminal(&estimate, seed.as_ref())
    };
    output::print(&text)?;
    Ok(ExitStatus::Success)
}

/// The estimate `args` ask for, warnings printed, errors worded with the options.
fn compute(args: &EstimateArgs, vars: &Variables) -> anyhow::Result<Estimated> {
    estimate::estimate(&settings(args), vars, &mut |warning| output::warn(&warning)).map_err(|err| {
        let hint = match &err {
            EstimateError::Model(ModelError::Input(InputError { problem: Problem::Unnamed { .. }, .. })) => {
                " (`gpuwise estimate --list-gpus` lists all)"
            }
            EstimateError::Model(ModelError::NotInTable(_)) => " (see --list-gpus)",
            _ => "",
        };
        anyhow!("{}{hint}", err.describe(flag))
    })
}

/// The settings `args` describe.
pub fn settings(args: &EstimateArgs) -> EstimateSettings {
    EstimateSettings {
        op: args.op.unwrap_or(OpName::Matmul),
        shape: args.shape.as_ref().map(|shape| shape.0.clone()).unwrap_or_default(),
        dtype: args.dtype,
        gpu: Part::parse(&args.gpu),
        cpu: Part::parse(&args.cpu),
        machine: args.system.clone().map_or(Machine::This, Machine::Recorded),
        scenario: Scenario { resident: args.resident, pinned: !args.pageable, repeats: args.repeats },
        extras: Extras {
            batch: args.batch,
            stride: args.stride,
            padding: args.padding,
            real: args.real,
            inputs: args.inputs,
            flops_per_element: args.flops_per_element,
            activation: args.activation,
            custom: match (args.flops, args.bytes_in, args.bytes_out) {
                (Some(flops), Some(bytes_in), Some(bytes_out)) => Some((flops, bytes_in, bytes_out)),
                _ => None,
            },
        },
        profile: args.profile.clone(),
        seed: args.rule_of_thumb.then_some(SeedSettings {
            size: args.size,
            gpu_cores: args.gpu_cores,
            cpu_factor: args.cpu_factor,
            bandwidth: args.bandwidth,
            overhead_ms: args.overhead_ms,
        }),
    }
}
