//! What every rule reads.

use gpuwise_core::{Device, System, Visibility};
use gpuwise_probe::Variables;

/// The inputs of a diagnosis.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The machine, probed or from a snapshot.
    pub system: &'a System,
    /// What a CUDA process started now would see.
    pub visibility: &'a Visibility,
    /// The variables in effect.
    pub vars: &'a Variables,
}

impl Context<'_> {
    /// NVIDIA GPUs NVML or CUDA reported.
    pub fn devices(&self) -> &[Device] {
        &self.system.devices
    }

    /// True when the NVIDIA kernel module is known to be loaded.
    pub fn kernel_module_loaded(&self) -> bool {
        self.system.driver.as_ref().is_some_and(|d| d.kernel_module_version.is_some())
    }

    /// True when some part of the NVIDIA driver answered (module, NVML or libcuda).
    pub fn any_driver(&self) -> bool {
        self.system.driver.is_some()
            || self.system.libraries.nvml.is_available()
            || self.system.libraries.cuda.is_available()
    }

    /// The container runtime's name, when inside one.
    pub fn container(&self) -> Option<&str> {
        self.system.os.container.as_deref()
    }

    /// Paths of `/dev/nvidia*` nodes that exist.
    pub fn nvidia_nodes(&self) -> impl Iterator<Item = &gpuwise_core::DeviceNode> {
        self.system.device_nodes.iter().filter(|n| n.path.starts_with("/dev/nvidia"))
    }
}
