//! `gpuwise verify`: run each installed framework for real and compare with doctor's verdict.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use gpuwise_core::Variables;
use gpuwise_core::{Framework, LiveRun, Prediction, Verification};
use gpuwise_envs::process::{self, RunError};
use serde::Deserialize;

use crate::ExitStatus;
use crate::cli::VerifyArgs;
use crate::output;
use gpuwise_service::Host;
use gpuwise_service::doctor::{self, Scope};

/// The check each framework runs; it prints one line starting with [`MARKER`].
const SCRIPT: &str = include_str!("verify.py");
const MARKER: &str = "GPUWISE-VERIFY ";

/// Verifies every framework of the chosen interpreters; exit status 1 when any disagrees.
pub fn run(args: &VerifyArgs, vars: &Variables, host: Host) -> anyhow::Result<ExitStatus> {
    let scope = Scope { current: args.python.is_empty(), pythons: args.python.clone(), kernels: false };
    let report = doctor::report(host.probe(vars), vars, &scope);
    if report.environments.is_empty() {
        anyhow::bail!("no python3 on PATH; name an interpreter with --python PATH");
    }
    let timeout = Duration::from_secs_f64(args.timeout);
    let mut results = Vec::new();
    for env in &report.environments {
        if !env.probe.is_available() {
            anyhow::bail!("cannot run {}: {}", env.interpreter, env.probe.describe());
        }
        for framework in &env.frameworks {
            let live = live_run(Path::new(&env.interpreter), framework.name.name(), vars, timeout);
            results.push(compare(&env.interpreter, framework, live));
        }
    }
    let text = if args.json {
        gpuwise_render::verification_json(&results)
    } else {
        gpuwise_render::verification(&results, &report)
    };
    output::print(&text)?;
    Ok(ExitStatus::reported_unless(results.iter().all(|r| r.agrees)))
}

fn compare(interpreter: &str, framework: &Framework, live: LiveRun) -> Verification {
    Verification {
        interpreter: interpreter.to_string(),
        framework: framework.name,
        version: framework.version.clone(),
        doctor: Prediction {
            uses_gpu: framework.uses_gpu,
            device: framework.device.clone(),
            findings: framework.findings.clone(),
        },
        agrees: framework.uses_gpu == live.gpu,
        live,
    }
}

/// The check's JSON line.
#[derive(Deserialize)]
struct Answer {
    gpu: bool,
    device: Option<String>,
    device_name: Option<String>,
    seconds: Option<f64>,
    error: Option<String>,
}

/// Runs the check for `framework` in `python`, in a process of its own.
fn live_run(python: &Path, framework: &str, vars: &Variables, timeout: Duration) -> LiveRun {
    let mut command = Command::new(python);
    command.args(["-c", SCRIPT, framework]).env_clear();
    for (name, value) in &vars.all {
        command.env(name, &value.text);
    }
    // JAX would otherwise reserve 75% of GPU memory for a 1 MiB check.
    command.env("XLA_PYTHON_CLIENT_PREALLOCATE", "false");
    let failed = |error: String| LiveRun { error: Some(error), ..LiveRun::default() };
    let finished = match process::run(&mut command, timeout) {
        Ok(finished) => finished,
        Err(RunError::Spawn(error)) => return failed(format!("could not start {}: {error}", python.display())),
        Err(RunError::TimedOut) => return failed(format!("no answer within {} s", timeout.as_secs_f64())),
    };
    let stdout = String::from_utf8_lossy(&finished.stdout);
    let answer = stdout.lines().rev().find_map(|line| line.strip_prefix(MARKER));
    match answer.map(serde_json::from_str::<Answer>) {
        Some(Ok(a)) => {
            LiveRun { gpu: a.gpu, device: a.device, device_name: a.device_name, seconds: a.seconds, error: a.error }
        }
        _ => failed(format!(
            "the check exited with {} and no answer: {}",
            finished.status,
            process::last_line(&String::from_utf8_lossy(&finished.stderr))
        )),
    }
}
