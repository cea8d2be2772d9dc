//! `gpuwise bench`: measure this machine, check every result, compare with the estimate, and
//! optionally save the measurements as this machine's profile.

use std::io::IsTerminal as _;
use std::path::Path;

use anyhow::{Context as _, anyhow};
use gpuwise_bench_results::plan::Mode;
use gpuwise_core::Variables;
use gpuwise_service::bench::{self, BenchSettings, Measured, Planned, SaveProfile, Usage, Watcher};
use indicatif::{ProgressBar, ProgressStyle};

use crate::ExitStatus;
use crate::cli::{BenchArgs, flag};
use crate::output;

/// Runs the bench, saying on stderr how long it will take and how far it got (a progress bar
/// on a terminal, a line per case elsewhere), and prints the result; exits 1 when any case
/// failed (a wrong result or an error), 0 otherwise.
pub fn run(args: &BenchArgs, vars: &Variables) -> anyhow::Result<ExitStatus> {
    if let Some(path) = &args.plot
        && !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"))
    {
        return Err(anyhow!("--plot {}: the chart is written as .svg", path.display()));
    }
    let plot: Vec<&Path> = args.plot.iter().map(|p| p.as_path()).collect();
    let mut watch = Watch::on_stderr();
    let measured = bench::bench(&settings(args), vars, &plot, &mut watch);
    watch.finish();
    let Measured { report, calibration, profile } = measured.map_err(|err| anyhow!(err.describe(flag)))?;
    if let Some(path) = &args.plot {
        let svg = gpuwise_render::bench_svg(&report)?;
        gpuwise_service::write_atomically(path, &svg)
            .with_context(|| format!("cannot write the chart to {}", path.display()))?;
        output::wrote("Chart", path);
    }
    let text = if args.json {
        // The text view says it itself; JSON goes to a program, so the person is told here.
        if let Some(warning) = gpuwise_render::bench_interference_warning(&report) {
            output::warn(&warning);
        }
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

/// A run's progress on stderr: a bar on a terminal; elsewhere (a log, a pipe, a notebook's
/// captured output), where a bar would not show, one line per case.
struct Watch {
    /// The bar, on a terminal.
    bar: Option<ProgressBar>,
}

impl Watch {
    /// A bar when stderr is a terminal, lines otherwise.
    fn on_stderr() -> Watch {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Watch { bar }
    }

    /// Runs `say` with the bar out of the way.
    fn say(&self, say: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(say),
            None => say(),
        }
    }

    /// Removes the bar.
    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Watcher for Watch {
    fn planned(&mut self, plan: &Planned) {
        self.say(|| output::note(&gpuwise_render::bench_plan(plan, "--quick")));
    }

    fn busy(&mut self, before: &Usage) {
        self.say(|| output::warn(&gpuwise_render::bench_busy(before)));
    }

    fn progress(&mut self, done: usize, total: usize, label: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
                bar.set_message(label.to_string());
            }
            None if done < total => output::note(&format!("[{}/{total}] {label}", done + 1)),
            None => {}
        }
    }
}

/// The settings `args` describe.
fn settings(args: &BenchArgs) -> BenchSettings {
    BenchSettings {
        mode: if args.quick { Mode::Quick } else { Mode::Full },
        ops: args.op.clone(),
        cpu_only: args.cpu_only,
        device: args.device,
        memory_fraction: args.memory_fraction,
        calibrate: args.calibrate.as_ref().map(|file| file.clone().map_or(SaveProfile::Default, SaveProfile::To)),
        cpu_gemm: args.cpu_gemm.clone(),
        python: args.python.clone(),
    }
}
