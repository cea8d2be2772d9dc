//! The answer to "will this framework in this interpreter run on a GPU?", as a notebook asks it
//! (`require_gpu`, `device`): the device string to use, and when it is the CPU, why, with the
//! findings that explain it and their fixes.

use gpuwise_core::{Environment, Finding, Framework, FrameworkName, Outcome, Report, Severity};

/// The device strings a framework takes for its first GPU and for the CPU.
fn devices(framework: FrameworkName) -> (&'static str, &'static str) {
    match framework {
        FrameworkName::Torch | FrameworkName::Cupy => ("cuda:0", "cpu"),
        FrameworkName::Jax => ("gpu", "cpu"),
        FrameworkName::Tensorflow => ("/GPU:0", "/CPU:0"),
        FrameworkName::Numba => ("cuda", "cpu"),
        FrameworkName::CudaJl => ("CuDevice(0)", "CPU"),
    }
}

/// What the report says about one framework in one interpreter.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement<'a> {
    /// True when it will run on a GPU.
    pub uses_gpu: bool,
    /// The device string to give it: its first GPU's, or its CPU's.
    pub device: &'static str,
    /// When it will not use a GPU: a headline and each finding with its fix.
    pub message: String,
    /// The findings that explain it (its own first), when it will not use a GPU.
    pub findings: Vec<&'a Finding>,
}

/// What `report` says about `framework` in the interpreter `interpreter`.
pub fn requirement<'a>(report: &'a Report, framework: FrameworkName, interpreter: &str) -> Requirement<'a> {
    let (gpu, cpu) = devices(framework);
    let found = installed(report, framework, interpreter);
    if let Some((_, entry)) = found
        && entry.uses_gpu
    {
        return Requirement { uses_gpu: true, device: gpu, message: String::new(), findings: Vec::new() };
    }
    let serious = report.findings.iter().filter(|f| matches!(f.severity, Severity::Error | Severity::Warning));
    let (headline, findings) = match found {
        None => (format!("{framework} is not installed in this Python"), serious.collect()),
        Some((env, entry)) => {
            let own = own_findings(report, env, entry);
            let mut findings = own.clone();
            findings.extend(serious.filter(|f| !own.contains(f)));
            (headline(entry), findings)
        }
    };
    Requirement { uses_gpu: false, device: cpu, message: message(&headline, &findings), findings }
}

/// The findings about `framework` in the interpreter `interpreter`, each with its cause and fix;
/// empty when it is not installed there.
pub fn framework_findings<'a>(report: &'a Report, framework: FrameworkName, interpreter: &str) -> Vec<&'a Finding> {
    installed(report, framework, interpreter).map(|(env, entry)| own_findings(report, env, entry)).unwrap_or_default()
}

/// `framework` as installed in the interpreter `interpreter`, with its environment.
fn installed<'a>(
    report: &'a Report,
    framework: FrameworkName,
    interpreter: &str,
) -> Option<(&'a Environment, &'a Framework)> {
    report
        .environments
        .iter()
        .filter(|env| env.interpreter == interpreter)
        .find_map(|env| env.frameworks.iter().find(|f| f.name == framework).map(|f| (env, f)))
}

/// The report's findings about `framework` in `env`.
fn own_findings<'a>(report: &'a Report, env: &Environment, framework: &Framework) -> Vec<&'a Finding> {
    let subject = format!("{} in {}", framework.label(), env.label());
    report.findings.iter().filter(|f| framework.findings.contains(&f.code) && f.subject == subject).collect()
}

/// Why it will not use a GPU, in one line.
fn headline(framework: &Framework) -> String {
    let label = framework.label();
    match framework.outcome {
        Outcome::ImportFails => format!("{label} cannot be imported here"),
        Outcome::Unknown => format!("{label} cannot be judged here (a file describing its build is damaged)"),
        Outcome::Gpu | Outcome::Cpu => format!("{label} will run on the CPU here"),
    }
}

/// The headline, then each finding with its fix.
fn message(headline: &str, findings: &[&Finding]) -> String {
    let mut lines = vec![format!("{headline}:")];
    for f in findings {
        lines.push(format!("  {}: {}", f.code, f.title));
        if !f.fix.is_empty() {
            lines.push(format!("    fix: {}", f.fix));
        }
    }
    if findings.is_empty() {
        lines.push("  no finding explains it: run `gpuwise verify` to see what the framework itself does".into());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_core::{Source, System};

    fn finding(code: &str, severity: Severity, subject: &str) -> Finding {
        Finding {
            code: code.into(),
            severity,
            code_title: format!("{code} code title"),
            title: format!("{code} title"),
            detail: String::new(),
            fix: format!("{code} fix"),
            subject: subject.into(),
        }
    }

    /// A report with torch 2.5.1 in a kernel's interpreter, its outcome and codes as given.
    fn torch_report(outcome: Outcome, codes: &[&str]) -> Report {
        let mut report = Report::new(System::default());
        let torch = Framework {
            name: FrameworkName::Torch,
            version: "2.5.1".into(),
            outcome,
            uses_gpu: outcome == Outcome::Gpu,
            findings: codes.iter().map(|c| c.to_string()).collect(),
            ..Framework::default()
        };
        report.environments.push(Environment {
            interpreter: "/venv/bin/python".into(),
            source: Source::Kernel("ml".into()),
            frameworks: vec![torch],
            ..Environment::default()
        });
        report.findings = vec![
            finding("GW109", Severity::Error, "docker"),
            finding("GW301", Severity::Error, "torch 2.5.1 in kernel 'ml' (/venv/bin/python)"),
            finding("GW905", Severity::Info, "GPU 0"),
        ];
        report
    }

    #[test]
    fn a_gpu_framework_gets_its_device_and_no_message() {
        let report = torch_report(Outcome::Gpu, &[]);
        let answer = requirement(&report, FrameworkName::Torch, "/venv/bin/python");
        assert!(answer.uses_gpu && answer.device == "cuda:0" && answer.message.is_empty());
    }

    #[test]
    fn the_cpu_answer_lists_the_frameworks_own_findings_first_then_serious_ones() {
        let report = torch_report(Outcome::Cpu, &["GW301"]);
        let answer = requirement(&report, FrameworkName::Torch, "/venv/bin/python");
        assert_eq!(answer.device, "cpu");
        let codes: Vec<&str> = answer.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["GW301", "GW109"], "info findings are left out");
        let own: Vec<&str> = framework_findings(&report, FrameworkName::Torch, "/venv/bin/python")
            .iter()
            .map(|f| f.code.as_str())
            .collect();
        assert_eq!(own, ["GW301"]);
        assert!(
            answer
                .message
                .starts_with("torch 2.5.1 will run on the CPU here:\n  GW301: GW301 title\n    fix: GW301 fix")
        );
        let failing = torch_report(Outcome::ImportFails, &[]);
        assert!(requirement(&failing, FrameworkName::Torch, "/venv/bin/python").message.contains("cannot be imported"));
    }

    #[test]
    fn other_frameworks_and_interpreters_get_the_cpu() {
        let report = torch_report(Outcome::Gpu, &[]);
        let elsewhere = requirement(&report, FrameworkName::Tensorflow, "/venv/bin/python");
        assert_eq!(elsewhere.device, "/CPU:0");
        assert!(elsewhere.message.starts_with("tensorflow is not installed in this Python"));
        assert!(!requirement(&report, FrameworkName::Torch, "/usr/bin/python3").uses_gpu);
    }
}
