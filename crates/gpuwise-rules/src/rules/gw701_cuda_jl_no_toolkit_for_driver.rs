//! GW701: CUDA.jl finds no CUDA toolkit that runs on this driver.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Choice, JuliaContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW701",
    title: "CUDA.jl has no CUDA toolkit for this driver",
    severity: Severity::Error,
    explain: "\
# GW701: CUDA.jl has no CUDA toolkit for this driver

## What it means
CUDA.jl does not use a system CUDA toolkit: CUDA_Runtime_jll picks one of the toolkits it ships,
the newest whose major version the driver supports (a CUDA 12.x toolkit needs a driver for CUDA
12 or newer). When every toolkit the installed version offers is of a newer major than the driver
— CUDA.jl 5.9 and later ship only CUDA 12 and 13 toolkits, so a driver for CUDA 11 has none —
no toolkit is selected, `CUDA.functional()` is false and every GPU array operation fails. On
data-center GPUs CUDA_Driver_jll may load a forward-compatible driver that lifts the ceiling;
gpuwise does not count on that, as it works only on some GPUs and driver branches.

## Fix
Upgrade the NVIDIA driver to one for the toolkits the package offers, or keep a CUDA.jl release
that still supports the driver's CUDA (`] add CUDA@5.8` is the last with CUDA 11).

## Source
JuliaPackaging/Yggdrasil C/CUDA/CUDA_Runtime/toolkit_selection.jl (select_cuda_toolkit);
JuliaGPU/CUDA.jl README, Requirements.
",
    check: Check::CudaJl(check),
};

fn check(ctx: &JuliaContext<'_>) -> Vec<Finding> {
    let (Some(Choice::NoneForDriver { driver }), Some(runtime)) = (ctx.choice, ctx.env.cuda_runtime.as_ref()) else {
        return Vec::new();
    };
    let (major, minor) = driver;
    let driver_version = ctx.machine.system.driver.as_ref().map(|d| d.version.as_str()).unwrap_or("?");
    vec![RULE.finding(
        ctx.subject(),
        format!("CUDA.jl has no CUDA toolkit for driver {driver_version} (CUDA {major}.{minor})"),
        format!(
            "CUDA_Runtime_jll {} offers CUDA {}; each needs a driver for its major version or newer",
            runtime.version,
            runtime.toolkits.join(", ")
        ),
        format!(
            "upgrade the driver to one for CUDA {}, or `] add CUDA@5.8` (the last CUDA.jl for CUDA 11 drivers)",
            runtime.toolkits.first().map(String::as_str).unwrap_or("12")
        ),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn cuda_11_driver_with_cuda_12_only_toolkits() {
        let env = julia_with_cuda(&["12.0", "12.9", "13.0"]);
        let found = julia_findings(&RULE, &machine(1, "11.4", "7.0"), &env);
        assert_eq!(found.len(), 1);
        assert!(found[0].title.contains("CUDA 11.4"), "{}", found[0].title);
        assert!(julia_codes(&RULE, &machine(1, "12.2", "7.0"), &env).is_empty());
        let cuda5 = julia_with_cuda(&["11.8", "12.6"]);
        assert!(julia_codes(&RULE, &machine(1, "11.4", "7.0"), &cuda5).is_empty(), "11.8 runs on an 11.4 driver");
    }
}
