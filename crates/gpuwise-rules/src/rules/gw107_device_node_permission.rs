//! GW107: GPU device nodes exist but this user may not open them.

use gpuwise_core::{DeviceNode, Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW107",
    title: "No permission on GPU device nodes",
    severity: Severity::Error,
    explain: "\
# GW107: No permission on GPU device nodes

## What it means
CUDA opens `/dev/nvidiactl`, `/dev/nvidia-uvm` and `/dev/nvidiaN` for reading and writing. When
this user lacks that access to the shared nodes, CUDA initialisation fails with
`CUDA_ERROR_NO_DEVICE` or `CUDA_ERROR_UNKNOWN` and frameworks report no GPU, although nvidia-smi may
work as root; without access to `/dev/nvidiaN`, that one GPU is unusable. (ROCm's `/dev/kfd` is
GW114's.)

## Fix
Look at the owner and mode: `ls -l /dev/nvidia*`. Add the user to the owning group
(`sudo usermod -aG video $USER`, then log in again), or have the driver create the nodes world
read-write (the default `NVreg_DeviceFileMode=0666`).

## Source
NVIDIA driver README, \"Device file permissions\" (NVreg_DeviceFileUID/GID/Mode); ROCm install docs (render group).
",
    check: Check::System(check),
};

const FIX: &str =
    "check `ls -l /dev/nvidia*`; add the user to the owning group (`sudo usermod -aG video $USER`, then log in again)";

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let open_to_us = |n: &&DeviceNode| n.readable && n.writable;
    let denied = ctx.nvidia_nodes().filter(|n| !n.path.contains("nvidia-caps")).filter(|n| !open_to_us(n));
    let (per_gpu, shared): (Vec<&DeviceNode>, Vec<&DeviceNode>) = denied.partition(|n| gpu_of(ctx, n).is_some());
    let mut findings: Vec<Finding> = per_gpu
        .into_iter()
        .filter_map(|node| {
            let label = gpu_of(ctx, node)?;
            Some(RULE.finding(
                label.clone(),
                format!("This user cannot open {} ({label}): that GPU is unusable", node.path),
                format!("access(2) refused: {}", describe(node)),
                FIX,
            ))
        })
        .collect();
    if !shared.is_empty() {
        let paths: Vec<&str> = shared.iter().map(|n| n.path.as_str()).collect();
        findings.push(RULE.finding(
            paths.join(", "),
            "This user cannot open the GPU device nodes: CUDA will not initialise",
            format!("access(2) refused: {}", shared.iter().map(|n| describe(n)).collect::<Vec<_>>().join("; ")),
            FIX,
        ));
    }
    findings
}

/// `GPU N` when `node` is the `/dev/nvidia<minor>` of a known GPU.
fn gpu_of(ctx: &Context<'_>, node: &DeviceNode) -> Option<String> {
    let minor: u32 = node.path.strip_prefix("/dev/nvidia")?.parse().ok()?;
    ctx.devices().iter().find(|d| d.minor_number == Some(minor)).map(|d| d.label())
}

fn describe(node: &DeviceNode) -> String {
    let missing = match (node.readable, node.writable) {
        (false, false) => "read and write",
        (false, true) => "read",
        _ => "write",
    };
    format!("{} (no {missing} access)", node.path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn a_shared_node_blocks_the_machine_a_gpu_node_blocks_its_gpu() {
        let mut system = healthy(1);
        system.device_nodes[0].writable = false;
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings.len(), 1);
        assert!(findings[0].detail.contains("/dev/nvidiactl (no write access)"));
        assert_eq!(findings[0].subject, "/dev/nvidiactl");
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());

        let mut system = healthy(1);
        system.devices[0].minor_number = Some(0);
        system.device_nodes[2].readable = false;
        assert_eq!(run(&RULE, &system, &cvd(None))[0].subject, "GPU 0");
    }

    #[test]
    fn rocm_nodes_are_left_to_gw114() {
        let mut system = healthy(1);
        system.device_nodes.push(DeviceNode { path: "/dev/kfd".into(), readable: false, writable: false });
        assert!(run(&RULE, &system, &cvd(None)).is_empty());
    }
}
