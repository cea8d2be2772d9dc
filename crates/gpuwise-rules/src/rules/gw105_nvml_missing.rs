//! GW105: libcuda loads but NVML does not.

use gpuwise_core::{Finding, ProbeStatus, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW105",
    title: "libcuda.so.1 works but NVML (nvidia-smi's library) is missing",
    severity: Severity::Warning,
    explain: "\
# GW105: libcuda.so.1 works but NVML is missing

## What it means
The CUDA driver loads, so frameworks can compute on the GPU, but `libnvidia-ml.so.1` cannot be
loaded: `nvidia-smi`, memory and process monitoring, and tools that count devices through NVML
(PyTorch does so before initialising CUDA) do not work. In a container, `utility` is missing from
`NVIDIA_DRIVER_CAPABILITIES`.

## Fix
In a container: `NVIDIA_DRIVER_CAPABILITIES=compute,utility`. On a host: install the driver's
utilities (`nvidia-utils-<branch>` / `libnvidia-ml` package matching the driver).

## Source
NVIDIA Container Toolkit docs, driver capabilities (`utility` mounts nvidia-smi and NVML).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let libs = &ctx.system.libraries;
    if !libs.cuda.is_available() || !matches!(libs.nvml, ProbeStatus::Unavailable { .. }) || ctx.system.os.wsl {
        return Vec::new();
    }
    let fix = if ctx.container().is_some() {
        "restart the container with `-e NVIDIA_DRIVER_CAPABILITIES=compute,utility`"
    } else {
        "install the driver's utilities package matching the driver (`sudo apt install nvidia-utils-<branch>`)"
    };
    vec![RULE.finding(
        "libnvidia-ml.so.1",
        "CUDA works but NVML is missing: no nvidia-smi, no memory or process monitoring",
        format!("libcuda.so.1: {}; libnvidia-ml.so.1: {}", libs.cuda.describe(), libs.nvml.describe()),
        fix,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn fires_only_for_the_missing_nvml_case() {
        let mut system = healthy(1);
        system.libraries.nvml = ProbeStatus::Unavailable { reason: "libnvidia-ml.so.1 not found".into() };
        assert_eq!(codes(&RULE, &system, &cvd(None)), ["GW105"]);
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
    }
}
