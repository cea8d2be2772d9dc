//! GW708: the manifest was resolved by another Julia version.

use gpuwise_core::{Finding, Severity};

use crate::{Check, JuliaContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW708",
    title: "The manifest was resolved by another Julia version",
    severity: Severity::Warning,
    explain: "\
# GW708: The manifest was resolved by another Julia version

## What it means
A manifest records the Julia that resolved it (`julia_version`). Run by another minor version —
a Jupyter kernel still pointing at an older Julia after an upgrade, a project shared between
machines — Julia warns that \"unexpected behavior may occur\": packages may not precompile, and
GPU packages, whose compilers are tied to Julia's LLVM, are the first to break. Julia 1.10.8 and
later read a versioned `Manifest-vX.Y.toml` first, so each Julia can keep its own.

## Fix
Resolve for this Julia: `julia --project -e 'using Pkg; Pkg.resolve(); Pkg.instantiate()'`, or
point the kernel at the Julia the manifest was made with (reinstall it with
`using IJulia; installkernel(\"Julia\")` from that Julia).

## Source
Julia Pkg documentation, \"Manifest.toml: julia_version\"; Julia 1.10.8 and 1.11 release notes
(versioned manifests).
",
    check: Check::Julia(check),
};

fn check(ctx: &JuliaContext<'_>) -> Vec<Finding> {
    let env = ctx.env;
    let (Some(manifest_julia), Some(julia)) = (env.manifest_julia.as_deref(), env.version.as_deref()) else {
        return Vec::new();
    };
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor(manifest_julia) == minor(julia) {
        return Vec::new();
    }
    vec![RULE.finding(
        ctx.subject(),
        format!("The manifest was resolved by Julia {manifest_julia} but runs under Julia {julia}"),
        format!("manifest: {}", env.manifest.as_deref().unwrap_or("?")),
        format!(
            "run `julia --project -e 'using Pkg; Pkg.resolve(); Pkg.instantiate()'` with this Julia, or run the project with Julia {manifest_julia}"
        ),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn minor_versions_must_match() {
        let mut env = julia_with_cuda(&["12.6"]);
        env.manifest_julia = Some("1.10.2".into());
        assert!(julia_codes(&RULE, &healthy(1), &env).is_empty(), "patch releases share manifests");
        env.manifest_julia = Some("1.9.3".into());
        assert_eq!(julia_codes(&RULE, &healthy(1), &env), ["GW708"]);
    }
}
