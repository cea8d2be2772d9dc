//! GPU profiles: the built-in table (data/gpus.json, each row with its source) and the profile of
//! a probed device.

use std::sync::OnceLock;

use gpuwise_core::Device;
use serde::{Deserialize, Serialize};

use crate::error::{Input, InputError, ModelError, Problem};
use crate::{Dtype, constants};

/// Dense peak rates, FLOP/s; `None` where the part has no such unit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeakFlops {
    /// Vector FP64.
    pub f64: Option<f64>,
    /// FP64 tensor (matrix) cores.
    pub f64_tensor: Option<f64>,
    /// Vector FP32.
    pub f32: Option<f64>,
    /// FP32 on AMD's matrix or packed-FP32 path, which BLAS uses where it beats the vector rate.
    #[serde(default)]
    pub f32_matrix: Option<f64>,
    /// TF32 tensor cores.
    pub tf32: Option<f64>,
    /// FP16 tensor cores (FP32 accumulate).
    pub f16: Option<f64>,
    /// BF16 tensor cores (FP32 accumulate).
    pub bf16: Option<f64>,
    /// FP8 tensor cores.
    pub fp8: Option<f64>,
    /// FP16 tensor cores with FP16 accumulate: twice `f16` on GeForce parts, which halve the
    /// FP32-accumulate rate. Recorded, not used: PyTorch, JAX and CuPy ask cuBLAS for FP32
    /// accumulation, so their half-precision products run at `f16`.
    #[serde(default)]
    pub f16_acc16: Option<f64>,
}

/// The market a part is made for, which decides how its clock holds under a long computation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Segment {
    /// Data-center accelerators: the datasheet peaks already assume their sustained clock.
    #[default]
    Datacenter,
    /// Professional desktop cards.
    Workstation,
    /// GeForce and Radeon desktop cards, which boost above their rated clock while cool.
    Consumer,
    /// Laptop parts, held to the maker's power limit.
    Laptop,
    /// Modules such as Jetson, held to a power mode.
    Embedded,
}

/// How the GPU connects to the host.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostLink {
    /// `pcie` or `sxm` (an SXM/OAM module still reaches the CPU over PCIe), `nvlink-c2c`, or
    /// `integrated` (CPU and GPU share one memory).
    pub kind: String,
    /// PCIe generation to the host.
    pub pcie_gen: u32,
    /// PCIe lanes.
    pub pcie_lanes: u32,
    /// Bytes per second per direction of a link that is not PCIe (NVLink-C2C), where it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_second: Option<f64>,
}

impl HostLink {
    /// The link in words: `PCIe Gen5 x16`, `NVLink-C2C`, `the memory CPU and GPU share`.
    pub fn describe(&self) -> String {
        match self.kind.as_str() {
            "nvlink-c2c" => "NVLink-C2C".into(),
            "integrated" => "the memory CPU and GPU share".into(),
            _ => format!("PCIe Gen{} x{}", self.pcie_gen, self.pcie_lanes),
        }
    }

    /// Whether pageable host memory must be staged through a pinned buffer to cross: over PCIe
    /// yes; over NVLink-C2C and in shared memory the GPU reads it directly.
    pub fn stages_pageable(&self) -> bool {
        self.bytes_per_second.is_none()
    }

