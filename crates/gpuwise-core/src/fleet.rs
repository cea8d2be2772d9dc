//! Many machines' reports merged: one row per node, identical nodes grouped, the differences
//! that matter and every node's findings with the nodes they concern. The JSON contract is
//! docs/DESIGN.md's "Fleet JSON contract".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Finding, Outcome, Report, Severity, Tool};

/// Version of the fleet JSON contract; fields are added freely, none renamed or removed
/// without raising it.
pub const FLEET_SCHEMA_VERSION: u32 = 1;

/// What one node answered: its report, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeAnswer {
    /// The node as the engine names it (Slurm's node name, a Dask worker's address, a file).
    pub name: String,
    /// Its report, or why it gave none (did not answer, timed out, printed no report).
    pub report: Result<Report, String>,
}

/// The merged view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetReport {
    /// Always [`FLEET_SCHEMA_VERSION`] for reports this build writes.
    pub fleet_schema_version: u32,
    /// The program that merged it.
    pub tool: Tool,
    /// What carried the work: `slurm`, `dask` or `files`.
    pub engine: String,
    /// Every node, in name order.
    pub nodes: Vec<FleetNode>,
    /// Nodes that look the same (GPUs, driver, visibility, every environment's outcome),
    /// largest group first.
    pub groups: Vec<NodeGroup>,
    /// Fleet-wide problems (GW10xx) and each node's findings, with the nodes they concern,
    /// most severe first.
    pub findings: Vec<FleetFinding>,
    /// The answer.
    pub verdict: FleetVerdict,
}

/// One node, summarised; its whole report kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetNode {
    /// Its name.
    pub name: String,
    /// True when a report came back.
    pub answered: bool,
    /// Why no report came back.
    pub error: Option<String>,
    /// What it looks like; `None` when it did not answer.
    pub summary: Option<NodeSummary>,
    /// Its report as `gpuwise doctor --json` printed it.
    pub report: Option<Report>,
}

/// What tells nodes apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NodeSummary {
    /// Each GPU's name, in NVML order.
    pub gpus: Vec<String>,
    /// The driver's version.
    pub driver: Option<String>,
    /// The newest CUDA the driver supports.
    pub cuda: Option<String>,
    /// GPUs a CUDA program started there sees.
    pub visible: usize,
    /// Of those, GPUs no error rules out.
    pub usable: usize,
    /// MIG: each GPU's instances, `GPU 0: 3 instances` (empty without MIG).
    pub mig: Vec<String>,
    /// Each environment's frameworks and where their work runs.
    pub environments: Vec<EnvironmentSummary>,
}

/// One environment on one node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EnvironmentSummary {
    /// The interpreter, or the kernel and its interpreter.
    pub name: String,
    /// Its frameworks.
    pub frameworks: Vec<FrameworkSummary>,
}

/// One framework in one environment on one node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FrameworkSummary {
    /// `torch 2.5.1+cu124`.
    pub label: String,
    /// Where its work runs.
    pub outcome: Outcome,
    /// The findings that decided a non-GPU outcome.
    pub because: Vec<String>,
}

impl NodeSummary {
    /// The summary of `report`.
    pub fn of(report: &Report) -> NodeSummary {
        let system = &report.system;
        let mig = system
            .devices
            .iter()
            .filter(|d| d.mig)
            .map(|d| format!("GPU {}: {} MIG instance(s)", d.index, d.mig_devices.len()))
            .collect();
        let environments = report
            .environments
            .iter()
            .map(|env| EnvironmentSummary {
                name: env.label(),
                frameworks: env
                    .frameworks
                    .iter()
                    .map(|f| FrameworkSummary { label: f.label(), outcome: f.outcome, because: f.because.clone() })
                    .collect(),
            })
            .collect();
        NodeSummary {
            gpus: system.devices.iter().map(|d| d.name.clone()).collect(),
            driver: system.driver.as_ref().map(|d| d.version.clone()),
            cuda: system.driver.as_ref().and_then(|d| d.cuda_version.clone()),
            visible: report.visibility.visible.len(),
            usable: report.verdict.usable.len(),
            mig,
            environments,
        }
    }

