//! The fleet views (`gpuwise fleet`): many machines' reports merged, in the order someone who
//! reads `sinfo` and `nvidia-smi` looks for things. The answer in one line; one row per group of
//! identical nodes (their GPUs, driver, visibility, MIG and where each framework runs), then the
//! nodes that did not answer; the differences between nodes that matter (the fleet rules,
//! GW10xx); every node's findings with the nodes they concern. This file holds what the views
//! share, the Markdown view and the JSON one; the terminal and HTML views have files of their own.

use std::fmt::Write as _;

use gpuwise_core::fleet::{FleetFinding, FleetNode, FleetReport, NodeSummary};
use gpuwise_core::{Finding, Outcome, Severity};

use crate::html::runs_on;

/// The line a fleet report leads with: `12 of 12 nodes answered; 12 have a usable GPU`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FleetHeadline {
    /// True when every node answered and has a usable GPU.
    pub ok: bool,
    /// The sentence.
    pub text: String,
}

/// The answer in one line.
pub(crate) fn headline(report: &FleetReport) -> FleetHeadline {
    let v = &report.verdict;
    let nodes = if v.nodes == 1 { "node" } else { "nodes" };
    let have = if v.gpu_usable == 1 { "has" } else { "have" };
    FleetHeadline {
        ok: v.all_usable,
        text: format!("{} of {} {nodes} answered; {} {have} a usable GPU", v.answered, v.nodes, v.gpu_usable),
    }
}

/// `gpuwise 0.1.0 fleet, through slurm`.
pub(crate) fn byline(report: &FleetReport) -> String {
    format!("{} {} fleet, through {}", report.tool.name, report.tool.version, report.engine)
}

/// One group of identical nodes, as every view's table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupRow {
    /// `node[1-2]`.
    pub hostlist: String,
    /// How many nodes.
    pub count: usize,
    /// `8 x NVIDIA H100 80GB HBM3`.
    pub gpus: String,
    /// `545.23.08 / 12.3`, or `none`.
    pub driver: String,
    /// `8 / 8`: GPUs visible to CUDA, and usable.
    pub usable: String,
    /// `GPU 0: 3 MIG instance(s)`, one per GPU with MIG on.
    pub mig: Vec<String>,
    /// Each environment and its frameworks.
    pub environments: Vec<EnvironmentRow>,
}

/// One environment of a group: its name, and each framework with where it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnvironmentRow {
    /// `/shared/venv/bin/python`, or a kernel and its interpreter.
    pub name: String,
    /// Its frameworks.
    pub frameworks: Vec<FrameworkCell>,
}

/// One framework of an environment of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FrameworkCell {
    /// `torch 2.5.1+cu124`.
    pub label: String,
    /// Where its work runs, with the findings that decided it: `GPU`, `CPU (GW302)`.
    pub runs: String,
    /// True when its work runs on a GPU.
    pub gpu: bool,
}

impl EnvironmentRow {
    /// Each framework as one line, `torch 2.5.1+cu124: CPU (GW302)`, or that there is none.
    pub(crate) fn lines(&self) -> Vec<String> {
        if self.frameworks.is_empty() {
            return vec!["no GPU framework".to_string()];
        }
        self.frameworks.iter().map(|f| format!("{}: {}", f.label, f.runs)).collect()
    }
}

/// The groups' rows, largest group first (as the report keeps them).
pub(crate) fn group_rows(report: &FleetReport) -> Vec<GroupRow> {
    report
        .groups
        .iter()
        .filter_map(|group| {
            let first = group.nodes.first()?;
            let summary = report.nodes.iter().find(|n| &n.name == first)?.summary.as_ref()?;
            Some(row(&group.hostlist, group.nodes.len(), summary))
        })
        .collect()
}

fn row(hostlist: &str, count: usize, summary: &NodeSummary) -> GroupRow {
    let driver = match (&summary.driver, &summary.cuda) {
        (Some(driver), Some(cuda)) => format!("{driver} / {cuda}"),
        (Some(driver), None) => format!("{driver} / ?"),
        (None, _) => "none".to_string(),
    };
    let environments = summary
        .environments
        .iter()
        .map(|env| EnvironmentRow {
            name: env.name.clone(),
            frameworks: env
                .frameworks
                .iter()
                .map(|f| FrameworkCell {
                    label: f.label.clone(),
                    runs: runs(f.outcome, &f.because),
                    gpu: f.outcome == Outcome::Gpu,
                })
                .collect(),
        })
        .collect();
    GroupRow {
        hostlist: hostlist.to_string(),
        count,
        gpus: summary.gpus_text(),
        driver,
        usable: format!("{} / {}", summary.visible, summary.usable),
        mig: summary.mig.clone(),
        environments,
    }
}

