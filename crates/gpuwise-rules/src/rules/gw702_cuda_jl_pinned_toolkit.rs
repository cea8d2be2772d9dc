//! GW702: a preference pins CUDA.jl to a toolkit it cannot use here.

use gpuwise_core::{Finding, Severity, parse_version};

use crate::{Check, Choice, ChosenBy, JuliaContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW702",
    title: "A preference pins CUDA.jl to a toolkit it cannot use",
    severity: Severity::Error,
    explain: "\
# GW702: A preference pins CUDA.jl to a toolkit it cannot use

## What it means
`CUDA.set_runtime_version!(v\"12.4\")` (or a hand-written `[CUDA_Runtime_jll] version = ...` in
LocalPreferences.toml, or `local = true` with a system toolkit) overrides CUDA_Runtime_jll's own
choice. The pinned toolkit must be one the installed CUDA_Runtime_jll offers, and the driver must
support its major version. A pin made on another machine, or kept after the driver or CUDA.jl
changed, leaves CUDA.jl without a working toolkit: loading fails or `CUDA.functional()` is false.

## Fix
Remove the pin (`CUDA.reset_runtime_version!()`, or delete the `[CUDA_Runtime_jll]` table of the
LocalPreferences.toml the finding names) and restart Julia, or pin a version the finding lists.

## Source
JuliaPackaging/Yggdrasil C/CUDA/CUDA_Runtime/toolkit_selection.jl (version and local preferences);
CUDA.jl documentation, \"Installation: specifying the CUDA version\"; JuliaGPU/CUDA.jl#1922.
",
    check: Check::CudaJl(check),
};

fn check(ctx: &JuliaContext<'_>) -> Vec<Finding> {
    let Some(runtime) = ctx.env.cuda_runtime.as_ref() else { return Vec::new() };
    let file = runtime
        .version_preference
        .as_ref()
        .or(runtime.local_preference.as_ref())
        .map(|p| p.file.clone())
        .unwrap_or_default();
    let fix = format!("remove the [CUDA_Runtime_jll] pin from {file} (or run `CUDA.reset_runtime_version!()`)");
    match ctx.choice {
        Some(Choice::PinNotOffered { pin }) => vec![RULE.finding(
            ctx.subject(),
            format!("CUDA.jl is pinned to CUDA {pin}, which CUDA_Runtime_jll {} does not offer", runtime.version),
            format!(
                "{file} sets version = \"{pin}\"; the installed package offers CUDA {}",
                runtime.toolkits.join(", ")
            ),
            fix,
        )],
        Some(Choice::Toolkit { cuda, by: by @ (ChosenBy::Pinned | ChosenBy::Local), .. }) => {
            let needs = parse_version(cuda).and_then(|v| v.first().copied());
            let Some((driver, minor)) = ctx.machine.driver_cuda() else { return Vec::new() };
            if needs.is_none_or(|major| major <= driver) {
                return Vec::new();
            }
            let what = if *by == ChosenBy::Local { "the system's CUDA toolkit" } else { "a pinned CUDA toolkit" };
            vec![RULE.finding(
                ctx.subject(),
                format!("CUDA.jl uses {what} ({cuda}) that the driver (CUDA {driver}.{minor}) cannot run"),
                format!("{file} chooses CUDA {cuda}; minor-version compatibility never crosses a major version"),
                format!("{fix}, or upgrade the driver to one for CUDA {cuda}"),
            )]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn pins_must_be_offered_and_runnable() {
        let mut env = julia_with_cuda(&["11.8", "12.6"]);
        env.cuda_runtime.as_mut().unwrap().version_preference = preference("12.8");
        let found = julia_findings(&RULE, &machine(1, "13.0", "9.0"), &env);
        assert!(found[0].title.contains("does not offer"), "{}", found[0].title);
        assert!(found[0].fix.contains("/p/LocalPreferences.toml"));

        env.cuda_runtime.as_mut().unwrap().version_preference = preference("12.6");
        assert!(julia_codes(&RULE, &machine(1, "13.0", "9.0"), &env).is_empty());
        assert_eq!(julia_codes(&RULE, &machine(1, "11.4", "7.0"), &env), ["GW702"], "a 12.x pin on an 11.x driver");
    }
}
