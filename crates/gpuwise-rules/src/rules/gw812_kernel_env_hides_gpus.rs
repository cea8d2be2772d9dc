//! GW812: a kernelspec's `env` hides GPUs the shell sees.

use gpuwise_core::{Finding, Severity};

use crate::{Check, KernelContext, Rule};

/// Variables of a kernel.json `env` that change which GPUs the kernel sees.
const SELECTORS: [&str; 3] = ["CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "NVIDIA_VISIBLE_DEVICES"];

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW812",
    title: "The kernel's env hides GPUs",
    severity: Severity::Error,
    explain: "\
# GW812: The kernel's env hides GPUs

## What it means
Jupyter starts a kernel with the server's environment plus the `env` of its kernel.json, each value
replacing the server's. A `CUDA_VISIBLE_DEVICES` there is the right way to pin a kernel to a GPU
(it must be set before the process starts), but set to `\"\"` or to a device that does not exist it
hides every GPU from that kernel only: the same code uses the GPU from the shell and the CPU in the
notebook. When the kernel still sees some GPUs the finding is informational.

## Fix
Edit the `env` of the kernel.json the finding names (or reinstall the kernel): remove
`CUDA_VISIBLE_DEVICES`, or set it to a UUID from `nvidia-smi -L`.

## Source
jupyter_client launcher (kernel env applied with string.Template substitution); CUDA Programming
Guide, CUDA_VISIBLE_DEVICES (knowledge/jupyter.md, knowledge/env-vars.md).
",
    check: Check::Kernel(check),
};

fn check(ctx: &KernelContext<'_>) -> Vec<Finding> {
    let set: Vec<String> = SELECTORS
        .iter()
        .filter_map(|name| ctx.kernel.env.get(*name).map(|value| format!("{name}={value:?}")))
        .collect();
    let (kernel_gpus, shell_gpus) = (ctx.verdict.usable.len(), ctx.shell_verdict.usable.len());
    if set.is_empty() || kernel_gpus >= shell_gpus {
        return Vec::new();
    }
    let name = &ctx.kernel.name;
    let mut finding = RULE.finding(
        format!("kernel '{name}'"),
        if kernel_gpus == 0 {
            format!("Kernel '{name}' sees no GPU: its kernel.json sets {}", set.join(", "))
        } else {
            format!(
                "Kernel '{name}' sees {kernel_gpus} of the shell's {shell_gpus} GPUs: its kernel.json sets {}",
                set.join(", ")
            )
        },
        format!("{}/kernel.json sets {} in the kernel's env", ctx.kernel.spec_path, set.join(", ")),
        format!(
            "edit {}/kernel.json: remove those keys, or name the GPU by UUID (`nvidia-smi -L`)",
            ctx.kernel.spec_path
        ),
    );
    if kernel_gpus > 0 {
        finding.severity = Severity::Info;
    }
    vec![finding]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::Variables;

    #[test]
    fn an_empty_selection_hides_everything() {
        let mut kernel = gpuwise_core::Kernel { name: "ml".into(), spec_path: "/k/ml".into(), ..Default::default() };
        kernel.env.insert("CUDA_VISIBLE_DEVICES".into(), String::new());
        let hidden = Variables::from_text([("CUDA_VISIBLE_DEVICES", "")]);
        let case = KernelCase { vars: Some(&hidden), ..KernelCase::default() };
        let found = kernel_findings(&RULE, &healthy(2), &kernel, case);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].title.contains("sees no GPU"), "{}", found[0].title);
        let one = Variables::from_text([("CUDA_VISIBLE_DEVICES", "1")]);
        kernel.env.insert("CUDA_VISIBLE_DEVICES".into(), "1".into());
        let case = KernelCase { vars: Some(&one), ..KernelCase::default() };
        assert_eq!(kernel_findings(&RULE, &healthy(2), &kernel, case)[0].severity, Severity::Info);
    }
}
