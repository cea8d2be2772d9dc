//! GW501: JAX_PLATFORMS leaves out the GPU.

use gpuwise_core::{Finding, FrameworkName, Severity};

use crate::{Check, FrameworkContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW501",
    title: "JAX_PLATFORMS leaves out the GPU",
    severity: Severity::Error,
    explain: "\
# GW501: JAX_PLATFORMS leaves out the GPU

## What it means
`JAX_PLATFORMS` lists the backends JAX may initialise, in order. When it is set and names neither
`cuda` nor `gpu` (`JAX_PLATFORMS=cpu`, often left over from a test setup or a kernelspec), JAX never
tries the GPU, even with a working CUDA plugin.

## Fix
Unset it (`unset JAX_PLATFORMS`, or remove it from the kernel's kernel.json `env`), or set
`JAX_PLATFORMS=cuda,cpu`.

## Source
JAX configuration docs (jax_platforms); knowledge/env-vars.md.
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    let Some(platforms) = ctx.env.machine.vars.get("JAX_PLATFORMS") else { return Vec::new() };
    let listed: Vec<&str> = platforms.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    if ctx.framework.name != FrameworkName::Jax
        || listed.is_empty()
        || listed.iter().any(|p| matches!(*p, "cuda" | "gpu" | "rocm"))
    {
        return Vec::new();
    }
    vec![RULE.finding(
        ctx.subject(),
        format!("JAX_PLATFORMS={platforms} keeps {} off the GPU", ctx.framework.label()),
        format!("JAX_PLATFORMS is `{platforms}`, which names no GPU backend"),
        "unset JAX_PLATFORMS (or set JAX_PLATFORMS=cuda,cpu)",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::Variables;

    #[test]
    fn cpu_only_platform_lists() {
        let jax = environment(vec![framework("jax", "0.7.2", "cuda-12")]);
        let with = |value: &str| Variables::from_text([("JAX_PLATFORMS", value)]);
        assert_eq!(env_framework_codes_with(&RULE, &healthy(1), &jax, &with("cpu")), ["GW501"]);
        assert!(env_framework_codes_with(&RULE, &healthy(1), &jax, &with("cuda,cpu")).is_empty());
        assert!(env_framework_codes_with(&RULE, &healthy(1), &jax, &with("")).is_empty());
    }
}
