//! GW201: `CUDA_VISIBLE_DEVICES` is set to the empty string.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW201",
    title: "CUDA_VISIBLE_DEVICES is empty: every GPU is hidden",
    severity: Severity::Error,
    explain: "\
# GW201: CUDA_VISIBLE_DEVICES is empty: every GPU is hidden

## What it means
Set to the empty string, `CUDA_VISIBLE_DEVICES` hides every GPU from CUDA: frameworks run on the
CPU while nvidia-smi (which ignores the variable) still lists the GPUs. It is often set on purpose
by a job script or a kernelspec to force CPU runs, then forgotten; `export CUDA_VISIBLE_DEVICES=`
in a shell profile does the same.

## Fix
`unset CUDA_VISIBLE_DEVICES` (or set it to the GPUs to use, e.g. `0`) before starting Python or
Jupyter; for a notebook, in the kernelspec's `env`. Setting it inside a running notebook after the
framework initialised CUDA has no effect.

## Source
CUDA Programming Guide, environment variables (CUDA_VISIBLE_DEVICES).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    if ctx.visibility.cuda_visible_devices.as_deref() != Some("") {
        return Vec::new();
    }
    vec![RULE.finding(
        "CUDA_VISIBLE_DEVICES",
        format!("CUDA_VISIBLE_DEVICES is set but empty: all {} GPU(s) are hidden from CUDA", ctx.devices().len()),
        "CUDA_VISIBLE_DEVICES=`` (set, empty)",
        "`unset CUDA_VISIBLE_DEVICES` (or set it to the GPUs to use, e.g. `export CUDA_VISIBLE_DEVICES=0`) before starting Python or Jupyter",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn fires_for_empty_only() {
        assert_eq!(codes(&RULE, &healthy(2), &cvd(Some(""))), ["GW201"]);
        assert!(run(&RULE, &healthy(2), &cvd(None)).is_empty());
        assert!(run(&RULE, &healthy(2), &cvd(Some("0"))).is_empty());
    }
}
