//! GW112: NVML could not read a GPU, or parts of it.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW112",
    title: "NVML could not read a GPU",
    severity: Severity::Info,
    explain: "\
# GW112: NVML could not read a GPU

## What it means
NVML answered for the machine but returned errors for some of a GPU's fields. `GPU is lost`
(`NVML_ERROR_GPU_IS_LOST`, \"GPU has fallen off the bus\") means the GPU stopped responding: it
is unusable until the machine is reset, and the kernel log shows an Xid 79 error. `no permission`
(typically for the process list, inside containers) and `not supported` (a field this GPU or
driver lacks) only mean gpuwise shows less.

## Fix
For a lost GPU: stop its processes and reset it (`sudo nvidia-smi -r -i N`) or reboot; if it
recurs, check power, cooling and the PCIe slot (`sudo dmesg | grep -i xid`). Other errors need no
action; run as root to see processes of other users.

## Source
NVML API reference (error codes); NVIDIA Xid errors documentation (Xid 79).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.devices()
        .iter()
        .filter(|d| !d.errors.is_empty())
        .map(|device| {
            let lost = device.errors.iter().any(|e| e.error.contains("lost"));
            let fields: Vec<String> = device.errors.iter().map(|e| format!("{}: {}", e.field, e.error)).collect();
            let mut finding = if lost {
                RULE.finding(
                    device.label(),
                    format!("{} has fallen off the bus (GPU is lost)", device.label()),
                    fields.join("; "),
                    format!(
                        "reset it (`sudo nvidia-smi -r -i {}`) or reboot; check `sudo dmesg | grep -i xid`",
                        device.index
                    ),
                )
            } else {
                let old_driver = device.errors.iter().any(|e| e.error.contains("lacks"));
                RULE.finding(
                    device.label(),
                    format!("Some of {}'s details could not be read", device.label()),
                    fields.join("; "),
                    if old_driver {
                        "nothing to fix for GPU work; a newer driver reports these fields"
                    } else {
                        "nothing to fix for GPU work; run as root to see other users' processes"
                    },
                )
            };
            if lost {
                finding.severity = Severity::Error;
            }
            finding
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::FieldError;

    #[test]
    fn a_lost_gpu_is_an_error_and_a_refused_field_is_info() {
        let mut system = healthy(2);
        system.devices[0]
            .errors
            .push(FieldError { field: "memory".into(), error: "GPU is lost (fell off the bus)".into() });
        system.devices[1].errors.push(FieldError { field: "processes".into(), error: "no permission".into() });
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings.iter().map(|f| f.severity).collect::<Vec<_>>(), [Severity::Error, Severity::Info]);
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
    }
}
