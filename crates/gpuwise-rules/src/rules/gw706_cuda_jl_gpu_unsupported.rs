//! GW706: the toolkit CUDA.jl will use cannot compile for a GPU.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Choice, JuliaContext, Rule, toolkit_supports};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW706",
    title: "CUDA.jl's toolkit cannot compile for the GPU",
    severity: Severity::Error,
    explain: "\
# GW706: CUDA.jl's toolkit cannot compile for the GPU

## What it means
CUDA.jl compiles every kernel for the GPU it runs on with the toolkit CUDA_Runtime_jll picked. A
toolkit supports a range of compute capabilities: CUDA 13 dropped Maxwell, Pascal and Volta
(`sm_50` to `sm_72`), CUDA 12 dropped Kepler, and Blackwell (`sm_100`, `sm_120`) needs CUDA 12.8 or
newer. When the installed CUDA_Runtime_jll offers no toolkit for a GPU, CUDA_Runtime_jll leaves
that GPU out of its choice and CUDA.jl warns that the device is unsupported; kernels fail on it.

## Fix
For a new GPU, update CUDA.jl (`] up CUDA`) so its CUDA_Runtime_jll offers a newer toolkit (and
the driver supports it). For an old GPU, keep the CUDA.jl release that still supports it
(`] add CUDA@5.8` for Kepler), or pin an older toolkit with `CUDA.set_runtime_version!`.

## Source
JuliaPackaging/Yggdrasil C/CUDA/CUDA_Runtime/toolkit_selection.jl (cuda_cap_db;
data/toolkit_architectures.json); JuliaGPU/CUDA.jl README, Requirements.
",
    check: Check::CudaJl(check),
};

fn check(ctx: &JuliaContext<'_>) -> Vec<Finding> {
    let Some(Choice::Toolkit { cuda, .. }) = ctx.choice else { return Vec::new() };
    let devices = ctx.usable_devices();
    let unsupported: Vec<String> = devices
        .iter()
        .filter(|d| !toolkit_supports(cuda, d.compute_capability.as_deref().unwrap_or_default()))
        .map(|d| format!("{} (compute capability {})", d.name, d.compute_capability.as_deref().unwrap_or("?")))
        .collect();
    if unsupported.is_empty() {
        return Vec::new();
    }
    let mut finding = RULE.finding(
        ctx.subject(),
        format!("CUDA {cuda}, the toolkit CUDA.jl will use, cannot compile for {}", unsupported.join(", ")),
        format!(
            "CUDA_Runtime_jll {} offers CUDA {}",
            ctx.env.cuda_runtime.as_ref().map(|r| r.version.as_str()).unwrap_or("?"),
            ctx.env.cuda_runtime.as_ref().map(|r| r.toolkits.join(", ")).unwrap_or_default()
        ),
        "update CUDA.jl (`] up CUDA`) for a newer GPU, or keep an older CUDA.jl (`] add CUDA@5.8`) for an older one",
    );
    if unsupported.len() < devices.len() {
        finding.severity = Severity::Warning;
    }
    vec![finding]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn blackwell_needs_cuda_12_8() {
        let env = julia_with_cuda(&["11.8", "12.6"]);
        let found = julia_findings(&RULE, &machine(1, "13.0", "12.0"), &env);
        assert_eq!(found[0].severity, Severity::Error);
        let newer = julia_with_cuda(&["12.6", "12.9", "13.0"]);
        assert!(julia_codes(&RULE, &machine(1, "13.0", "12.0"), &newer).is_empty());
    }

    #[test]
    fn one_unsupported_gpu_among_others_is_a_warning() {
        let env = julia_with_cuda(&["12.0", "12.9", "13.0"]);
        let mut system = machine(2, "13.0", "9.0");
        system.devices[1].compute_capability = Some("3.5".into());
        let found = julia_findings(&RULE, &system, &env);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].title.contains("3.5"), "{}", found[0].title);
    }
}
