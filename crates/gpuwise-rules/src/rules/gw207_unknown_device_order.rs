//! GW207: `CUDA_DEVICE_ORDER` has a value CUDA does not know.

use gpuwise_core::{DeviceOrder, Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW207",
    title: "CUDA_DEVICE_ORDER has an unknown value",
    severity: Severity::Warning,
    explain: "\
# GW207: CUDA_DEVICE_ORDER has an unknown value

## What it means
CUDA accepts exactly `FASTEST_FIRST` (the default) and `PCI_BUS_ID`. Any other value (a typo,
lower case, `PCI_BUS` or `PCIE_BUS_ID`) is ignored, and CUDA keeps its default order.

## Fix
`export CUDA_DEVICE_ORDER=PCI_BUS_ID`, spelled exactly so.

## Source
CUDA Programming Guide, environment variables (CUDA_DEVICE_ORDER).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(value) = ctx.vars.cuda_device_order.as_ref() else {
        return Vec::new();
    };
    if DeviceOrder::from_variable(&value.text).is_some() {
        return Vec::new();
    }
    vec![RULE.finding(
        "CUDA_DEVICE_ORDER",
        format!("CUDA_DEVICE_ORDER=`{}` is not a value CUDA knows: the default FASTEST_FIRST applies", value.text),
        format!("CUDA_DEVICE_ORDER=`{}`; CUDA accepts FASTEST_FIRST or PCI_BUS_ID", value.text),
        "`export CUDA_DEVICE_ORDER=PCI_BUS_ID`",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::VarValue;

    #[test]
    fn flags_typos_only() {
        let mut vars = cvd(None);
        vars.cuda_device_order = Some(VarValue::new("pci_bus_id"));
        assert_eq!(codes(&RULE, &healthy(1), &vars), ["GW207"]);
        vars.cuda_device_order = Some(VarValue::new("PCI_BUS_ID"));
        assert!(run(&RULE, &healthy(1), &vars).is_empty());
    }
}
