//! GW204: a device is named twice in `CUDA_VISIBLE_DEVICES`.

use gpuwise_core::{EntryStatus, Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW204",
    title: "CUDA_VISIBLE_DEVICES names a GPU twice: no GPU is visible",
    severity: Severity::Error,
    explain: "\
# GW204: CUDA_VISIBLE_DEVICES names a GPU twice: no GPU is visible

## What it means
When the same device appears twice in `CUDA_VISIBLE_DEVICES` (`0,0`, or an index and a UUID
prefix of the same GPU), CUDA makes no device visible at all, rather than ignoring the repeat.
Scripts that append to the variable (`CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES,0`) cause this.

## Fix
Name each GPU once: `export CUDA_VISIBLE_DEVICES=0,1`.

## Source
torch/cuda/__init__.py `_parse_visible_devices` (\"Repeated ordinal results in empty set\"), which
mirrors the CUDA driver's parsing.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(repeat) = ctx.visibility.entries.iter().find(|e| e.status == EntryStatus::Duplicate) else {
        return Vec::new();
    };
    vec![RULE.finding(
        "CUDA_VISIBLE_DEVICES",
        format!("CUDA_VISIBLE_DEVICES names a GPU twice (`{}`): no GPU is visible", repeat.text),
        format!(
            "CUDA_VISIBLE_DEVICES=`{}`; `{}` repeats {}",
            ctx.visibility.cuda_visible_devices.as_deref().unwrap_or_default(),
            repeat.text,
            repeat.uuid.as_deref().unwrap_or("an earlier entry")
        ),
        "name each GPU once, e.g. `export CUDA_VISIBLE_DEVICES=0,1`",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn fires_for_repeats() {
        let findings = run(&RULE, &healthy(2), &cvd(Some("0,1,0")));
        assert!(findings[0].detail.contains("`0` repeats an earlier entry"), "{}", findings[0].detail);
        let spelled_twice = run(&RULE, &healthy(2), &cvd(Some("GPU-00000001,GPU-00000001-0000")));
        assert!(
            spelled_twice[0].detail.contains("repeats GPU-00000001-0000-0000-0000-000000000000"),
            "{}",
            spelled_twice[0].detail
        );
        assert!(run(&RULE, &healthy(2), &cvd(Some("1,0"))).is_empty());
    }
}