/// Where a framework's work runs, with the findings that decided it: `GPU`, `CPU (GW301)`.
fn runs(outcome: Outcome, because: &[String]) -> String {
    let codes = if because.is_empty() { String::new() } else { format!(" ({})", because.join(", ")) };
    format!("{}{codes}", runs_on(outcome))
}

/// The evidence of a finding, unless its own line already says it (a node that did not answer:
/// the error is both).
pub(crate) fn why(finding: &Finding) -> Option<&str> {
    let (heading, here) = finding.heading();
    let said = here.unwrap_or(heading);
    (!finding.detail.is_empty() && !said.contains(finding.detail.as_str())).then_some(finding.detail.as_str())
}

/// The nodes that did not answer, each with why.
pub(crate) fn silent(report: &FleetReport) -> impl Iterator<Item = (&str, &str)> {
    report
        .nodes
        .iter()
        .filter(|n| !n.answered)
        .map(|n: &FleetNode| (n.name.as_str(), n.error.as_deref().unwrap_or("no report came back")))
}

/// True for the fleet rules' codes, GW1000 to GW1099 (GW101 is a machine rule's).
pub(crate) fn is_fleet_code(code: &str) -> bool {
    code.strip_prefix("GW").and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| (1000..1100).contains(&n))
}

/// The differences that matter (fleet rules), then every node's findings; each most severe
/// first, as the report sorted them.
pub(crate) fn split_findings(report: &FleetReport) -> (Vec<&FleetFinding>, Vec<&FleetFinding>) {
    report.findings.iter().partition(|f| is_fleet_code(&f.finding.code))
}

/// `(1 error, 2 warning, 0 info)`.
pub(crate) fn counts(findings: &[&FleetFinding]) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.finding.severity == s).count();
    format!("({} error, {} warning, {} info)", count(Severity::Error), count(Severity::Warning), count(Severity::Info))
}

/// Escapes a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A node list in Markdown: `` `node[1-2]` `` (brackets left alone by the renderer).
fn nodes_md(hostlist: &str) -> String {
    format!("`{}`", hostlist.replace('`', "'"))
}

