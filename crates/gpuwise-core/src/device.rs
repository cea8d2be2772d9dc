//! One GPU and what NVML and the CUDA driver said about it.

use serde::{Deserialize, Serialize};

/// Who made a GPU.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vendor {
    /// NVIDIA (CUDA).
    #[default]
    Nvidia,
    /// AMD (ROCm).
    Amd,
}

/// One physical GPU, numbered as NVML and nvidia-smi number it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Device {
    /// NVML index: position in ascending PCI bus order, nvidia-smi's number.
    pub index: u32,
    /// `GPU-8932f937-...`, as `nvidia-smi -L` prints it.
    pub uuid: String,
    /// Product name (`NVIDIA H100 80GB HBM3`).
    pub name: String,
    /// Maker.
    pub vendor: Vendor,
    /// CUDA compute capability (`9.0`).
    pub compute_capability: Option<String>,
    /// Total device memory, bytes.
    pub memory_total_bytes: Option<u64>,
    /// Free device memory when probed, bytes.
    pub memory_free_bytes: Option<u64>,
    /// Used device memory when probed, bytes.
    pub memory_used_bytes: Option<u64>,
    /// Streaming multiprocessors.
    pub multiprocessors: Option<u32>,
    /// PCI address as NVML spells it (`00000000:18:00.0`).
    pub pci_bus_id: String,
    /// Minor number: this GPU's device node is `/dev/nvidia<minor>`.
    pub minor_number: Option<u32>,
    /// PCIe link, now and at most.
    pub pcie: Option<Pcie>,
    /// MIG mode is enabled (current mode).
    pub mig: bool,
    /// MIG instances carved out of this GPU.
    pub mig_devices: Vec<MigDevice>,
    /// Clock rates now and at most.
    pub clocks: Option<Clocks>,
    /// Memory bus width, bits.
    pub memory_bus_width_bits: Option<u32>,
    /// Theoretical memory bandwidth, bytes/s (bus width x double-data-rate memory clock).
    pub memory_bandwidth_bytes_per_second: Option<u64>,
    /// L2 cache, bytes (CUDA driver).
    pub l2_cache_bytes: Option<u64>,
    /// Persistence mode (Linux): keeps the driver loaded between processes.
    pub persistence_mode: Option<bool>,
    /// Compute processes using this GPU; null when NVML refused to list them.
    pub processes: Option<Vec<GpuProcess>>,
    /// The index CUDA gives this device with no `CUDA_VISIBLE_DEVICES` and the default
    /// `FASTEST_FIRST` order, when the CUDA driver was asked.
    pub cuda_default_index: Option<u32>,
    /// Fields NVML or CUDA could not give, and why.
    pub errors: Vec<FieldError>,
}

impl Device {
    /// Compute capability as (major, minor), when known and well-formed.
    pub fn compute_capability_pair(&self) -> Option<(u32, u32)> {
        let text = self.compute_capability.as_deref()?;
        let (major, minor) = text.split_once('.')?;
        Some((major.parse().ok()?, minor.parse().ok()?))
    }

    /// The `GPU N` label views use for this device.
    pub fn label(&self) -> String {
        format!("GPU {}", self.index)
    }
}

/// PCIe link generation and width.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pcie {
    /// Current link generation (idle GPUs may drop to a lower one to save power).
    pub generation: Option<u32>,
    /// Current link width (lanes).
    pub width: Option<u32>,
    /// Highest generation the GPU and system together support.
    pub max_generation: Option<u32>,
    /// Highest width supported.
    pub max_width: Option<u32>,
}

/// Clock rates, MHz.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Clocks {
    /// Graphics clock now.
    pub graphics_mhz: Option<u32>,
    /// SM clock now.
    pub sm_mhz: Option<u32>,
    /// Memory clock now.
    pub memory_mhz: Option<u32>,
    /// Highest graphics clock.
    pub max_graphics_mhz: Option<u32>,
    /// Highest SM clock.
    pub max_sm_mhz: Option<u32>,
    /// Highest memory clock.
    pub max_memory_mhz: Option<u32>,
}

/// One MIG instance (a GPU instance with one compute instance), a CUDA device of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MigDevice {
    /// `MIG-...` UUID, as `nvidia-smi -L` prints it.
    pub uuid: String,
    /// Profile name (`1g.10gb`), when known.
    pub name: Option<String>,
    /// GPU instance id.
    pub gpu_instance_id: Option<u32>,
    /// Compute instance id.
    pub compute_instance_id: Option<u32>,
    /// Memory of this instance, bytes.
    pub memory_total_bytes: Option<u64>,
    /// Multiprocessors of this instance.
    pub multiprocessors: Option<u32>,
}

/// A process holding GPU memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GpuProcess {
    /// Process id (in NVML's namespace; may be the host's inside a container).
    pub pid: u32,
    /// Process name, when it could be read.
    pub name: Option<String>,
    /// GPU memory it holds, bytes, when reported.
    pub used_memory_bytes: Option<u64>,
}

/// A field a library could not report, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldError {
    /// Which field (`processes`, `pcie`, `clocks`, ...).
    pub field: String,
    /// The library's answer (`no permission`, `not supported`, `GPU is lost`).
    pub error: String,
}
