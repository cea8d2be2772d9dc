//! GW1004: a framework uses the GPU on some nodes and not on others.

use std::collections::BTreeMap;

use gpuwise_core::fleet::{FleetFinding, hostlist};
use gpuwise_core::{Outcome, Report, Severity};

use crate::{Check, FleetContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW1004",
    title: "A framework uses the GPU on some nodes and not on others",
    severity: Severity::Error,
    explain: "\
# GW1004: A framework uses the GPU on some nodes and not on others

## What it means
The same environment (the same interpreter path, the same framework version, usually on a shared
file system) uses the GPU on some nodes and not on others: the job \"ran on the CPU on some
nodes\". The nodes differ in something the build depends on: a GPU model the build has no code
for (a V100 against a build for sm_80 and newer), a driver older than the build's CUDA, a
library present on some nodes only, or no usable GPU at all. The findings on the failing nodes
(listed with this one) say which.

## Fix
Read the codes listed in the detail (`gpuwise explain CODE`). Then either fix the failing nodes
(driver, libraries), install a build that covers every model in the fleet, or send the work only
where it runs (a partition, or `--constraint`/features naming the GPU model).

## Source
Each framework's supported architectures and CUDA requirements (PyTorch, JAX, TensorFlow, CuPy
release notes); Slurm sbatch `--constraint`.
",
    check: Check::Fleet(check),
};

/// Where one framework of one environment uses the GPU and where not, with why.
#[derive(Default)]
struct Spread {
    gpu: Vec<String>,
    elsewhere: Vec<String>,
    because: Vec<String>,
    models_gpu: Vec<String>,
    models_elsewhere: Vec<String>,
}

fn model(report: &Report) -> String {
    FleetContext::main_model(report).unwrap_or("no GPU").to_string()
}

fn check(ctx: &FleetContext<'_>) -> Vec<FleetFinding> {
    let mut spreads: BTreeMap<(String, String), Spread> = BTreeMap::new();
    for (name, report) in ctx.answered() {
        for env in &report.environments {
            for framework in &env.frameworks {
                // Where the outcome cannot be judged, it is no evidence either way.
                if framework.outcome == Outcome::Unknown {
                    continue;
                }
                let spread = spreads.entry((env.label(), framework.label())).or_default();
                let (nodes, models) = if framework.outcome == Outcome::Gpu {
                    (&mut spread.gpu, &mut spread.models_gpu)
                } else {
                    spread.because.extend(framework.because.iter().cloned());
                    (&mut spread.elsewhere, &mut spread.models_elsewhere)
                };
                nodes.push(name.to_string());
                models.push(model(report));
            }
        }
    }
    spreads
        .into_iter()
        .filter(|(_, s)| !s.gpu.is_empty() && !s.elsewhere.is_empty())
        .map(|((env, framework), mut s)| {
            for list in [&mut s.because, &mut s.models_gpu, &mut s.models_elsewhere] {
                list.sort();
                list.dedup();
            }
            let because = if s.because.is_empty() { String::new() } else { format!(" Findings there: {}.", s.because.join(", ")) };
            RULE.fleet_finding(
                &s.elsewhere,
                format!(
                    "{framework} in {env} uses the GPU on {} ({}) but not on {} ({})",
                    hostlist(&s.gpu),
                    s.models_gpu.join(", "),
                    hostlist(&s.elsewhere),
                    s.models_elsewhere.join(", ")
                ),
                format!("The same environment gives different answers by node.{because}"),
                "fix what those findings name on the failing nodes, install a build for every GPU model, or run the work where it uses the GPU (a partition or --constraint)",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fleet::*;

    #[test]
    fn the_nodes_where_a_shared_environment_falls_back_are_named_with_why() {
        let nodes = vec![
            with_torch(node("node1", h100(4), "550.54.15", "12.4"), Outcome::Gpu, &[]),
            with_torch(node("node2", h100(4), "550.54.15", "12.4"), Outcome::Gpu, &[]),
            with_torch(node("node3", v100(4), "550.54.15", "12.4"), Outcome::Cpu, &["GW303"]),
        ];
        let found = check(&FleetContext { nodes: &nodes });
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].finding.title,
            "torch 2.5.1+cu124 in /shared/venv/bin/python uses the GPU on node[1-2] (NVIDIA H100 80GB HBM3) but not on node3 (Tesla V100-SXM2-32GB)"
        );
        assert!(found[0].finding.detail.ends_with("Findings there: GW303."));
    }

    #[test]
    fn the_same_answer_everywhere_is_no_finding() {
        let nodes = vec![
            with_torch(node("node1", h100(4), "550.54.15", "12.4"), Outcome::Cpu, &["GW301"]),
            with_torch(node("node2", v100(4), "550.54.15", "12.4"), Outcome::Cpu, &["GW301"]),
        ];
        assert!(check(&FleetContext { nodes: &nodes }).is_empty());
    }
}
