//! GW208: a GPU-selection variable holds bytes that are not UTF-8.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW208",
    title: "A GPU variable is not valid text",
    severity: Severity::Warning,
    explain: "\
# GW208: A GPU variable is not valid text

## What it means
`CUDA_VISIBLE_DEVICES`, `CUDA_DEVICE_ORDER`, `NVIDIA_VISIBLE_DEVICES` or `NVIDIA_DRIVER_CAPABILITIES`
contains bytes that are not UTF-8: usually a copy-paste of a non-ASCII dash or space, or a
script writing binary data. CUDA treats such an entry as invalid, which may hide GPUs
(see GW202).

## Fix
Re-type the value in plain ASCII: `export CUDA_VISIBLE_DEVICES=0,1`.

## Source
CUDA Programming Guide, environment variables.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let vars = ctx.vars;
    [
        ("CUDA_VISIBLE_DEVICES", &vars.cuda_visible_devices),
        ("CUDA_DEVICE_ORDER", &vars.cuda_device_order),
        ("NVIDIA_VISIBLE_DEVICES", &vars.nvidia_visible_devices),
        ("NVIDIA_DRIVER_CAPABILITIES", &vars.nvidia_driver_capabilities),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        let value = value.as_ref().filter(|v| !v.utf8)?;
        Some(RULE.finding(
            name,
            format!("{name} contains bytes that are not UTF-8"),
            format!("{name}=`{}` (U+FFFD marks the invalid bytes)", value.text),
            format!("re-type {name} in plain ASCII"),
        ))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::VarValue;

    #[test]
    fn flags_invalid_bytes() {
        let mut vars = cvd(None);
        vars.cuda_visible_devices = Some(VarValue { text: "0,\u{fffd}".into(), utf8: false });
        assert_eq!(codes(&RULE, &healthy(1), &vars), ["GW208"]);
        assert!(run(&RULE, &healthy(1), &cvd(Some("0"))).is_empty());
    }
}
