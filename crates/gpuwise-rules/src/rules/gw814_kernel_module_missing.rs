//! GW814: a kernel's interpreter does not have the module its argv runs (ipykernel).

use gpuwise_core::{Finding, Severity};

use crate::install::into_environment;
use crate::{Check, KernelContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW814",
    title: "The kernel cannot start: its interpreter lacks ipykernel",
    severity: Severity::Error,
    explain: "\
# GW814: The kernel cannot start: its interpreter lacks ipykernel

## What it means
Jupyter starts a Python kernel by running the command in its kernelspec's `argv`, normally
`/path/to/python -m ipykernel_launcher -f {connection_file}`. `ipykernel_launcher` is a module of
the `ipykernel` package, and it must be installed in that interpreter's environment: not in the
environment Jupyter itself runs in, not in another Python. When it is missing the kernel process
exits at once with `No module named ipykernel_launcher`, and the notebook shows the kernel dying
and restarting (\"Kernel died\", \"Kernel not connected\") without saying why. Typical causes: a
kernelspec written for a fresh virtual or conda environment that never had ipykernel, or an
environment rebuilt from a requirements file without it.

gpuwise judges this from files, without starting the interpreter: the module (or its package)
must be in a directory the interpreter imports from — `PYTHONPATH`, its site-packages, its user
site directory when Python would use it, directories `.pth` files add, or an editable install's
finder. The same holds for a kernel that runs another module with `-m` (`bash_kernel`, ...).

## Fix
Install ipykernel into the kernel's own interpreter (the finding names it):
`/path/to/python -m pip install ipykernel`, or for an environment made by uv (which has no pip)
`uv pip install --python /path/to/python ipykernel`; for a conda environment
`conda install -p PREFIX ipykernel` works too. Or remove the kernel:
`jupyter kernelspec remove NAME`. `gpuwise kernel install` checks the interpreter before it writes
a kernel.

## Source
ipykernel (`ipykernel_launcher.py`; the argv `python -m ipykernel install` writes); jupyter_client's
kernel manager (argv run as written, with the kernelspec's env).
",
    check: Check::Kernel(check),
};

/// The modules ipykernel provides that kernelspecs run.
const IPYKERNEL: [&str; 2] = ["ipykernel_launcher", "ipykernel"];

fn check(ctx: &KernelContext<'_>) -> Vec<Finding> {
    let (Some(module), Some(env)) = (ctx.missing_module, ctx.env) else { return Vec::new() };
    let name = &ctx.kernel.name;
    let python = &env.interpreter;
    let searched = if env.site_packages.is_empty() { "none".to_string() } else { env.site_packages.join(", ") };
    let detail = format!(
        "its argv runs `{python} -m {module}`; no `{module}` module or package is in the directories it imports from (site directories: {searched})"
    );
    let (title, fix) = if IPYKERNEL.contains(&module) {
        (
            format!("Kernel '{name}' cannot start: ipykernel is not installed in {python}"),
            format!(
                "install it there: {}; or remove the kernel: `jupyter kernelspec remove {name}`",
                into_environment(python, "ipykernel")
            ),
        )
    } else {
        (
            format!("Kernel '{name}' cannot start: {module} is not installed in {python}"),
            format!(
                "install the package that provides `{module}` into {python}'s environment, or remove the kernel: `jupyter kernelspec remove {name}`"
            ),
        )
    };
    vec![RULE.finding(format!("kernel '{name}'"), title, detail, fix)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn names_the_interpreter_and_how_to_install_into_it() {
        let kernel = gpuwise_core::Kernel { name: "fresh".into(), ..Default::default() };
        let mut env = environment(Vec::new());
        env.interpreter = "/home/ada/my envs/fresh/bin/python".into();
        env.site_packages = vec!["/home/ada/my envs/fresh/lib/python3.12/site-packages".into()];
        let has = KernelCase { env: Some(&env), ..KernelCase::default() };
        assert!(kernel_codes(&RULE, &healthy(1), &kernel, has).is_empty());
        let lacks = KernelCase { missing_module: Some("ipykernel_launcher"), ..has };
        let found = kernel_findings(&RULE, &healthy(1), &kernel, lacks);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(
            found[0].title,
            "Kernel 'fresh' cannot start: ipykernel is not installed in /home/ada/my envs/fresh/bin/python"
        );
        assert!(found[0].detail.contains("my envs/fresh/lib/python3.12/site-packages"), "{}", found[0].detail);
        assert!(
            found[0].fix.starts_with(
                "install it there: `'/home/ada/my envs/fresh/bin/python' -m pip install ipykernel`, or `uv pip install --python '/home/ada/my envs/fresh/bin/python' ipykernel`"
            ),
            "{}",
            found[0].fix
        );
        let other = KernelCase { missing_module: Some("bash_kernel"), ..has };
        let found = kernel_findings(&RULE, &healthy(1), &kernel, other);
        assert!(found[0].title.contains("bash_kernel is not installed"), "{}", found[0].title);
        let unjudged = KernelCase { missing_module: Some("ipykernel_launcher"), ..KernelCase::default() };
        assert!(kernel_codes(&RULE, &healthy(1), &kernel, unjudged).is_empty(), "no environment read, nothing said");
    }
}
