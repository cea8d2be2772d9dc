//! GW114: an AMD GPU is present.

use gpuwise_core::{Finding, PciGpu, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW114",
    title: "AMD GPU present",
    severity: Severity::Info,
    explain: "\
# GW114: AMD GPU present

## What it means
An AMD GPU is on the PCI bus. CUDA builds cannot use it; ROCm builds can (PyTorch's `+rocm`
wheels, which still answer through `torch.cuda`; JAX and TensorFlow ROCm builds; CuPy's ROCm
wheels; AMDGPU.jl). ROCm needs the `amdgpu` kernel driver and the `/dev/kfd` node, readable and
writable by the user (the `render` group).

## Fix
Install a ROCm build of your framework (`pip install torch --index-url
https://download.pytorch.org/whl/rocm6.4`). If `/dev/kfd` is missing, load `amdgpu` / install ROCm;
if it is not accessible, `sudo usermod -aG render,video $USER`.

## Source
ROCm installation docs (prerequisites, groups); PyTorch installation matrix.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let amd: Vec<&PciGpu> = ctx.system.pci_gpus.iter().filter(|g| g.vendor_id == PciGpu::AMD).collect();
    if amd.is_empty() {
        return Vec::new();
    }
    let kfd = ctx.system.device_node("/dev/kfd");
    let listing: Vec<String> = amd
        .iter()
        .map(|g| format!("{} {} (driver {})", g.bus_id, g.device_id, g.driver.as_deref().unwrap_or("none")))
        .collect();
    let mut finding = RULE.finding(
        "system",
        format!("{} AMD GPU(s) found: usable by ROCm builds, not by CUDA builds", amd.len()),
        format!(
            "{}; /dev/kfd {}",
            listing.join("; "),
            match kfd {
                None => "is missing",
                Some(n) if n.readable && n.writable => "is accessible",
                Some(_) => "is not accessible to this user",
            }
        ),
        "use ROCm builds of your frameworks (e.g. `pip install torch --index-url https://download.pytorch.org/whl/rocm6.4`)",
    );
    if !kfd.is_some_and(|n| n.readable && n.writable) {
        finding.severity = Severity::Warning;
        finding.fix = "load the amdgpu driver and install ROCm so /dev/kfd exists, and join the `render` group \
            (`sudo usermod -aG render,video $USER`)"
            .into();
    }
    vec![finding]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::{DeviceNode, System};

    #[test]
    fn warns_without_kfd() {
        let mut system = System::default();
        system.pci_gpus.push(PciGpu {
            bus_id: "0000:c1:00.0".into(),
            vendor_id: PciGpu::AMD.into(),
            ..PciGpu::default()
        });
        assert_eq!(run(&RULE, &system, &cvd(None))[0].severity, Severity::Warning);
        system.device_nodes.push(DeviceNode { path: "/dev/kfd".into(), readable: true, writable: true });
        assert_eq!(run(&RULE, &system, &cvd(None))[0].severity, Severity::Info);
    }
}
