//! The fleet's terminal view: the answer, one row per group of identical nodes (wrapped to fit
//! 100 columns), the nodes that did not answer, the differences that matter and every finding
//! with the nodes it concerns. Styled like doctor's terminal view; the caller's output stream
//! strips the styling for pipes and `NO_COLOR`.

use std::fmt::Write as _;

use comfy_table::{CellAlignment, ContentArrangement, Table, presets::NOTHING};
use gpuwise_core::fleet::{FleetFinding, FleetReport};

use crate::ansi::{BAD, BOLD, DIM, GOOD, paint, severity_style};
use crate::fleet::{GroupRow, byline, counts, group_rows, headline, silent, split_findings, why};

/// The width the nodes table wraps its cells to.
const WIDTH: u16 = 100;

/// Renders the fleet report for a person at a terminal.
pub fn fleet_terminal(report: &FleetReport) -> String {
    let mut out = String::new();
    let head = headline(report);
    let (mark, style) = if head.ok { ("✓", GOOD) } else { ("✗", BAD) };
    let _ = writeln!(out, "{} {}", paint(style, mark), paint(BOLD, &head.text));
    let _ = writeln!(out, "{}", paint(DIM, &format!("  {}", byline(report))));

    write_nodes(&mut out, report);

    let (differences, others) = split_findings(report);
    let _ = writeln!(out, "\n{}", paint(BOLD, "Differences that matter"));
    if differences.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for f in &differences {
        write_finding(&mut out, f, true);
    }

    let _ = writeln!(out, "\n{} {}", paint(BOLD, "Findings"), paint(DIM, &counts(&others)));
    if others.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for f in &others {
        write_finding(&mut out, f, false);
    }
    if let Some(first) = report.findings.first() {
        let _ =
            writeln!(out, "\n{}", paint(DIM, &format!("More on a finding: gpuwise explain {}", first.finding.code)));
    }
    out
}

/// The groups' table and the nodes that did not answer.
fn write_nodes(out: &mut String, report: &FleetReport) {
    let rows = group_rows(report);
    out.push('\n');
    let _ = writeln!(out, "{}", paint(BOLD, "Nodes (identical nodes grouped)"));
    if rows.is_empty() {
        let _ = writeln!(out, "  none answered");
    } else {
        let mig = rows.iter().any(|r| !r.mig.is_empty());
        let mut table = narrow_table();
        let mut header = vec!["Nodes", "Count", "GPUs", "Driver / CUDA", "Visible /\nusable"];
        header.extend(mig.then_some("MIG"));
        table.set_header(header);
        for row in &rows {
            let mut cells = vec![row.hostlist.clone(), row.count.to_string(), row.gpus.clone(), row.driver.clone()];
            cells.push(row.usable.clone());
            if mig {
                cells.push(row.mig.join("\n"));
            }
            table.add_row(cells);
        }
        for index in [1, 4] {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        let _ = writeln!(out, "{}", fit(&mut table));
        write_frameworks(out, &rows);
    }
    let silent: Vec<(&str, &str)> = silent(report).collect();
    if !silent.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "Did not answer"));
        let width = silent.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
        for (name, error) in silent {
            let _ = writeln!(out, "  {} {name:<width$}  {error}", paint(BAD, "✗"));
        }
    }
}

/// A table of plain cells.
fn narrow_table() -> Table {
    let mut table = Table::new();
    table.load_style(NOTHING);
    table
}

/// The table as it is when it fits in [`WIDTH`] columns, else with its cells wrapped to fit
/// (comfy-table's wrapping also wraps tables that would fit, so it is the second choice).
fn fit(table: &mut Table) -> String {
    let text = table.trim_fmt();
    if text.lines().all(|line| line.chars().count() <= usize::from(WIDTH)) {
        return text;
    }
    table.set_content_arrangement(ContentArrangement::Dynamic);
    table.set_width(WIDTH);
    table.trim_fmt()
}

