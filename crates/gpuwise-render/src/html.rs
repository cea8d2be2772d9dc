//! The views notebooks show, as HTML fragments (inline styles only: notebooks strip style
//! sheets): doctor's report (the verdict, the GPUs, each framework's outcome and every finding
//! with its fix), an estimate (its four rows and chart) and a bench run (its tables and chart).

use gpuwise_bench_results::calibrate::CalibrationError;
use gpuwise_bench_results::report::BenchReport;
use gpuwise_core::{Finding, Outcome, Report, Severity};
use gpuwise_model::{Bound, Estimate};

use crate::estimate::{fmt_seconds, verdict};

/// An estimate with its chart (`svg`): the speedup, GPU and CPU time, and what bounds it.
pub fn estimate_html(estimate: &Estimate, svg: &str) -> String {
    let faster = estimate.speedup >= 1.0;
    let head = verdict(estimate);
    let bound = match estimate.bound {
        Bound::Compute => "compute",
        Bound::Memory => "memory",
        Bound::Transfer => "transfer",
        Bound::Launch => "launch",
    };
    let rows = [
        ("GPU computation", fmt_seconds(estimate.gpu.compute_seconds)),
        ("transfers", fmt_seconds(estimate.gpu.transfer_seconds)),
        ("total GPU", fmt_seconds(estimate.gpu.total_seconds)),
        ("total CPU", fmt_seconds(estimate.cpu.seconds)),
        ("bound", bound.to_string()),
    ];
    let table = table(&["", ""], rows.into_iter().map(|(what, value)| vec![what.to_string(), value]));
    format!("<div>{}{table}{svg}</div>", badge(faster, &head))
}

/// A bench run with its chart (`svg`): whether every case checked right, whether other
/// processes slowed it, and its tables.
pub fn bench_html(report: &BenchReport, calibration: Option<&CalibrationError>, svg: &str) -> String {
    let passed = report.failures.is_empty();
    let head = badge(passed, if passed { "every result checked right" } else { "some cases failed: see below" });
    let load = crate::bench_interference_warning(report)
        .map(|w| format!("<div style=\"font-weight:600;color:#b26a00;margin:4px 0\">&#9888; {}</div>", escape(&w)))
        .unwrap_or_default();
    let tables = crate::bench_terminal(report, calibration);
    let plain = anstream::adapter::strip_str(&tables).to_string();
    format!("<div>{head}{load}<pre style=\"font-family:monospace;white-space:pre\">{}</pre>{svg}</div>", escape(&plain))
}

/// The report as an HTML fragment.
pub fn html(report: &Report) -> String {
    let usable = report.verdict.gpu_usable;
    let mut parts = vec![badge(usable, if usable { "A GPU is usable here" } else { "No usable GPU here" })];
    let devices = &report.system.devices;
    if !devices.is_empty() {
        let rows = devices.iter().map(|d| {
            let cc = d.compute_capability.clone().unwrap_or_default();
            vec![d.index.to_string(), d.name.clone(), d.uuid.clone(), cc]
        });
        parts.push(table(&["GPU", "name", "UUID", "compute capability"], rows));
    }
    let frameworks: Vec<Vec<String>> = report
        .environments
        .iter()
        .flat_map(|env| {
            env.frameworks.iter().map(|f| {
                let runs_on = runs_on(f.outcome).to_string();
                vec![env.interpreter.clone(), f.name.to_string(), f.version.clone(), runs_on]
            })
        })
        .collect();
    if !frameworks.is_empty() {
        parts.push(table(&["python", "framework", "version", "runs on"], frameworks.into_iter()));
    }
    if !report.findings.is_empty() {
        parts.push(format!("<ul>{}</ul>", report.findings.iter().map(finding).collect::<String>()));
    }
    format!("<div>{}</div>", parts.concat())
}

/// Where a framework's work runs, in a word or two.
pub(crate) fn runs_on(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Gpu => "GPU",
        Outcome::Cpu => "CPU",
        Outcome::ImportFails => "import fails",
        Outcome::Unknown => "cannot be judged",
    }
}

/// A one-line verdict, green with a tick or red with a cross.
fn badge(ok: bool, text: &str) -> String {
    let (colour, mark) = if ok { ("#1b7f3b", "&#10003;") } else { ("#b00020", "&#10007;") };
    format!("<div style=\"font-weight:600;color:{colour};margin:4px 0\">{mark} {}</div>", escape(text))
}

/// A plain table.
fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let cell = |tag: &str, style: &str, text: &str| format!("<{tag} style=\"{style}\">{}</{tag}>", escape(text));
    let head: String = header.iter().map(|h| cell("th", "text-align:left;padding:2px 10px", h)).collect();
    let body: String = rows
        .map(|row| format!("<tr>{}</tr>", row.iter().map(|c| cell("td", "padding:2px 10px", c)).collect::<String>()))
        .collect();
    format!("<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
}

/// A finding as a list item: code and severity in its colour, title, evidence and fix.
fn finding(f: &Finding) -> String {
    let colour = match f.severity {
        Severity::Error => "#b00020",
        Severity::Warning => "#b26a00",
        Severity::Info => "#1f5fa8",
    };
    format!(
        "<li><span style=\"color:{colour};font-weight:600\">{} {}</span> {}<br><span style=\"color:#555\">{}</span><br><b>Fix:</b> {}</li>",
        escape(&f.code),
        f.severity.as_str(),
        escape(&f.headline()),
        escape(&f.detail),
        escape(&f.fix)
    )
}

/// `text` with HTML's special characters escaped (as Python's `html.escape`).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_bench_results::interference::Interference;
    use gpuwise_bench_results::sample::{full_report, usage};
    use gpuwise_core::{Environment, Framework, FrameworkName, System};

    #[test]
    fn a_bench_run_warns_of_other_processes_only_when_they_slowed_it() {
        let mut report = full_report();
        let quiet = bench_html(&report, None, "<svg/>");
        assert!(quiet.contains("<pre") && !quiet.contains("&#9888;"), "{quiet}");
        let before = report.interference.unwrap().before;
        report.interference = Some(Interference::of(before, usage(12.5, 80.0), &report.results));
        let busy = bench_html(&report, None, "<svg/>");
        let warning = "<div style=\"font-weight:600;color:#b26a00;margin:4px 0\">&#9888; Other processes used 80.0 of 96 cores during the run";
        assert!(busy.contains(warning), "{busy}");
    }

    #[test]
    fn verdict_frameworks_and_escaped_findings() {
        let mut report = Report::new(System::default());
        report.environments.push(Environment {
            interpreter: "/venv/bin/python".into(),
            frameworks: vec![Framework {
                name: FrameworkName::Tensorflow,
                version: "2.21.0".into(),
                outcome: Outcome::Unknown,
                ..Framework::default()
            }],
            ..Environment::default()
        });
        report.findings.push(Finding {
            code: "GW802".into(),
            severity: Severity::Error,
            code_title: "Packages are half-installed".into(),
            title: "build_info.py <damaged>".into(),
            detail: "a & b".into(),
            fix: "pip install 'tensorflow'".into(),
            subject: "x".into(),
        });
        let html = html(&report);
        assert!(html.starts_with("<div><div style=\"font-weight:600;color:#b00020"), "{html}");
        assert!(
            html.contains("No usable GPU here") && html.contains("<td style=\"padding:2px 10px\">cannot be judged")
        );
        assert!(html.contains("build_info.py &lt;damaged&gt;") && html.contains("a &amp; b"));
        assert!(html.contains("pip install &#x27;tensorflow&#x27;"));
    }
}
