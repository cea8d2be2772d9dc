//! GW813: which Python a kernel runs cannot be told from its spec.

use gpuwise_core::{Finding, Severity};

use crate::{Check, KernelContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW813",
    title: "Which Python the kernel runs cannot be told",
    severity: Severity::Info,
    explain: "\
# GW813: Which Python the kernel runs cannot be told

## What it means
The kernel's `argv` starts a program that is not a Python interpreter — a wrapper such as
`conda run -n ENV python ...`, a shell script, a container launcher — or a bare `pythonX.Y` that is
not on the kernel's `PATH`. gpuwise judges a kernel by reading the environment of the interpreter it
runs, so this kernel's frameworks are not judged.

## Fix
Prefer kernelspecs whose argv[0] is the environment's own interpreter (what `python -m ipykernel
install` writes), or check the kernel with `gpuwise doctor --python /path/to/that/python`.

## Source
Jupyter kernelspec format (argv; knowledge/jupyter.md).
",
    check: Check::Kernel(check),
};

fn check(ctx: &KernelContext<'_>) -> Vec<Finding> {
    let Some(problem) = ctx.interpreter_problem else { return Vec::new() };
    let name = &ctx.kernel.name;
    vec![RULE.finding(
        format!("kernel '{name}'"),
        format!("Kernel '{name}' is not judged: {problem}"),
        format!("argv: {}", ctx.kernel.argv.join(" ")),
        "run `gpuwise doctor --python /path/to/the/kernel's/python` to judge its environment",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn explains_wrappers() {
        let kernel =
            gpuwise_core::Kernel { name: "ml".into(), argv: vec!["conda".into(), "run".into()], ..Default::default() };
        let case = KernelCase { interpreter_problem: Some("it starts `conda`"), ..KernelCase::default() };
        assert_eq!(kernel_codes(&RULE, &healthy(1), &kernel, case), ["GW813"]);
    }
}
