//! What a machine has: operating system, CPU, memory, driver, GPUs and the files around them.

use serde::{Deserialize, Serialize};

use crate::{Device, ProbeStatus};

/// Everything doctor knows about a machine's hardware and driver.
///
/// Probed live, or read back from a snapshot (`gpuwise doctor --system FILE`). Every field a
/// probe may fail to learn is optional, so a snapshot from a machine with a broken driver
/// reads back as faithfully as one from a healthy machine.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct System {
    /// Operating system and how the process is hosted.
    pub os: Os,
    /// The host CPU.
    pub cpu: Cpu,
    /// Memory available to this machine (or container), bytes.
    pub memory_bytes: u64,
    /// The NVIDIA driver, when one answered (NVML, CUDA or the kernel module).
    pub driver: Option<Driver>,
    /// NVIDIA GPUs in NVML order (ascending PCI bus id, as nvidia-smi numbers them).
    pub devices: Vec<Device>,
    /// Display and 3D controllers on the PCI bus, whatever their driver.
    pub pci_gpus: Vec<PciGpu>,
    /// GPU device nodes (`/dev/nvidia*`, `/dev/kfd`, `/dev/dxg`) and this user's access to them.
    pub device_nodes: Vec<DeviceNode>,
    /// Which driver libraries could be loaded and what they answered.
    pub libraries: Libraries,
    /// Variables the NVIDIA container runtime reads.
    pub container_runtime: ContainerRuntime,
    /// Where this description came from, when it was recorded elsewhere.
    pub provenance: Option<Provenance>,
}

impl System {
    /// True when at least one PCI display/3D controller is made by NVIDIA.
    pub fn has_nvidia_pci_device(&self) -> bool {
        self.pci_gpus.iter().any(|gpu| gpu.vendor_id == PciGpu::NVIDIA)
    }

    /// The device node at `path`, if it was seen.
    pub fn device_node(&self, path: &str) -> Option<&DeviceNode> {
        self.device_nodes.iter().find(|node| node.path == path)
    }
}

/// Operating system facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Os {
    /// The machine's host name (`gpu-node-17`), as the kernel has it; empty when unknown.
    pub hostname: String,
    /// Distribution or OS name (`Debian GNU/Linux 12 (bookworm)`).
    pub name: String,
    /// Kernel release (`6.1.0-18-amd64`).
    pub kernel: String,
    /// The container runtime this process runs in (`docker`, `podman`, `kubernetes`, ...), or null.
    pub container: Option<String>,
    /// True under Windows Subsystem for Linux 2 (`/dev/dxg` present).
    pub wsl: bool,
}

/// Host CPU facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cpu {
    /// Marketing name (`AMD EPYC 7B13`).
    pub model: String,
    /// Physical cores available.
    pub physical_cores: u32,
    /// Logical CPUs (hardware threads) available.
    pub logical_cores: u32,
    /// Vector instruction sets the CPU reports (`avx2`, `fma`, `avx512f`, `neon`, ...).
    pub simd: Vec<String>,
    /// Nominal or current frequency in MHz, when known.
    pub frequency_mhz: Option<u64>,
}

/// The NVIDIA driver.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Driver {
    /// Always `nvidia` for now.
    pub vendor: String,
    /// User-space driver version from NVML (`580.159.04`), else the kernel module's.
    pub version: String,
    /// Newest CUDA version the driver supports (`13.0`), as nvidia-smi's "CUDA Version".
    pub cuda_version: Option<String>,
    /// Kernel module version from `/proc/driver/nvidia/version`.
    pub kernel_module_version: Option<String>,
}

/// One display or 3D controller found on the PCI bus.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PciGpu {
    /// PCI address (`0000:18:00.0`).
    pub bus_id: String,
    /// PCI vendor id (`0x10de` NVIDIA, `0x1002` AMD, `0x8086` Intel).
    pub vendor_id: String,
    /// PCI device id (`0x2330`).
    pub device_id: String,
    /// Kernel driver bound to it (`nvidia`, `nouveau`, `amdgpu`, `vfio-pci`), null when none.
    pub driver: Option<String>,
}

impl PciGpu {
    /// NVIDIA's PCI vendor id.
    pub const NVIDIA: &'static str = "0x10de";
    /// AMD's PCI vendor id.
    pub const AMD: &'static str = "0x1002";
}

/// A device node and what this user may do with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceNode {
    /// Path (`/dev/nvidiactl`).
    pub path: String,
    /// This process may open it for reading.
    pub readable: bool,
    /// This process may open it for writing.
    pub writable: bool,
}

/// What each driver library answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Libraries {
    /// `libnvidia-ml.so.1` (NVML), what nvidia-smi uses.
    pub nvml: ProbeStatus,
    /// `libcuda.so.1` (the CUDA driver API), what every framework uses.
    pub cuda: ProbeStatus,
    /// `cuDriverGetVersion`: newest CUDA the loaded libcuda supports (`13.0`).
    pub cuda_driver_version: Option<String>,
    /// The `CUresult` code `cuInit` returned when it failed (`999`, `100`, `34`, ...).
    pub cuda_init_error_code: Option<i32>,
}

/// Variables read by the NVIDIA container runtime (not by CUDA itself).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerRuntime {
    /// `NVIDIA_VISIBLE_DEVICES` as set in this environment.
    pub nvidia_visible_devices: Option<String>,
    /// `NVIDIA_DRIVER_CAPABILITIES` as set in this environment.
    pub nvidia_driver_capabilities: Option<String>,
}

/// Where a snapshot came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Provenance {
    /// How it was recorded (`gpuwise doctor --json`, `nvidia-smi -q -x`).
    pub method: String,
    /// The machine, in words.
    pub machine: String,
    /// When it was recorded (ISO date).
    pub date: String,
    /// Public source of the recorded values, when not recorded by this project.
    pub source: Option<String>,
}
