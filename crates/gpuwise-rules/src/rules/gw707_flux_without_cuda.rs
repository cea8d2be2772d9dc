//! GW707: Flux is installed without CUDA.jl, so `gpu` leaves models on the CPU.

use gpuwise_core::{Finding, Severity};

use crate::{Check, JuliaContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW707",
    title: "Flux without CUDA.jl: `gpu` keeps everything on the CPU",
    severity: Severity::Warning,
    explain: "\
# GW707: Flux without CUDA.jl: `gpu` keeps everything on the CPU

## What it means
Flux's GPU support is a package extension that loads only when CUDA.jl (and cuDNN.jl, for
convolutions) are installed in the environment and loaded. Without them, `model |> gpu` returns the
model unchanged — Flux prints at most an info message — and training runs on the CPU while the
code looks like GPU code.

## Fix
`] add CUDA cuDNN` in the project, and `using CUDA, cuDNN` before (or with) `using Flux`. Check
with `CUDA.functional()`.

## Source
Flux.jl documentation, \"GPU Support\" (FluxCUDAExt, cuDNN); seed 002's `|> gpu` example.
",
    check: Check::Julia(check),
};

fn check(ctx: &JuliaContext<'_>) -> Vec<Finding> {
    let env = ctx.env;
    let Some(flux) = env.package("Flux").filter(|_| env.package("CUDA").is_none()) else { return Vec::new() };
    vec![RULE.finding(
        ctx.subject(),
        format!("Flux {} is installed without CUDA.jl: `model |> gpu` keeps the model on the CPU", flux.version),
        format!("no environment on the load path ({}) lists CUDA", env.load_path.join(", ")),
        "`] add CUDA cuDNN` in the project, then `using CUDA, cuDNN, Flux`",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn flux_alone() {
        let mut env = julia_with_cuda(&["12.6"]);
        env.packages.push(gpuwise_core::Component { name: "Flux".into(), version: "0.14.25".into() });
        assert!(julia_codes(&RULE, &healthy(1), &env).is_empty());
        env.packages.retain(|p| p.name != "CUDA");
        env.frameworks.clear();
        env.cuda_runtime = None;
        assert_eq!(julia_codes(&RULE, &healthy(1), &env), ["GW707"]);
    }
}
