//! GW306: two packages of the framework's environment are a known-bad pair.

use gpuwise_core::{Finding, Severity};

use crate::data::incompatibilities;
use crate::{Check, FrameworkContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW306",
    title: "The framework's packages are a pair known not to work together",
    severity: Severity::Error,
    explain: "\
# GW306: The framework's packages are a pair known not to work together

## What it means
pip installed them together because nothing in their metadata forbids it, but this version of
the framework's GPU package does not work beside this version of another package it uses: its
GPU code fails when it first runs, often while the framework's own availability check still
answers yes. For example numba-cuda 0.30.4 with NumPy 2.5 or newer: `numba.cuda.is_available()`
is True, yet every `@cuda.jit` kernel fails to compile with
`AttributeError: module 'numpy' has no attribute 'row_stack'`.

## Fix
The finding gives the command (for the example, `pip install 'numpy<2.5'`); a later release of
the framework's package may lift the limit.

## Source
data/known_incompatibilities.json: each pair with the upstream issue that reports it and where
it was seen.
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    incompatibilities(ctx.framework)
        .into_iter()
        .map(|(row, package, with)| {
            RULE.finding(
                ctx.subject(),
                format!(
                    "{} cannot run GPU code here: {} {package} does not work with {} {with}",
                    ctx.framework.label(),
                    row.package,
                    row.with
                ),
                format!("{} (source: {})", row.symptom, row.source),
                row.fix.clone(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::Component;

    #[test]
    fn the_pair_is_an_error_with_its_fix() {
        let component = |name: &str, version: &str| Component { name: name.into(), version: version.into() };
        let mut numba = framework("numba", "0.68.0", "cuda");
        numba.components = vec![component("numba-cuda", "0.30.4"), component("numpy", "2.4.4")];
        assert!(framework_codes(&RULE, &healthy(1), &numba).is_empty());
        numba.components[1] = component("numpy", "2.5.2");
        let found = framework_findings(&RULE, &healthy(1), &numba);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].fix, "pip install 'numpy<2.5'");
        assert!(found[0].title.contains("numba-cuda 0.30.4") && found[0].title.contains("numpy 2.5.2"));
    }
}
