//! Which CUDA toolkits compile for each compute capability (data/toolkit_architectures.json).

use std::sync::OnceLock;

use gpuwise_core::parse_version;
use serde::Deserialize;

/// One row: the toolkits that can target one compute capability.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ToolkitArchitecture {
    /// `9.0`.
    pub capability: String,
    /// The toolkit that introduced it (`11.8`).
    pub first_toolkit: String,
    /// The last toolkit that still targets it; `None` while current toolkits do.
    pub last_toolkit: Option<String>,
    /// Where it comes from.
    pub source: String,
}

fn rows() -> &'static [ToolkitArchitecture] {
    static TABLE: OnceLock<Vec<ToolkitArchitecture>> = OnceLock::new();
    super::rows_of(&TABLE, include_str!("../../data/toolkit_architectures.json"))
}

/// True when CUDA toolkit `toolkit` (`12.6`) can compile for compute capability `capability`
/// (`9.0`); false for capabilities the table does not know (future or fictional parts).
pub fn toolkit_supports(toolkit: &str, capability: &str) -> bool {
    let (Some(toolkit), Some(row)) = (parse_version(toolkit), rows().iter().find(|r| r.capability == capability))
    else {
        return false;
    };
    let first = parse_version(&row.first_toolkit).unwrap_or_default();
    let last = row.last_toolkit.as_deref().and_then(parse_version);
    toolkit >= first && last.is_none_or(|last| toolkit <= last)
}

/// True when current CUDA toolkits still compile for compute capability `capability`.
pub fn current_toolkits_target(capability: &str) -> bool {
    rows().iter().any(|r| r.capability == capability && r.last_toolkit.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_and_has_a_source() {
        assert!(rows().len() >= 20, "data file failed to parse");
        for row in rows() {
            assert!(!row.source.is_empty(), "{}", row.capability);
            assert!(parse_version(&row.capability).is_some() && parse_version(&row.first_toolkit).is_some());
        }
    }

    #[test]
    fn bounds_are_inclusive() {
        assert!(toolkit_supports("11.8", "9.0"), "Hopper arrived in 11.8");
        assert!(!toolkit_supports("11.7", "9.0"));
        assert!(toolkit_supports("12.9", "7.0") && !toolkit_supports("13.0", "7.0"), "CUDA 13 dropped Volta");
        assert!(!toolkit_supports("12.6", "12.0") && toolkit_supports("12.8", "12.0"), "Blackwell needs 12.8");
        assert!(!toolkit_supports("12.6", "99.0"), "unknown capabilities are unsupported");
        assert!(current_toolkits_target("12.0") && !current_toolkits_target("3.7") && !current_toolkits_target("7.0"));
    }
}
