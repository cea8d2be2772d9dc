//! GW801: an interpreter could not be asked where it imports from.

use gpuwise_core::{Finding, ProbeStatus, Severity};

use crate::{Check, EnvContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW801",
    title: "The Python interpreter could not be run",
    severity: Severity::Error,
    explain: "\
# GW801: The Python interpreter could not be run

## What it means
To learn where an environment imports packages from, gpuwise runs its interpreter once with `-I`
(isolated) and a small standard-library script, with a time limit. This interpreter was missing,
not executable, did not answer in time, failed, or printed something else. When it is a Jupyter
kernel's interpreter, that kernel cannot start either (\"No such file or directory\" in the
server log) — a common leftover of a deleted virtual or conda environment.

## Fix
Point to an interpreter that exists: recreate the environment, or reinstall the kernel from it
(`/path/to/env/bin/python -m ipykernel install --user --name NAME`), or remove a stale kernel with
`jupyter kernelspec remove NAME`. For a slow interpreter (network file system), raise
`GPUWISE_PROBE_TIMEOUT`.

## Source
jupyter_client kernel launching (argv[0] is executed as given); Python's `-I` option.
",
    check: Check::Environment(check),
};

fn check(ctx: &EnvContext<'_>) -> Vec<Finding> {
    let ProbeStatus::Failed { error } = &ctx.env.probe else { return Vec::new() };
    let fix = match ctx.kernel {
        Some(kernel) => format!(
            "reinstall the kernel from a working environment (`/path/to/python -m ipykernel install --user --name {0}`) or remove it: `jupyter kernelspec remove {0}`",
            kernel.name
        ),
        None => "pass the path of an existing Python 3 interpreter".to_string(),
    };
    vec![RULE.finding(ctx.subject(), format!("Cannot run {}", ctx.env.interpreter), error.clone(), fix)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn failed_probes_are_errors_naming_the_interpreter() {
        let mut env = environment(Vec::new());
        assert!(env_codes(&RULE, &healthy(1), &env).is_empty());
        env.probe = ProbeStatus::Failed { error: "/opt/gone/bin/python does not exist".into() };
        assert_eq!(env_codes(&RULE, &healthy(1), &env), ["GW801"]);
    }
}
