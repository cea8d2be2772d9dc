//! GW102: an NVIDIA GPU is on the PCI bus but no NVIDIA driver is running.

use gpuwise_core::{Finding, PciGpu, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW102",
    title: "NVIDIA GPU present but the NVIDIA driver is not loaded",
    severity: Severity::Error,
    explain: "\
# GW102: NVIDIA GPU present but the NVIDIA driver is not loaded

## What it means
The PCI bus shows an NVIDIA device, but `/proc/driver/nvidia/version` is absent and no NVIDIA
library answers: the kernel module `nvidia` is not loaded. Common causes: the driver was never
installed; the open-source `nouveau` driver holds the card (CUDA cannot use it); Secure Boot refused
an unsigned module; the kernel was upgraded and the module was not rebuilt (DKMS); the device is
bound to `vfio-pci` for a virtual machine. Frameworks report `Found no NVIDIA driver on your system`.

## Fix
Install the driver from your distribution (`sudo ubuntu-drivers install`, or
`sudo apt install nvidia-driver-580` / `nvidia-open`), blacklist nouveau, sign the module or
disable Secure Boot, then `sudo modprobe nvidia` or reboot. Check with `nvidia-smi`.

## Source
CUDA Installation Guide for Linux (pre-installation actions, nouveau); pytorch/pytorch#74733.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let nvidia: Vec<&PciGpu> = ctx.system.pci_gpus.iter().filter(|gpu| gpu.vendor_id == PciGpu::NVIDIA).collect();
    if nvidia.is_empty() || ctx.any_driver() {
        return Vec::new();
    }
    let bound: Vec<String> = nvidia
        .iter()
        .map(|gpu| match gpu.driver.as_deref() {
            Some(driver) => format!("{} {} bound to `{driver}`", gpu.bus_id, gpu.device_id),
            None => format!("{} {} with no driver bound", gpu.bus_id, gpu.device_id),
        })
        .collect();
    let holder = nvidia.iter().find_map(|gpu| gpu.driver.as_deref());
    let fix = match holder {
        Some("nouveau") => {
            "the open-source nouveau driver holds the GPU: install NVIDIA's driver \
            (`sudo ubuntu-drivers install` or `sudo apt install nvidia-driver-580`), which blacklists nouveau, then reboot"
        }
        Some("vfio-pci") => {
            "the GPU is reserved for virtual machines (vfio-pci): unbind it from vfio-pci \
            or run the work inside the VM it is passed to"
        }
        _ => {
            "install NVIDIA's driver (`sudo ubuntu-drivers install` or `sudo apt install nvidia-driver-580`) \
            and load it (`sudo modprobe nvidia`, or reboot); with Secure Boot on, enrol the module's key"
        }
    };
    vec![RULE.finding(
        "system",
        format!("{} NVIDIA GPU(s) on the PCI bus, but the NVIDIA driver is not loaded", nvidia.len()),
        format!("{}; /proc/driver/nvidia/version is absent; NVML and libcuda unavailable", bound.join("; ")),
        fix,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::System;

    #[test]
    fn names_nouveau_as_the_cause() {
        let mut system = System::default();
        system.pci_gpus.push(PciGpu {
            bus_id: "0000:01:00.0".into(),
            vendor_id: PciGpu::NVIDIA.into(),
            device_id: "0x2684".into(),
            driver: Some("nouveau".into()),
        });
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings.len(), 1);
        assert!(findings[0].detail.contains("bound to `nouveau`"));
        assert!(findings[0].fix.contains("nouveau"));
    }

    #[test]
    fn silent_with_a_working_driver() {
        let mut system = healthy(1);
        system.pci_gpus.push(PciGpu { vendor_id: PciGpu::NVIDIA.into(), ..PciGpu::default() });
        assert!(run(&RULE, &system, &cvd(None)).is_empty());
    }
}
