//! `gpuwise doctor`: probe (or load) a system, diagnose it, print the report.

use anyhow::anyhow;
use gpuwise_core::Variables;
use gpuwise_probe::snapshot;

use crate::assemble::{self, Scope};
use crate::cli::DoctorArgs;
use crate::output;
use crate::{ExitStatus, Host};

/// Builds the report and prints it in the requested format.
pub fn run(args: &DoctorArgs, vars: &Variables, host: Host) -> anyhow::Result<ExitStatus> {
    let (system, source) = match &args.system {
        Some(path) => {
            let system = snapshot::load(path)
                .map_err(|err| anyhow!("{err}\nhint: pass a file written by `gpuwise doctor --json`"))?;
            (system, format!("snapshot {}", path.display()))
        }
        None => (crate::commands::probe(host, vars), "this machine".to_string()),
    };
    let mut report = assemble::machine_report(system, vars);
    if !args.no_envs {
        let scope = Scope { current: true, pythons: args.python.clone(), kernels: true };
        assemble::add_environments(&mut report, vars, &scope);
    }
    let text = if args.json {
        gpuwise_render::json(&report)
    } else if args.markdown {
        gpuwise_render::markdown(&report, &source)
    } else {
        gpuwise_render::terminal(&report, &source)
    };
    output::print(&text)?;
    Ok(ExitStatus::reported_unless(!args.require_gpu || report.verdict.gpu_usable))
}
