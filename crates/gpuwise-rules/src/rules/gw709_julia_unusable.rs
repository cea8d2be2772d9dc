//! GW709: a Julia program could not be found or asked its version.

use gpuwise_core::{Finding, ProbeStatus, Severity};

use crate::{Check, JuliaContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW709",
    title: "Julia could not be found or run",
    severity: Severity::Error,
    explain: "\
# GW709: Julia could not be found or run

## What it means
gpuwise learns a Julia's version from its installation's `include/julia/julia_version.h`, or by
running `julia --version` (which starts no runtime), with a time limit. This one was missing, not
executable, did not answer, or answered something else. For a Jupyter kernel this means the
kernel cannot start — typically an IJulia kernelspec left pointing at a Julia that juliaup or a
package manager has since removed.

## Fix
Reinstall the kernel from the Julia you use: `julia -e 'using IJulia; installkernel(\"Julia\")'`
(or `] build IJulia`), and remove the stale one with `jupyter kernelspec remove NAME`.

## Source
IJulia.jl documentation, \"Installation\" (installkernel); jupyter_client kernel launching.
",
    check: Check::Julia(check),
};

fn check(ctx: &JuliaContext<'_>) -> Vec<Finding> {
    let ProbeStatus::Failed { error } = &ctx.env.probe else { return Vec::new() };
    let fix = match ctx.env.source.kernel() {
        Some(kernel) => format!(
            "reinstall the kernel from a working Julia (`julia -e 'using IJulia; installkernel(\"Julia\")'`) or remove it: `jupyter kernelspec remove {kernel}`"
        ),
        None => "install Julia (https://julialang.org/install) or fix the `julia` on PATH".to_string(),
    };
    vec![RULE.finding(ctx.subject(), format!("Cannot run {}", ctx.env.julia), error.clone(), fix)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn failed_julia_is_named() {
        let mut env = julia_with_cuda(&["12.6"]);
        assert!(julia_codes(&RULE, &healthy(1), &env).is_empty());
        env.source = gpuwise_core::Source::Kernel("julia-1.9".into());
        env.probe = ProbeStatus::Failed { error: "/gone/julia: No such file or directory".into() };
        let found = julia_findings(&RULE, &healthy(1), &env);
        assert!(found[0].fix.contains("jupyter kernelspec remove julia-1.9"), "{}", found[0].fix);
    }
}