    /// `4 x NVIDIA H100 80GB HBM3`, `NVIDIA A100, NVIDIA T4`, or `no GPU`.
    pub fn gpus_text(&self) -> String {
        match self.gpus.as_slice() {
            [] => "no GPU".to_string(),
            [first, rest @ ..] if rest.iter().all(|g| g == first) => {
                if rest.is_empty() {
                    first.clone()
                } else {
                    format!("{} x {first}", self.gpus.len())
                }
            }
            all => all.join(", "),
        }
    }
}

/// Nodes that look the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeGroup {
    /// Their names.
    pub nodes: Vec<String>,
    /// The same, compressed as Slurm writes node lists: `node[1-3,7]`.
    pub hostlist: String,
}

/// A finding and the nodes it concerns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetFinding {
    /// The finding, as one node's report (or the fleet's rules) gave it.
    #[serde(flatten)]
    pub finding: Finding,
    /// The nodes it concerns, in name order.
    pub nodes: Vec<String>,
    /// The same, compressed: `node[1-3,7]`.
    pub hostlist: String,
}

/// The merged answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetVerdict {
    /// Nodes asked.
    pub nodes: usize,
    /// Nodes that answered with a report.
    pub answered: usize,
    /// Nodes with a usable GPU.
    pub gpu_usable: usize,
    /// True when every node answered and has a usable GPU.
    pub all_usable: bool,
}

impl FleetReport {
    /// Merges `answers` carried by `engine`, with the fleet-wide findings the rules gave.
    pub fn new(engine: &str, mut answers: Vec<NodeAnswer>, fleet_findings: Vec<FleetFinding>) -> FleetReport {
        answers.sort_by_key(|a| natural_key(&a.name));
        let nodes: Vec<FleetNode> = answers
            .into_iter()
            .map(|answer| match answer.report {
                Ok(report) => FleetNode {
                    name: answer.name,
                    answered: true,
                    error: None,
                    summary: Some(NodeSummary::of(&report)),
                    report: Some(report),
                },
                Err(error) => {
                    FleetNode { name: answer.name, answered: false, error: Some(error), summary: None, report: None }
                }
            })
            .collect();
        let mut findings = fleet_findings;
        findings.extend(node_findings(&nodes));
        findings.sort_by_key(|f| (severity_rank(f.finding.severity), f.finding.code.clone()));
        let answered = nodes.iter().filter(|n| n.answered).count();
        let gpu_usable = nodes.iter().filter(|n| n.report.as_ref().is_some_and(|r| r.verdict.gpu_usable)).count();
        let verdict = FleetVerdict {
            nodes: nodes.len(),
            answered,
            gpu_usable,
            all_usable: !nodes.is_empty() && gpu_usable == nodes.len(),
        };
        FleetReport {
            fleet_schema_version: FLEET_SCHEMA_VERSION,
            tool: Tool { name: "gpuwise".into(), version: env!("CARGO_PKG_VERSION").into() },
            engine: engine.to_string(),
            groups: groups(&nodes),
            nodes,
            findings,
            verdict,
        }
    }
}

/// Answered nodes with the same summary, largest group first; nodes that did not answer are
/// left out (each is a finding).
fn groups(nodes: &[FleetNode]) -> Vec<NodeGroup> {
    let mut by_summary: BTreeMap<&NodeSummary, Vec<String>> = BTreeMap::new();
    for node in nodes {
        if let Some(summary) = &node.summary {
            by_summary.entry(summary).or_default().push(node.name.clone());
        }
    }
    let mut groups: Vec<NodeGroup> =
        by_summary.into_values().map(|nodes| NodeGroup { hostlist: hostlist(&nodes), nodes }).collect();
    groups.sort_by(|a, b| {
        b.nodes.len().cmp(&a.nodes.len()).then_with(|| natural_key(&a.nodes[0]).cmp(&natural_key(&b.nodes[0])))
    });
    groups
}

