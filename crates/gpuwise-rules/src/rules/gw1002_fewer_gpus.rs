//! GW1002: a node has fewer GPUs than the other nodes of its model.

use gpuwise_core::Severity;
use gpuwise_core::fleet::{FleetFinding, hostlist};

use crate::{Check, FleetContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW1002",
    title: "A node has fewer GPUs than its siblings",
    severity: Severity::Error,
    explain: "\
# GW1002: A node has fewer GPUs than its siblings

## What it means
Nodes with the same GPU model usually hold the same number of them; this node's driver lists
fewer than most of its siblings do. A GPU that fell off the bus (Xid 79), failed its memory
(retired pages, Xid 48/63/64), was disabled or is held by a failed MIG reconfiguration disappears
from NVML: jobs asking for every GPU of a node hang waiting or fail there, and
`torch.cuda.device_count()` is short.

## Fix
On the node: `nvidia-smi` (which GPUs are listed), `lspci -d 10de:` (which are on the bus),
`dmesg | grep -i xid` (why one left). Drain it (`scontrol update nodename=NODE state=drain
reason=lost-gpu`) and reset the GPU (`nvidia-smi -r -i N`) or reboot; if it does not come back,
it is a hardware case for the vendor. If the node was built with fewer GPUs, declare its real
count (`Gres=gpu:N` in slurm.conf) and ignore this finding.

## Source
NVIDIA GPU debug guidelines and Xid catalogue (Xid 79: GPU has fallen off the bus); Slurm gres.conf
and scontrol documentation.
",
    check: Check::Fleet(check),
};

fn check(ctx: &FleetContext<'_>) -> Vec<FleetFinding> {
    let mut found = Vec::new();
    for (model, nodes) in ctx.by_model() {
        if nodes.len() < 2 {
            continue;
        }
        let count = |report: &gpuwise_core::Report| report.system.devices.iter().filter(|d| d.name == model).count();
        let counts: Vec<usize> = nodes.iter().map(|(_, report)| count(report)).collect();
        // The usual count: the one most nodes have. Without a majority (half 4-GPU, half 8-GPU
        // nodes), the largest, but then only the PCI bus's word convicts a node.
        let most = counts.iter().copied().max_by_key(|c| (counts.iter().filter(|n| *n == c).count(), *c)).unwrap_or(0);
        let majority = counts.iter().filter(|c| **c == most).count() * 2 > counts.len();
        let usual = if majority { most } else { counts.iter().copied().max().unwrap_or(0) };
        let siblings: Vec<String> =
            nodes.iter().filter(|(_, r)| count(r) >= usual).map(|(name, _)| name.to_string()).collect();
        for (name, report) in nodes.iter().filter(|(_, r)| count(r) < usual) {
            let have = count(report);
            let on_bus = report.system.pci_gpus.iter().filter(|p| p.vendor_id.eq_ignore_ascii_case("0x10de")).count();
            if !majority && on_bus <= have {
                continue;
            }
            let bus = if on_bus > have {
                format!(" The PCI bus shows {on_bus} NVIDIA controllers: the driver lost {}.", on_bus - have)
            } else {
                String::new()
            };
            found.push(RULE.fleet_finding(
                &[name.to_string()],
                format!("{name} has {have} {model} where {} have {usual}", hostlist(&siblings)),
                format!("The driver lists {have} of the {usual} GPUs its siblings have.{bus}"),
                format!(
                    "on {name}: `nvidia-smi`, `lspci -d 10de:`, `dmesg | grep -i xid`; drain it and reset or reboot"
                ),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fleet::*;

    #[test]
    fn a_node_short_of_its_siblings_gpus_is_named() {
        let nodes = vec![
            node("node1", h100(4), "550.54.15", "12.4"),
            node("node2", h100(3), "550.54.15", "12.4"),
            node("node3", h100(4), "550.54.15", "12.4"),
            node("node4", a100(2), "550.54.15", "12.4"),
        ];
        let found = check(&FleetContext { nodes: &nodes });
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].finding.title, "node2 has 3 NVIDIA H100 80GB HBM3 where node[1,3] have 4");
    }

    #[test]
    fn nodes_built_with_fewer_gpus_are_no_loss_without_the_bus_saying_so() {
        let nodes = vec![node("node1", h100(8), "550.54.15", "12.4"), node("node2", h100(4), "550.54.15", "12.4")];
        assert!(check(&FleetContext { nodes: &nodes }).is_empty(), "no majority, no PCI evidence");
        let mut lost = node("node2", h100(4), "550.54.15", "12.4");
        let bus = (0..8).map(|i| gpuwise_core::PciGpu {
            bus_id: format!("{i}"),
            vendor_id: "0x10de".into(),
            ..Default::default()
        });
        lost.report.as_mut().unwrap().system.pci_gpus = bus.collect();
        let nodes = vec![node("node1", h100(8), "550.54.15", "12.4"), lost];
        let found = check(&FleetContext { nodes: &nodes });
        assert_eq!(found.len(), 1);
        assert!(found[0].finding.detail.ends_with("the driver lost 4."), "{}", found[0].finding.detail);
    }

    #[test]
    fn a_lone_node_of_its_model_has_no_siblings() {
        let nodes = vec![node("node1", h100(8), "550.54.15", "12.4"), node("node2", a100(2), "550.54.15", "12.4")];
        assert!(check(&FleetContext { nodes: &nodes }).is_empty());
    }
}
