//! GW902: a GPU's memory is nearly full.

use gpuwise_core::{Finding, Severity, format_bytes};

use crate::{Check, Context, Rule};

/// Share of memory in use above which the rule fires.
const NEARLY_FULL: f64 = 0.90;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW902",
    title: "GPU memory nearly full",
    severity: Severity::Warning,
    explain: "\
# GW902: GPU memory nearly full

## What it means
More than 90% of a GPU's memory is in use. New work on it will fail with out-of-memory errors
(`CUDA out of memory`, `RESOURCE_EXHAUSTED`) or run with tiny batches. Often the memory is held by
another notebook kernel: JAX pre-allocates 75% of the GPU at start-up, TensorFlow grabs nearly
all of it unless memory growth is on, and PyTorch's cache keeps freed memory reserved.

## Fix
Find the holders (`nvidia-smi`, or GW903 below) and stop idle kernels. Make frameworks share:
`XLA_PYTHON_CLIENT_PREALLOCATE=false` for JAX, `TF_FORCE_GPU_ALLOW_GROWTH=true` for TensorFlow,
`torch.cuda.empty_cache()` in PyTorch. Or pick another GPU with `CUDA_VISIBLE_DEVICES`.

## Source
JAX GPU memory allocation docs; TensorFlow GPU guide (memory growth); PyTorch CUDA semantics (caching allocator).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.devices()
        .iter()
        .filter_map(|device| {
            let total = device.memory_total_bytes.filter(|t| *t > 0)?;
            let used = device.memory_used_bytes.or_else(|| Some(total - device.memory_free_bytes?.min(total)))?;
            let share = used as f64 / total as f64;
            (share > NEARLY_FULL).then(|| {
                RULE.finding(
                    device.label(),
                    format!("{} memory is {:.0}% used: new work may run out of memory", device.label(), share * 100.0),
                    format!("{} of {} used on {}", format_bytes(used), format_bytes(total), device.name),
                    "stop idle kernels holding it (see `nvidia-smi`); set XLA_PYTHON_CLIENT_PREALLOCATE=false / \
                     TF_FORCE_GPU_ALLOW_GROWTH=true before starting; or choose another GPU",
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn fires_above_ninety_percent() {
        let mut system = healthy(1);
        system.devices[0].memory_used_bytes = Some(76 << 30);
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings[0].title, "GPU 0 memory is 95% used: new work may run out of memory");
        system.devices[0].memory_used_bytes = Some(60 << 30);
        assert!(run(&RULE, &system, &cvd(None)).is_empty());
    }
}
