//! GW206: different GPU models and CUDA's default FASTEST_FIRST order.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW206",
    title: "Mixed GPU models without CUDA_DEVICE_ORDER=PCI_BUS_ID",
    severity: Severity::Warning,
    explain: "\
# GW206: Mixed GPU models without CUDA_DEVICE_ORDER=PCI_BUS_ID

## What it means
CUDA's default order, `FASTEST_FIRST`, puts the device it judges fastest at index 0; nvidia-smi
orders by PCI bus. On a machine with different GPU models the two numberings differ, so
`CUDA_VISIBLE_DEVICES=1` (read in CUDA's order) may select a different card than nvidia-smi's
GPU 1, and `cuda:0` may be the card driving the display.

## Fix
`export CUDA_DEVICE_ORDER=PCI_BUS_ID` in the shell profile, the job script or the kernelspec's
`env`, before any CUDA program starts. Then CUDA's indices match nvidia-smi's.

## Source
CUDA Programming Guide, environment variables (CUDA_DEVICE_ORDER).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some((devices, predicted)) = ctx.order_surprise() else {
        return Vec::new();
    };
    let order: Vec<String> =
        devices.iter().map(|d| format!("cuda:{} = GPU {} {}", d.cuda_index, d.nvml_index, d.name)).collect();
    let (title, how) = if predicted {
        ("CUDA may number them differently from nvidia-smi", "predicted, CUDA does not document its heuristic")
    } else {
        ("CUDA numbers them differently from nvidia-smi", "as the CUDA driver enumerated them")
    };
    vec![RULE.finding(
        "CUDA_DEVICE_ORDER",
        format!("Different GPU models and CUDA_DEVICE_ORDER is not PCI_BUS_ID: {title}"),
        format!("CUDA order ({how}): {}", order.join(", ")),
        "`export CUDA_DEVICE_ORDER=PCI_BUS_ID` before starting Python or Jupyter (or in the kernelspec's env)",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::VarValue;

    #[test]
    fn fires_on_mixed_machines_until_pci_order_is_set() {
        let mut system = healthy(2);
        system.devices[1].name = "NVIDIA A100-SXM4-80GB".into();
        assert!(run(&RULE, &system, &cvd(None)).is_empty(), "the recorded CUDA order is nvidia-smi's");
        system.devices[0].cuda_default_index = Some(1);
        system.devices[1].cuda_default_index = Some(0);
        assert_eq!(codes(&RULE, &system, &cvd(None)), ["GW206"]);
        assert_eq!(codes(&RULE, &system, &cvd(Some("0"))), ["GW206"], "indices count in CUDA order too");
        let mut vars = cvd(None);
        vars.cuda_device_order = Some(VarValue::new("PCI_BUS_ID"));
        assert!(run(&RULE, &system, &vars).is_empty());
        assert!(run(&RULE, &healthy(2), &cvd(None)).is_empty());
    }
}
