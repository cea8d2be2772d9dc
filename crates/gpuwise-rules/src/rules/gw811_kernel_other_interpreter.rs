//! GW811: a kernel runs another interpreter than the shell's `python3`.

use gpuwise_core::{Finding, Severity};

use crate::{Check, KernelContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW811",
    title: "The kernel runs a different Python than the shell",
    severity: Severity::Info,
    explain: "\
# GW811: The kernel runs a different Python than the shell

## What it means
A notebook's kernel runs the interpreter in its kernelspec's `argv`, not the `python3` of the shell
that started Jupyter. Packages installed from the shell (`pip install torch`) then may not be in the
kernel's environment, or be other builds: \"works in the terminal, not in the notebook\". The
finding is a warning when a framework that uses the GPU from the shell is missing or does not use
it in the kernel.

## Fix
Install into the kernel's own interpreter (`%pip install ...` in the notebook, or
`/kernel/python -m pip install ...`), or install a kernel for the shell's environment:
`python -m ipykernel install --user --name NAME`.

## Source
microsoft/vscode-jupyter#9081, pytorch/pytorch#10529, tensorflow/tensorflow#62994
(knowledge/root-causes.md, cause 15).
",
    check: Check::Kernel(check),
};

fn check(ctx: &KernelContext<'_>) -> Vec<Finding> {
    let (Some(env), Some(shell)) = (ctx.env, ctx.shell_env) else { return Vec::new() };
    let same = env.prefix.is_some() && env.prefix == shell.prefix;
    if same || env.interpreter == shell.interpreter {
        return Vec::new();
    }
    let lost: Vec<String> = shell
        .frameworks
        .iter()
        .filter(|f| f.uses_gpu)
        .filter(|f| !env.frameworks.iter().any(|k| k.name == f.name && k.uses_gpu))
        .map(|f| f.label())
        .collect();
    let name = &ctx.kernel.name;
    let mut finding = RULE.finding(
        format!("kernel '{name}'"),
        if lost.is_empty() {
            format!("Kernel '{name}' runs {}, not the shell's {}", env.interpreter, shell.interpreter)
        } else {
            format!("Kernel '{name}' runs another Python: {} uses the GPU from the shell but not in this kernel", lost.join(", "))
        },
        format!(
            "kernel argv[0] resolves to {} (prefix {}); the shell's python3 is {} (prefix {})",
            env.interpreter,
            env.prefix.as_deref().unwrap_or("?"),
            shell.interpreter,
            shell.prefix.as_deref().unwrap_or("?")
        ),
        format!("install what the notebook needs into {} (`%pip install ...` in the notebook), or `python -m ipykernel install --user --name NAME` from the shell's environment", env.interpreter),
    );
    if !lost.is_empty() {
        finding.severity = Severity::Warning;
    }
    vec![finding]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn warns_when_the_gpu_framework_stays_behind() {
        let mut shell = environment(vec![framework("torch", "2.5.1", "cuda-12.4")]);
        shell.frameworks[0].uses_gpu = true;
        shell.interpreter = "/home/ada/venv/bin/python3".into();
        shell.prefix = Some("/home/ada/venv".into());
        let mut kernel_env = environment(Vec::new());
        kernel_env.interpreter = "/usr/bin/python3".into();
        kernel_env.prefix = Some("/usr".into());
        let kernel = gpuwise_core::Kernel { name: "python3".into(), ..Default::default() };
        let case = KernelCase { env: Some(&kernel_env), shell_env: Some(&shell), ..KernelCase::default() };
        let found = kernel_findings(&RULE, &healthy(1), &kernel, case);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].title.contains("torch 2.5.1 uses the GPU from the shell"), "{}", found[0].title);
        let same = KernelCase { env: Some(&shell), shell_env: Some(&shell), ..KernelCase::default() };
        assert!(kernel_codes(&RULE, &healthy(1), &kernel, same).is_empty());
    }
}
