//! GW203: a UUID in `CUDA_VISIBLE_DEVICES` matches no device, or more than one.

use gpuwise_core::{EntryStatus, Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW203",
    title: "A UUID in CUDA_VISIBLE_DEVICES matches no GPU (or several)",
    severity: Severity::Error,
    explain: "\
# GW203: A UUID in CUDA_VISIBLE_DEVICES matches no GPU (or several)

## What it means
`CUDA_VISIBLE_DEVICES` accepts GPU UUIDs (`GPU-8932f937-...`) and any unique prefix of one, and MIG
instances (`MIG-...`). An entry that matches no device on this machine (a UUID copied from another
node, a MIG instance that was destroyed and re-created) or a prefix shared by several GPUs stops the
list there, as an invalid entry does: it and every later entry are ignored.

## Fix
Copy UUIDs from `nvidia-smi -L` on this machine, long enough to be unique. On clusters, let the
scheduler set the variable rather than hard-coding UUIDs from another node.

## Source
CUDA Programming Guide, environment variables; torch/cuda/__init__.py `_transform_uuid_to_ordinals`.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let entries = &ctx.visibility.entries;
    let Some(position) = entries.iter().position(|e| matches!(e.status, EntryStatus::NoMatch | EntryStatus::Ambiguous))
    else {
        return Vec::new();
    };
    let stop = &entries[position];
    let what = match stop.status {
        EntryStatus::Ambiguous => "matches more than one device",
        _ => "matches no device on this machine",
    };
    let known: Vec<String> = ctx.devices().iter().map(|d| format!("{} {}", d.label(), d.uuid)).collect();
    let mut finding = RULE.finding(
        "CUDA_VISIBLE_DEVICES",
        format!("`{}` in CUDA_VISIBLE_DEVICES {what}: {} GPU(s) visible", stop.text, ctx.visibility.visible.len()),
        format!(
            "entry {} `{}` {what}, so it and every later entry are ignored; this machine has: {}",
            position + 1,
            stop.text,
            if known.is_empty() { "no GPUs".to_string() } else { known.join(", ") }
        ),
        "use UUIDs from `nvidia-smi -L` on this machine, long enough to be unique",
    );
    if !ctx.visibility.visible.is_empty() {
        finding.severity = Severity::Warning;
    }
    vec![finding]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn unknown_and_ambiguous_uuids() {
        let unknown = run(&RULE, &healthy(2), &cvd(Some("GPU-deadbeef")));
        assert!(unknown[0].title.contains("matches no device"));
        assert_eq!(unknown[0].severity, Severity::Error);
        let ambiguous = run(&RULE, &healthy(2), &cvd(Some("GPU-0000")));
        assert!(ambiguous[0].title.contains("more than one"));
        let partly = run(&RULE, &healthy(2), &cvd(Some("GPU-00000001,GPU-deadbeef")));
        assert_eq!(partly[0].severity, Severity::Warning);
        assert!(run(&RULE, &healthy(2), &cvd(Some("GPU-00000001"))).is_empty());
    }
}
