//! GW117: NVML is installed but does not work.

use gpuwise_core::{Finding, ProbeStatus, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW117",
    title: "NVML (nvidia-smi's library) fails",
    severity: Severity::Warning,
    explain: "\
# GW117: NVML (nvidia-smi's library) fails

## What it means
`libnvidia-ml.so.1` loads but refuses to work, so nvidia-smi fails too and gpuwise cannot read
memory, PCIe, clocks or processes. The error says why: `NVIDIA driver is not loaded` (the kernel
module is missing), `no permission` (device nodes closed to this user), an answer that never came
(a hung driver, often after an Xid error), or another driver error. A version mismatch is GW106.

## Fix
Run `nvidia-smi` to see the same error. Driver not loaded: `sudo modprobe nvidia` or reinstall
the driver. No permission: see GW107. Hung: look at `sudo dmesg | grep -i nvrm` and reboot.

## Source
NVML API reference (nvmlInit_v2 return codes); NVIDIA Xid errors documentation.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let ProbeStatus::Failed { error } = &ctx.system.libraries.nvml else {
        return Vec::new();
    };
    if error.contains("mismatch") {
        return Vec::new(); // GW106
    }
    let fix = if error.contains("not loaded") {
        "load the driver (`sudo modprobe nvidia`) or reinstall it; check `nvidia-smi`"
    } else if error.contains("permission") {
        "give this user access to /dev/nvidia* (`ls -l /dev/nvidia*`; `sudo usermod -aG video $USER`)"
    } else if error.contains("did not answer") {
        "the driver may be hung: check `sudo dmesg | grep -i nvrm` and reboot"
    } else {
        "run `nvidia-smi` to see the error; check `sudo dmesg | grep -i nvrm`"
    };
    let mut finding = RULE.finding(
        "libnvidia-ml.so.1",
        "NVML fails: no nvidia-smi, memory or process information",
        error.clone(),
        fix,
    );
    if !ctx.system.libraries.cuda.is_available() {
        finding.severity = Severity::Error;
    }
    vec![finding]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn names_the_cause_and_defers_mismatches() {
        let mut system = healthy(1);
        system.libraries.nvml = ProbeStatus::Failed { error: "NVIDIA driver is not loaded".into() };
        let findings = run(&RULE, &system, &cvd(None));
        assert!(findings[0].fix.contains("modprobe"));
        assert_eq!(findings[0].severity, Severity::Warning, "CUDA still works");
        system.libraries.nvml = ProbeStatus::Failed { error: "Driver/library version mismatch".into() };
        assert!(run(&RULE, &system, &cvd(None)).is_empty());
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
    }
}
