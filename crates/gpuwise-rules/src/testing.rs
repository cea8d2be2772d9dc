//! Builders shared by the rules' tests.

use gpuwise_core::{Device, Driver, Finding, ProbeStatus, System};
use gpuwise_probe::{VarValue, Variables, visibility};

use crate::{Context, Rule};

/// A healthy machine with `count` identical H100s, NVML and CUDA answering.
pub fn healthy(count: u32) -> System {
    let devices = (0..count)
        .map(|i| Device {
            index: i,
            uuid: format!("GPU-{i:08x}-0000-0000-0000-000000000000"),
            name: "NVIDIA H100 80GB HBM3".into(),
            compute_capability: Some("9.0".into()),
            memory_total_bytes: Some(80 << 30),
            memory_used_bytes: Some(1 << 30),
            memory_free_bytes: Some(79 << 30),
            multiprocessors: Some(132),
            pci_bus_id: format!("00000000:{:02X}:00.0", 0x18 + i),
            processes: Some(Vec::new()),
            persistence_mode: Some(true),
            cuda_default_index: Some(i),
            ..Device::default()
        })
        .collect();
    let mut system = System {
        devices,
        driver: Some(Driver {
            vendor: "nvidia".into(),
            version: "580.159.04".into(),
            cuda_version: Some("13.0".into()),
            kernel_module_version: Some("580.159.04".into()),
        }),
        ..System::default()
    };
    system.libraries.nvml = ProbeStatus::Available { detail: "libnvidia-ml.so.1".into() };
    system.libraries.cuda = ProbeStatus::Available { detail: "libcuda.so.1".into() };
    for path in ["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia0"] {
        system.device_nodes.push(gpuwise_core::DeviceNode { path: path.into(), readable: true, writable: true });
    }
    system
}

/// Variables with `CUDA_VISIBLE_DEVICES` set (or not).
pub fn cvd(value: Option<&str>) -> Variables {
    Variables { cuda_visible_devices: value.map(VarValue::new), ..Variables::default() }
}

/// Runs one rule on a system with the given variables.
pub fn run(rule: &Rule, system: &System, vars: &Variables) -> Vec<Finding> {
    let vis = visibility::resolve(system, vars);
    (rule.check)(&Context { system, visibility: &vis, vars })
}

/// The codes one rule produces.
pub fn codes(rule: &Rule, system: &System, vars: &Variables) -> Vec<String> {
    run(rule, system, vars).into_iter().map(|f| f.code).collect()
}
