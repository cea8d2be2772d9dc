//! The cost model's constants (data/constants.json), each with where it comes from.

use std::sync::OnceLock;

use serde::Deserialize;

/// One constant and its source.
#[derive(Debug, Clone, Deserialize)]
pub struct Constant {
    /// The value.
    pub value: f64,
    /// The measurement it is fit to, or why it is assumed.
    pub source: String,
}

/// Every constant the model uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Constants {
    /// Fraction of peak a large GEMM reaches (before wave quantisation).
    pub gemm_efficiency: Constant,
    /// Clock factor of GeForce cards (see `GpuProfile::clock_factor`).
    pub geforce_clock_factor: Constant,
    /// Share of the FP32 peak SGEMM uses on dies with a shared FP32 datapath.
    pub shared_fp32_gemm_share: Constant,
    /// Clock factor of AMD Instinct parts.
    pub instinct_clock_factor: Constant,
    /// Clock factor of parts held to a low power limit (modules, small data-center cards).
    pub power_limited_clock_factor: Constant,
    /// Board power at or below which a data-center part counts as power-limited, watts.
    pub low_power_watts: Constant,
    /// Edge of the square output tile one multiprocessor computes.
    pub gemm_tile: Constant,
    /// Convolution rate relative to a GEMM of the same implicit shape.
    pub conv_efficiency: Constant,
    /// Launch and synchronise, seconds.
    pub launch_seconds: Constant,
    /// Fraction of peak memory bandwidth reached.
    pub memory_efficiency: Constant,
    /// The same on AMD Instinct parts.
    pub instinct_memory_efficiency: Constant,
    /// Fraction of the vector rate FFT and elementwise kernels reach when compute-bound.
    pub vector_efficiency: Constant,
    /// Fraction of the host link's rate pinned copies reach.
    pub link_efficiency: Constant,
    /// Pageable copies relative to pinned.
    pub pageable_factor: Constant,
    /// Fixed cost of one copy, seconds.
    pub transfer_latency_seconds: Constant,
    /// Fraction of CPU peak a large GEMM reaches.
    pub cpu_gemm_efficiency: Constant,
    /// FLOPs per cycle numpy's FFT reaches on one core when the transform fits in its cache.
    pub cpu_fft_flops_per_cycle_in_cache: Constant,
    /// The same when only each line of the longest dimension fits.
    pub cpu_fft_flops_per_cycle_lines_in_cache: Constant,
    /// The same when not even a line fits.
    pub cpu_fft_flops_per_cycle_out_of_cache: Constant,
    /// Cache one core works in, bytes.
    pub cpu_cache_bytes: Constant,
    /// Memory bandwidth one core reaches, bytes/s (all cores of a probed CPU: this times cores).
    pub cpu_memory_bandwidth_per_core: Constant,
    /// Most memory bandwidth assumed for all cores of a probed CPU, bytes/s.
    pub cpu_memory_bandwidth_probed_max: Constant,
    /// Memory traffic per byte written into a new array (read for ownership, the write, the
    /// kernel's zeroing of new pages).
    pub cpu_write_factor: Constant,
    /// Fixed cost of one CPU library call, seconds.
    pub cpu_call_seconds: Constant,
    /// GPU memory unavailable to the data, bytes.
    pub context_bytes: Constant,
}

/// The built-in constants.
pub fn constants() -> &'static Constants {
    static CONSTANTS: OnceLock<Constants> = OnceLock::new();
    CONSTANTS.get_or_init(|| {
        serde_json::from_str(include_str!("../data/constants.json")).expect("data/constants.json is checked by a test")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constant_parses_and_has_a_source() {
        let all: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(include_str!("../data/constants.json")).unwrap();
        for (name, value) in all.iter().filter(|(name, _)| *name != "about") {
            assert!(value["source"].as_str().is_some_and(|s| s.len() > 20), "{name} needs a source");
            assert!(value["value"].as_f64().is_some_and(|v| v > 0.0), "{name}");
        }
        assert!(constants().gemm_efficiency.value < 1.0);
    }
}
