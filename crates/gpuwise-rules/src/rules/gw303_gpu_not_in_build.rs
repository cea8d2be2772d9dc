//! GW303: a framework build has no code for a GPU's architecture.

use gpuwise_core::{Finding, Severity};

use crate::compat::{self, Support};
use crate::install::cuda_build_fix;
use crate::{Check, FrameworkContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW303",
    title: "The framework build has no code for this GPU",
    severity: Severity::Error,
    explain: "\
# GW303: The framework build has no code for this GPU

## What it means
A CUDA build carries machine code (SASS) for a list of GPU architectures and sometimes PTX. SASS
built for X.y runs only on GPUs of the same major X with minor >= y; PTX is compiled by the driver
for any newer GPU (slowly, on first use). A GPU outside that list cannot run the framework's
kernels: a GPU too new for the build (a Blackwell sm_120 card with a cu124 PyTorch) or too old (a
Kepler sm_37 card with cu121+, a V100 sm_70 with any CUDA 13 build). PyTorch warns \"... with CUDA
capability sm_120 is not compatible with the current PyTorch installation\" or \"PyTorch no
longer supports this GPU because it is too old\"; `torch.cuda.is_available()` still returns True
and the first kernel fails with \"no kernel image is available for execution on the device\".

The list comes from the library itself (the `.nv_fatbin` section of libtorch_cuda.so, TensorFlow's
build_info.py, the JAX plugin's library) or, when that cannot be read, from the release table in
data/framework_builds.json.

TensorFlow also generates kernels while it runs (XLA, its MLIR-generated kernels), as PTX of the
CUDA toolkit it was built with, naming the GPU as the target. A GPU that toolkit cannot target
fails at the first such kernel (`CUDA_ERROR_INVALID_PTX`; \"PTX version 8.5 does not support
target 'sm_120'\") even where the build's precompiled PTX would run: TensorFlow 2.18 to 2.21 use
CUDA 12.5, which targets nothing newer than compute capability 9.0.

## Fix
For a GPU too new, install a newer build (PyTorch cu128 or newer for Blackwell). For a GPU too old,
install an older build that still lists it (PyTorch cu126 for sm_50-sm_61, cu118 up to 2.6 for
sm_37), or use another GPU via `CUDA_VISIBLE_DEVICES`. No TensorFlow wheel on PyPI runs on Blackwell yet:
NVIDIA's TensorFlow container does, or a build from source with CUDA 12.8 or newer.

## Source
pytorch/pytorch#150733 (sm_120), #30532 (too old); torch/cuda/__init__.py compatibility rule;
TORCH_CUDA_ARCH_LIST in pytorch/pytorch .ci/manywheel/build_cuda.sh (knowledge/frameworks.md);
tensorflow/tensorflow#99592 and #111958 (sm_120), #95705 (a source build with CUDA 12.8).
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    if !ctx.framework.build.is_cuda() {
        return Vec::new();
    }
    let Some(targets) = compat::targets(ctx.framework) else { return Vec::new() };
    let devices: Vec<_> = ctx.env.usable_devices().collect();
    let judged: Vec<_> = devices.iter().filter_map(|d| Some((*d, compat::support(&targets, d)?))).collect();
    let unsupported: Vec<_> = judged.iter().filter(|(_, s)| matches!(s, Support::None(_))).collect();
    let label = ctx.framework.label();
    let mut findings: Vec<Finding> = unsupported
        .iter()
        .map(|(device, support)| {
            let cc = device.compute_capability.clone().unwrap_or_default();
            let Support::None(has) = support else { unreachable!("filtered above") };
            let mut finding = RULE.finding(
                format!("{} ({})", ctx.subject(), device.label()),
                format!("{label} has no code for {} ({}, compute capability {cc})", device.label(), device.name),
                format!("the build has {has} (from {})", targets.source),
                cuda_build_fix(ctx),
            );
            if unsupported.len() < devices.len() {
                finding.severity = Severity::Warning;
                finding.fix = format!("{}; or hide {} with CUDA_VISIBLE_DEVICES", finding.fix, device.label());
            }
            finding
        })
        .collect();
    findings.extend(judged.iter().filter_map(|(device, support)| {
        let Support::Ptx(ptx) = support else { return None };
        let mut finding = RULE.finding(
            format!("{} ({})", ctx.subject(), device.label()),
            format!("{label} runs on {} only through PTX ({ptx}), compiled at first use", device.label()),
            format!(
                "no machine code for compute capability {} (from {})",
                device.compute_capability.clone().unwrap_or_default(),
                targets.source
            ),
            "expect a slow first run while the driver compiles; a newer build with native code avoids it",
        );
        finding.severity = Severity::Info;
        Some(finding)
    }));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn with_gpus(ccs: &[&str]) -> gpuwise_core::System {
        let mut system = healthy(ccs.len() as u32);
        for (device, cc) in system.devices.iter_mut().zip(ccs) {
            device.compute_capability = Some(cc.to_string());
        }
        system
    }

    #[test]
    fn blackwell_needs_cu128() {
        let cu124 = framework("torch", "2.5.1", "cuda-12.4");
        let found = framework_findings(&RULE, &with_gpus(&["12.0"]), &cu124);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].detail.contains("sm_90"), "{}", found[0].detail);
        assert!(framework_codes(&RULE, &with_gpus(&["12.0"]), &framework("torch", "2.9.1", "cuda-12.8")).is_empty());
    }

    #[test]
    fn one_bad_gpu_of_two_is_a_warning_and_ptx_is_info() {
        let cu130 = framework("torch", "2.11.0", "cuda-13.0");
        let found = framework_findings(&RULE, &with_gpus(&["9.0", "7.0"]), &cu130);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        let ptx = framework_findings(&RULE, &with_gpus(&["13.0"]), &cu130);
        assert_eq!(ptx[0].severity, Severity::Info);
    }

    #[test]
    fn architectures_read_from_the_library_win_over_the_table() {
        let mut cu124 = framework("torch", "2.5.1", "cuda-12.4");
        cu124.architectures = vec!["sm_120".into()];
        assert!(framework_codes(&RULE, &with_gpus(&["12.0"]), &cu124).is_empty());
    }

    #[test]
    fn tensorflow_generates_kernels_only_for_gpus_its_toolkit_targets() {
        let mut tf = framework("tensorflow", "2.21.0", "cuda-12.5");
        tf.distribution = "tensorflow".into();
        tf.architectures = ["sm_60", "sm_70", "sm_80", "sm_89", "sm_90", "compute_90"].map(String::from).to_vec();
        assert!(framework_codes(&RULE, &with_gpus(&["9.0"]), &tf).is_empty(), "sm_90 machine code runs on a H100");
        let found = framework_findings(&RULE, &with_gpus(&["12.0"]), &tf);
        assert_eq!(found.len(), 1, "compute_90 PTX alone would look fine: {found:?}");
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].detail.contains("CUDA 12.5"), "{}", found[0].detail);
        assert!(
            found[0].fix.contains("nvcr.io/nvidia/tensorflow") && !found[0].fix.contains("pip install"),
            "no wheel on PyPI helps: {}",
            found[0].fix
        );
    }
}
