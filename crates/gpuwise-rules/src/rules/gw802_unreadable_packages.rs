//! GW802: package metadata or framework files that could not be read.

use gpuwise_core::{Finding, Severity};

use crate::{Check, EnvContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW802",
    title: "Packages are half-installed or their metadata is unreadable",
    severity: Severity::Warning,
    explain: "\
# GW802: Packages are half-installed or their metadata is unreadable

## What it means
A `*.dist-info` directory without a readable METADATA (no Name or Version, not UTF-8), or a
framework whose own files are missing — a CUDA build of torch without `lib/libtorch_cuda.so`, a
JAX CUDA plugin without its library, TensorFlow without `build_info.py` — is what an interrupted
`pip install`, two installers writing one environment, or a disk that filled up leave behind. pip
and the framework itself then misbehave in ways that are hard to trace: imports fail or the GPU
part is silently missing. When the file belongs to a framework the finding is an error.

## Fix
Reinstall the distribution the path belongs to: `pip install --force-reinstall --no-deps NAME==VERSION`
(with the environment's own pip), or remove the stray `*.dist-info` directory.

## Source
Python packaging core metadata and the installed-distribution format (PyPA specifications).
",
    check: Check::Environment(check),
};

fn check(ctx: &EnvContext<'_>) -> Vec<Finding> {
    ctx.env
        .unreadable
        .iter()
        .map(|problem| {
            let owner = ctx.env.frameworks.iter().find(|f| problem.path.starts_with(&f.path));
            let subject = match owner {
                Some(framework) => format!("{} in {}", framework.label(), ctx.subject()),
                None => ctx.subject(),
            };
            let mut finding = RULE.finding(
                subject,
                match owner {
                    Some(framework) => format!("{} is half-installed", framework.label()),
                    None => format!("Unreadable package metadata: {}", problem.path),
                },
                problem.error.clone(),
                match owner {
                    Some(framework) => format!(
                        "pip install --force-reinstall --no-deps '{}=={}'",
                        framework.distribution,
                        framework.version.split('+').next().unwrap_or_default()
                    ),
                    None => format!("reinstall the distribution {} belongs to, or remove it", problem.path),
                },
            );
            if owner.is_some() {
                finding.severity = Severity::Error;
            }
            finding
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::Unreadable;

    #[test]
    fn framework_files_are_errors_other_metadata_warnings() {
        let mut env = environment(vec![framework("torch", "2.5.1", "cuda-12.4")]);
        env.unreadable.push(Unreadable::new("/site/foo-1.0.dist-info", "has no Name"));
        let library = format!("{}/lib/libtorch_cuda.so", env.frameworks[0].path);
        env.unreadable.push(Unreadable::new(library, "missing"));
        let found = env_findings(&RULE, &healthy(1), &env);
        assert_eq!(found.iter().map(|f| f.severity).collect::<Vec<_>>(), [Severity::Warning, Severity::Error]);
        assert!(found[1].title.contains("torch 2.5.1 is half-installed"));
        assert!(found[1].subject.starts_with("torch 2.5.1 in "), "the framework's own subject: {}", found[1].subject);
    }
}
