//! GW601: more than one CuPy distribution is installed in one environment.

use gpuwise_core::{Finding, Severity};

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
Uninstall all of them and install the one for this machine: `pip uninstall -y cupy cupy-cuda11x
cupy-cuda12x cupy-cuda13x && pip install cupy-cuda12x` (or `cupy-cuda13x` on a driver >= 580).

## Source
CuPy installation guide (\"do not install multiple CuPy packages at the same time\");
knowledge/frameworks.md (wheel names).
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    let framework = ctx.framework;
    let others: Vec<String> = framework
        .components
        .iter()
        .filter(|c| c.name == "cupy" || c.name.starts_with("cupy-"))
        .map(|c| format!("{} {}", c.name, c.version))
        .collect();
    if framework.name != "cupy" || others.is_empty() {
        return Vec::new();
    }
    let all =
        std::iter::once(format!("{} {}", framework.distribution, framework.version)).chain(others).collect::<Vec<_>>();
    let names: Vec<&str> = all.iter().filter_map(|a| a.split(' ').next()).collect();
    vec![RULE.finding(
        ctx.subject(),
        format!("{} CuPy packages overwrite each other: {}", all.len(), all.join(", ")),
        "each installs the same `cupy` directory".to_string(),
        format!("pip uninstall -y {} && pip install {}", names.join(" "), framework.distribution),
    )]
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
        assert_eq!(framework_codes(&RULE, &healthy(1), &cupy), ["GW601"]);
    }
}
