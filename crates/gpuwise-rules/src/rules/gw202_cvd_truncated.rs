//! GW202: `CUDA_VISIBLE_DEVICES` stops at an invalid or out-of-range entry.

use gpuwise_core::{EntryStatus, Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW202",
    title: "CUDA_VISIBLE_DEVICES is cut short by an invalid entry",
    severity: Severity::Warning,
    explain: "\
# GW202: CUDA_VISIBLE_DEVICES is cut short by an invalid entry

## What it means
CUDA reads `CUDA_VISIBLE_DEVICES` left to right and stops at the first entry it cannot use: one
that is not a number (`-1`, `gpu1`, an empty entry from `0,,1`), an index with no such device
(`4` on a machine with four GPUs, numbered 0-3), or an entry of another form than the first
(`0,GPU-...`). That entry and everything after it are silently ignored: `0,2,-1,1` gives only
GPUs 0 and 2. If the first entry is invalid, no GPU is visible.

## Fix
List only existing devices, all in one form: indices (`0,1`), or UUIDs from `nvidia-smi -L`.
Use `CUDA_VISIBLE_DEVICES=` only if you mean to hide every GPU.

## Source
CUDA Programming Guide, environment variables; torch/cuda/__init__.py `_parse_visible_devices`.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let entries = &ctx.visibility.entries;
    let Some(position) =
        entries.iter().position(|e| matches!(e.status, EntryStatus::Invalid | EntryStatus::OutOfRange))
    else {
        return Vec::new();
    };
    let stop = &entries[position];
    let why = match stop.status {
        EntryStatus::OutOfRange => {
            let count = ctx.visibility.enumerable;
            format!("there is no CUDA device {} (CUDA numbers {count} device(s) here, from 0)", stop.text.trim())
        }
        _ => "it is not a device index, a GPU- UUID or a MIG- name of the list's form".to_string(),
    };
    let dropped: Vec<&str> = entries[position..].iter().map(|e| e.text.as_str()).collect();
    let mut finding = RULE.finding(
        "CUDA_VISIBLE_DEVICES",
        format!(
            "CUDA_VISIBLE_DEVICES stops at entry {} (`{}`): {} GPU(s) visible",
            position + 1,
            stop.text,
            ctx.visibility.visible.len()
        ),
        format!(
            "CUDA_VISIBLE_DEVICES=`{}`; entry {} `{}` is unusable because {why}, so CUDA ignores `{}`",
            ctx.visibility.cuda_visible_devices.as_deref().unwrap_or_default(),
            position + 1,
            stop.text,
            dropped.join(",")
        ),
        "list only existing devices in one form, e.g. `export CUDA_VISIBLE_DEVICES=0,1` or UUIDs from `nvidia-smi -L`",
    );
    if ctx.visibility.visible.is_empty() {
        finding.severity = Severity::Error;
    }
    vec![finding]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn names_the_entry_and_what_is_dropped() {
        let findings = run(&RULE, &healthy(4), &cvd(Some("0,2,-1,1")));
        assert_eq!(findings[0].title, "CUDA_VISIBLE_DEVICES stops at entry 3 (`-1`): 2 GPU(s) visible");
        assert!(findings[0].detail.contains("ignores `-1,1`"), "{}", findings[0].detail);
        assert_eq!(findings[0].severity, Severity::Warning);
        let out_of_range = run(&RULE, &healthy(2), &cvd(Some("2")));
        assert!(out_of_range[0].detail.contains("no CUDA device 2"));
        assert_eq!(out_of_range[0].severity, Severity::Error);
        assert!(run(&RULE, &healthy(4), &cvd(Some("0,1"))).is_empty());
    }
}
