//! Version pairs that break a framework's GPU code although pip installs them together
//! (data/known_incompatibilities.json).

use std::sync::OnceLock;

use gpuwise_core::{Framework, FrameworkName};
use serde::Deserialize;

use super::within;

/// One known-bad pair: a component of a framework over a range of versions, beside another
/// component over a range.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Incompatibility {
    /// The framework it breaks (`numba`).
    pub framework: FrameworkName,
    /// The component at fault (`numba-cuda`).
    pub package: String,
    /// Its least affected version, empty for any.
    pub package_from: String,
    /// Its greatest affected version, empty for any.
    pub package_to: String,
    /// The component it does not work with (`numpy`).
    pub with: String,
    /// That one's least affected version, empty for any.
    pub with_from: String,
    /// That one's greatest affected version, empty for any.
    pub with_to: String,
    /// What the user sees.
    pub symptom: String,
    /// The command that makes the pair work.
    pub fix: String,
    /// Where it is known from.
    pub source: String,
}

fn rows() -> &'static [Incompatibility] {
    static TABLE: OnceLock<Vec<Incompatibility>> = OnceLock::new();
    super::rows_of(&TABLE, include_str!("../../data/known_incompatibilities.json"))
}

/// The known-bad pairs among `framework`'s components, each with the two installed versions.
pub fn incompatibilities(framework: &Framework) -> Vec<(&'static Incompatibility, &str, &str)> {
    let version = |name: &str| framework.components.iter().find(|c| c.name == name).map(|c| c.version.as_str());
    rows()
        .iter()
        .filter(|row| row.framework == framework.name)
        .filter_map(|row| {
            let (package, with) = (version(&row.package)?, version(&row.with)?);
            (within(package, &row.package_from, &row.package_to) && within(with, &row.with_from, &row.with_to))
                .then_some((row, package, with))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_core::Component;

    #[test]
    fn every_row_parses_and_has_a_source_and_a_fix() {
        assert!(!rows().is_empty(), "data file failed to parse");
        for row in rows() {
            assert!(!row.source.is_empty() && !row.fix.is_empty() && !row.symptom.is_empty(), "{row:?}");
        }
    }

    fn numba(numba_cuda: &str, numpy: &str) -> Framework {
        let component = |name: &str, version: &str| Component { name: name.into(), version: version.into() };
        Framework {
            name: FrameworkName::Numba,
            components: vec![component("numba-cuda", numba_cuda), component("numpy", numpy)],
            ..Framework::default()
        }
    }

    #[test]
    fn both_versions_must_be_in_range() {
        assert_eq!(incompatibilities(&numba("0.30.4", "2.5.2")).len(), 1, "the H200 machine's pair");
        assert!(incompatibilities(&numba("0.30.4", "2.4.1")).is_empty());
        assert_eq!(incompatibilities(&numba("0.30.4", "2.6.0")).len(), 1);
        assert!(incompatibilities(&numba("0.31.0", "2.5.2")).is_empty());
        let mut without_cuda = numba("0.30.4", "2.5.2");
        without_cuda.components.retain(|c| c.name != "numba-cuda");
        assert!(incompatibilities(&without_cuda).is_empty());
    }
}
