//! gpuwise's diagnosis: turns a [`System`] and the [`Visibility`] a process would get into
//! [`Finding`]s, each with its evidence and a concrete fix.
//!
//! Every rule lives in its own file under `rules/` with its stable code, the check, the page
//! `gpuwise explain CODE` prints, and its tests. Facts the rules rest on (such as FP64 rates)
//! are data files under `data/`, each row with its source.
//!
//! ```
//! use gpuwise_core::System;
//! use gpuwise_core::{Variables, visibility};
//! let system = System::default();
//! let vars = Variables::default();
//! let vis = visibility::resolve(&system, &vars);
//! let findings = gpuwise_rules::diagnose(&system, &vis, &vars);
//! assert!(findings.iter().any(|f| f.code == "GW101"), "no GPU at all is a finding");
//! ```

mod compat;
mod context;
mod data;
mod install;
mod judge;
mod judged;
mod rule;
mod rules;
#[cfg(test)]
mod testing;
mod toolkit_choice;
mod verdict;

use gpuwise_core::Variables;
use gpuwise_core::{Finding, System, Visibility};

pub use context::{Context, EnvContext, FleetContext, FrameworkContext, JuliaContext, KernelContext};
pub use data::{
    CudaFamily, CudaRelease, Fp64Rate, FrameworkBuild, ToolkitArchitecture, cuda_family, cuda_release, fp64_rate,
    framework_build, toolkit_supports,
};
pub use install::into_environment as install_into_environment;
pub use judge::{KernelInputs, MachineView, judge_environment, judge_julia, judge_kernel, sort as sort_findings};
pub use judged::{EnvironmentVerdict, FrameworkVerdict, JuliaVerdict, KernelVerdict};
pub use rule::{Check, Rule};
pub use toolkit_choice::{Choice, ChosenBy, choose as choose_toolkit};
pub use verdict::verdict;

/// Every rule, in code order.
pub fn catalogue() -> &'static [Rule] {
    rules::ALL
}

/// The rule with this code (case-insensitive), for `gpuwise explain`.
pub fn rule(code: &str) -> Option<&'static Rule> {
    rules::ALL.iter().find(|rule| rule.code.eq_ignore_ascii_case(code.trim()))
}

/// Runs every machine rule; findings come most severe first, then by code.
pub fn diagnose(system: &System, visibility: &Visibility, vars: &Variables) -> Vec<Finding> {
    let context = Context { system, visibility, vars };
    let mut findings: Vec<Finding> = rules::ALL
        .iter()
        .filter_map(|rule| match rule.check {
            Check::System(check) => Some(check(&context)),
            _ => None,
        })
        .flatten()
        .collect();
    judge::sort(&mut findings);
    findings
}

/// Runs the fleet rules on many machines' answers (`gpuwise fleet`): the differences between
/// nodes that matter, each with the nodes it concerns.
pub fn diagnose_fleet(nodes: &[gpuwise_core::fleet::NodeAnswer]) -> Vec<gpuwise_core::fleet::FleetFinding> {
    let context = FleetContext { nodes };
    rules::ALL
        .iter()
        .filter_map(|rule| match rule.check {
            Check::Fleet(check) => Some(check(&context)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// A code's group, as `gpuwise explain` lists neighbours: `GW1` for GW101, `GW10` for GW1001.
pub fn code_group(code: &str) -> &str {
    code.get(..code.len().saturating_sub(2)).unwrap_or(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_ordered_and_grouped() {
        let number = |code: &str| code[2..].parse::<u32>().unwrap_or_else(|_| panic!("{code}"));
        let codes: Vec<u32> = catalogue().iter().map(|r| number(r.code)).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted, "codes must be unique and listed in order");
        for rule in catalogue() {
            assert!(rule.code.starts_with("GW"), "{}", rule.code);
            let fleet = matches!(rule.check, Check::Fleet(_));
            let range = if fleet { 1000..1100 } else { 100..1000 };
            assert!(range.contains(&number(rule.code)), "{}: fleet rules are GW10xx, others GW1xx-GW9xx", rule.code);
        }
        assert_eq!((code_group("GW101"), code_group("GW1001")), ("GW1", "GW10"));
    }

    #[test]
    fn every_rule_has_a_page_with_a_fix_and_a_source() {
        for rule in catalogue() {
            assert!(!rule.title.is_empty(), "{}", rule.code);
            for heading in ["## What it means", "## Fix", "## Source"] {
                assert!(rule.explain.contains(heading), "{} page lacks `{heading}`", rule.code);
            }
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(rule("gw101").map(|r| r.code), Some("GW101"));
        assert!(rule("GW999").is_none());
    }
}
