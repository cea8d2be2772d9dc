//! GW113: MIG mode is on but no MIG instance exists.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW113",
    title: "MIG enabled without MIG instances",
    severity: Severity::Error,
    explain: "\
# GW113: MIG enabled without MIG instances

## What it means
With MIG (Multi-Instance GPU) mode on, CUDA no longer uses the GPU as a whole: processes run only
on MIG instances. A MIG-enabled GPU with no instances offers CUDA nothing, so frameworks see no
device there.

## Fix
Create instances (`sudo nvidia-smi mig -i N -cgi 9,9 -C` makes two 3g instances on an A100/H100;
`nvidia-smi mig -lgip` lists profiles), or turn MIG off (`sudo nvidia-smi -i N -mig 0`, then reset
the GPU). Ask the cluster's administrators if you do not own the machine.

## Source
NVIDIA Multi-Instance GPU User Guide (CUDA device enumeration, instance creation).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.devices()
        .iter()
        .filter(|d| d.mig && d.mig_devices.is_empty())
        .map(|d| {
            RULE.finding(
                d.label(),
                format!("{} ({}) has MIG enabled but no MIG instances: CUDA cannot use it", d.label(), d.name),
                format!("MIG mode is enabled on {}; NVML lists no MIG devices", d.label()),
                format!("create instances (`sudo nvidia-smi mig -i {0} -cgi 9,9 -C`) or disable MIG (`sudo nvidia-smi -i {0} -mig 0`)", d.index),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn fires_per_empty_mig_gpu() {
        let mut system = healthy(2);
        system.devices[1].mig = true;
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].subject, "GPU 1");
    }
}
