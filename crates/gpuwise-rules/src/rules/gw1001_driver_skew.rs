//! GW1001: nodes run different NVIDIA driver versions.

use std::collections::BTreeMap;

use gpuwise_core::fleet::{FleetFinding, hostlist};
use gpuwise_core::{Severity, parse_version};

use crate::{Check, FleetContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW1001",
    title: "Nodes run different driver versions",
    severity: Severity::Warning,
    explain: "\
# GW1001: Nodes run different driver versions

## What it means
The nodes of one cluster run different NVIDIA drivers. Each driver supports CUDA up to its own
version (the `CUDA Version` nvidia-smi prints), so a framework built for a newer CUDA runs on the
updated nodes and fails on the others (`CUDA driver version is insufficient for CUDA runtime
version`, or a silent fallback to the CPU): the same job works or not depending on where the
scheduler puts it. It usually means a rolling driver update that did not reach every node.

## Fix
Update the older nodes to the driver the others run (and reboot them, or reload the kernel
module), draining them first (`scontrol update nodename=NODE state=drain reason=driver`). Until
then, keep CUDA-12.x builds off them (a Slurm feature or constraint) or install framework builds
for the oldest CUDA the fleet supports.

## Source
NVIDIA CUDA Toolkit release notes, table 3 (minimum driver per CUDA version) and CUDA
compatibility guide (forward compatibility); Slurm scontrol documentation (drain).
",
    check: Check::Fleet(check),
};

fn check(ctx: &FleetContext<'_>) -> Vec<FleetFinding> {
    let mut by_version: BTreeMap<&str, (Option<&str>, Vec<String>)> = BTreeMap::new();
    for (name, report) in ctx.answered() {
        if let Some(driver) = &report.system.driver {
            let entry =
                by_version.entry(driver.version.as_str()).or_insert((driver.cuda_version.as_deref(), Vec::new()));
            entry.1.push(name.to_string());
        }
    }
    let Some(newest) = by_version.keys().copied().max_by(|a, b| parse_version(a).cmp(&parse_version(b))) else {
        return Vec::new();
    };
    let (newest_cuda, newest_nodes) = by_version[newest].clone();
    let mut older: Vec<_> = by_version.iter().filter(|(version, _)| **version != newest).collect();
    older.sort_by_key(|(version, _)| parse_version(version));
    older
        .into_iter()
        .map(|(version, (cuda, nodes))| {
            let ceiling = |cuda: Option<&str>| cuda.map_or(String::new(), |c| format!(" (CUDA up to {c})"));
            RULE.fleet_finding(
                nodes,
                format!("driver {version} on {} against {newest} on {}", hostlist(nodes), hostlist(&newest_nodes)),
                format!(
                    "{}: driver {version}{}; {}: driver {newest}{}. Builds for the newer CUDA fail on the older nodes.",
                    hostlist(nodes),
                    ceiling(*cuda),
                    hostlist(&newest_nodes),
                    ceiling(newest_cuda)
                ),
                format!("update the driver on {} to {newest} (drain them first)", hostlist(nodes)),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fleet::*;

    #[test]
    fn older_drivers_are_named_against_the_newest() {
        let nodes = vec![
            node("node1", h100(4), "550.54.15", "12.4"),
            node("node2", h100(4), "550.54.15", "12.4"),
            node("node3", h100(4), "470.82.01", "11.4"),
        ];
        let found = check(&FleetContext { nodes: &nodes });
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].nodes, ["node3"]);
        assert_eq!(found[0].finding.title, "driver 470.82.01 on node3 against 550.54.15 on node[1-2]");
        assert!(found[0].finding.detail.contains("(CUDA up to 11.4)"), "{}", found[0].finding.detail);
    }

    #[test]
    fn one_driver_everywhere_is_no_finding() {
        let nodes = vec![node("a", h100(1), "550.54.15", "12.4"), node("b", h100(2), "550.54.15", "12.4"), down("c")];
        assert!(check(&FleetContext { nodes: &nodes }).is_empty());
    }
}