/// Every node's findings, the same finding (code, title, fix) on several nodes merged.
fn node_findings(nodes: &[FleetNode]) -> Vec<FleetFinding> {
    let mut merged: Vec<FleetFinding> = Vec::new();
    for node in nodes {
        for finding in node.report.iter().flat_map(|r| &r.findings) {
            let same = |f: &&mut FleetFinding| {
                f.finding.code == finding.code && f.finding.title == finding.title && f.finding.fix == finding.fix
            };
            match merged.iter_mut().find(same) {
                Some(existing) => existing.nodes.push(node.name.clone()),
                None => merged.push(FleetFinding {
                    finding: finding.clone(),
                    nodes: vec![node.name.clone()],
                    hostlist: String::new(),
                }),
            }
        }
    }
    for finding in &mut merged {
        finding.hostlist = hostlist(&finding.nodes);
    }
    merged
}

fn severity_rank(severity: Severity) -> u8 {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// A name split into text and numbers, so `node2` sorts before `node10`.
pub fn natural_key(name: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in name.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((std::mem::take(&mut text), digits.parse().unwrap_or(u64::MAX)));
                digits.clear();
            }
            text.push(c);
        }
    }
    key.push((text, digits.parse().unwrap_or(0)));
    key
}

/// Node names compressed as Slurm writes them: `node1,node2,node3,node7,gpu-a` becomes
/// `gpu-a,node[1-3,7]`. Names whose numbers have leading zeros keep their width (`n[01-03]`).
pub fn hostlist(names: &[String]) -> String {
    let split = |name: &str| {
        let digits = name.chars().rev().take_while(char::is_ascii_digit).count();
        let (prefix, number) = name.split_at(name.len() - digits);
        (prefix.to_string(), number.to_string())
    };
    // The widths written with leading zeros, by prefix: `node01` makes `node10` two wide too.
    let mut padded: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (prefix, number) in names.iter().map(|n| split(n)) {
        if number.len() > 1 && number.starts_with('0') {
            padded.entry(prefix).or_default().push(number.len());
        }
    }
    let mut by_prefix: BTreeMap<(String, usize), Vec<u64>> = BTreeMap::new();
    let mut plain: Vec<String> = Vec::new();
    for name in names {
        let (prefix, number) = split(name);
        match number.parse::<u64>() {
            Ok(n) => {
                let width =
                    if padded.get(&prefix).is_some_and(|w| w.contains(&number.len())) { number.len() } else { 0 };
                by_prefix.entry((prefix, width)).or_default().push(n);
            }
            Err(_) => plain.push(name.clone()),
        }
    }
    let mut parts = plain;
    for ((prefix, width), mut numbers) in by_prefix {
        numbers.sort_unstable();
        numbers.dedup();
        if numbers.len() == 1 {
            parts.push(format!("{prefix}{:0width$}", numbers[0]));
            continue;
        }
        let mut ranges: Vec<String> = Vec::new();
        let mut start = numbers[0];
        let mut end = start;
        for &n in &numbers[1..] {
            if n == end + 1 {
                end = n;
                continue;
            }
            ranges.push(range(start, end, width));
            (start, end) = (n, n);
        }
        ranges.push(range(start, end, width));
        parts.push(format!("{prefix}[{}]", ranges.join(",")));
    }
    parts.sort_by_key(|p| natural_key(p));
    parts.join(",")
}

fn range(start: u64, end: u64, width: usize) -> String {
    if start == end { format!("{start:0width$}") } else { format!("{start:0width$}-{end:0width$}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn node_lists_compress_as_slurm_writes_them() {
        assert_eq!(hostlist(&names("node3 node1 node2 node7")), "node[1-3,7]");
        assert_eq!(hostlist(&names("node1")), "node1");
        assert_eq!(hostlist(&names("gpu01 gpu02 gpu03 login")), "gpu[01-03],login");
        assert_eq!(hostlist(&names("n01 n03 n09 n10 n11 n15")), "n[01,03,09-11,15]");
        assert_eq!(hostlist(&names("n1 n9 n10")), "n[1,9-10]");
        assert_eq!(hostlist(&names("a1 b2 b3 tcp://10.0.0.5:4000")), "a1,b[2-3],tcp://10.0.0.5:4000");
        assert_eq!(hostlist(&[]), "");
    }

    #[test]
    fn names_sort_by_their_numbers() {
        let mut list = names("node10 node2 node1");
        list.sort_by_key(|n| natural_key(n));
        assert_eq!(list, names("node1 node2 node10"));
    }
}
