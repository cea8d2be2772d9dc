//! Driver minimums per CUDA release and per CUDA major version (data/cuda_drivers.json).

use std::sync::OnceLock;

use serde::Deserialize;

/// The least driver that runs any CUDA `major`.x build (minor-version compatibility).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CudaFamily {
    /// CUDA major version.
    pub major: u32,
    /// Least Linux driver version.
    pub min_driver: String,
    /// Where it comes from.
    pub source: String,
}

/// The least driver for one CUDA toolkit release.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CudaRelease {
    /// `12.4`.
    pub cuda: String,
    /// Least Linux x86_64 driver at general availability.
    pub min_driver: String,
    /// Where it comes from.
    pub source: String,
}

#[derive(Deserialize)]
struct Table {
    releases: Vec<CudaRelease>,
    families: Vec<CudaFamily>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/cuda_drivers.json"))
            .unwrap_or(Table { releases: Vec::new(), families: Vec::new() })
    })
}

/// The least driver for a CUDA release (`12.4`), when known.
pub fn cuda_release(cuda: &str) -> Option<&'static CudaRelease> {
    table().releases.iter().find(|r| r.cuda == cuda)
}

/// The driver minimum for CUDA `major`.x, when known.
pub fn cuda_family(major: u32) -> Option<&'static CudaFamily> {
    table().families.iter().find(|f| f.major == major)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_core::parse_version;

    #[test]
    fn every_row_parses_and_has_a_source() {
        let table = table();
        assert!(table.releases.len() >= 20 && table.families.len() >= 3, "data file failed to parse");
        for release in &table.releases {
            assert!(!release.source.is_empty(), "{}", release.cuda);
            assert!(parse_version(&release.min_driver).is_some(), "{}", release.min_driver);
        }
        for family in &table.families {
            assert!(!family.source.is_empty());
            // The family minimum never exceeds the GA driver of the family's first release.
            let first = table.releases.iter().find(|r| r.cuda == format!("{}.0", family.major)).unwrap();
            assert!(parse_version(&family.min_driver) >= parse_version(&first.min_driver), "{}", family.major);
        }
    }

    #[test]
    fn looks_up_releases() {
        assert_eq!(cuda_release("12.4").map(|r| r.min_driver.as_str()), Some("550.54.14"));
        assert!(cuda_release("12.7").is_none(), "there is no CUDA 12.7");
    }

    #[test]
    fn releases_need_ever_newer_drivers() {
        let drivers: Vec<_> = table().releases.iter().map(|r| parse_version(&r.min_driver).unwrap()).collect();
        assert!(drivers.windows(2).all(|w| w[0] < w[1]));
    }
}
