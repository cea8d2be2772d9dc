//! GW710: a project, manifest or preferences file of the load path cannot be read.

use gpuwise_core::{Finding, Severity};

use crate::{Check, JuliaContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW710",
    title: "A Julia project or manifest cannot be read",
    severity: Severity::Warning,
    explain: "\
# GW710: A Julia project or manifest cannot be read

## What it means
A Project.toml or Manifest.toml of an environment on the load path is not valid TOML (an unresolved
merge conflict, a truncated copy) or cannot be read. Julia fails on it too: `using` errors or skips
that environment, so the packages it lists — CUDA.jl among them — are not what they seem.

## Fix
Repair or regenerate the file: for a manifest, delete it and run
`julia --project -e 'using Pkg; Pkg.instantiate()'`; for a project file, fix the TOML the finding
quotes.

## Source
Julia Pkg documentation, \"Project.toml and Manifest.toml\"; TOML 1.0.
",
    check: Check::Julia(check),
};

fn check(ctx: &JuliaContext<'_>) -> Vec<Finding> {
    ctx.env
        .unreadable
        .iter()
        .map(|file| {
            RULE.finding(
                ctx.subject(),
                format!("{} cannot be used", file.path),
                format!("{} {}", file.path, file.error),
                "repair the file, or delete a broken manifest and run `julia --project -e 'using Pkg; Pkg.instantiate()'`",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn each_unreadable_file_is_named() {
        let mut env = julia_with_cuda(&["12.6"]);
        assert!(julia_codes(&RULE, &healthy(1), &env).is_empty());
        env.unreadable.push(gpuwise_core::Unreadable::new("/p/Manifest.toml", "is not valid TOML: expected `]`"));
        let found = julia_findings(&RULE, &healthy(1), &env);
        assert!(found[0].title.contains("/p/Manifest.toml"));
    }
}
