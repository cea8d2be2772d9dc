//! GW401: TensorFlow 2.11 or newer on native Windows has no GPU support.

use gpuwise_core::{Finding, FrameworkName, Severity, parse_version};

use crate::{Check, FrameworkContext, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW401",
    title: "TensorFlow on native Windows does not use the GPU after 2.10",
    severity: Severity::Error,
    explain: "\
# GW401: TensorFlow on native Windows does not use the GPU after 2.10

## What it means
TensorFlow 2.10 was the last release with GPU support on native Windows. From 2.11 the Windows
wheels are CPU-only: `tf.test.is_built_with_cuda()` is False and `tf.config.list_physical_devices('GPU')`
is empty, whatever GPU and driver the machine has.

## Fix
Run TensorFlow inside WSL2 (`pip install 'tensorflow[and-cuda]'` in a Linux environment there), or
pin `tensorflow<2.11` with CUDA 11.2 and cuDNN 8.1 installed on Windows.

## Source
TensorFlow 2.11.1 release notes; tensorflow/tensorflow#60156.
",
    check: Check::Framework(check),
};

fn check(ctx: &FrameworkContext<'_>) -> Vec<Finding> {
    let framework = ctx.framework;
    let windows = ctx.env.env.platform.as_deref().is_some_and(|p| p.starts_with("win32"));
    let version = parse_version(framework.version.split(['+', 'r', 'a', 'b']).next().unwrap_or(""));
    if framework.name != FrameworkName::Tensorflow || !windows || version.is_none_or(|v| v < vec![2, 11]) {
        return Vec::new();
    }
    vec![RULE.finding(
        ctx.subject(),
        format!("{} on native Windows is CPU-only", framework.label()),
        format!(
            "the environment's platform is {}; GPU support on native Windows ended with TensorFlow 2.10",
            ctx.env.env.platform.clone().unwrap_or_default()
        ),
        "run TensorFlow in WSL2 with `pip install 'tensorflow[and-cuda]'`, or pin tensorflow<2.11",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn only_new_tensorflow_on_windows() {
        let tf = framework("tensorflow", "2.16.1", "cpu");
        let windows = |platform: &str| {
            let mut env = environment(vec![tf.clone()]);
            env.platform = Some(platform.into());
            env
        };
        assert_eq!(env_codes(&RULE, &healthy(1), &windows("win32-AMD64")), ["GW401"]);
        assert!(env_codes(&RULE, &healthy(1), &windows("linux-x86_64")).is_empty());
    }
}
