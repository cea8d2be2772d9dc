//! GW101: this machine has no NVIDIA GPU at all.

use gpuwise_core::{Finding, PciGpu, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW101",
    title: "No NVIDIA GPU on this machine",
    severity: Severity::Error,
    explain: "\
# GW101: No NVIDIA GPU on this machine

## What it means
No NVIDIA device is on the PCI bus, no NVIDIA kernel module is loaded, and neither NVML
(`libnvidia-ml.so.1`) nor the CUDA driver (`libcuda.so.1`) can be loaded. CUDA builds of PyTorch,
TensorFlow, JAX, CuPy, Numba and CUDA.jl will all run on the CPU here (PyTorch says
`torch.cuda.is_available() == False`, JAX prints `An NVIDIA GPU may be present on this machine,
but...` only when a device node exists, otherwise falls back silently).

## Fix
Run the notebook on a machine that has an NVIDIA GPU: a cloud GPU instance, a cluster GPU node
(`srun --gres=gpu:1 ...`), or a hosted notebook's GPU runtime. If this is a virtual machine, the
GPU must be passed through to it. Inside a container, see GW109 instead.

## Source
CUDA Installation Guide for Linux (\"Verify You Have a CUDA-Capable GPU\": `lspci | grep -i nvidia`);
pytorch/pytorch#74733.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let system = ctx.system;
    if !system.devices.is_empty() || system.has_nvidia_pci_device() || ctx.any_driver() {
        return Vec::new();
    }
    if ctx.container().is_some() || system.os.wsl {
        return Vec::new(); // GW109 and GW116 explain those cases better.
    }
    let others: Vec<String> = system
        .pci_gpus
        .iter()
        .map(|gpu| {
            let maker = match gpu.vendor_id.as_str() {
                PciGpu::AMD => "AMD",
                "0x8086" => "Intel",
                "0x1af4" | "0x1234" | "0x15ad" => "virtual display",
                _ => "other",
            };
            format!("{} ({maker} {})", gpu.bus_id, gpu.vendor_id)
        })
        .collect();
    let pci = if others.is_empty() {
        "the PCI bus has no display or 3D controller".to_string()
    } else {
        format!("the PCI bus has no NVIDIA device (display controllers: {})", others.join(", "))
    };
    vec![RULE.finding(
        "system",
        "No NVIDIA GPU on this machine: GPU frameworks will run on the CPU",
        format!(
            "{pci}; /proc/driver/nvidia/version is absent (no NVIDIA kernel module); \
             libnvidia-ml.so.1: {}; libcuda.so.1: {}; no /dev/nvidia* device nodes",
            system.libraries.nvml.describe(),
            system.libraries.cuda.describe()
        ),
        "run on a machine with an NVIDIA GPU (cloud GPU instance, cluster GPU node, hosted notebook GPU runtime); \
         a virtual machine needs the GPU passed through",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::{ProbeStatus, System};

    fn bare() -> System {
        let mut system = System::default();
        system.libraries.nvml = ProbeStatus::Unavailable { reason: "libnvidia-ml.so.1 not found".into() };
        system.libraries.cuda = ProbeStatus::Unavailable { reason: "libcuda.so.1 not found".into() };
        system
    }

    #[test]
    fn fires_on_a_bare_machine_and_names_the_evidence() {
        let findings = run(&RULE, &bare(), &cvd(None));
        assert_eq!(findings.len(), 1);
        assert!(findings[0].detail.contains("libcuda.so.1: unavailable"), "{}", findings[0].detail);
    }

    #[test]
    fn silent_when_anything_nvidia_is_there() {
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
        let mut with_pci = bare();
        with_pci.pci_gpus.push(PciGpu {
            bus_id: "0000:01:00.0".into(),
            vendor_id: PciGpu::NVIDIA.into(),
            ..PciGpu::default()
        });
        assert!(run(&RULE, &with_pci, &cvd(None)).is_empty());
        let mut in_docker = bare();
        in_docker.os.container = Some("docker".into());
        assert!(run(&RULE, &in_docker, &cvd(None)).is_empty());
    }
}
