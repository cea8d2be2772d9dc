//! GW904: the GPU's FP64 rate is a small fraction of its FP32 rate.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule, fp64_rate};

/// FP32/FP64 ratio from which Float64 work is worth a warning.
const SLOW_FROM: u32 = 32;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW904",
    title: "FP64 runs at a small fraction of FP32 speed on this GPU",
    severity: Severity::Info,
    explain: "\
# GW904: FP64 runs at a small fraction of FP32 speed on this GPU

## What it means
Consumer and workstation GPUs (GeForce, RTX, L4, A10, T4) execute 64-bit floating point at 1/32
or 1/64 of their 32-bit rate; only data-center parts such as P100, V100, A100, H100 and B200 run it
at 1/2. Numpy, Julia (`rand(1000)` is `Float64`) and many scientific codes default to 64-bit, so the
same code can be slower on such a GPU than on the CPU.

## Fix
Use 32-bit where the accuracy allows: `torch.float32`, `jnp.float32` (JAX defaults to it),
`cupy.float32`, `Float32` / `cu(x)` in Julia. Keep FP64 work on an FP64-capable GPU or the CPU.

## Source
CUDA C++ Programming Guide, arithmetic instruction throughput (data/fp64_rates.json has the rows
and their sources).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.devices()
        .iter()
        .filter_map(|device| {
            let rate = fp64_rate(device.compute_capability.as_deref()?)?;
            (rate.slowdown() >= SLOW_FROM).then(|| {
                RULE.finding(
                    device.label(),
                    format!(
                        "{} runs FP64 at 1/{} of its FP32 rate: keep Float64 work off it",
                        device.label(),
                        rate.slowdown()
                    ),
                    format!(
                        "{} (compute capability {}): {} FP64 vs {} FP32 results per clock per SM",
                        device.name, rate.compute_capability, rate.fp64_per_clock, rate.fp32_per_clock
                    ),
                    "use float32 (`torch.float32`, `jnp.float32`, `Float32`/`cu(x)` in Julia) where accuracy allows",
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
    fn fires_for_consumer_parts_only() {
        let mut system = healthy(2);
        system.devices[1].compute_capability = Some("8.9".into());
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings.len(), 1);
        assert!(findings[0].title.contains("1/64"));
        assert_eq!(findings[0].subject, "GPU 1");
    }
}
