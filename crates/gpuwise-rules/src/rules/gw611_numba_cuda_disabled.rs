//! GW611: NUMBA_DISABLE_CUDA turns Numba's CUDA target off.

use gpuwise_core::{Finding, FrameworkName, Severity};

use crate::{Check, FrameworkContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW611",
    title: "NUMBA_DISABLE_CUDA turns off Numba's CUDA target",
    severity: Severity::Error,
    explain: "\
# GW611: NUMBA_DISABLE_CUDA turns off Numba's CUDA target

## What it means
With `NUMBA_DISABLE_CUDA` set to a non-zero value, Numba does not load its CUDA target:
`numba.cuda.is_available()` is False and `@cuda.jit` functions cannot run.

## Fix
Unset it (`unset NUMBA_DISABLE_CUDA`, or remove it from the kernel's kernel.json `env`).

## Source
Numba environment variables reference; knowledge/env-vars.md.
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    let Some(value) = ctx.env.machine.vars.get("NUMBA_DISABLE_CUDA") else { return Vec::new() };
    let off = value.trim().parse::<i64>().map(|v| v != 0).unwrap_or(!value.trim().is_empty());
    if ctx.framework.name != FrameworkName::Numba || !off {
        return Vec::new();
    }
    vec![RULE.finding(
        ctx.subject(),
        format!("NUMBA_DISABLE_CUDA={value} turns off {}'s CUDA target", ctx.framework.label()),
        format!("NUMBA_DISABLE_CUDA is `{value}`"),
        "unset NUMBA_DISABLE_CUDA",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::Variables;

    #[test]
    fn non_zero_values_disable() {
        let numba = environment(vec![framework("numba", "0.60.0", "cuda")]);
        let with = |value: &str| Variables::from_text([("NUMBA_DISABLE_CUDA", value)]);
        assert_eq!(env_framework_codes_with(&RULE, &healthy(1), &numba, &with("1")), ["GW611"]);
        assert!(env_framework_codes_with(&RULE, &healthy(1), &numba, &with("0")).is_empty());
    }
}
