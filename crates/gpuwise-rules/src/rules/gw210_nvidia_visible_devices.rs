//! GW210: `NVIDIA_VISIBLE_DEVICES` used where it has no effect, or set to hide every GPU.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW210",
    title: "NVIDIA_VISIBLE_DEVICES does not select GPUs here",
    severity: Severity::Info,
    explain: "\
# GW210: NVIDIA_VISIBLE_DEVICES does not select GPUs here

## What it means
`NVIDIA_VISIBLE_DEVICES` is read by the NVIDIA container runtime when it starts a container, not by
CUDA. Set on a plain host, it changes nothing. (Inside a container started without GPUs, GW109
reports its value: `none` gives no GPUs, `void` or an empty value neither GPUs nor libraries.)

## Fix
To choose GPUs for a process, use `CUDA_VISIBLE_DEVICES`. To give a container GPUs, set
`NVIDIA_VISIBLE_DEVICES` (or `--gpus`) when starting it.

## Source
NVIDIA Container Toolkit docs (environment variables).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(value) = ctx.system.container_runtime.nvidia_visible_devices.as_deref() else {
        return Vec::new();
    };
    if ctx.container().is_some() {
        return Vec::new();
    }
    vec![RULE.finding(
        "NVIDIA_VISIBLE_DEVICES",
        "NVIDIA_VISIBLE_DEVICES is set outside a container, where it has no effect",
        format!("NVIDIA_VISIBLE_DEVICES=`{value}`; no container detected; CUDA reads CUDA_VISIBLE_DEVICES instead"),
        "use `CUDA_VISIBLE_DEVICES` to choose GPUs for a process",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn fires_outside_containers_only() {
        let mut host = healthy(1);
        host.container_runtime.nvidia_visible_devices = Some("1".into());
        assert_eq!(run(&RULE, &host, &cvd(None))[0].severity, Severity::Info);
        host.os.container = Some("docker".into());
        assert!(run(&RULE, &host, &cvd(None)).is_empty());
    }
}
