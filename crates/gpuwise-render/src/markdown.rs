//! The Markdown view, for issues, notebooks and chat.

use std::fmt::Write as _;

use gpuwise_core::Report;

use crate::describe::{self, headline};
use crate::frameworks;

/// Escapes a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Renders the report as GitHub-flavoured Markdown.
pub fn markdown(report: &Report, source: &str) -> String {
    let mut out = String::new();
    let head = headline(report);
    let _ = writeln!(out, "## {} {}\n", if head.ok { "✅" } else { "❌" }, head.text);
    let _ = writeln!(out, "_gpuwise {} doctor, {source}_\n", report.tool.version);
    let system = &report.system;
    let _ = writeln!(out, "| | |\n|---|---|");
    for (label, value) in describe::facts(report) {
        let _ = writeln!(out, "| {label} | {} |", cell(&value));
    }
    if !system.devices.is_empty() {
        let _ = writeln!(
            out,
            "\n### GPUs\n\n| # | CUDA | Name | CC | Memory used | SMs | PCIe | UUID |\n|---|---|---|---|---|---|---|---|"
        );
        for device in &system.devices {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | `{}` |",
                device.index,
                describe::cuda_cell(report, device),
                cell(&device.name),
                device.compute_capability.as_deref().unwrap_or("?"),
                describe::memory_cell(device),
                device.multiprocessors.map_or("?".into(), |n| n.to_string()),
                describe::pcie_cell(device),
                device.uuid
            );
        }
    }
    if !report.environments.is_empty() || !report.julia.is_empty() || !report.kernels.is_empty() {
        let _ = writeln!(out, "\n### Frameworks\n");
        for line in frameworks::framework_lines(report) {
            let fix = line.fix.map(|f| format!(" — fix: {f}")).unwrap_or_default();
            let _ = writeln!(out, "- {} {}{fix}", if line.ok { "✅" } else { "❌" }, line.text);
        }
        for empty in frameworks::empty_environments(report) {
            let _ = writeln!(out, "- {empty}");
        }
        if !report.kernels.is_empty() {
            let _ = writeln!(out, "\n**Jupyter kernels**\n");
            for kernel in &report.kernels {
                let _ = writeln!(out, "- `{}`", frameworks::kernel_line(report, kernel));
            }
        }
    }
    let _ = writeln!(out, "\n### Findings\n");
    if report.findings.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for finding in &report.findings {
        let _ = writeln!(
            out,
            "- **{} {}** ({}): {}\n  - why: {}\n  - fix: {}",
            finding.code,
            finding.severity.as_str(),
            finding.subject,
            finding.headline(),
            finding.detail,
            finding.fix
        );
    }
    out
}
