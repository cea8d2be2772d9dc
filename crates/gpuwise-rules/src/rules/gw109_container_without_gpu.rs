//! GW109: a container started without GPU access.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW109",
    title: "Container started without GPU access",
    severity: Severity::Error,
    explain: "\
# GW109: Container started without GPU access

## What it means
This process runs in a container that has no NVIDIA device nodes and no driver libraries. The
host may well have GPUs, but a container only sees them when its runtime injects them: Docker with
`--gpus`, the NVIDIA runtime with `NVIDIA_VISIBLE_DEVICES`, podman with a CDI device, Kubernetes
with an `nvidia.com/gpu` resource, Apptainer with `--nv`. `NVIDIA_VISIBLE_DEVICES=none` or `void`\nalso gives no GPU.

## Fix
Docker: `docker run --gpus all ...` (needs the NVIDIA Container Toolkit on the host).
Podman: `podman run --device nvidia.com/gpu=all ...`. Kubernetes: request
`resources.limits: {nvidia.com/gpu: 1}`. Apptainer/Singularity: `apptainer exec --nv ...`.\nCheck on the host first: `nvidia-smi`.

## Source
NVIDIA Container Toolkit docs (Docker, podman/CDI, `NVIDIA_VISIBLE_DEVICES`); NVIDIA/nvidia-docker#533.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(container) = ctx.container() else {
        return Vec::new();
    };
    if !ctx.system.devices.is_empty() || ctx.any_driver() || ctx.nvidia_nodes().next().is_some() {
        return Vec::new();
    }
    let nvd = ctx.system.container_runtime.nvidia_visible_devices.as_deref();
    let variable = match nvd {
        None => "NVIDIA_VISIBLE_DEVICES is unset".to_string(),
        Some(value) => format!("NVIDIA_VISIBLE_DEVICES=`{value}`"),
    };
    let fix = crate::context::container_gpu_fix(container);
    let host = if ctx.system.has_nvidia_pci_device() {
        "the PCI bus shows NVIDIA GPU(s) on the host, but they were not given to this container"
    } else {
        "the PCI bus shows no NVIDIA device either, so the host (or VM) may have none"
    };
    vec![RULE.finding(
        "container",
        format!("This {container} container has no GPU access"),
        format!(
            "inside {container}; {host}; no /dev/nvidia* nodes; no NVIDIA kernel module, NVML or libcuda; {variable}"
        ),
        fix,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::System;

    #[test]
    fn names_the_runtime_fix() {
        let mut system = System::default();
        system.os.container = Some("docker".into());
        let findings = run(&RULE, &system, &cvd(None));
        assert!(findings[0].fix.contains("--gpus all"));
        assert!(findings[0].detail.contains("NVIDIA_VISIBLE_DEVICES is unset"));
        assert!(findings[0].detail.contains("no NVIDIA device either"));
        system
            .pci_gpus
            .push(gpuwise_core::PciGpu { vendor_id: gpuwise_core::PciGpu::NVIDIA.into(), ..Default::default() });
        assert!(run(&RULE, &system, &cvd(None))[0].detail.contains("not given to this container"));
        system.os.container = Some("kubernetes".into());
        assert!(run(&RULE, &system, &cvd(None))[0].fix.contains("nvidia.com/gpu"));
        let mut with_gpu = healthy(1);
        with_gpu.os.container = Some("docker".into());
        assert!(run(&RULE, &with_gpu, &cvd(None)).is_empty());
    }
}
