//! GW1003: nodes with the same GPU model have different MIG layouts.

use std::collections::BTreeMap;

use gpuwise_core::fleet::{FleetFinding, hostlist, natural_key};
use gpuwise_core::{Report, Severity};

use crate::{Check, FleetContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW1003",
    title: "MIG layouts differ between nodes of the same model",
    severity: Severity::Warning,
    explain: "\
# GW1003: MIG layouts differ between nodes of the same model

## What it means
Nodes with the same GPU model are partitioned differently: MIG is on on some and off on others, or
the GPUs are cut into different instances. A job sees whole GPUs on one node and slices (a
seventh of the memory and multiprocessors, one instance per process) on another, so the same
code runs out of memory or runs several times slower depending on where it lands.

## Fix
Give every node of the model the same layout (`nvidia-smi mig -cgi ... -C` on each, or the GPU
operator's MIG manager with one profile), or make the difference explicit: separate partitions
or features for MIG and whole-GPU nodes, and Gres types naming the MIG profiles.

## Source
NVIDIA Multi-Instance GPU user guide (supported profiles, CUDA device enumeration with MIG); Slurm
gres.conf (AutoDetect=nvml and MIG).
",
    check: Check::Fleet(check),
};

/// A node's layout in words: `whole GPUs`, or each GPU's instances.
fn layout(report: &Report) -> String {
    let mig: Vec<String> = report
        .system
        .devices
        .iter()
        .filter(|d| d.mig)
        .map(|d| {
            let mut names: Vec<&str> =
                d.mig_devices.iter().map(|m| m.name.as_deref().unwrap_or("MIG instance")).collect();
            // The same instances made in another order are the same layout.
            names.sort_unstable();
            format!(
                "GPU {}: {}",
                d.index,
                if names.is_empty() { "MIG on, no instances".to_string() } else { names.join(" + ") }
            )
        })
        .collect();
    if mig.is_empty() { "whole GPUs (MIG off)".to_string() } else { mig.join("; ") }
}

fn check(ctx: &FleetContext<'_>) -> Vec<FleetFinding> {
    let mut found = Vec::new();
    for (model, nodes) in ctx.by_model() {
        let mut layouts: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, report) in &nodes {
            layouts.entry(layout(report)).or_default().push(name.to_string());
        }
        if layouts.len() < 2 {
            continue;
        }
        let all: Vec<String> = nodes.iter().map(|(name, _)| name.to_string()).collect();
        let mut layouts: Vec<(String, Vec<String>)> = layouts.into_iter().collect();
        layouts.sort_by_key(|(_, names)| natural_key(&names[0]));
        let detail: Vec<String> =
            layouts.iter().map(|(layout, names)| format!("{}: {layout}", hostlist(names))).collect();
        found.push(RULE.fleet_finding(
            &all,
            format!("{model} nodes are partitioned {} ways", layouts.len()),
            detail.join(". "),
            "give every node of the model the same MIG layout, or separate the layouts into partitions or features",
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fleet::*;

    #[test]
    fn mig_on_some_nodes_and_off_on_others_is_called_out() {
        let mut sliced = node("node2", a100(1), "550.54.15", "12.4");
        with_mig(&mut sliced, &["MIG 3g.40gb", "MIG 3g.40gb"]);
        let nodes = vec![node("node1", a100(1), "550.54.15", "12.4"), sliced];
        let found = check(&FleetContext { nodes: &nodes });
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].nodes, ["node1", "node2"]);
        assert_eq!(found[0].finding.detail, "node1: whole GPUs (MIG off). node2: GPU 0: MIG 3g.40gb + MIG 3g.40gb");
    }
}
