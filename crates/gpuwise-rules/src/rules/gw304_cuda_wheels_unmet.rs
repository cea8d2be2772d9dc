//! GW304: packages a framework requires are missing, or its CUDA wheels are at the wrong version.

use gpuwise_core::{Finding, Severity};

use crate::{Check, FrameworkContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW304",
    title: "Packages the framework requires are missing, or its CUDA wheels mismatched",
    severity: Severity::Error,
    explain: "\
# GW304: Packages the framework requires are missing, or its CUDA wheels mismatched

## What it means
Wheel builds of PyTorch, JAX, TensorFlow (`[and-cuda]`) and CuPy (`[ctk]`) do not carry CUDA: they
declare `nvidia-*` (or `cuda-toolkit`) wheels, and JAX's CUDA plugin declares a PJRT wheel of the
same version. When one is missing or at a version outside the declared range — a partial install,
`pip install --no-deps`, or a later install that upgraded a shared wheel — the framework fails at
import (\"libcudnn.so.9: cannot open shared object file\") or, for JAX, refuses the plugin and
falls back to the CPU (\"Unable to use CUDA because of the following issues with CUDA
components\"). `pip install --no-deps torch` also leaves out its pure-Python requirements:
`import torch` then fails on the first one (`No module named 'typing_extensions'`). A pure-Python
requirement installed at another version is not reported: it usually still works.

## Fix
Install exactly the requirements listed in the finding, in the same environment, e.g.
`pip install 'nvidia-cudnn-cu12==9.1.0.70'`, or reinstall the framework with its extra
(`pip install --force-reinstall 'jax[cuda12]'`). `pip check` lists the same conflicts.

## Source
The framework's own METADATA Requires-Dist lines, evaluated with their PEP 508 markers; JAX's
start-up CUDA version checks (knowledge/frameworks.md).
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    let unmet = &ctx.framework.unmet;
    if unmet.is_empty() {
        return Vec::new();
    }
    let listed: Vec<String> = unmet
        .iter()
        .map(|u| match &u.installed {
            Some(version) => format!("{} (installed: {version})", u.requirement),
            None => format!("{} (not installed)", u.requirement),
        })
        .collect();
    let quoted: Vec<String> = unmet.iter().map(|u| format!("'{}'", u.requirement)).collect();
    vec![RULE.finding(
        ctx.subject(),
        format!("{} is missing {} of the packages it requires", ctx.framework.label(), unmet.len()),
        format!("its metadata requires {}", listed.join(", ")),
        format!("pip install {}", quoted.join(" ")),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn lists_each_unmet_requirement() {
        let mut torch = framework("torch", "2.5.1", "cuda-12.4");
        assert!(framework_codes(&RULE, &healthy(1), &torch).is_empty());
        torch.unmet.push(gpuwise_core::Unmet { requirement: "nvidia-cudnn-cu12==9.1.0.70".into(), installed: None });
        let found = framework_findings(&RULE, &healthy(1), &torch);
        assert_eq!(found[0].fix, "pip install 'nvidia-cudnn-cu12==9.1.0.70'");
        assert!(found[0].detail.contains("(not installed)"));
    }
}
