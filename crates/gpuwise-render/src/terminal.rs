//! The terminal view: the answer first, then the machine, the GPUs, visibility and findings.
//! Styled with ANSI codes; the caller's output stream strips them for pipes and `NO_COLOR`.

use std::fmt::Write as _;

use comfy_table::{CellAlignment, Table, presets::NOTHING};
use gpuwise_core::{Report, Severity};

use crate::ansi::{BAD, BOLD, DIM, GOOD, paint, severity_style};
use crate::describe::{self, headline};
use crate::frameworks;

/// The frameworks section: each Python and Julia framework's verdict, empty environments, kernels.
fn write_frameworks(out: &mut String, report: &Report) {
    if report.environments.is_empty() && report.julia.is_empty() && report.kernels.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", paint(BOLD, "Frameworks"));
    let lines = frameworks::framework_lines(report);
    for line in &lines {
        let (mark, style) = if line.ok { ("✓", GOOD) } else { ("✗", BAD) };
        let _ = writeln!(out, "  {} {}", paint(style, mark), line.text);
        if let Some(fix) = &line.fix {
            let _ = writeln!(out, "      {} {fix}", paint(GOOD, "fix:"));
        }
    }
    for empty in frameworks::empty_environments(report) {
        let _ = writeln!(out, "  {} {}", paint(DIM, "·"), paint(DIM, &empty));
    }
    if !report.kernels.is_empty() {
        let _ = writeln!(out, "{}", paint(BOLD, "Jupyter kernels"));
        for kernel in &report.kernels {
            let _ = writeln!(out, "  {}", frameworks::kernel_line(report, kernel));
        }
    }
}

/// Renders the report for a person at a terminal.
pub fn terminal(report: &Report, source: &str) -> String {
    let mut out = String::new();
    let head = headline(report);
    let (mark, style) = if head.ok { ("✓", GOOD) } else { ("✗", BAD) };
    let _ = writeln!(out, "{} {}", paint(style, mark), paint(BOLD, &head.text));
    let _ = writeln!(out, "{}", paint(DIM, &format!("  gpuwise {} doctor, {source}", report.tool.version)));
    out.push('\n');

    let system = &report.system;
    let mut facts = Table::new();
    facts.load_style(NOTHING);
    for (label, value) in describe::facts(report) {
        facts.add_row(vec![label.to_string(), value]);
    }
    let _ = writeln!(out, "{}", facts.trim_fmt());

    if !system.devices.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", paint(BOLD, "GPUs (nvidia-smi numbering)"));
        let mut gpus = Table::new();
        gpus.load_style(NOTHING);
        gpus.set_header(vec!["#", "CUDA", "Name", "CC", "Memory used", "SMs", "PCIe", "UUID"]);
        for device in &system.devices {
            gpus.add_row(vec![
                device.index.to_string(),
                describe::cuda_cell(report, device),
                if device.mig {
                    format!("{} [MIG x{}]", device.name, device.mig_devices.len())
                } else {
                    device.name.clone()
                },
                device.compute_capability.clone().unwrap_or_else(|| "?".into()),
                describe::memory_cell(device),
                device.multiprocessors.map_or("?".into(), |n| n.to_string()),
                describe::pcie_cell(device),
                device.uuid.clone(),
            ]);
        }
        if let Some(column) = gpus.column_mut(5) {
            column.set_cell_alignment(CellAlignment::Right);
        }
        let _ = writeln!(out, "{}", gpus.trim_fmt());
    }

    write_frameworks(&mut out, report);

    out.push('\n');
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        out,
        "{} {}",
        paint(BOLD, "Findings"),
        paint(
            DIM,
            &format!(
                "({} error, {} warning, {} info)",
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info)
            )
        )
    );
    if report.findings.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for finding in &report.findings {
        let label = format!("{:<7}", finding.severity.as_str());
        let (heading, here) = finding.heading();
        let _ = writeln!(
            out,
            "  {} {} {}",
            paint(severity_style(finding.severity), &label),
            paint(BOLD, &finding.code),
            heading
        );
        if let Some(here) = here {
            let _ = writeln!(out, "                {here}");
        }
        let _ = writeln!(out, "                {} {}", paint(DIM, "why:"), finding.detail);
        let _ = writeln!(out, "                {} {}", paint(GOOD, "fix:"), finding.fix);
    }
    if let Some(first) = report.findings.first() {
        let _ = writeln!(out, "\n{}", paint(DIM, &format!("More on a finding: gpuwise explain {}", first.code)));
    }
    out
}
