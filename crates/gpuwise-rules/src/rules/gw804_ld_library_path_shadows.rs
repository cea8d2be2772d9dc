//! GW804: LD_LIBRARY_PATH holds copies of the CUDA libraries the environment's wheels ship.

use gpuwise_core::{Finding, Severity};

use crate::{Check, EnvContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW804",
    title: "LD_LIBRARY_PATH shadows the environment's CUDA libraries",
    severity: Severity::Warning,
    explain: "\
# GW804: LD_LIBRARY_PATH shadows the environment's CUDA libraries

## What it means
Wheel builds find their CUDA libraries in the `nvidia-*` wheels next to them. A directory on
`LD_LIBRARY_PATH` that holds the same libraries (a system CUDA toolkit, an old module) comes first
for the libraries those load in turn, so the process mixes two CUDA versions: \"libcusparse.so.12:
undefined symbol: __nvJitLinkAddData_12_1, version libnvJitLink.so.12\", cuDNN version errors, or
a silent CPU fallback. JAX's documentation says not to set it.

## Fix
Unset `LD_LIBRARY_PATH` (or remove the CUDA directories from it) for this environment — in a
notebook, also in the kernel's kernel.json `env`.

## Source
pytorch/pytorch#111469; JAX installation docs; knowledge/root-causes.md (cause 9).
",
    check: Check::Environment(check),
};

fn check(ctx: &EnvContext<'_>) -> Vec<Finding> {
    let shadowed = &ctx.env.shadowed;
    if shadowed.is_empty() {
        return Vec::new();
    }
    let libraries: Vec<&str> = shadowed.iter().map(|s| s.library.as_str()).collect();
    let mut dirs: Vec<&str> = shadowed.iter().filter_map(|s| s.used.rsplit_once('/').map(|(d, _)| d)).collect();
    dirs.dedup();
    vec![RULE.finding(
        ctx.subject(),
        format!("LD_LIBRARY_PATH shadows {} CUDA libraries of this environment's wheels", shadowed.len()),
        format!("{} in {} also ship in the environment's nvidia-* wheels", libraries.join(", "), dirs.join(", ")),
        format!("remove {} from LD_LIBRARY_PATH for this environment", dirs.join(" and ")),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::Shadowed;

    #[test]
    fn names_the_shadowing_directory() {
        let mut env = environment(Vec::new());
        assert!(env_codes(&RULE, &healthy(1), &env).is_empty());
        env.shadowed.push(Shadowed {
            library: "libcusparse.so.12".into(),
            used: "/usr/local/cuda-12.1/lib64/libcusparse.so.12".into(),
            wheel: "/venv/site-packages/nvidia/cusparse/lib/libcusparse.so.12".into(),
        });
        assert!(env_findings(&RULE, &healthy(1), &env)[0].fix.contains("/usr/local/cuda-12.1/lib64"));
    }
}
