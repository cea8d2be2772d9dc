//! GW107: GPU device nodes exist but this user may not open them.

use gpuwise_core::{Finding, Severity};

use crate::{Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW107",
    title: "No permission on GPU device nodes",
    severity: Severity::Error,
    explain: "\
# GW107: No permission on GPU device nodes

## What it means
CUDA opens `/dev/nvidiactl`, `/dev/nvidia-uvm` and `/dev/nvidiaN` for reading and writing (ROCm
opens `/dev/kfd`). When this user lacks that access, CUDA initialisation fails with
`CUDA_ERROR_NO_DEVICE` or `CUDA_ERROR_UNKNOWN` and frameworks report no GPU, although nvidia-smi may
work as root.

## Fix
Look at the owner and mode: `ls -l /dev/nvidia*`. Add the user to the owning group
(`sudo usermod -aG video $USER`, then log in again), or have the driver create the nodes world
read-write (the default `NVreg_DeviceFileMode=0666`). For `/dev/kfd`, the group is `render`.

## Source
NVIDIA driver README, \"Device file permissions\" (NVreg_DeviceFileUID/GID/Mode); ROCm install docs (render group).
",
    check,
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let denied: Vec<String> = ctx
        .system
        .device_nodes
        .iter()
        .filter(|n| !n.path.contains("nvidia-caps") && !n.path.ends_with("dxg"))
        .filter(|n| !(n.readable && n.writable))
        .map(|n| {
            let missing = match (n.readable, n.writable) {
                (false, false) => "read and write",
                (false, true) => "read",
                _ => "write",
            };
            format!("{} (no {missing} access)", n.path)
        })
        .collect();
    if denied.is_empty() {
        return Vec::new();
    }
    vec![RULE.finding(
        denied.join(", "),
        "This user cannot open the GPU device nodes: CUDA will not initialise",
        format!("access(2) refused: {}", denied.join("; ")),
        "check `ls -l /dev/nvidia* /dev/kfd`; add the user to the owning group (`sudo usermod -aG video,render $USER`, then log in again)",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn fires_for_a_node_without_write_access() {
        let mut system = healthy(1);
        system.device_nodes[0].writable = false;
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings.len(), 1);
        assert!(findings[0].detail.contains("/dev/nvidiactl (no write access)"));
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
    }
}
