//! GW110: `NVIDIA_DRIVER_CAPABILITIES` leaves out `compute`.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW110",
    title: "NVIDIA_DRIVER_CAPABILITIES lacks `compute`",
    severity: Severity::Error,
    explain: "\
# GW110: NVIDIA_DRIVER_CAPABILITIES lacks `compute`

## What it means
The NVIDIA container runtime mounts only the driver libraries named in
`NVIDIA_DRIVER_CAPABILITIES`. Without `compute` (or `all`) the container gets no `libcuda.so.1`,
so CUDA frameworks find no driver even though nvidia-smi (from `utility`) may work.
When the variable is unset the runtime's default is `utility,compute` in CUDA images.

## Fix
Start the container with `-e NVIDIA_DRIVER_CAPABILITIES=compute,utility` (or `all`), or set it
in the image (`ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility`).

## Source
NVIDIA Container Toolkit docs, \"Driver capabilities\"; NVIDIA/nvidia-docker#533.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    if !ctx.compute_capability_missing() {
        return Vec::new();
    }
    let caps = ctx.system.container_runtime.nvidia_driver_capabilities.as_deref().unwrap_or_default();
    vec![RULE.finding(
        "NVIDIA_DRIVER_CAPABILITIES",
        "NVIDIA_DRIVER_CAPABILITIES lacks `compute`: the container gets no libcuda",
        format!("NVIDIA_DRIVER_CAPABILITIES=`{caps}`; libcuda.so.1: {}", ctx.system.libraries.cuda.describe()),
        "restart the container with `-e NVIDIA_DRIVER_CAPABILITIES=compute,utility` (or `all`)",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn fires_for_utility_only() {
        let mut system = healthy(1);
        system.os.container = Some("docker".into());
        system.container_runtime.nvidia_driver_capabilities = Some("utility".into());
        assert!(run(&RULE, &system, &cvd(None)).is_empty(), "libcuda loaded after all");
        system.libraries.cuda = gpuwise_core::ProbeStatus::Unavailable { reason: "libcuda.so.1 not found".into() };
        assert_eq!(codes(&RULE, &system, &cvd(None)), ["GW110"]);
        system.container_runtime.nvidia_driver_capabilities = Some("compute, utility".into());
        assert!(run(&RULE, &system, &cvd(None)).is_empty());
        system.container_runtime.nvidia_driver_capabilities = Some("all".into());
        assert!(run(&RULE, &system, &cvd(None)).is_empty());
    }
}
