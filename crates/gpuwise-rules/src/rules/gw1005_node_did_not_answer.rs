//! GW1005: a node did not answer.

use std::collections::BTreeMap;

use gpuwise_core::Severity;
use gpuwise_core::fleet::{FleetFinding, hostlist};

use crate::{Check, FleetContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW1005",
    title: "A node did not answer",
    severity: Severity::Error,
    explain: "\
# GW1005: A node did not answer

## What it means
No report came back from the node: the scheduler could not start the task there (the node is
down, drained or not responding), the task ran past its time limit (a hung driver can hang any
program that asks it), the gpuwise binary was not found there, or what it printed was not a
report. Nothing is known about its GPUs; jobs sent there may fail the same way.

## Fix
Read the reason given. For a node Slurm marks down or not responding: `sinfo -R`, `scontrol show
node NODE`, and the node's slurmd log. For a timeout: run `nvidia-smi` on the node (a hung
driver shows there too). For a missing binary: put gpuwise on a file system the nodes share, or
pass its path on the nodes (`--gpuwise PATH`).

## Source
Slurm sinfo and scontrol documentation (node states and reasons); NVIDIA Xid catalogue.
",
    check: Check::Fleet(check),
};

fn check(ctx: &FleetContext<'_>) -> Vec<FleetFinding> {
    let mut by_reason: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for node in ctx.nodes {
        if let Err(reason) = &node.report {
            by_reason.entry(reason.as_str()).or_default().push(node.name.clone());
        }
    }
    by_reason
        .into_iter()
        .map(|(reason, nodes)| {
            RULE.fleet_finding(
                &nodes,
                format!("{} did not answer: {reason}", hostlist(&nodes)),
                reason,
                format!(
                    "check {} (under Slurm: `sinfo -R`, `scontrol show node`, its slurmd log), then run gpuwise doctor there",
                    hostlist(&nodes)
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fleet::*;

    #[test]
    fn silent_nodes_are_named_with_their_reason() {
        let nodes = vec![node("node1", h100(1), "550.54.15", "12.4"), down("node5"), down("node6")];
        let found = check(&FleetContext { nodes: &nodes });
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.title, "node[5-6] did not answer: the node is down");
    }
}
