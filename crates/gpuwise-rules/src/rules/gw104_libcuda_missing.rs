//! GW104: NVML answers (nvidia-smi works) but libcuda cannot be loaded.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW104",
    title: "nvidia-smi works but libcuda.so.1 is missing",
    severity: Severity::Error,
    explain: "\
# GW104: nvidia-smi works but libcuda.so.1 is missing

## What it means
NVML (`libnvidia-ml.so.1`) loads and lists the GPUs, so `nvidia-smi` looks healthy, but the CUDA
driver library `libcuda.so.1` cannot be loaded. Every CUDA framework needs libcuda, so all of them
fall back to the CPU (\"Found no NVIDIA driver on your system\"). In a container this is the classic
sign of `NVIDIA_DRIVER_CAPABILITIES` lacking `compute` (only `utility` mounts NVML and nvidia-smi).

## Fix
In a container: `NVIDIA_DRIVER_CAPABILITIES=compute,utility` (or `all`). On a host: install the
driver's compute library (`libnvidia-compute-<branch>` on Debian/Ubuntu) and `sudo ldconfig`.

## Source
NVIDIA Container Toolkit docs, driver capabilities; NVIDIA/nvidia-docker#533.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let libs = &ctx.system.libraries;
    // Under WSL, GW115 says what to do; a container lacking `compute` is GW110's.
    if !libs.nvml.is_available()
        || !matches!(libs.cuda, gpuwise_core::ProbeStatus::Unavailable { .. })
        || ctx.system.os.wsl
        || ctx.compute_capability_missing()
    {
        return Vec::new();
    }
    let fix = if ctx.container().is_some() {
        "restart the container with `-e NVIDIA_DRIVER_CAPABILITIES=compute,utility` (or `all`)".to_string()
    } else {
        let branch = ctx.system.driver.as_ref().and_then(|d| d.version.split('.').next().map(str::to_string));
        format!(
            "install the driver's CUDA library (`sudo apt install libnvidia-compute-{}`), then `sudo ldconfig`",
            branch.unwrap_or_else(|| "<branch>".into())
        )
    };
    vec![RULE.finding(
        "libcuda.so.1",
        "nvidia-smi sees the GPUs, but libcuda.so.1 is missing: frameworks will use the CPU",
        format!("libnvidia-ml.so.1: {}; libcuda.so.1: {}", libs.nvml.describe(), libs.cuda.describe()),
        fix,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::ProbeStatus;

    #[test]
    fn in_a_container_the_fix_is_the_capability() {
        let mut system = healthy(1);
        system.libraries.cuda = ProbeStatus::Unavailable { reason: "libcuda.so.1 not found".into() };
        system.os.container = Some("docker".into());
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings.len(), 1);
        assert!(findings[0].fix.contains("NVIDIA_DRIVER_CAPABILITIES=compute,utility"));
        system.os.container = None;
        assert!(run(&RULE, &system, &cvd(None))[0].fix.contains("libnvidia-compute-580"));
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
    }
}
