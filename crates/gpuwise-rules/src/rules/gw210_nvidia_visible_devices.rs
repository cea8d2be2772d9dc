//! GW210: `NVIDIA_VISIBLE_DEVICES` used where it has no effect, or set to hide every GPU.

use gpuwise_core::{Finding, Severity};

use crate::{Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW210",
    title: "NVIDIA_VISIBLE_DEVICES does not select GPUs here",
    severity: Severity::Info,
    explain: "\
# GW210: NVIDIA_VISIBLE_DEVICES does not select GPUs here

## What it means
`NVIDIA_VISIBLE_DEVICES` is read by the NVIDIA container runtime when it starts a container, not by
CUDA. Set on a plain host, or changed inside a running container, it changes nothing. In a
container's configuration, `none` gives no GPUs (driver libraries only) and `void` or an empty value
gives neither.

## Fix
To choose GPUs for a process, use `CUDA_VISIBLE_DEVICES`. To give a container GPUs, set
`NVIDIA_VISIBLE_DEVICES` (or `--gpus`) when starting it.

## Source
NVIDIA Container Toolkit docs (environment variables).
",
    check,
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(value) = ctx.system.container_runtime.nvidia_visible_devices.as_deref() else {
        return Vec::new();
    };
    if ctx.container().is_none() {
        return vec![RULE.finding(
            "NVIDIA_VISIBLE_DEVICES",
            "NVIDIA_VISIBLE_DEVICES is set outside a container, where it has no effect",
            format!("NVIDIA_VISIBLE_DEVICES=`{value}`; no container detected; CUDA reads CUDA_VISIBLE_DEVICES instead"),
            "use `CUDA_VISIBLE_DEVICES` to choose GPUs for a process",
        )];
    }
    if matches!(value.trim(), "none" | "void" | "") && ctx.devices().is_empty() {
        let mut finding = RULE.finding(
            "NVIDIA_VISIBLE_DEVICES",
            format!("The container was started with NVIDIA_VISIBLE_DEVICES=`{value}`: no GPU was given to it"),
            format!("NVIDIA_VISIBLE_DEVICES=`{value}` inside a container; no GPU is present"),
            "restart the container with `--gpus all` or `-e NVIDIA_VISIBLE_DEVICES=all`",
        );
        finding.severity = Severity::Error;
        return vec![finding];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::System;

    #[test]
    fn outside_a_container_it_is_noise_inside_none_hides_all() {
        let mut host = healthy(1);
        host.container_runtime.nvidia_visible_devices = Some("1".into());
        assert_eq!(run(&RULE, &host, &cvd(None))[0].severity, Severity::Info);
        let mut container = System::default();
        container.os.container = Some("docker".into());
        container.container_runtime.nvidia_visible_devices = Some("none".into());
        assert_eq!(run(&RULE, &container, &cvd(None))[0].severity, Severity::Error);
        container.container_runtime.nvidia_visible_devices = Some("all".into());
        assert!(run(&RULE, &container, &cvd(None)).is_empty());
    }
}
