//! GW601: more than one CuPy distribution is installed in one environment.

use gpuwise_core::{Finding, FrameworkName, Severity};

use crate::install::{cuda_build_fix, other_cupy_wheels};
use crate::{Check, FrameworkContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW601",
    title: "Several CuPy packages are installed in one environment",
    severity: Severity::Error,
    explain: "\
# GW601: Several CuPy packages are installed in one environment

## What it means
Every CuPy distribution (`cupy`, `cupy-cuda11x`, `cupy-cuda12x`, `cupy-cuda13x`, ...) installs the
same `cupy` package directory. With two of them installed, files of one overwrite the other's, and
`import cupy` loads a mixture built for different CUDA versions: it fails at import or at the first
kernel.

## Fix
Uninstall all of them, then install the one for this driver and these GPUs with its CUDA
libraries: `pip uninstall -y cupy-cuda11x cupy-cuda12x && pip install 'cupy-cuda12x[ctk]'` (or
`cupy-cuda13x` on a driver >= 580 with GPUs of compute capability 7.5 or newer). Uninstalling only
one is not enough: the files they share go with it, and the survivor is left half-installed
(`import cupy` has no `__version__`); reinstalling over it is a no-op because pip counts it as
installed.

## Source
CuPy installation guide (\"do not install multiple CuPy packages at the same time\");
knowledge/frameworks.md (wheel names).
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    let framework = ctx.framework;
    let others: Vec<String> = other_cupy_wheels(framework).map(|c| format!("{} {}", c.name, c.version)).collect();
    if framework.name != FrameworkName::Cupy || others.is_empty() {
        return Vec::new();
    }
    let all =
        std::iter::once(format!("{} {}", framework.distribution, framework.version)).chain(others).collect::<Vec<_>>();
    vec![
        RULE.finding(
            ctx.subject(),
            format!("{} CuPy packages overwrite each other: {}", all.len(), all.join(", ")),
            "each installs the same `cupy` directory; the files of the last one installed are mixed with the others'"
                .to_string(),
            cuda_build_fix(ctx),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn two_wheels_conflict() {
        let mut cupy = framework("cupy", "13.3.0", "cuda-12");
        cupy.distribution = "cupy-cuda12x".into();
        assert!(framework_codes(&RULE, &healthy(1), &cupy).is_empty());
        cupy.components.push(gpuwise_core::Component { name: "cupy-cuda11x".into(), version: "12.3.0".into() });
        let found = framework_findings(&RULE, &healthy(1), &cupy);
        assert_eq!(found[0].code, "GW601");
        assert_eq!(
            found[0].fix, "pip uninstall -y cupy-cuda12x cupy-cuda11x && pip install 'cupy-cuda13x[ctk]'",
            "both go, and the newest the driver (580, CUDA 13) and GPU run comes back whole"
        );
    }
}
