//! GW803: frameworks in one environment need different CUDA major versions.

use gpuwise_core::{Finding, Severity};

use crate::install::build_cuda;
use crate::{Check, EnvContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW803",
    title: "Frameworks in one environment need different CUDA versions",
    severity: Severity::Warning,
    explain: "\
# GW803: Frameworks in one environment need different CUDA versions

## What it means
Each framework build loads the CUDA libraries of its own major version (cuBLAS, cuDNN, ...). In one
process, whichever framework loads a library first wins: a later framework built for another
major finds the wrong one already loaded and fails or falls back to the CPU. Even within one
major, the two may pin incompatible versions of a shared wheel (jax-ml/jax#19004: cuDNN loaded by
torch first).

## Fix
Install builds for one CUDA major (`pip install -U 'jax[cuda12]'` beside a CUDA 12 PyTorch), or
keep the frameworks in separate environments (and separate notebook kernels).

## Source
jax-ml/jax#19004; knowledge/root-causes.md (cause 17).
",
    check: Check::Environment(check),
};

fn check(ctx: &EnvContext<'_>) -> Vec<Finding> {
    let majors: Vec<(String, u32)> =
        ctx.env.frameworks.iter().filter_map(|f| Some((f.label(), build_cuda(f)?.0))).collect();
    let Some((first, major)) = majors.first() else { return Vec::new() };
    let Some((other, other_major)) = majors.iter().find(|(_, m)| m != major) else { return Vec::new() };
    let listed: Vec<String> = majors.iter().map(|(label, m)| format!("{label} (CUDA {m})")).collect();
    vec![RULE.finding(
        ctx.subject(),
        format!("{first} needs CUDA {major} but {other} needs CUDA {other_major}: only one can load its libraries"),
        format!("CUDA builds here: {}", listed.join(", ")),
        format!("install builds for one CUDA major, or put {first} and {other} in separate environments"),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn different_majors_conflict() {
        let same = environment(vec![framework("torch", "2.5.1", "cuda-12.4"), framework("jax", "0.7.2", "cuda-12")]);
        assert!(env_codes(&RULE, &healthy(1), &same).is_empty());
        let mixed = environment(vec![framework("torch", "2.11.0", "cuda-13.0"), framework("jax", "0.7.2", "cuda-12")]);
        assert_eq!(env_codes(&RULE, &healthy(1), &mixed), ["GW803"]);
    }
}
