//! GPU profiles: the built-in table (data/gpus.json, each row with its source) and the profile of
//! a probed device.

use std::sync::OnceLock;

use gpuwise_core::Device;
use serde::{Deserialize, Serialize};

use crate::Dtype;
use crate::error::{Input, InputError, ModelError, Problem};

/// Dense peak rates, FLOP/s; `None` where the part has no such unit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeakFlops {
    /// Vector FP64.
    pub f64: Option<f64>,
    /// FP64 tensor (matrix) cores.
    pub f64_tensor: Option<f64>,
    /// Vector FP32.
    pub f32: Option<f64>,
    /// TF32 tensor cores.
    pub tf32: Option<f64>,
    /// FP16 tensor cores (FP32 accumulate).
    pub f16: Option<f64>,
    /// BF16 tensor cores (FP32 accumulate).
    pub bf16: Option<f64>,
    /// FP8 tensor cores.
    pub fp8: Option<f64>,
}

/// How the GPU connects to the host.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostLink {
    /// `pcie` or `sxm` (an SXM/OAM module still reaches the CPU over PCIe).
    pub kind: String,
    /// PCIe generation to the host.
    pub pcie_gen: u32,
    /// PCIe lanes.
    pub pcie_lanes: u32,
}

impl HostLink {
    /// Bytes per second per direction the link carries before protocol overhead (after line
    /// encoding): Gen3 ~0.985 GB/s per lane, doubling each generation.
    pub fn bytes_per_second(&self) -> f64 {
        let per_lane = match self.pcie_gen {
            0 | 1 => 0.25e9,
            2 => 0.5e9,
            generation => 0.985e9 * f64::from(1u32 << (generation.min(7) - 3)),
        };
        per_lane * f64::from(self.pcie_lanes.max(1))
    }
}

/// One GPU's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GpuProfile {
    /// The id `--gpu` takes (`h100-sxm`).
    pub name: String,
    /// The product name.
    pub display: String,
    /// `nvidia` or `amd`.
    pub vendor: String,
    /// `Hopper`.
    pub architecture: String,
    /// `9.0`; `None` for AMD parts.
    pub compute_capability: Option<String>,
    /// Multiprocessors (NVIDIA SMs, AMD compute units).
    pub sms: u32,
    /// Memory, bytes.
    pub memory_bytes: u64,
    /// Peak memory bandwidth, bytes/s.
    pub memory_bandwidth_bytes_per_s: f64,
    /// L2 cache, bytes.
    pub l2_bytes: Option<u64>,
    /// Dense peaks.
    pub peak_flops: PeakFlops,
    /// The host link.
    pub host_link: HostLink,
    /// Where the figures come from.
    pub source: String,
    /// This GPU's measured times (`gpuwise bench --calibrate`), used in place of the roofline.
    #[serde(skip)]
    pub calibration: Option<std::sync::Arc<crate::Calibration>>,
    /// Lowercase names the driver reports for it (matched at word boundaries).
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl GpuProfile {
    /// The peak rate for `dtype` and whether it runs on matrix (tensor) units: FP64 GEMMs use FP64
    /// tensor cores where the part has them; TF32 needs tensor cores; f32 uses the vector units.
    /// `None` when the part cannot compute in `dtype` at all.
    pub fn peak(&self, dtype: Dtype, matrix: bool) -> Option<f64> {
        let p = &self.peak_flops;
        match dtype {
            Dtype::F64 if matrix => p.f64_tensor.or(p.f64),
            Dtype::F64 => p.f64,
            Dtype::F32 => p.f32,
            Dtype::Tf32 => p.tf32,
            Dtype::F16 => p.f16,
            Dtype::Bf16 => p.bf16,
            Dtype::Fp8 => p.fp8,
        }
    }
}

#[derive(Deserialize)]
struct Table {
    rows: Vec<GpuProfile>,
}

/// Every built-in profile.
pub fn gpus() -> &'static [GpuProfile] {
    static TABLE: OnceLock<Table> = OnceLock::new();
    &TABLE
        .get_or_init(|| {
            serde_json::from_str(include_str!("../data/gpus.json")).expect("data/gpus.json is checked by a test")
        })
        .rows
}

