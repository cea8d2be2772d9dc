//! FP64 throughput per compute capability (data/fp64_rates.json).

use std::sync::OnceLock;

use serde::Deserialize;

/// FP64 vs FP32 throughput of one compute capability.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Fp64Rate {
    /// `8.6`.
    pub compute_capability: String,
    /// FP32 results per clock per multiprocessor.
    pub fp32_per_clock: u32,
    /// FP64 results per clock per multiprocessor.
    pub fp64_per_clock: u32,
    /// Parts with this compute capability.
    pub example: String,
    /// Where the figures come from.
    pub source: String,
}

impl Fp64Rate {
    /// How many times slower FP64 is than FP32 (2 on an H100, 64 on an RTX 4090).
    pub fn slowdown(&self) -> u32 {
        self.fp32_per_clock / self.fp64_per_clock.max(1)
    }
}

fn fp64_table() -> &'static [Fp64Rate] {
    static TABLE: OnceLock<Vec<Fp64Rate>> = OnceLock::new();
    super::rows_of(&TABLE, include_str!("../../data/fp64_rates.json"))
}

/// The FP64 rate of a compute capability (`8.6`), when the table has it.
pub fn fp64_rate(compute_capability: &str) -> Option<&'static Fp64Rate> {
    fp64_table().iter().find(|row| row.compute_capability == compute_capability)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_every_row_has_a_source() {
        assert!(fp64_table().len() >= 10, "the data file failed to parse");
        for row in fp64_table() {
            assert!(!row.source.trim().is_empty(), "{} has no source", row.compute_capability);
            assert!(row.fp64_per_clock > 0 && row.fp32_per_clock >= row.fp64_per_clock);
        }
    }

    #[test]
    fn known_parts() {
        assert_eq!(fp64_rate("9.0").map(Fp64Rate::slowdown), Some(2));
        assert_eq!(fp64_rate("8.6").map(Fp64Rate::slowdown), Some(64));
        assert_eq!(fp64_rate("7.5").map(Fp64Rate::slowdown), Some(32));
        assert!(fp64_rate("1.0").is_none());
    }
}
