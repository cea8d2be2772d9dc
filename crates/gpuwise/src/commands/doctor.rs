//! `gpuwise doctor`: probe (or load) a system, diagnose it, print the report.

use anyhow::anyhow;
use gpuwise_core::Variables;
use gpuwise_service::Host;
use gpuwise_service::doctor::{self, DoctorSettings, Machine, Scope};

use crate::ExitStatus;
use crate::cli::DoctorArgs;
use crate::output;

/// The settings `args` describe.
fn settings(args: &DoctorArgs) -> DoctorSettings {
    DoctorSettings {
        machine: args.system.clone().map_or(Machine::This, Machine::Recorded),
        scope: if args.no_envs {
            Scope::default()
        } else {
            Scope { current: true, pythons: args.python.clone(), kernels: true }
        },
    }
}

/// Builds the report and prints it in the requested format.
pub fn run(args: &DoctorArgs, vars: &Variables, host: Host) -> anyhow::Result<ExitStatus> {
    let doctored = doctor::doctor(&settings(args), vars, host)
        .map_err(|err| anyhow!("{err}\nhint: pass a file written by `gpuwise doctor --json`"))?;
    let (report, source) = (&doctored.report, &doctored.source);
    let text = if args.json {
        gpuwise_render::json(report)
    } else if args.markdown {
        gpuwise_render::markdown(report, source)
    } else {
        gpuwise_render::terminal(report, source)
    };
    output::print(&text)?;
    Ok(ExitStatus::reported_unless(!args.require_gpu || report.verdict.gpu_usable))
}
