//! GW103: the kernel module is loaded but neither NVML nor libcuda can be loaded.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW103",
    title: "NVIDIA kernel module loaded, but its user-space libraries are missing",
    severity: Severity::Error,
    explain: "\
# GW103: NVIDIA kernel module loaded, but its user-space libraries are missing

## What it means
`/proc/driver/nvidia/version` shows the kernel module, yet neither `libnvidia-ml.so.1` (what
nvidia-smi uses) nor `libcuda.so.1` (what every CUDA framework uses) can be loaded. The driver's
user-space half is not installed, not on the loader path, or (in a container) not mounted by the
NVIDIA container runtime.

## Fix
On a host, install the user-space packages matching the module's version (Debian/Ubuntu:
`libnvidia-compute-<branch>` and `nvidia-utils-<branch>`), then `sudo ldconfig`. In a container,
start it with the NVIDIA runtime (`--gpus all`) and `NVIDIA_DRIVER_CAPABILITIES=compute,utility`.

## Source
NVIDIA driver installation guide (package layout); NVIDIA Container Toolkit docs (driver capabilities).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let libs = &ctx.system.libraries;
    if !ctx.kernel_module_loaded() || !ctx.driver_libraries_missing() {
        return Vec::new();
    }
    let module = ctx.system.driver.as_ref().and_then(|d| d.kernel_module_version.clone()).unwrap_or_default();
    let fix = if let Some(container) = ctx.container() {
        crate::context::container_gpu_fix(container).to_string()
    } else {
        let branch = module.split('.').next().unwrap_or("580");
        format!(
            "install the driver's user-space libraries for {module} (`sudo apt install libnvidia-compute-{branch} nvidia-utils-{branch}`), then `sudo ldconfig`"
        )
    };
    vec![RULE.finding(
        "system",
        "NVIDIA kernel module is loaded but its libraries are not: no framework can reach the GPU",
        format!(
            "kernel module {module}; libnvidia-ml.so.1: {}; libcuda.so.1: {}",
            libs.nvml.describe(),
            libs.cuda.describe()
        ),
        fix,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::ProbeStatus;

    #[test]
    fn fires_when_only_the_module_is_there() {
        let mut system = healthy(0);
        system.libraries.nvml = ProbeStatus::Unavailable { reason: "libnvidia-ml.so.1 not found".into() };
        system.libraries.cuda = ProbeStatus::Unavailable { reason: "libcuda.so.1 not found".into() };
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings.len(), 1);
        assert!(findings[0].fix.contains("libnvidia-compute-580"), "{}", findings[0].fix);
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
    }

    #[test]
    fn failing_libraries_are_not_missing_ones() {
        use gpuwise_core::ProbeStatus;
        let mut system = healthy(0);
        system.libraries.nvml = ProbeStatus::Failed { error: "Driver/library version mismatch".into() };
        system.libraries.cuda = ProbeStatus::Failed { error: "cuInit: (803)".into() };
        assert!(run(&RULE, &system, &cvd(None)).is_empty(), "GW106 explains this case");
    }
}
