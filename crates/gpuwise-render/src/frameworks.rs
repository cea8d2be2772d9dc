//! One line per framework per environment, leading with the answer: which GPU it uses, or why
//! it runs on the CPU or cannot be imported, and what to do.

use gpuwise_core::{Environment, Framework, JuliaEnvironment, Kernel, Outcome, Report, Severity, Source};

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
    match kernel_display(report, &env.source) {
        Some(display) => format!("kernel '{display}'"),
        None if env.source == Source::Current => format!("{} (python3 on PATH)", env.interpreter),
        None => env.interpreter.clone(),
    }
}

/// How a view names a Julia: the kernel's display name, or the program and its version; with
/// the active project.
pub fn julia_name(report: &Report, env: &JuliaEnvironment) -> String {
    let project = env.project.as_deref();
    match kernel_display(report, &env.source) {
        Some(display) => match project {
            Some(project) => format!("kernel '{display}' (project {project})"),
            None => format!("kernel '{display}'"),
        },
        None => {
            let project = project.map(|p| format!(", project {p}")).unwrap_or_default();
            format!("{} (julia on PATH{project})", env.label())
        }
    }
}

/// For a kernel's environment, that kernel's display name (its name when it has none).
fn kernel_display<'a>(report: &'a Report, source: &'a Source) -> Option<&'a str> {
    let name = source.kernel()?;
    Some(report.kernels.iter().find(|k| k.name == name).map_or(name, |k| k.display_name.as_str()))
}

/// Every framework's line, Python environments first, then each Julia.
pub fn framework_lines(report: &Report) -> Vec<FrameworkLine> {
    let python = report.environments.iter().flat_map(|env| {
        env.frameworks.iter().map(move |f| line(report, environment_name(report, env), &env.label(), f))
    });
    let julia = report
        .julia
        .iter()
        .flat_map(|env| env.frameworks.iter().map(move |f| line(report, julia_name(report, env), &env.label(), f)));
    python.chain(julia).collect()
}

/// One framework's line; `name` is how the view names its environment, `label` how findings do.
fn line(report: &Report, name: String, label: &str, framework: &Framework) -> FrameworkLine {
    let build = if framework.version.contains(&framework.build.to_string()) {
        String::new()
    } else {
        format!(" ({})", framework.build)
    };
    let head = format!("{}{build} in {name}", framework.label());
    if let Some(uuid) = &framework.device {
        let device = report.system.devices.iter().find(|d| &d.uuid == uuid);
        let gpu = device.map_or_else(|| uuid.clone(), |d| format!("GPU {}, {}", d.index, d.name));
        return FrameworkLine { ok: true, text: format!("{head}: uses {gpu}"), fix: None };
    }
    let subject = format!("{} in {label}", framework.label());
    let deciding = report
        .findings
        .iter()
        .filter(|f| framework.because.contains(&f.code) && (f.subject == subject || f.subject == label))
        .find(|f| f.severity == Severity::Error);
    let (reason, fix) = match deciding {
        Some(finding) => (finding.title.clone(), Some(finding.fix.clone())),
        None if !report.verdict.gpu_usable => (headline(report).text, None),
        None if !framework.build.is_cuda() => (format!("not a CUDA build ({})", framework.build), None),
        None => ("no usable GPU in this environment".into(), None),
    };
    let verdict = match framework.outcome {
        Outcome::ImportFails => "cannot be imported",
        Outcome::Unknown => "cannot be judged",
        Outcome::Gpu | Outcome::Cpu => "runs on the CPU",
    };
    FrameworkLine { ok: false, text: format!("{head}: {verdict} — {reason}"), fix }
}

/// `ml 'Python 3 (ml)' -> /opt/ml/bin/python` and what is wrong with it, per kernel.
pub fn kernel_line(report: &Report, kernel: &Kernel) -> String {
    let target = match kernel.environment.and_then(|i| report.environments.get(i)) {
        Some(env) => env.interpreter.clone(),
        None => kernel.interpreter.clone().or_else(|| kernel.argv.first().cloned()).unwrap_or_else(|| "?".into()),
    };
    let display = if kernel.display_name.is_empty() { String::new() } else { format!(" '{}'", kernel.display_name) };
    let codes = if kernel.findings.is_empty() { String::new() } else { format!(" [{}]", kernel.findings.join(", ")) };
    format!("{}{display} -> {target}{codes}", kernel.name)
}

/// One line per environment or Julia without any GPU framework, so the report says it looked.
pub fn empty_environments(report: &Report) -> Vec<String> {
    let python = report.environments.iter().filter(|env| env.frameworks.is_empty()).map(|env| {
        let what = if env.probe.is_available() { "no GPU framework installed" } else { "could not be read" };
        format!("{}: {what}", environment_name(report, env))
    });
    let julia = report.julia.iter().filter(|env| env.frameworks.is_empty()).map(|env| {
        let what = if env.probe.is_available() { "CUDA.jl is not in its load path" } else { "could not be run" };
        format!("{}: {what}", julia_name(report, env))
    });
    python.chain(julia).collect()
}
