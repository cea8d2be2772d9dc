//! GW703: CUDA.jl is told to use the system's CUDA toolkit and none is found.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Choice, JuliaContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW703",
    title: "CUDA.jl is set to a local CUDA toolkit that is not found",
    severity: Severity::Error,
    explain: "\
# GW703: CUDA.jl is set to a local CUDA toolkit that is not found

## What it means
`CUDA.set_runtime_version!(local_toolkit=true)` writes `local = true` under `[CUDA_Runtime_jll]`
in LocalPreferences.toml (CUDA.jl 4 wrote `version = \"local\"`). CUDA.jl then loads the system's
`libcudart` instead of downloading a toolkit, asking the dynamic loader (`LD_LIBRARY_PATH`, the
ld.so cache, the system directories). When no `libcudart` is found — a cluster module not loaded,
a container without the toolkit — CUDA.jl cannot be used.

## Fix
Make the toolkit visible (`module load cuda`, or add its `lib64` to `LD_LIBRARY_PATH`) before Julia
starts, or go back to the toolkits CUDA.jl downloads: `CUDA.reset_runtime_version!()`.

## Source
JuliaPackaging/Yggdrasil C/CUDA/CUDA_Runtime/toolkit_selection.jl (get_runtime_version);
CUDA.jl documentation, \"Using a local CUDA\".
",
    check: Check::CudaJl(check),
};

fn check(ctx: &JuliaContext<'_>) -> Vec<Finding> {
    let (Some(Choice::LocalMissing), Some(runtime)) = (ctx.choice, ctx.env.cuda_runtime.as_ref()) else {
        return Vec::new();
    };
    let file = runtime.local_preference.as_ref().map(|p| p.file.as_str()).unwrap_or("LocalPreferences.toml");
    vec![RULE.finding(
        ctx.subject(),
        "CUDA.jl is set to use the system's CUDA toolkit, but no libcudart is found",
        format!("{file} sets local = true; libcudart is on neither LD_LIBRARY_PATH, the loader's directories nor /usr/local/cuda"),
        "load the toolkit before starting Julia (`module load cuda`, or add its lib64 to LD_LIBRARY_PATH), or run `CUDA.reset_runtime_version!()`",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn local_toolkit_must_be_found() {
        let mut env = julia_with_cuda(&["12.6"]);
        env.cuda_runtime.as_mut().unwrap().local_preference = preference("true");
        assert_eq!(julia_codes(&RULE, &healthy(1), &env), ["GW703"]);
        env.cuda_runtime.as_mut().unwrap().local_runtime = Some("/usr/local/cuda/lib64/libcudart.so.12.4.127".into());
        assert!(julia_codes(&RULE, &healthy(1), &env).is_empty());
    }
}
