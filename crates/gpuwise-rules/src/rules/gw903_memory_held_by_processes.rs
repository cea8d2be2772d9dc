//! GW903: other processes hold memory on a GPU.

use gpuwise_core::{Finding, Severity, format_bytes};

use crate::{Check, Context, Rule};

/// Share of a GPU's memory held by processes above which this is a warning, not information.
const SIGNIFICANT: f64 = 0.25;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW903",
    title: "GPU memory held by running processes",
    severity: Severity::Info,
    explain: "\
# GW903: GPU memory held by running processes

## What it means
Compute processes already hold memory on this GPU. They compete with your work for memory and
for the GPU's time, which also makes timings noisy. Forgotten notebook kernels are the usual
holders: a kernel keeps its GPU memory until it is shut down, not when the notebook tab closes.

## Fix
Shut down idle kernels (JupyterLab: Running Terminals and Kernels panel), or stop the process
(`kill PID`). Use another GPU with `CUDA_VISIBLE_DEVICES` if they must keep running.

## Source
NVML API reference (nvmlDeviceGetComputeRunningProcesses); Jupyter documentation (kernel lifecycle).
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.devices()
        .iter()
        .filter_map(|device| {
            let processes = device.processes.as_ref().filter(|p| !p.is_empty())?;
            let held: u64 = processes.iter().filter_map(|p| p.used_memory_bytes).sum();
            let listing: Vec<String> = processes
                .iter()
                .map(|p| {
                    let name = p.name.as_deref().unwrap_or("?");
                    let memory = p.used_memory_bytes.map_or("?".into(), format_bytes);
                    format!("pid {} {name} ({memory})", p.pid)
                })
                .collect();
            let mut finding = RULE.finding(
                device.label(),
                format!("{} process(es) hold {} on {}", processes.len(), format_bytes(held), device.label()),
                listing.join(", "),
                "shut down idle notebook kernels or stop the processes (`kill PID`), or use another GPU",
            );
            let share = device.memory_total_bytes.filter(|t| *t > 0).map_or(0.0, |t| held as f64 / t as f64);
            if share > SIGNIFICANT {
                finding.severity = Severity::Warning;
            }
            Some(finding)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::GpuProcess;

    #[test]
    fn lists_holders_and_escalates_big_ones() {
        let mut system = healthy(1);
        let process =
            |gib: u64| GpuProcess { pid: 4242, name: Some("python".into()), used_memory_bytes: Some(gib << 30) };
        system.devices[0].processes = Some(vec![process(2)]);
        let findings = run(&RULE, &system, &cvd(None));
        assert_eq!(findings[0].detail, "pid 4242 python (2.0 GiB)");
        assert_eq!(findings[0].severity, Severity::Info);
        system.devices[0].processes = Some(vec![process(60)]);
        assert_eq!(run(&RULE, &system, &cvd(None))[0].severity, Severity::Warning);
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
    }
}
