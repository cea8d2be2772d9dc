//! GW905: persistence mode is off on a Linux GPU.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW905",
    title: "Persistence mode is off",
    severity: Severity::Info,
    explain: "\
# GW905: Persistence mode is off

## What it means
Without persistence mode (or the `nvidia-persistenced` daemon), the Linux driver tears the GPU's
state down whenever no program holds it and sets it up again for the next one. Each new process,
notebook kernel or `nvidia-smi` call then waits for that initialisation, up to seconds on machines
with several GPUs, and the first CUDA call in every kernel is slow.

## Fix
Start the daemon: `sudo systemctl enable --now nvidia-persistenced` (preferred), or
`sudo nvidia-smi -pm 1` until the next reboot. Desktop GPUs with a display attached need neither.

## Source
NVIDIA driver documentation, \"Driver Persistence\" (nvidia-persistenced).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let off: Vec<String> =
        ctx.devices().iter().filter(|d| d.persistence_mode == Some(false)).map(|d| d.label()).collect();
    if off.is_empty() || ctx.system.os.wsl {
        return Vec::new();
    }
    vec![RULE.finding(
        off.join(", "),
        format!("Persistence mode is off on {}: every new process pays the driver's start-up", off.join(", ")),
        format!("NVML reports persistence mode disabled on {}", off.join(", ")),
        "`sudo systemctl enable --now nvidia-persistenced` (or `sudo nvidia-smi -pm 1`)",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn groups_the_gpus_that_are_off() {
        let mut system = healthy(3);
        system.devices[0].persistence_mode = Some(false);
        system.devices[2].persistence_mode = Some(false);
        assert_eq!(run(&RULE, &system, &cvd(None))[0].subject, "GPU 0, GPU 2");
        assert!(run(&RULE, &healthy(2), &cvd(None)).is_empty());
    }
}
