//! One line per framework per environment, leading with the answer: which GPU it uses, or why
//! it runs on the CPU and what to do.

use gpuwise_core::{Environment, Framework, Kernel, Report, Severity};

use crate::describe::headline;

/// The verdict for one framework in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkLine {
    /// True when it uses a GPU.
    pub ok: bool,
    /// `torch 2.5.1+cu124 in kernel 'Python 3 (ml)': uses GPU 0, NVIDIA H100 80GB HBM3`.
    pub text: String,
    /// The fix when it does not use a GPU (and one is known).
    pub fix: Option<String>,
}

/// How a view names an environment: the kernel's display name, or the interpreter.
pub fn environment_name(report: &Report, env: &Environment) -> String {
    match env.source.strip_prefix("kernel:") {
        Some(name) => {
            let display = report.kernels.iter().find(|k| k.name == name).map_or(name, |k| k.display_name.as_str());
            format!("kernel '{display}'")
        }
        None if env.source == "current" => format!("{} (python3 on PATH)", env.interpreter),
        None => env.interpreter.clone(),
    }
}

/// Every framework's line, environment by environment.
pub fn framework_lines(report: &Report) -> Vec<FrameworkLine> {
    report.environments.iter().flat_map(|env| env.frameworks.iter().map(move |f| line(report, env, f))).collect()
}

fn line(report: &Report, env: &Environment, framework: &Framework) -> FrameworkLine {
    let name = environment_name(report, env);
    let build =
        if framework.version.contains(&framework.build) { String::new() } else { format!(" ({})", framework.build) };
    let head = format!("{}{build} in {name}", framework.label());
    if let Some(uuid) = &framework.device {
        let device = report.system.devices.iter().find(|d| &d.uuid == uuid);
        let gpu = device.map_or_else(|| uuid.clone(), |d| format!("GPU {}, {}", d.index, d.name));
        return FrameworkLine { ok: true, text: format!("{head}: uses {gpu}"), fix: None };
    }
    let subject = format!("{} in {}", framework.label(), env.label());
    let own = report
        .findings
        .iter()
        .filter(|f| f.subject.starts_with(&subject) && framework.findings.contains(&f.code))
        .find(|f| f.severity == Severity::Error);
    let env_error = report.findings.iter().find(|f| f.subject == env.label() && f.severity == Severity::Error);
    let (reason, fix) = match own.or(env_error) {
        Some(finding) => (finding.title.clone(), Some(finding.fix.clone())),
        None if !report.verdict.gpu_usable => (headline(report).text, None),
        None if !framework.build.starts_with("cuda") => (format!("not a CUDA build ({})", framework.build), None),
        None => ("no usable GPU in this environment".into(), None),
    };
    FrameworkLine { ok: false, text: format!("{head}: runs on the CPU — {reason}"), fix }
}

/// `ml 'Python 3 (ml)' -> /opt/ml/bin/python` and what is wrong with it, per kernel.
pub fn kernel_line(report: &Report, kernel: &Kernel) -> String {
    let target = match kernel.environment.and_then(|i| report.environments.get(i)) {
        Some(env) => env.interpreter.clone(),
        None => kernel.argv.first().cloned().unwrap_or_else(|| "?".into()),
    };
    let display = if kernel.display_name.is_empty() { String::new() } else { format!(" '{}'", kernel.display_name) };
    let codes = if kernel.findings.is_empty() { String::new() } else { format!(" [{}]", kernel.findings.join(", ")) };
    format!("{}{display} -> {target}{codes}", kernel.name)
}

/// One line per environment without any GPU framework, so the report says it looked.
pub fn empty_environments(report: &Report) -> Vec<String> {
    report
        .environments
        .iter()
        .filter(|env| env.frameworks.is_empty())
        .map(|env| {
            let what = if env.probe.is_available() { "no GPU framework installed" } else { "could not be read" };
            format!("{}: {what}", environment_name(report, env))
        })
        .collect()
}
