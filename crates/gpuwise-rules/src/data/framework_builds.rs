//! Architectures and least compute capability per framework build (data/framework_builds.json),
//! for when a framework's own files do not list them.

use std::sync::OnceLock;

use gpuwise_core::{Build, FrameworkName};
use serde::Deserialize;

use super::within;

/// One row: a framework build over a range of its versions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FrameworkBuild {
    /// `torch`, `jax`, `cupy`.
    pub framework: FrameworkName,
    /// `cuda-12.8` or `cuda-12`.
    pub build: Build,
    /// Least framework version the row covers (`2.8`), empty for any.
    pub from: String,
    /// Greatest framework version the row covers, empty for any.
    pub to: String,
    /// Compiled architectures (`sm_80`, `compute_120`), when the row lists them.
    #[serde(default)]
    pub architectures: Vec<String>,
    /// The least compute capability, when the row gives only that.
    #[serde(default)]
    pub min_compute_capability: Option<String>,
    /// The CUDA toolkit whose PTX the kernels it generates while running use, when it does.
    #[serde(default)]
    pub generated_kernels_toolkit: Option<String>,
    /// Where it comes from.
    pub source: String,
}

fn rows() -> &'static [FrameworkBuild] {
    static TABLE: OnceLock<Vec<FrameworkBuild>> = OnceLock::new();
    super::rows_of(&TABLE, include_str!("../../data/framework_builds.json"))
}

/// The row for this framework, build and version (`2.8.0+cu128`), when the table has one.
pub fn framework_build(framework: FrameworkName, build: &Build, version: &str) -> Option<&'static FrameworkBuild> {
    rows().iter().find(|row| row.framework == framework && row.build == *build && within(version, &row.from, &row.to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_and_has_a_source() {
        assert!(rows().len() >= 10, "data file failed to parse");
        for row in rows() {
            assert!(!row.source.is_empty(), "{} {}", row.framework, row.build);
            let facts = [
                !row.architectures.is_empty(),
                row.min_compute_capability.is_some(),
                row.generated_kernels_toolkit.is_some(),
            ];
            assert_eq!(facts.iter().filter(|f| **f).count(), 1, "{} {}: one fact per row", row.framework, row.build);
            for arch in &row.architectures {
                assert!(arch.starts_with("sm_") || arch.starts_with("compute_"), "{arch}");
            }
        }
    }

    #[test]
    fn versions_pick_the_row() {
        let cu128 = |v| {
            framework_build(FrameworkName::Torch, &"cuda-12.8".into(), v)
                .map(|r| r.architectures.contains(&"sm_70".to_string()))
        };
        assert_eq!(cu128("2.7.1+cu128"), Some(false), "2.7 cu128 starts at sm_75");
        assert_eq!(cu128("2.9.1"), Some(true), "2.8+ cu128 includes Volta again");
        assert!(framework_build(FrameworkName::Torch, &"cuda-11.8".into(), "2.6.0+cu118").is_some());
        assert!(framework_build(FrameworkName::Torch, &"cuda-11.8".into(), "2.7.0+cu118").is_none());
        assert_eq!(
            framework_build(FrameworkName::Jax, &"cuda-13".into(), "0.7.2").unwrap().min_compute_capability.as_deref(),
            Some("7.5")
        );
    }
}