/// The built-in profile `name` (case-insensitive); `Err` suggests the nearest names.
pub fn gpu(name: &str) -> Result<&'static GpuProfile, InputError> {
    let wanted = name.trim().to_ascii_lowercase();
    if let Some(found) = gpus().iter().find(|g| g.name == wanted) {
        return Ok(found);
    }
    let mut nearest: Vec<(f64, &str)> =
        gpus().iter().map(|g| (strsim::jaro_winkler(&wanted, &g.name), g.name.as_str())).collect();
    nearest.sort_by(|a, b| b.0.total_cmp(&a.0));
    let nearest = nearest.iter().take(3).map(|(_, n)| n.to_string()).collect();
    Err(InputError::new(Input::Gpu, Problem::Unnamed { got: name.into(), nearest }))
}

/// The profile of a probed device: the table row its name matches, with the device's own
/// memory, multiprocessor count and host link; `Err` when no row matches.
pub fn for_device(device: &Device) -> Result<GpuProfile, ModelError> {
    let name = device.name.to_ascii_lowercase();
    let matched = gpus()
        .iter()
        .filter_map(|g| g.aliases.iter().filter(|a| matches_word(&name, a)).map(|a| (a.len(), g)).max_by_key(|m| m.0))
        .max_by_key(|m| m.0)
        .map(|(_, g)| g)
        .ok_or_else(|| ModelError::NotInTable(device.name.clone()))?;
    let mut profile = matched.clone();
    profile.display = format!("{} (GPU {}, this machine)", device.name, device.index);
    if let Some(bytes) = device.memory_total_bytes {
        profile.memory_bytes = bytes;
    }
    if let Some(sms) = device.multiprocessors {
        profile.sms = sms;
    }
    if let Some(link) = &device.pcie
        && let (Some(generation), Some(width)) = (link.max_generation, link.max_width)
    {
        profile.host_link.pcie_gen = generation;
        profile.host_link.pcie_lanes = width;
    }
    Ok(profile)
}

/// True when `alias` occurs in `text` not glued to other letters or digits on either side.
fn matches_word(text: &str, alias: &str) -> bool {
    text.match_indices(alias).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + alias.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_and_has_a_source() {
        assert!(gpus().len() >= 14);
        for g in gpus() {
            assert!(g.source.len() > 20, "{} needs a source", g.name);
            assert!(g.peak_flops.f32.is_some() && g.memory_bandwidth_bytes_per_s > 1e11, "{}", g.name);
            assert!(!g.aliases.is_empty(), "{}", g.name);
        }
        for required in ["h100-sxm", "h100-pcie", "h200", "a100-80gb", "a100-40gb", "v100", "t4", "l4", "a10"] {
            assert!(gpu(required).is_ok(), "{required}");
        }
        for required in ["rtx-3070", "rtx-3090", "rtx-4090", "rtx-5090", "mi300x"] {
            assert!(gpu(required).is_ok(), "{required}");
        }
    }

    #[test]
    fn unknown_names_get_suggestions() {
        let err = gpu("h100").unwrap_err().to_string();
        assert!(err.contains("h100-sxm") && err.contains("h100-pcie"), "{err}");
        assert_eq!(gpu("H100-SXM").unwrap().name, "h100-sxm");
    }

    #[test]
    fn probed_names_match_their_rows() {
        let device = |name: &str| Device { name: name.into(), ..Device::default() };
        assert_eq!(for_device(&device("NVIDIA H100 80GB HBM3")).unwrap().name, "h100-sxm");
        assert_eq!(for_device(&device("NVIDIA A100-SXM4-40GB")).unwrap().name, "a100-40gb");
        assert_eq!(for_device(&device("NVIDIA A10")).unwrap().name, "a10");
        assert_eq!(for_device(&device("NVIDIA GeForce RTX 4090")).unwrap().name, "rtx-4090");
        assert!(for_device(&device("NVIDIA A100 80GB PCIe")).unwrap().name == "a100-80gb", "not the A10");
        assert!(for_device(&device("Quadro K620")).is_err());
    }

    #[test]
    fn link_rates() {
        let gen5 = HostLink { kind: "pcie".into(), pcie_gen: 5, pcie_lanes: 16 };
        assert!((gen5.bytes_per_second() / 1e9 - 63.0).abs() < 0.1);
        assert!(gpu("v100").unwrap().peak(Dtype::Fp8, true).is_none(), "V100 has no FP8");
        assert_eq!(gpu("h100-sxm").unwrap().peak(Dtype::F64, true), Some(67e12), "FP64 GEMMs use tensor cores");
    }
}
