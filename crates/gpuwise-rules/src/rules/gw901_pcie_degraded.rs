//! GW901: a GPU's PCIe link runs below what it and the slot support.

use gpuwise_core::{Device, Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW901",
    title: "PCIe link below its maximum",
    severity: Severity::Warning,
    explain: "\
# GW901: PCIe link below its maximum

## What it means
Host-to-device copies cross the PCIe link, so its generation and width bound every transfer
(Gen4 x16 moves about 25 GB/s per direction, Gen5 x16 about 57). A link narrower than its
maximum (x8 or x4 where x16 is possible) halves or quarters that: a card in the wrong slot, a
riser, a bifurcated slot, or a dirty contact. A lower *generation* on an idle GPU is usually power
saving: the link trains up under load.

## Fix
Width: move the card to a full x16 slot, reseat it, check risers and the BIOS lane settings.
Generation: check again while the GPU is busy (`nvidia-smi -q -d PCIE` during a copy); if it
stays low, check the BIOS PCIe speed setting and the slot.

## Source
PCI Express base specification (per-lane rates); nvidia-smi documentation (`-q -d PCIE`);
NVIDIA/nvbandwidth#6 (achieved Gen5 x16 bandwidth).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.devices().iter().filter_map(check_device).collect()
}

fn check_device(device: &Device) -> Option<Finding> {
    let pcie = device.pcie?;
    let narrow = matches!((pcie.width, pcie.max_width), (Some(now), Some(max)) if now < max);
    let slow = matches!((pcie.generation, pcie.max_generation), (Some(now), Some(max)) if now < max);
    if !narrow && !slow {
        return None;
    }
    let link = |generation: Option<u32>, width: Option<u32>| {
        format!(
            "Gen{} x{}",
            generation.map_or("?".into(), |g| g.to_string()),
            width.map_or("?".into(), |w| w.to_string())
        )
    };
    let now = link(pcie.generation, pcie.width);
    let max = link(pcie.max_generation, pcie.max_width);
    let busy = device.processes.as_ref().is_some_and(|p| !p.is_empty());
    let (title, fix, severity) = if narrow {
        (
            format!("{} runs its PCIe link at {now}, below {max}: transfers are slower", device.label()),
            "move the card to a full x16 slot or reseat it; check risers and BIOS lane settings".to_string(),
            Severity::Warning,
        )
    } else if busy {
        (
            format!("{} runs its PCIe link at {now} while in use, below {max}", device.label()),
            "check the BIOS PCIe speed setting and the slot; the link should train to its maximum under load"
                .to_string(),
            Severity::Warning,
        )
    } else {
        (
            format!("{} PCIe link is {now} now (max {max}): normal power saving at idle", device.label()),
            format!("re-check under load: `nvidia-smi -q -d PCIE -i {}` during a copy", device.index),
            Severity::Info,
        )
    };
    let mut finding =
        RULE.finding(device.label(), title, format!("{}: current {now}, maximum {max}", device.name), fix);
    finding.severity = severity;
    Some(finding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::{GpuProcess, Pcie};

    fn link(now: (u32, u32), max: (u32, u32)) -> Option<Pcie> {
        Some(Pcie { generation: Some(now.0), width: Some(now.1), max_generation: Some(max.0), max_width: Some(max.1) })
    }

    #[test]
    fn width_is_a_warning_idle_generation_is_info() {
        let mut system = healthy(2);
        system.devices[0].pcie = link((5, 8), (5, 16));
        system.devices[1].pcie = link((1, 16), (5, 16));
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings.iter().map(|f| f.severity).collect::<Vec<_>>(), [Severity::Warning, Severity::Info]);
        assert!(findings[0].title.contains("Gen5 x8, below Gen5 x16"));
        system.devices[1].processes = Some(vec![GpuProcess { pid: 1, ..GpuProcess::default() }]);
        assert_eq!(run(&RULE, &system, &cvd(None))[1].severity, Severity::Warning);
        system.devices[0].pcie = link((5, 16), (5, 16));
        system.devices[1].pcie = None;
        assert!(run(&RULE, &system, &cvd(None)).is_empty());
    }
}
