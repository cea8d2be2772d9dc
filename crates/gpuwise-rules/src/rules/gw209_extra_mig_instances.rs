//! GW209: more than one MIG instance selected for one process.

use gpuwise_core::{EntryStatus, Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW209",
    title: "Only one MIG instance is used per process",
    severity: Severity::Warning,
    explain: "\
# GW209: Only one MIG instance is used per process

## What it means
A CUDA process enumerates at most one MIG instance. Listing several in `CUDA_VISIBLE_DEVICES`
(or leaving it unset on a machine with several instances) does not give the process several
devices: only the first is used, the rest are silently left out.

## Fix
Run one process per MIG instance (one notebook kernel or one worker each, with its own
`CUDA_VISIBLE_DEVICES=MIG-...`), or use a whole GPU for multi-device work.

## Source
NVIDIA Multi-Instance GPU User Guide (CUDA device enumeration).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let extra: Vec<&str> =
        ctx.visibility.entries.iter().filter(|e| e.status == EntryStatus::ExtraMig).map(|e| e.text.as_str()).collect();
    let instances: usize = ctx.devices().iter().filter(|d| d.mig).map(|d| d.mig_devices.len()).sum();
    let unset_with_many = ctx.visibility.cuda_visible_devices.is_none() && instances > 1;
    if extra.is_empty() && !unset_with_many {
        return Vec::new();
    }
    let used = ctx.visibility.devices.iter().find(|d| d.mig).map(|d| d.uuid.as_str()).unwrap_or("none");
    let detail = if extra.is_empty() {
        format!("{instances} MIG instances exist and CUDA_VISIBLE_DEVICES is unset; this process would use {used} only")
    } else {
        format!("left out: {}; used: {used}", extra.join(", "))
    };
    let mut finding = RULE.finding(
        "CUDA_VISIBLE_DEVICES",
        "A process uses only one MIG instance: the others are left out",
        detail,
        "run one process (or notebook kernel) per MIG instance, each with its own `CUDA_VISIBLE_DEVICES=MIG-...`",
    );
    if extra.is_empty() {
        finding.severity = Severity::Info;
    }
    vec![finding]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::MigDevice;

    #[test]
    fn flags_extra_instances() {
        let mut system = healthy(1);
        system.devices[0].mig = true;
        system.devices[0].mig_devices = vec![
            MigDevice { uuid: "MIG-aaaa".into(), ..MigDevice::default() },
            MigDevice { uuid: "MIG-bbbb".into(), ..MigDevice::default() },
        ];
        let listed = run(&RULE, &system, &cvd(Some("MIG-aaaa,MIG-bbbb")));
        assert_eq!(listed[0].severity, Severity::Warning);
        assert!(listed[0].detail.contains("left out: MIG-bbbb"));
        assert_eq!(run(&RULE, &system, &cvd(None))[0].severity, Severity::Info);
        assert!(run(&RULE, &system, &cvd(Some("MIG-bbbb"))).is_empty());
    }
}
