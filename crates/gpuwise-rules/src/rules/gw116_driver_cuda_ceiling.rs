//! GW116: the driver's newest CUDA is older than what current framework builds need.

use gpuwise_core::{Finding, Severity, parse_version};

use crate::data::{TorchWheel, torch_wheels};
use crate::{Check, Context, Rule, cuda_family};

/// The newest CUDA major version current framework wheels are built for.
const NEWEST_MAJOR: u32 = 13;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW116",
    title: "The driver is too old for current CUDA builds",
    severity: Severity::Warning,
    explain: "\
# GW116: The driver is too old for current CUDA builds

## What it means
The driver supports CUDA up to the version nvidia-smi prints as \"CUDA Version\". A framework
built for a newer CUDA *major* version does not run on it (minor-version compatibility works only
within a major: a CUDA 12.8 build runs on any driver >= 525.60.13, a CUDA 13 build needs >= 580).
Today's default wheels are CUDA 12 or 13: PyTorch 2.15's PyPI wheels are CUDA 13.2, `jax[cuda12]`
and `cupy-cuda12x` need CUDA 12, `jax[cuda13]` and `cupy-cuda13x` CUDA 13. On a CUDA 11 driver
they fail with \"The NVIDIA driver on your system is too old (found version 11040)\" and fall back
to the CPU.

## Fix
Upgrade the driver (`sudo ubuntu-drivers install`, or your cluster's newer driver module), or
install builds for the driver's CUDA: e.g. PyTorch 2.14 from `--index-url
https://download.pytorch.org/whl/cu126` on a CUDA 12.x driver (2.15 has no CUDA 12 wheels). Remember the GPU must also be
supported by the newer builds (CUDA 13 drops compute capability below 7.5).

## Source
NVIDIA CUDA Toolkit Release Notes (driver table) and CUDA Compatibility guide (data/cuda_drivers.json);
pytorch/pytorch#4546.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(driver) = ctx.system.driver.as_ref() else {
        return Vec::new();
    };
    let Some(cuda) = driver.cuda_version.as_deref() else {
        return Vec::new();
    };
    let Some(major) = parse_version(cuda).and_then(|v| v.first().copied()) else {
        return Vec::new();
    };
    if major >= NEWEST_MAJOR {
        return Vec::new();
    }
    let needs: Vec<String> = (major + 1..=NEWEST_MAJOR)
        .filter_map(cuda_family)
        .map(|f| format!("CUDA {} builds need driver >= {}", f.major, f.min_driver))
        .collect();
    let mut finding = RULE.finding(
        "driver",
        format!(
            "Driver {} supports CUDA only up to {cuda}: CUDA {} builds will fall back to the CPU",
            driver.version,
            major + 1
        ),
        format!("driver {} reports CUDA {cuda}; {}", driver.version, needs.join("; ")),
        match newest_torch_for(major) {
            Some(wheel) => format!(
                "upgrade the driver (`sudo ubuntu-drivers install`), or install framework builds for CUDA {major} \
                 (PyTorch {}: `{}`)",
                wheel.torch,
                wheel.command()
            ),
            None => format!(
                "upgrade the driver (`sudo ubuntu-drivers install`), or install framework builds for CUDA {major}"
            ),
        },
    );
    if major + 1 == NEWEST_MAJOR {
        finding.severity = Severity::Info;
    }
    vec![finding]
}

/// The newest PyTorch wheel for CUDA `major` or older.
fn newest_torch_for(major: u32) -> Option<&'static TorchWheel> {
    torch_wheels().iter().find(|w| parse_version(&w.cuda).and_then(|v| v.first().copied()).is_some_and(|m| m <= major))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn with_driver(version: &str, cuda: &str) -> gpuwise_core::System {
        let mut system = healthy(1);
        let driver = system.driver.as_mut().unwrap();
        driver.version = version.into();
        driver.cuda_version = Some(cuda.into());
        system
    }

    #[test]
    fn cuda_11_drivers_warn_cuda_12_drivers_inform() {
        let old = run(&RULE, &with_driver("470.129.06", "11.4"), &cvd(None));
        assert_eq!(old[0].severity, Severity::Warning);
        assert!(
            old[0].detail.contains("CUDA 12 builds need driver >= 525.60.13; CUDA 13 builds need driver >= 580.65.06"),
            "{}",
            old[0].detail
        );
        assert_eq!(run(&RULE, &with_driver("550.54.14", "12.4"), &cvd(None))[0].severity, Severity::Info);
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
    }
}
