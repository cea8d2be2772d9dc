//! Adding Julia to the report: the shell's `julia` and each Julia kernel's, each read once per
//! distinct command line and variables, and judged under the variables it starts with.

use gpuwise_core::Variables;
use gpuwise_core::{Finding, Kernel, Report, Source};
use gpuwise_envs::julia::{self, JuliaRequest};

/// Reads and judges the shell's Julia (when `current`) and the Julia `kernels` (each with the
/// variables its process starts with); sets each kernel's `julia` index and returns the findings.
pub fn add_julia<'a>(
    report: &mut Report,
    vars: &Variables,
    current: bool,
    kernels: impl Iterator<Item = (&'a mut Kernel, &'a Variables)>,
) -> Vec<Finding> {
    let mut requests: Vec<JuliaRequest> = Vec::new();
    if current && let Some(program) = julia::current_julia(vars) {
        requests.push(JuliaRequest { julia: program, source: Source::Current, project: None, vars: vars.clone() });
    }
    for (kernel, kernel_vars) in kernels {
        if !julia::is_julia_kernel(kernel) {
            continue;
        }
        let request = julia::kernel_request(kernel, kernel_vars);
        kernel.interpreter = Some(request.julia.display().to_string());
        kernel.julia = Some(match requests.iter().position(|r| same_launch(r, &request)) {
            Some(existing) => existing,
            None => {
                requests.push(request);
                requests.len() - 1
            }
        });
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let timeout = gpuwise_probe::probe_timeout();
    let mut findings = Vec::new();
    for request in &requests {
        let mut env = julia::read(request, &cwd, std::path::Path::new("/"), timeout);
        findings.extend(gpuwise_rules::judge_julia(&report.system, &env, &request.vars).apply(&mut env));
        report.julia.push(env);
    }
    findings
}

/// True when two requests start the same Julia with the same project and variables: one reading
/// serves both.
fn same_launch(a: &JuliaRequest, b: &JuliaRequest) -> bool {
    a.julia == b.julia && a.project == b.project && a.vars == b.vars
}
