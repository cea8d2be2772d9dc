//! `gpuwise fleet`: doctor on many machines, through Slurm or Dask or from files, merged.

use std::time::Duration;

use anyhow::{Context as _, anyhow};
use gpuwise_core::fleet::FleetReport;
use gpuwise_service::fleet::{self, DaskSettings, SlurmSettings};

use crate::ExitStatus;
use crate::cli::{FleetCommand, FleetViewArgs};
use crate::output;

/// Gathers the reports the command asks for, merges and shows them.
pub fn run(command: &FleetCommand) -> anyhow::Result<ExitStatus> {
    let (merged, view) = match command {
        FleetCommand::Slurm(args) => {
            let gpuwise = match &args.gpuwise {
                Some(path) => path.clone(),
                None => std::env::current_exe().context("cannot tell where this gpuwise is: give --gpuwise")?,
            };
            let settings = SlurmSettings {
                partition: args.partition.clone(),
                nodes: args.nodes,
                gpuwise,
                pythons: args.python.clone(),
                timeout: Duration::from_secs(args.timeout),
                exclusive: args.exclusive,
            };
            // srun runs in a process group of its own: on Ctrl-C its job is cancelled here, or it
            // would keep the nodes until its time limit.
            if let Err(err) = ctrlc::set_handler(|| {
                fleet::cancel_slurm_job();
                std::process::exit(130);
            }) {
                output::warn(&format!(
                    "Ctrl-C will not cancel the Slurm job ({err}): `scancel --name {}`",
                    fleet::slurm_job_name()
                ));
            }
            (fleet::slurm(&settings), &args.view)
        }
        FleetCommand::Dask(args) => {
            let settings = DaskSettings {
                scheduler: args.scheduler.clone(),
                client_python: args.client_python.clone(),
                pythons: args.python.clone(),
                timeout: Duration::from_secs(args.timeout),
            };
            (fleet::dask(&settings), &args.view)
        }
        FleetCommand::Merge(args) => (fleet::from_files(&args.files), &args.view),
    };
    show(&merged.map_err(|err| anyhow!(err))?, view)
}

/// Prints the merged report in the view asked for, writes the web page when asked, and says
/// whether every node is ready when `--require-gpu` asks.
fn show(merged: &FleetReport, view: &FleetViewArgs) -> anyhow::Result<ExitStatus> {
    if let Some(path) = &view.html {
        gpuwise_service::write_atomically(path, &gpuwise_render::fleet_html(merged))
            .with_context(|| format!("cannot write the page to {}", path.display()))?;
        output::wrote("Page", path);
    }
    let text = if view.json {
        gpuwise_render::fleet_json(merged)
    } else if view.markdown {
        gpuwise_render::fleet_markdown(merged)
    } else {
        gpuwise_render::fleet_terminal(merged)
    };
    output::print(&text)?;
    Ok(ExitStatus::reported_unless(!view.require_gpu || merged.verdict.all_usable))
}
