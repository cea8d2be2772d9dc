//! GW302: the driver is too old for the CUDA version a framework was built with.

use gpuwise_core::{Finding, Severity, parse_version};

use crate::install::{build_cuda, cuda_build_command};
use crate::{Check, FrameworkContext, Rule, cuda_family, cuda_release};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW302",
    title: "The driver is too old for the framework's CUDA build",
    severity: Severity::Error,
    explain: "\
# GW302: The driver is too old for the framework's CUDA build

## What it means
Every CUDA build needs a driver that supports its CUDA version. Within one major version,
minor-version compatibility lets a newer build run on an older driver of the same major (a CUDA
12.8 build on a CUDA 12.4 driver), as long as the driver is at least the major's minimum (525.60.13
for 12.x, 580 for 13.x) — but PTX compiled by the newer toolkit cannot be loaded, and features that
need the newer driver fail. Across a major it never runs: a CUDA 13 build on a CUDA 12 driver fails
to initialise (\"The NVIDIA driver on your system is too old (found version 12080)\") and the
framework falls back to the CPU or raises.

## Fix
Upgrade the driver to at least the version the finding names, or install the framework's build
for the CUDA major the driver supports (PyTorch 2.14 from `--index-url
https://download.pytorch.org/whl/cu126`, `jax[cuda12]`, `cupy-cuda12x`).

## Source
NVIDIA CUDA Compatibility guide, minor-version compatibility; CUDA Toolkit Release Notes driver
table (data/cuda_drivers.json); pytorch/pytorch#4546.
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    let (Some((major, minor)), Some(driver)) = (build_cuda(ctx.framework), ctx.env.machine.driver_cuda()) else {
        return Vec::new();
    };
    let build = ctx.framework.cuda().unwrap_or_default();
    let system = ctx.env.machine.system;
    let driver_version = system.driver.as_ref().map(|d| d.version.clone()).unwrap_or_default();
    let family_min = cuda_family(major).map(|f| f.min_driver.as_str());
    let below_family =
        family_min.is_some_and(|min| !driver_version.is_empty() && parse_version(&driver_version) < parse_version(min));
    let label = ctx.framework.label();
    let newest = format!("{}.{}", driver.0, driver.1);
    let release_min = cuda_release(build).map(|r| r.min_driver.clone());
    if driver.0 < major || below_family {
        let needs = family_min.map(|m| format!("driver >= {m}")).unwrap_or_else(|| format!("a CUDA {major} driver"));
        return vec![RULE.finding(
            ctx.subject(),
            format!("{label} needs CUDA {major} but driver {driver_version} supports only up to CUDA {newest}"),
            format!("{label} is built for CUDA {build}; CUDA {major}.x builds need {needs} (minor-version compatibility never crosses a major)"),
            match cuda_build_command(ctx) {
                Some(command) => format!("upgrade the driver to {needs}, or: {command}"),
                None => format!("upgrade the driver to {needs}"),
            },
        )];
    }
    match minor {
        Some(minor) if driver.0 == major && driver.1 < minor => {
            let mut finding = RULE.finding(
                ctx.subject(),
                format!("{label} is built for CUDA {build}, newer than the driver's CUDA {newest}: it runs under minor-version compatibility"),
                format!(
                    "driver {driver_version} supports CUDA up to {newest}; PTX from the CUDA {build} toolkit cannot be JIT-compiled and features that need a newer driver fail"
                ),
                release_min
                    .map(|m| format!("upgrade the driver to >= {m} (CUDA {build}) to run everything this build can do"))
                    .unwrap_or_else(|| format!("upgrade to a driver that supports CUDA {build}")),
            );
            finding.severity = Severity::Warning;
            vec![finding]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn on_driver(version: &str, cuda: &str) -> gpuwise_core::System {
        let mut system = healthy(1);
        let driver = system.driver.as_mut().unwrap();
        driver.version = version.into();
        driver.cuda_version = Some(cuda.into());
        system
    }

    #[test]
    fn never_across_a_major() {
        let cu130 = framework("torch", "2.11.0", "cuda-13.0");
        let found = framework_findings(&RULE, &on_driver("550.54.14", "12.4"), &cu130);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].title.contains("needs CUDA 13"), "{}", found[0].title);
        assert!(framework_codes(&RULE, &on_driver("580.95.05", "13.0"), &cu130).is_empty());
        let cu118 = framework("torch", "2.6.0+cu118", "cuda-11.8");
        assert_eq!(framework_codes(&RULE, &on_driver("470.82.01", "11.4"), &cu118).len(), 1);
        assert!(
            framework_codes(&RULE, &on_driver("580.95.05", "13.0"), &cu118).is_empty(),
            "newer drivers run older builds"
        );
    }

    #[test]
    fn newer_minor_is_a_warning() {
        let cu128 = framework("torch", "2.9.1", "cuda-12.8");
        let found = framework_findings(&RULE, &on_driver("550.54.14", "12.4"), &cu128);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].fix.contains("570.26"), "{}", found[0].fix);
        let any12 = framework("jax", "0.7.2", "cuda-12");
        assert!(framework_codes(&RULE, &on_driver("550.54.14", "12.4"), &any12).is_empty());
    }
}
