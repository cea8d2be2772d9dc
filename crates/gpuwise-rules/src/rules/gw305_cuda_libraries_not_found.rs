//! GW305: a CUDA library a framework loads is nowhere the loader looks.

use gpuwise_core::{Finding, FrameworkName, Severity};

use crate::install::{cuda_build_fix, other_cupy_wheels};
use crate::{Check, FrameworkContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW305",
    title: "CUDA libraries the framework loads are not found",
    severity: Severity::Error,
    explain: "\
# GW305: CUDA libraries the framework loads are not found

## What it means
Some builds load CUDA libraries from the machine rather than bringing them: plain `tensorflow`
(without `[and-cuda]`) needs the CUDA runtime, cuBLAS and cuDNN of its build; `cupy-cudaNNx` needs
NVRTC and cuBLAS; Numba compiles kernels with NVVM (`libnvvm.so`). gpuwise looks where the loader
and these frameworks look: the `nvidia-*` wheels of the environment, `LD_LIBRARY_PATH`,
/etc/ld.so.conf and the system directories, `CUDA_PATH`/`CUDA_HOME` and /usr/local/cuda. When a
library is in none of them, TensorFlow prints \"Cannot dlopen some GPU libraries\" and skips the
GPU; CuPy fails at its first kernel; Numba reports CUDA available but cannot compile. Some are
loaded by the import itself, which then fails: the CUDA libraries `libtorch_cuda.so` links (read
from its dynamic section), and the CUDA runtime numba-cuda's `from numba import cuda` loads
(`DynamicLibNotFoundError: Failure finding \"libcudart.so.13 or libcudart.so.12\"`).

## Fix
Install the libraries as wheels into the same environment (`pip install 'tensorflow[and-cuda]'`,
`pip install 'cupy-cuda12x[ctk]'`, `pip install 'numba-cuda[cu12]'`), or install the CUDA toolkit
and cuDNN of the build's version and point `LD_LIBRARY_PATH` (or `CUDA_PATH`) at them.

## Source
tensorflow/tensorflow#56959 (\"Could not load dynamic library 'libcudart.so.11.0'\"); CuPy's
`[ctk]` extra and cuda-pathfinder search order; Numba's CUDA_HOME lookup (knowledge/frameworks.md).
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    let framework = ctx.framework;
    let missing: Vec<&gpuwise_core::Library> = framework.libraries.iter().filter(|l| l.path.is_none()).collect();
    // Missing required wheels (GW304) and overlapping CuPy wheels (GW601) explain missing
    // libraries themselves, and their fixes bring them back: a second plan here would contradict.
    let several_cupy = other_cupy_wheels(framework).next().is_some();
    if missing.is_empty() || !ctx.env.machine_has_nvidia() || !framework.unmet.is_empty() || several_cupy {
        return Vec::new();
    }
    let names = |libs: &[&gpuwise_core::Library]| libs.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ");
    let label = framework.label();
    let at_import: Vec<&gpuwise_core::Library> = missing.iter().copied().filter(|l| l.at_import).collect();
    let title = if !at_import.is_empty() {
        format!("{label} cannot be imported: {} not found", names(&at_import))
    } else if framework.name == FrameworkName::Numba {
        format!("{label} finds no NVVM: CUDA kernels cannot be compiled")
    } else {
        format!("{label} cannot load {}: it will not use the GPU", names(&missing))
    };
    vec![RULE.finding(
        ctx.subject(),
        title,
        format!(
            "{} found in none of: the environment's nvidia-* wheels, LD_LIBRARY_PATH, /etc/ld.so.conf, the system library directories, CUDA_PATH/CUDA_HOME, /usr/local/cuda",
            names(&missing)
        ),
        cuda_build_fix(ctx),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::Library;

    #[test]
    fn missing_libraries_are_named() {
        let mut tf = framework("tensorflow", "2.20.0", "cuda-12.5");
        tf.libraries = vec![
            Library { name: "libcudart.so.12".into(), path: Some("/usr/lib/libcudart.so.12".into()), at_import: false },
            Library { name: "libcudnn.so.9".into(), path: None, at_import: false },
        ];
        let found = framework_findings(&RULE, &healthy(1), &tf);
        assert!(found[0].title.contains("cannot load libcudnn.so.9"), "{}", found[0].title);
        assert_eq!(found[0].severity, Severity::Error);
        let mut numba = framework("numba", "0.68.1", "cuda");
        numba.libraries = vec![Library { name: "libnvvm.so".into(), path: None, at_import: false }];
        let found = framework_findings(&RULE, &healthy(1), &numba);
        assert_eq!(found[0].severity, Severity::Error, "no NVVM, no kernels");
        assert!(found[0].title.contains("finds no NVVM"), "{}", found[0].title);
        numba.libraries.insert(0, Library { name: "libcudart.so.13".into(), path: None, at_import: true });
        let found = framework_findings(&RULE, &healthy(1), &numba);
        assert!(found[0].title.contains("cannot be imported: libcudart.so.13 not found"), "{}", found[0].title);
    }

    #[test]
    fn defers_to_the_findings_whose_fixes_bring_the_libraries() {
        let mut torch = framework("torch", "2.15.0", "cuda-13.2");
        torch.libraries = vec![Library { name: "libcublasLt.so.13".into(), path: None, at_import: true }];
        assert_eq!(framework_codes(&RULE, &healthy(1), &torch), ["GW305"]);
        torch.unmet.push(gpuwise_core::Unmet { requirement: "nvidia-cudnn-cu13==9.26.0.51".into(), installed: None });
        assert!(framework_codes(&RULE, &healthy(1), &torch).is_empty(), "GW304's fix installs the wheels");
        let mut cupy = framework("cupy", "13.6.0", "cuda-11");
        cupy.libraries = vec![Library { name: "libnvrtc.so.11.2".into(), path: None, at_import: false }];
        cupy.components.push(gpuwise_core::Component { name: "cupy-cuda12x".into(), version: "14.2.0".into() });
        assert!(framework_codes(&RULE, &healthy(1), &cupy).is_empty(), "GW601 reinstalls one CuPy");
    }

    #[test]
    fn cupy_for_cuda_11_needs_a_toolkit_not_a_reinstall() {
        let mut cupy = framework("cupy", "13.6.0", "cuda-11");
        cupy.distribution = "cupy-cuda11x".into();
        cupy.libraries = vec![Library { name: "libcublas.so.11".into(), path: None, at_import: false }];
        let found = framework_findings(&RULE, &machine(1, "11.4", "8.0"), &cupy);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].fix.starts_with("install a CUDA 11 toolkit") && !found[0].fix.contains("pip install"),
            "reinstalling the wheel brings no libraries: {}",
            found[0].fix
        );
    }
}
