//! CPU profiles: this machine's, from the probe, or a named preset (data/cpus.json).

use std::sync::OnceLock;

use gpuwise_core::Cpu;
use serde::{Deserialize, Serialize};

use crate::error::{Input, InputError, ModelError, Problem};
use crate::{Dtype, constants};

/// What the CPU side of an estimate assumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuProfile {
    /// `auto` for this machine, else the preset's id.
    pub name: String,
    /// The model name.
    pub display: String,
    /// Cores (BLAS uses all of them; numpy's ufuncs and FFTs one).
    pub cores: u32,
    /// FP32 FLOPs per cycle per core: vector lanes x FMA pipes x 2.
    pub f32_flops_per_cycle: u32,
    /// The clock assumed, Hz.
    pub frequency_hz: f64,
    /// Memory bandwidth, bytes/s.
    pub memory_bandwidth_bytes_per_s: f64,
    /// Native bf16 dot products (AVX-512 BF16): bf16 at twice the FP32 rate.
    pub bf16_native: bool,
    /// Where the figures come from.
    pub source: String,
    /// This CPU's measured times (`gpuwise bench --calibrate`), used in place of the roofline.
    #[serde(skip)]
    pub calibration: Option<std::sync::Arc<crate::Calibration>>,
}

impl CpuProfile {
    /// Peak FLOP/s for `dtype`: FP64 at half the FP32 rate; half-precision types compute in FP32
    /// (numpy and PyTorch's CPU kernels convert), except bf16 on CPUs with native dot products.
    pub fn peak(&self, dtype: Dtype) -> f64 {
        let f32_peak = f64::from(self.cores) * f64::from(self.f32_flops_per_cycle) * self.frequency_hz;
        match dtype {
            Dtype::F64 => f32_peak / 2.0,
            Dtype::Bf16 if self.bf16_native => f32_peak * 2.0,
            _ => f32_peak,
        }
    }

    /// Memory bandwidth one core reaches (numpy's ufuncs run on one): the per-core figure,
    /// at most the whole socket's.
    pub fn core_bandwidth(&self) -> f64 {
        constants().cpu_memory_bandwidth_per_core.value.min(self.memory_bandwidth_bytes_per_s)
    }

    /// This machine's CPU from the probe: AVX-512 (two FMA pipes on Intel, two 256-bit pipes on
    /// AMD Zen 4), AVX2 with FMA, AVX, SSE or NEON; bandwidth assumed per core.
    pub fn probed(cpu: &Cpu) -> Result<CpuProfile, ModelError> {
        let has = |feature: &str| cpu.simd.iter().any(|s| s == feature);
        let amd = cpu.model.contains("AMD");
        let f32_flops_per_cycle = if has("avx512f") && !amd {
            64
        } else if has("avx512f") || (has("avx2") && has("fma")) {
            32
        } else {
            // AVX without FMA (8 lanes, separate multiply and add), SSE2 and NEON (4 lanes, two pipes).
            16
        };
        let frequency = cpu.frequency_mhz.filter(|&f| f > 0).ok_or(ModelError::CpuFrequencyUnknown)?;
        let cores = cpu.physical_cores.max(1);
        let c = constants();
        let per_core = c.cpu_memory_bandwidth_per_core.value;
        let socket = (per_core * f64::from(cores)).min(c.cpu_memory_bandwidth_probed_max.value);
        Ok(CpuProfile {
            name: "auto".into(),
            display: format!("{} ({cores} cores, this machine)", cpu.model),
            cores,
            f32_flops_per_cycle,
            frequency_hz: frequency as f64 * 1e6,
            memory_bandwidth_bytes_per_s: socket,
            bf16_native: has("avx512_bf16") || has("avx512bf16"),
            source: format!(
                "probed: {} cores, {} MHz, {}; memory bandwidth assumed {:.0} GB/s for one core, {:.0} GB/s for all",
                cores,
                frequency,
                cpu.simd.join(" "),
                per_core / 1e9,
                socket / 1e9
            ),
            calibration: None,
        })
    }
}

#[derive(Deserialize)]
struct Table {
    rows: Vec<CpuProfile>,
}

/// The built-in presets.
pub fn cpus() -> &'static [CpuProfile] {
    static TABLE: OnceLock<Table> = OnceLock::new();
    &TABLE
        .get_or_init(|| {
            serde_json::from_str(include_str!("../data/cpus.json")).expect("data/cpus.json is checked by a test")
        })
        .rows
}

/// The preset `name`; `Err` lists them.
pub fn cpu(name: &str) -> Result<&'static CpuProfile, InputError> {
    let wanted = name.trim().to_ascii_lowercase();
    cpus().iter().find(|c| c.name == wanted).ok_or_else(|| {
        let choices = std::iter::once("auto").chain(cpus().iter().map(|c| c.name.as_str())).map(String::from).collect();
        InputError::new(Input::Cpu, Problem::Unknown { got: name.into(), choices })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_and_have_sources() {
        assert!(cpus().len() >= 3);
        for c in cpus() {
            assert!(c.source.len() > 20 && c.cores > 0 && c.frequency_hz > 1e9, "{}", c.name);
        }
        assert!(cpu("epyc-9999").unwrap_err().to_string().contains("epyc-9654"));
    }

    #[test]
    fn this_machine_from_the_probe() {
        // The project's development machine: 2 cores, AVX2 + FMA, 2445 MHz.
        let probe = Cpu {
            model: "AMD EPYC".into(),
            physical_cores: 2,
            logical_cores: 2,
            simd: ["sse2", "avx", "avx2", "fma"].map(String::from).to_vec(),
            frequency_mhz: Some(2445),
        };
        let profile = CpuProfile::probed(&probe).unwrap();
        assert!((profile.peak(Dtype::F32) / 1e9 - 156.48).abs() < 0.01);
        assert!((profile.peak(Dtype::F64) / 1e9 - 78.24).abs() < 0.01);
        let unknown = Cpu { frequency_mhz: None, ..probe };
        assert!(CpuProfile::probed(&unknown).unwrap_err().to_string().contains("frequency"));
    }
}
