//! GW705: CUDA.jl is in the project but not installed.

use gpuwise_core::{Finding, Severity};

use crate::{Check, JuliaContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW705",
    title: "CUDA.jl is listed in the project but not installed",
    severity: Severity::Error,
    explain: "\
# GW705: CUDA.jl is listed in the project but not installed

## What it means
The project's Project.toml lists CUDA, but its manifest does not resolve it, or the resolved
version (or its CUDA_Runtime_jll) is in no depot: the project was copied or cloned without
`Pkg.instantiate()`, the depot was cleaned, or `JULIA_DEPOT_PATH` points elsewhere in this process
(a Jupyter kernel, a batch job). `using CUDA` fails with \"Package CUDA ... is required but does not
seem to be installed\".

## Fix
`julia --project -e 'using Pkg; Pkg.instantiate()'` in the project (with the same
`JULIA_DEPOT_PATH` the notebook or job uses).

## Source
Julia Pkg documentation, \"Working with environments: instantiate\"; Base.DEPOT_PATH.
",
    check: Check::CudaJl(check),
};

fn check(ctx: &JuliaContext<'_>) -> Vec<Finding> {
    let Some(cuda) = ctx.cuda_jl().filter(|c| !c.unmet.is_empty()) else { return Vec::new() };
    let missing: Vec<&str> = cuda.unmet.iter().map(|u| u.requirement.as_str()).collect();
    let project = ctx.env.project.as_deref().unwrap_or("the project");
    vec![RULE.finding(
        ctx.subject(),
        "CUDA.jl is listed in the project but not installed: `using CUDA` fails",
        format!("{}; depots: {}", missing.join("; "), ctx.env.depots.join(", ")),
        format!("run `julia --project={project} -e 'using Pkg; Pkg.instantiate()'`"),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn unresolved_or_missing_packages() {
        let mut env = julia_with_cuda(&["12.6"]);
        assert!(julia_codes(&RULE, &healthy(1), &env).is_empty());
        env.frameworks[0].unmet.push(gpuwise_core::Unmet {
            requirement: "CUDA 5.5.2 (not installed in any depot)".into(),
            installed: None,
        });
        assert_eq!(julia_codes(&RULE, &healthy(1), &env), ["GW705"]);
    }
}
