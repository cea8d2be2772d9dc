//! GW704: the toolkit CUDA.jl will pick is not downloaded yet.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Choice, ChosenBy, JuliaContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW704",
    title: "The CUDA toolkit CUDA.jl will use is not downloaded",
    severity: Severity::Warning,
    explain: "\
# GW704: The CUDA toolkit CUDA.jl will use is not downloaded

## What it means
CUDA_Runtime_jll's toolkits are lazy artifacts: the one chosen for this machine's driver and GPUs
is downloaded (several hundred MB) the first time CUDA.jl initialises. Packages installed on
another machine (a login node with a different driver or GPU, a container build without a GPU)
hold a different toolkit, or none. The first `using CUDA` here then downloads it — or, on a
compute node without network access, fails.

## Fix
On a machine with network access and the same driver, run
`julia --project -e 'using CUDA; CUDA.precompile_runtime()'`; or pin the version so it does not
depend on the machine, `CUDA.set_runtime_version!(v\"12.6\")`, and instantiate again.

## Source
JuliaPackaging/Yggdrasil C/CUDA/CUDA_Runtime/build_tarballs.jl (lazy_artifacts);
CUDA.jl documentation, \"Installation: precompiling without a GPU\".
",
    check: Check::CudaJl(check),
};

fn check(ctx: &JuliaContext<'_>) -> Vec<Finding> {
    let (Some(Choice::Toolkit { cuda, by, .. }), Some(runtime)) = (ctx.choice, ctx.env.cuda_runtime.as_ref()) else {
        return Vec::new();
    };
    if *by == ChosenBy::Local || runtime.downloaded.contains(cuda) {
        return Vec::new();
    }
    let have = if runtime.downloaded.is_empty() { "none".to_string() } else { runtime.downloaded.join(", ") };
    vec![RULE.finding(
        ctx.subject(),
        format!("CUDA.jl will use CUDA {cuda}, which is not downloaded: the first `using CUDA` fetches it"),
        format!("downloaded toolkits in {}: {have}", ctx.env.depots.first().map(String::as_str).unwrap_or("the depot")),
        "run `julia --project -e 'using CUDA; CUDA.precompile_runtime()'` where there is network access, or pin the version with `CUDA.set_runtime_version!`",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn toolkit_for_another_driver() {
        let mut env = julia_with_cuda(&["11.8", "12.6"]);
        env.cuda_runtime.as_mut().unwrap().downloaded = vec!["12.6".into()];
        assert!(julia_codes(&RULE, &machine(1, "13.0", "9.0"), &env).is_empty());
        let found = julia_findings(&RULE, &machine(1, "11.4", "7.0"), &env);
        assert!(found[0].title.contains("CUDA 11.8"), "{}", found[0].title);
    }
}
