//! GW106: the kernel module and the user-space driver libraries are different versions.

use gpuwise_core::{Finding, ProbeStatus, Severity};

use gpuwise_core::cuda_result as codes;

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW106",
    title: "Driver/library version mismatch",
    severity: Severity::Error,
    explain: "\
# GW106: Driver/library version mismatch

## What it means
The loaded kernel module and the user-space libraries (NVML, libcuda) come from different driver
versions. nvidia-smi prints `Failed to initialize NVML: Driver/library version mismatch`, and CUDA
returns `CUDA_ERROR_SYSTEM_DRIVER_MISMATCH` (803). It almost always follows a driver upgrade (often
an unattended one) while the old module is still loaded.

## Fix
Reboot. Without a reboot: stop GPU processes, then
`sudo rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia && sudo modprobe nvidia nvidia_uvm`.
To stop it recurring, hold the driver packages (`sudo apt-mark hold 'nvidia-*'`).

## Source
NVML API reference (`NVML_ERROR_LIB_RM_VERSION_MISMATCH`); CUDA Driver API error codes (803).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let system = ctx.system;
    let nvml_says = matches!(&system.libraries.nvml, ProbeStatus::Failed { error } if error.contains("mismatch"));
    let cuda_says = system.libraries.cuda_init_error_code == Some(codes::SYSTEM_DRIVER_MISMATCH);
    let versions_differ = system.driver.as_ref().and_then(|d| {
        let module = d.kernel_module_version.as_deref()?;
        (system.libraries.nvml.is_available() && module != d.version).then(|| (module.to_string(), d.version.clone()))
    });
    if !nvml_says && !cuda_says && versions_differ.is_none() {
        return Vec::new();
    }
    let mut evidence = Vec::new();
    if let Some((module, library)) = &versions_differ {
        evidence.push(format!("kernel module {module}, NVML library {library}"));
    }
    if nvml_says {
        evidence.push(format!("NVML: {}", system.libraries.nvml.describe()));
    }
    if cuda_says {
        evidence.push(format!("CUDA: {}", system.libraries.cuda.describe()));
    }
    vec![RULE.finding(
        "driver",
        "Driver/library version mismatch: the loaded kernel module is not the installed driver's",
        evidence.join("; "),
        "reboot; or stop GPU processes and `sudo rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia && sudo modprobe nvidia nvidia_uvm`",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn each_sign_is_enough() {
        let mut nvml_failed = healthy(0);
        nvml_failed.libraries.nvml = ProbeStatus::Failed { error: "Driver/library version mismatch".into() };
        assert_eq!(codes(&RULE, &nvml_failed, &cvd(None)), ["GW106"]);

        let mut differ = healthy(1);
        differ.driver.as_mut().unwrap().kernel_module_version = Some("575.51.03".into());
        let findings = run(&RULE, &differ, &cvd(None));
        assert!(findings[0].detail.contains("kernel module 575.51.03, NVML library 580.159.04"));

        let mut cuda = healthy(1);
        cuda.libraries.cuda_init_error_code = Some(803);
        assert_eq!(codes(&RULE, &cuda, &cvd(None)), ["GW106"]);

        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
    }
}
