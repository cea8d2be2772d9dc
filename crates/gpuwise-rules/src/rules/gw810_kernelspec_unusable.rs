//! GW810: a kernelspec Jupyter cannot use.

use gpuwise_core::{Finding, Severity};

use crate::{Check, KernelContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW810",
    title: "A Jupyter kernelspec is unusable",
    severity: Severity::Error,
    explain: "\
# GW810: A Jupyter kernelspec is unusable

## What it means
The kernel's `kernel.json` cannot be read, is not valid JSON, or has no `argv`. Jupyter lists the
kernel (or silently skips it) but cannot start it; notebooks saved with it ask for another kernel.

## Fix
Reinstall the kernel from its environment (`/path/to/python -m ipykernel install --user --name
NAME`), or remove it: `jupyter kernelspec remove NAME`.

## Source
Jupyter kernelspec format (jupyter_client documentation; knowledge/jupyter.md).
",
    check: Check::Kernel(check),
};

fn check(ctx: &KernelContext<'_>) -> Vec<Finding> {
    let Some(problem) = ctx.spec_problem else { return Vec::new() };
    let name = &ctx.kernel.name;
    vec![RULE.finding(
        format!("kernel '{name}'"),
        format!("Kernel '{name}' cannot be started: its kernel.json is unusable"),
        problem.to_string(),
        format!("reinstall it from its environment (`python -m ipykernel install --user --name {name}`) or `jupyter kernelspec remove {name}`"),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn only_broken_specs() {
        let kernel = gpuwise_core::Kernel { name: "ml".into(), ..Default::default() };
        assert!(kernel_codes(&RULE, &healthy(1), &kernel, KernelCase::default()).is_empty());
        let case = KernelCase { spec_problem: Some("kernel.json is not valid"), ..KernelCase::default() };
        assert_eq!(kernel_codes(&RULE, &healthy(1), &kernel, case), ["GW810"]);
    }
}
