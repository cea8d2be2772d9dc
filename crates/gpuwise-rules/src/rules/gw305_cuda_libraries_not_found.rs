//! GW305: a CUDA library a framework loads is nowhere the loader looks.

use gpuwise_core::{Finding, Severity};

use crate::install::cuda_build_command;
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
GPU; CuPy fails at its first kernel; Numba reports CUDA available but cannot compile.

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
    let missing: Vec<&str> =
        ctx.framework.libraries.iter().filter(|l| l.path.is_none()).map(|l| l.name.as_str()).collect();
    if missing.is_empty() || !ctx.env.machine_has_nvidia() {
        return Vec::new();
    }
    let label = ctx.framework.label();
    let (title, severity) = if ctx.framework.name == "numba" {
        (format!("{label} finds no NVVM: CUDA kernels cannot be compiled"), Severity::Warning)
    } else {
        (format!("{label} cannot load {}: it will not use the GPU", missing.join(", ")), Severity::Error)
    };
    let mut finding = RULE.finding(
        ctx.subject(),
        title,
        format!(
            "{} found in none of: the environment's nvidia-* wheels, LD_LIBRARY_PATH, /etc/ld.so.conf, the system library directories, CUDA_PATH/CUDA_HOME, /usr/local/cuda",
            missing.join(", ")
        ),
        cuda_build_command(ctx),
    );
    finding.severity = severity;
    vec![finding]
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
            Library { name: "libcudart.so.12".into(), path: Some("/usr/lib/libcudart.so.12".into()) },
            Library { name: "libcudnn.so.9".into(), path: None },
        ];
        let found = framework_findings(&RULE, &healthy(1), &tf);
        assert!(found[0].title.contains("cannot load libcudnn.so.9"), "{}", found[0].title);
        assert_eq!(found[0].severity, Severity::Error);
        let mut numba = framework("numba", "0.60.0", "cuda");
        numba.libraries = vec![Library { name: "libnvvm.so".into(), path: None }];
        assert_eq!(framework_findings(&RULE, &healthy(1), &numba)[0].severity, Severity::Warning);
    }
}