/// The fleet report as GitHub-flavoured Markdown, for issues and tickets.
pub fn fleet_markdown(report: &FleetReport) -> String {
    let mut out = String::new();
    let head = headline(report);
    let _ = writeln!(out, "## {} {}\n", if head.ok { "✅" } else { "❌" }, head.text);
    let _ = writeln!(out, "_{}_\n", byline(report));

    let rows = group_rows(report);
    let _ = writeln!(out, "### Nodes\n");
    if rows.is_empty() {
        let _ = writeln!(out, "No node answered.");
    } else {
        let mig = rows.iter().any(|r| !r.mig.is_empty());
        let envs = rows.iter().any(|r| !r.environments.is_empty());
        let mut header = vec!["Nodes", "Count", "GPUs", "Driver / CUDA", "Visible / usable"];
        header.extend(mig.then_some("MIG"));
        header.extend(envs.then_some("Frameworks"));
        let _ = writeln!(out, "| {} |\n|{}", header.join(" | "), "---|".repeat(header.len()));
        for row in &rows {
            let mut cells = vec![
                nodes_md(&row.hostlist),
                row.count.to_string(),
                cell(&row.gpus),
                row.driver.clone(),
                row.usable.clone(),
            ];
            if mig {
                cells.push(cell(&row.mig.join("<br>")));
            }
            if envs {
                let text: Vec<String> = row
                    .environments
                    .iter()
                    .map(|env| format!("`{}`<br>{}", env.name.replace('`', "'"), env.lines().join("<br>")))
                    .collect();
                cells.push(cell(&text.join("<br>")));
            }
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }
    let silent: Vec<(&str, &str)> = silent(report).collect();
    if !silent.is_empty() {
        let _ = writeln!(out, "\n**Did not answer**\n");
        for (name, error) in silent {
            let _ = writeln!(out, "- {}: {error}", nodes_md(name));
        }
    }

    let (differences, others) = split_findings(report);
    let _ = writeln!(out, "\n### Differences that matter\n");
    if differences.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for f in &differences {
        let finding = &f.finding;
        let _ = writeln!(out, "- **{} {}**: {}", finding.code, finding.severity.as_str(), finding.headline());
        if let Some(why) = why(finding) {
            let _ = writeln!(out, "  - why: {why}");
        }
        let _ = writeln!(out, "  - fix: {}", finding.fix);
    }
    let _ = writeln!(out, "\n### Findings {}\n", counts(&others));
    if others.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for f in &others {
        let finding = &f.finding;
        let _ = writeln!(
            out,
            "- **{} {}** on {}: {}\n  - fix: {}",
            finding.code,
            finding.severity.as_str(),
            nodes_md(&f.hostlist),
            finding.headline(),
            finding.fix
        );
    }
    out
}

/// The fleet report as pretty-printed JSON, newline-terminated (docs/DESIGN.md, "Fleet JSON
/// contract").
pub fn fleet_json(report: &FleetReport) -> String {
    crate::json::pretty(report)
}

/// The fleet the views' tests show, from the recorded machines in fixtures/systems: node1 and
/// node2 an H100 node, node3 an A100 with MIG, node4 eight V100s on driver 470, node5 silent;
/// each answered node with torch 2.5.1+cu124 in /shared/venv, judged there.
#[cfg(test)]
pub(crate) mod sample {
    use gpuwise_core::fleet::{FleetReport, NodeAnswer};
    use gpuwise_core::{
        Build, Environment, EnvironmentKind, Framework, FrameworkName, ProbeStatus, Report, Source, Variables,
        visibility,
    };

    /// What node5's `srun` printed.
    pub(crate) const SILENT: &str = "srun: error: node5: Unable to contact slurm controller";

    /// A recorded machine's report, judged as doctor judges it with no variables set, with the
    /// shared environment.
    pub(crate) fn answer(name: &str, fixture: &str) -> NodeAnswer {
        let path = format!("{}/../../fixtures/systems/{fixture}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let vars = Variables::default();
        let mut report = Report::new(Report::system_from_snapshot(&text).unwrap());
        report.visibility = visibility::resolve(&report.system, &vars);
        report.findings = gpuwise_rules::diagnose(&report.system, &report.visibility, &vars);
        report.verdict = gpuwise_rules::verdict(&report.visibility, &report.findings);
        let mut env = Environment {
            interpreter: "/shared/venv/bin/python".into(),
            source: Source::Argument,
            probe: ProbeStatus::Available { detail: "/shared/venv/bin/python".into() },
            python_version: Some("3.11.9".into()),
            platform: Some("linux-x86_64".into()),
            prefix: Some("/shared/venv".into()),
            kind: Some(EnvironmentKind::Venv),
            frameworks: vec![Framework {
                name: FrameworkName::Torch,
                distribution: "torch".into(),
                version: "2.5.1+cu124".into(),
                build: Build::cuda("12.4"),
                path: "/shared/venv/lib/python3.11/site-packages/torch".into(),
                architectures: ["sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"].map(String::from).into(),
                ..Framework::default()
            }],
            ..Environment::default()
        };
        let findings = gpuwise_rules::judge_environment(&report.system, &env, &vars, None).apply(&mut env);
        report.findings.extend(findings);
        gpuwise_rules::sort_findings(&mut report.findings);
        report.environments.push(env);
        NodeAnswer { name: name.into(), report: Ok(report) }
    }

    /// The answers, in the order the engine gathered them.
    pub(crate) fn answers() -> Vec<NodeAnswer> {
        vec![
            answer("node3", "a100-mig.json"),
            answer("node1", "h100-sxm.json"),
            NodeAnswer { name: "node5".into(), report: Err(SILENT.into()) },
            answer("node4", "old-driver-470.json"),
            answer("node2", "h100-sxm.json"),
        ]
    }

    /// `answers` merged as `gpuwise fleet` merges them.
    pub(crate) fn fleet(answers: Vec<NodeAnswer>) -> FleetReport {
        let fleet_findings = gpuwise_rules::diagnose_fleet(&answers);
        FleetReport::new("slurm", answers, fleet_findings)
    }

    /// The sample fleet.
    pub(crate) fn report() -> FleetReport {
        fleet(answers())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_view_of_the_sample_fleet() {
        insta::assert_snapshot!(fleet_markdown(&sample::report()));
    }

    #[test]
    fn json_view_reads_back_as_the_same_report() {
        let report = sample::report();
        let text = fleet_json(&report);
        assert!(text.ends_with("}\n") && text.contains("\"fleet_schema_version\": 1"), "{text}");
        let back: FleetReport = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn the_headline_counts_and_agrees_in_number() {
        let report = sample::report();
        let head = headline(&report);
        assert!(!head.ok);
        assert_eq!(head.text, "4 of 5 nodes answered; 4 have a usable GPU");
        let one = sample::fleet(vec![sample::answer("solo", "h100-sxm.json")]);
        assert_eq!(headline(&one), FleetHeadline { ok: true, text: "1 of 1 node answered; 1 has a usable GPU".into() });
    }

    #[test]
    fn only_gw10xx_codes_are_fleet_differences() {
        assert!(is_fleet_code("GW1001") && is_fleet_code("GW1005"));
        assert!(!is_fleet_code("GW101") && !is_fleet_code("GW109") && !is_fleet_code("GW116"));
        assert!(!is_fleet_code("GW1101") && !is_fleet_code("GW10x"));
    }
}
