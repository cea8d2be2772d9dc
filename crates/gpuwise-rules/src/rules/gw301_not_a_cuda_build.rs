//! GW301: a framework is a CPU-only (or ROCm) build on a machine with an NVIDIA GPU.

use gpuwise_core::{Build, Finding, FrameworkName, Severity};

use crate::install::cuda_build_fix;
use crate::{Check, FrameworkContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW301",
    title: "The framework is not a CUDA build",
    severity: Severity::Error,
    explain: "\
# GW301: The framework is not a CUDA build

## What it means
The installed build of the framework has no CUDA support at all, so it runs everything on the CPU
however good the GPU and driver are. Its own build files say so: `cuda = None` in
`torch/version.py` (wheels from the `cpu` index, or `+rocm` builds for AMD GPUs), `is_cuda_build`
false in TensorFlow's `build_info.py` (the `tensorflow-cpu` distribution), a jaxlib with no CUDA
plugin beside it. PyTorch then raises \"Torch not compiled with CUDA enabled\"; JAX says \"a
CUDA-enabled jaxlib is not installed. Falling back to cpu\".

## Fix
Install the CUDA build in the same environment, for example
`pip install torch --index-url https://download.pytorch.org/whl/cu128`,
`pip install 'tensorflow[and-cuda]'` (Linux or WSL2), `pip install -U 'jax[cuda12]'`. The
finding names the command that suits this machine's driver and GPUs.

## Source
pytorch/pytorch#43493 (CPU-only wheel); jax-ml/jax#29068 (no CUDA plugin); TensorFlow's
build_info.py keys (knowledge/frameworks.md).
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    let framework = ctx.framework;
    let windows_tf = framework.name == FrameworkName::Tensorflow
        && ctx.env.env.platform.as_deref().is_some_and(|p| p.starts_with("win32"));
    if framework.build.is_cuda() || framework.build == Build::Unknown || windows_tf || !ctx.env.machine_has_nvidia() {
        return Vec::new();
    }
    let what = if matches!(framework.build, Build::Rocm(_)) {
        format!("a ROCm build ({}) for AMD GPUs; this machine's GPUs are NVIDIA", framework.build)
    } else {
        "a CPU-only build".into()
    };
    let evidence = match framework.name {
        FrameworkName::Torch => "torch/version.py has `cuda = None`".to_string(),
        FrameworkName::Tensorflow => format!("{} with is_cuda_build false in build_info.py", framework.distribution),
        FrameworkName::Jax => "jaxlib is installed without a jax-cuda plugin".to_string(),
        _ => format!("{} declares no CUDA build", framework.distribution),
    };
    vec![RULE.finding(
        ctx.subject(),
        format!("{} is {what}: it will run on the CPU", framework.label()),
        format!("{evidence} ({})", framework.path),
        cuda_build_fix(ctx),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn cpu_builds_on_gpu_machines_only() {
        let system = healthy(1);
        assert_eq!(framework_codes(&RULE, &system, &framework("torch", "2.5.1+cpu", "cpu")), ["GW301"]);
        let rocm = framework_findings(&RULE, &system, &framework("torch", "2.5.1+rocm6.2", "rocm-6.2"));
        assert!(rocm[0].title.contains("ROCm build"), "{}", rocm[0].title);
        assert!(framework_codes(&RULE, &system, &framework("torch", "2.5.1", "cuda-12.4")).is_empty());
        let no_gpu = gpuwise_core::System::default();
        assert!(framework_codes(&RULE, &no_gpu, &framework("torch", "2.5.1+cpu", "cpu")).is_empty());
    }

    #[test]
    fn the_fix_suits_the_machine() {
        let mut system = healthy(1);
        let fix = &framework_findings(&RULE, &system, &framework("torch", "2.5.1+cpu", "cpu"))[0].fix;
        assert_eq!(
            fix, "pip uninstall -y torch && pip install 'torch==2.15.*'",
            "driver 580 and an H100: PyPI's CUDA 13.2"
        );
        system.devices[0].compute_capability = Some("7.0".into());
        let fix = &framework_findings(&RULE, &system, &framework("torch", "2.5.1+cpu", "cpu"))[0].fix;
        assert!(fix.contains("'torch==2.14.*'") && fix.ends_with("/whl/cu126"), "only cu126 kept Volta: {fix}");
        system.devices[0].compute_capability = Some("12.0".into());
        let driver = system.driver.as_mut().unwrap();
        (driver.version, driver.cuda_version) = ("575.57.08".into(), Some("12.9".into()));
        let fix = &framework_findings(&RULE, &system, &framework("torch", "2.5.1+cpu", "cpu"))[0].fix;
        assert!(fix.contains("'torch==2.13.*'") && fix.ends_with("/whl/cu129"), "Blackwell on a CUDA 12 driver: {fix}");
    }
}
