//! GW205: CUDA numbers the visible GPUs differently from nvidia-smi.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW205",
    title: "CUDA device numbers differ from nvidia-smi's",
    severity: Severity::Info,
    explain: "\
# GW205: CUDA device numbers differ from nvidia-smi's

## What it means
Inside a process, CUDA numbers the visible devices from 0 in the order of `CUDA_VISIBLE_DEVICES`
(and of `CUDA_DEVICE_ORDER`), while nvidia-smi always numbers physical GPUs by PCI bus. So with
`CUDA_VISIBLE_DEVICES=2`, `cuda:0` in PyTorch is nvidia-smi's GPU 2. This is by design, but it is
why \"my job runs on the wrong GPU\" and \"nvidia-smi shows the memory on another GPU\" happen.

## Fix
In code, use the CUDA number (`cuda:0`); to watch that GPU, use nvidia-smi's number
(`nvidia-smi -i 2`) or its UUID. To make the two agree, set `CUDA_DEVICE_ORDER=PCI_BUS_ID` and
select GPUs by UUID.

## Source
CUDA Programming Guide, environment variables; NVML API reference (nvmlDeviceGetIndex: may not
match CUDA's index).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    if ctx.order_surprise().is_some() {
        return Vec::new(); // GW206 explains the numbering and its fix.
    }
    let moved: Vec<String> = ctx
        .visibility
        .devices
        .iter()
        .filter(|d| d.cuda_index != d.nvml_index)
        .map(|d| format!("cuda:{} is nvidia-smi's GPU {} ({})", d.cuda_index, d.nvml_index, d.name))
        .collect();
    if moved.is_empty() {
        return Vec::new();
    }
    let cause = match &ctx.visibility.cuda_visible_devices {
        Some(value) => format!("CUDA_VISIBLE_DEVICES=`{value}`, CUDA_DEVICE_ORDER={}", ctx.visibility.device_order),
        None => format!("CUDA_DEVICE_ORDER={}", ctx.visibility.device_order),
    };
    vec![RULE.finding(
        "CUDA_VISIBLE_DEVICES",
        format!("CUDA numbers GPUs differently from nvidia-smi: {}", moved[0]),
        format!("{cause}: {}", moved.join("; ")),
        "use the CUDA number in code and nvidia-smi's number (or the UUID) to monitor; \
         `export CUDA_DEVICE_ORDER=PCI_BUS_ID` makes the orders agree",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn explains_the_mapping() {
        let findings = run(&RULE, &healthy(4), &cvd(Some("2,1")));
        assert_eq!(
            findings[0].title,
            "CUDA numbers GPUs differently from nvidia-smi: cuda:0 is nvidia-smi's GPU 2 (NVIDIA H100 80GB HBM3)"
        );
        assert!(run(&RULE, &healthy(4), &cvd(Some("0,1"))).is_empty());
        assert!(run(&RULE, &healthy(4), &cvd(None)).is_empty());
    }
}