    /// Bytes per second per direction the link carries before protocol overhead (after line
    /// encoding): Gen3 ~0.985 GB/s per lane, doubling each generation.
    pub fn bytes_per_second(&self) -> f64 {
        if let Some(rate) = self.bytes_per_second {
            return rate;
        }
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
    /// The market the part is made for.
    #[serde(default)]
    pub segment: Segment,
    /// The boost clock the peaks are quoted at, MHz.
    #[serde(default)]
    pub boost_clock_mhz: Option<f64>,
    /// Board power limit, watts.
    #[serde(default)]
    pub tdp_watts: Option<f64>,
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
            Dtype::F32 if matrix => p.f32_matrix.or(p.f32),
            Dtype::F32 => p.f32,
            Dtype::Tf32 => p.tf32,
            Dtype::F16 => p.f16,
            Dtype::Bf16 => p.bf16,
            Dtype::Fp8 => p.fp8,
        }
    }

    /// The clock a long matrix product holds relative to the parts the GEMM efficiency was fit
    /// on, by the part's class (data/constants.json): 1 for NVIDIA data-center parts (whose power
    /// limit holds them near their rated boost), workstation and Radeon cards and laptop parts
    /// (held to the maker's power limit, at which the rated boost is quoted); more for desktop
    /// GeForce cards, which boost past their rated clock below their power limit; less for AMD
    /// Instinct parts, whose clocks fall further under matrix work, and
    /// for modules and data-center cards of 75 W or less, held down by their power limit.
    pub fn clock_factor(&self) -> f64 {
        let c = constants();
        let low_power = self.tdp_watts.is_some_and(|w| w <= c.low_power_watts.value);
        let nvidia = self.vendor == "nvidia";
        match self.segment {
            Segment::Consumer if nvidia => c.geforce_clock_factor.value,
            Segment::Embedded => c.power_limited_clock_factor.value,
            Segment::Datacenter if low_power => c.power_limited_clock_factor.value,
            Segment::Datacenter if !nvidia => c.instinct_clock_factor.value,
            _ => 1.0,
        }
    }

    /// The share of the datasheet memory bandwidth streaming kernels reach: AMD Instinct parts
    /// reach less of theirs than NVIDIA's and Radeon cards do (data/constants.json).
    pub fn memory_efficiency(&self) -> f64 {
        let c = constants();
        let instinct = self.segment == Segment::Datacenter && self.vendor != "nvidia";
        if instinct { c.instinct_memory_efficiency.value } else { c.memory_efficiency.value }
    }

    /// The share of the FP32 peak a single-precision matrix product can use: NVIDIA's graphics
    /// dies since Ampere (compute capability 8.6, 8.7, 8.9 and 12.x) count a second FP32 datapath
    /// that is shared with integer work, which SGEMM cannot keep busy beside its address and loop
    /// arithmetic; other parts use the whole peak.
    pub fn f32_gemm_share(&self) -> f64 {
        let shared = matches!(self.compute_capability.as_deref(), Some("8.6" | "8.7" | "8.9" | "12.0" | "12.1"));
        if shared { constants().shared_fp32_gemm_share.value } else { 1.0 }
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
/// memory, multiprocessor count and host link; `Err` when no row matches. A laptop part
/// (`Laptop GPU`, or `Max-Q` outside a workstation card's name) matches laptop rows only: its
/// desktop namesake has other peaks.
pub fn for_device(device: &Device) -> Result<GpuProfile, ModelError> {
    let name = device.name.to_ascii_lowercase();
    let laptop = name.contains("laptop") || (name.contains("max-q") && !name.contains("workstation"));
    let matched = gpus()
        .iter()
        .filter(|g| !laptop || g.segment == Segment::Laptop)
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
        assert!(gpus().len() >= 105);
        for g in gpus() {
            assert!(g.source.len() > 20, "{} needs a source", g.name);
            assert!(g.peak_flops.f32.is_some() && g.memory_bandwidth_bytes_per_s > 1e11, "{}", g.name);
            assert!(!g.aliases.is_empty(), "{}", g.name);
        }
        for required in ["h100-sxm", "h100-pcie", "h200", "a100-80gb", "a100-40gb", "v100", "t4", "l4", "a10"] {
            assert!(gpu(required).is_ok(), "{required}");
        }
        for required in
            ["rtx-3070", "rtx-3090", "rtx-4090", "rtx-5090", "mi300x", "a100-pcie-80gb", "rtx-4060-laptop", "b200"]
        {
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
        assert_eq!(for_device(&device("NVIDIA A100 80GB PCIe")).unwrap().name, "a100-pcie-80gb", "not the A10");
        // Names drivers report, each to its own row rather than a shorter name inside it.
        for (reported, row) in [
            ("NVIDIA A100-PCIE-40GB", "a100-pcie-40gb"),
            ("Tesla V100-SXM2-16GB", "v100-sxm2-16gb"),
            ("Tesla T4", "t4"),
            ("NVIDIA GeForce RTX 4070 Laptop GPU", "rtx-4070-laptop"),
            ("NVIDIA GeForce RTX 4070 Ti SUPER", "rtx-4070-ti-super"),
            ("NVIDIA GeForce RTX 4080 SUPER", "rtx-4080-super"),
            ("NVIDIA RTX 6000 Ada Generation", "rtx-6000-ada"),
            ("NVIDIA GH200 480GB", "gh200"),
            ("NVIDIA H100 NVL", "h100-nvl"),
            ("AMD Instinct MI250X / MI250", "mi250x"),
            ("AMD Radeon RX 7900 XTX", "rx-7900-xtx"),
            ("NVIDIA H800 PCIe", "h800-pcie"),
            ("NVIDIA RTX PRO 6000 Blackwell Server Edition", "rtx-pro-6000-blackwell-server"),
            ("NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition", "rtx-pro-6000-blackwell"),
            ("NVIDIA GeForce RTX 5080 Laptop GPU", "rtx-5080-laptop"),
            ("NVIDIA RTX A2000 12GB", "rtx-a2000"),
        ] {
            assert_eq!(for_device(&device(reported)).unwrap().name, row, "{reported}");
        }
        for laptop in ["NVIDIA GeForce RTX 3080 Ti Laptop GPU", "NVIDIA GeForce RTX 2080 with Max-Q Design"] {
            assert!(for_device(&device(laptop)).is_err(), "{laptop} is not its desktop namesake");
        }
        assert!(for_device(&device("Quadro K620")).is_err());
    }

    #[test]
    fn link_rates() {
        let gen5 = HostLink { kind: "pcie".into(), pcie_gen: 5, pcie_lanes: 16, bytes_per_second: None };
        assert!((gen5.bytes_per_second() / 1e9 - 63.0).abs() < 0.1);
        assert!(gpu("v100").unwrap().peak(Dtype::Fp8, true).is_none(), "V100 has no FP8");
        assert_eq!(gpu("h100-sxm").unwrap().peak(Dtype::F64, true), Some(67e12), "FP64 GEMMs use tensor cores");
    }
}