/// Where each framework runs, per group: one line per framework, the group and the environment
/// named on their first line only (as nvidia-smi lists processes).
fn write_frameworks(out: &mut String, rows: &[GroupRow]) {
    if rows.iter().all(|r| r.environments.is_empty()) {
        return;
    }
    let _ = writeln!(out, "\n{}", paint(BOLD, "Frameworks (where their work runs)"));
    let mut table = narrow_table();
    table.set_header(vec!["Nodes", "Environment", "Framework", "Runs on"]);
    for row in rows {
        let mut group = Some(row.hostlist.as_str());
        for env in &row.environments {
            let mut name = Some(env.name.as_str());
            let frameworks: Vec<(&str, &str)> = if env.frameworks.is_empty() {
                vec![("no GPU framework", "")]
            } else {
                env.frameworks.iter().map(|f| (f.label.as_str(), f.runs.as_str())).collect()
            };
            for (label, runs) in frameworks {
                let (nodes, environment) = (group.take().unwrap_or(""), name.take().unwrap_or(""));
                table.add_row(vec![nodes, environment, label, runs]);
            }
        }
    }
    let _ = writeln!(out, "{}", fit(&mut table));
}

/// One finding: severity, code and heading, this instance's line, the nodes it concerns (for a
/// node's finding; a fleet rule's title names them), why (for a fleet rule's) and the fix.
fn write_finding(out: &mut String, f: &FleetFinding, fleet: bool) {
    let finding = &f.finding;
    let label = format!("{:<7}", finding.severity.as_str());
    let indent = " ".repeat(2 + label.len() + 1 + finding.code.len() + 1);
    let (heading, here) = finding.heading();
    let _ =
        writeln!(out, "  {} {} {heading}", paint(severity_style(finding.severity), &label), paint(BOLD, &finding.code));
    if let Some(here) = here {
        let _ = writeln!(out, "{indent}{here}");
    }
    if fleet {
        if let Some(why) = why(finding) {
            let _ = writeln!(out, "{indent}{} {why}", paint(DIM, "why:"));
        }
    } else {
        let _ = writeln!(out, "{indent}{} {}", paint(DIM, "on"), f.hostlist);
    }
    let _ = writeln!(out, "{indent}{} {}", paint(GOOD, "fix:"), finding.fix);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::sample;

    fn plain(report: &FleetReport) -> String {
        anstream::adapter::strip_str(&fleet_terminal(report)).to_string()
    }

    /// The tables (everything before the findings, whose lines run long as doctor's do) fit in
    /// [`WIDTH`] columns.
    fn assert_tables_fit(text: &str) {
        let tables = &text[..text.find("\nDifferences that matter").unwrap()];
        for line in tables.lines() {
            assert!(line.chars().count() <= usize::from(WIDTH), "wider than {WIDTH} columns: {line}\n{text}");
        }
    }

    #[test]
    fn terminal_view_of_the_sample_fleet() {
        let text = plain(&sample::report());
        insta::assert_snapshot!(text);
        assert_tables_fit(&text);
    }

    #[test]
    fn a_wide_fleet_wraps_to_fit_the_terminal() {
        let mut answers: Vec<_> = [1, 3, 5, 7, 9, 11, 13, 15]
            .iter()
            .map(|n| sample::answer(&format!("compute-h100-rack07-node{n:02}"), "h100-sxm.json"))
            .collect();
        answers.push(sample::answer("compute-v100-rack01-node01", "old-driver-470.json"));
        answers.push(sample::answer("compute-a100-rack02-node01", "a100-mig.json"));
        for answer in &mut answers {
            let env = &mut answer.report.as_mut().unwrap().environments[0];
            env.interpreter = "/shared/projects/climate-modelling/environments/pytorch-2.5/bin/python3.11".into();
        }
        let text = plain(&sample::fleet(answers));
        assert!(text.contains("compute-a100-rack02-node01         1  NVIDIA A100 80GB"), "{text}");
        assert_tables_fit(&text);
    }

    #[test]
    fn a_fleet_where_every_node_works_says_so_in_green() {
        let report =
            sample::fleet(vec![sample::answer("gpu01", "h100-sxm.json"), sample::answer("gpu02", "h100-sxm.json")]);
        let text = fleet_terminal(&report);
        assert!(text.starts_with(&format!("{GOOD}✓{GOOD:#}")), "{text}");
        let text = plain(&report);
        assert!(text.starts_with("✓ 2 of 2 nodes answered; 2 have a usable GPU\n"), "{text}");
        assert!(text.contains("\nDifferences that matter\n  none\n"), "{text}");
        assert!(!text.contains("Did not answer") && !text.contains("MIG"), "{text}");
    }
}
