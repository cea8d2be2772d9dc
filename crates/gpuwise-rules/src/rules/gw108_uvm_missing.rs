//! GW108: the GPU nodes exist but `/dev/nvidia-uvm` does not.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW108",
    title: "/dev/nvidia-uvm is missing",
    severity: Severity::Error,
    explain: "\
# GW108: /dev/nvidia-uvm is missing

## What it means
CUDA needs the unified-memory module `nvidia_uvm` and its node `/dev/nvidia-uvm`. When the GPU
nodes exist but this one does not, nvidia-smi works while every CUDA program fails at start-up
(`CUDA_ERROR_UNKNOWN`, 999, or \"CUDA unknown error\" in PyTorch). The module is loaded on demand by
`nvidia-modprobe`, which containers and minimal installs may lack; a suspend/resume can also
leave it unusable.

## Fix
`sudo modprobe nvidia-uvm` (or `sudo nvidia-modprobe -u -c=0`) on the host; make it permanent by
adding `nvidia-uvm` to `/etc/modules-load.d/`. In a container, fix it on the host and restart it.

## Source
CUDA Installation Guide for Linux, \"Device Node Verification\"; pytorch/pytorch#88639.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let has_ctl = ctx.system.device_node("/dev/nvidiactl").is_some();
    // The node is created on demand: if cuInit succeeded, unified memory works.
    if !has_ctl || ctx.system.device_node("/dev/nvidia-uvm").is_some() || ctx.system.libraries.cuda.is_available() {
        return Vec::new();
    }
    vec![RULE.finding(
        "/dev/nvidia-uvm",
        "/dev/nvidia-uvm is missing: CUDA programs will fail to start",
        "/dev/nvidiactl exists but /dev/nvidia-uvm does not (the nvidia_uvm module is not loaded)",
        "`sudo modprobe nvidia-uvm` (or `sudo nvidia-modprobe -u -c=0`); add `nvidia-uvm` to /etc/modules-load.d/ to keep it",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn fires_only_when_uvm_alone_is_missing() {
        let mut system = healthy(1);
        system.device_nodes.retain(|n| n.path != "/dev/nvidia-uvm");
        assert!(run(&RULE, &system, &cvd(None)).is_empty(), "CUDA initialised, so UVM works");
        system.libraries.cuda = gpuwise_core::ProbeStatus::Failed { error: "cuInit: CUDA_ERROR_UNKNOWN (999)".into() };
        assert_eq!(codes(&RULE, &system, &cvd(None)), ["GW108"]);
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
        system.device_nodes.clear();
        assert!(run(&RULE, &system, &cvd(None)).is_empty());
    }
}
