//! The view of `gpuwise kernel list`: each kernel Jupyter finds, its GPU settings, what doctor
//! found about it, and whether its frameworks use the GPU.

use gpuwise_core::Report;

/// The variables a GPU kernel's `env` may set, in the order the list shows them.
const GPU_VARIABLES: [&str; 4] =
    ["CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "TF_FORCE_GPU_ALLOW_GROWTH", "XLA_PYTHON_CLIENT_PREALLOCATE"];

/// One block per kernel: name, where, GPU settings, its findings (a kernel that cannot start,
/// one whose env hides the GPUs) with their fixes, and each framework's verdict.
pub fn kernel_list(report: &Report) -> String {
    if report.kernels.is_empty() {
        return "No Jupyter kernels found (`gpuwise kernel install --name NAME` writes one).\n".into();
    }
    let mut out = String::new();
    for kernel in &report.kernels {
        out.push_str(&format!("{} — {}\n  {}\n", kernel.name, kernel.display_name, kernel.spec_path));
        let settings: Vec<String> =
            GPU_VARIABLES.iter().filter_map(|k| kernel.env.get(*k).map(|v| format!("{k}={v}"))).collect();
        if !settings.is_empty() {
            out.push_str(&format!("  env: {}\n", settings.join(" ")));
        }
        let subject = format!("kernel '{}'", kernel.name);
        let findings = report.findings.iter().filter(|f| f.subject == subject && kernel.findings.contains(&f.code));
        for finding in findings {
            let severity = finding.severity.as_str();
            out.push_str(&format!("  {severity} {}: {}\n    fix: {}\n", finding.code, finding.title, finding.fix));
        }
        let frameworks = kernel.environment.and_then(|i| report.environments.get(i)).map(|e| &e.frameworks);
        match frameworks {
            Some(list) if !list.is_empty() => {
                for f in list {
                    let verdict = if f.uses_gpu { "uses the GPU" } else { "runs on the CPU" };
                    out.push_str(&format!("  {} {}: {verdict}\n", f.name, f.version));
                }
            }
            _ => out.push_str("  no GPU framework installed\n"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_core::{Finding, Kernel, Severity};

    #[test]
    fn a_kernel_that_cannot_start_says_so_with_the_fix() {
        let mut report = Report::new(gpuwise_core::System::default());
        let kernel = |name: &str, findings: &[&str]| Kernel {
            name: name.into(),
            display_name: format!("Python ({name})"),
            spec_path: format!("/k/{name}"),
            findings: findings.iter().map(|c| c.to_string()).collect(),
            ..Kernel::default()
        };
        report.kernels = vec![kernel("fresh", &["GW814"]), kernel("ok", &[])];
        report.findings = vec![Finding {
            code: "GW814".into(),
            severity: Severity::Error,
            code_title: "The kernel cannot start: its interpreter lacks ipykernel".into(),
            title: "Kernel 'fresh' cannot start: ipykernel is not installed in /e/bin/python".into(),
            detail: "its argv runs `/e/bin/python -m ipykernel_launcher`".into(),
            fix: "install it there: `/e/bin/python -m pip install ipykernel`".into(),
            subject: "kernel 'fresh'".into(),
        }];
        let text = kernel_list(&report);
        assert_eq!(
            text,
            "fresh — Python (fresh)\n  /k/fresh\n  \
             error GW814: Kernel 'fresh' cannot start: ipykernel is not installed in /e/bin/python\n    \
             fix: install it there: `/e/bin/python -m pip install ipykernel`\n  no GPU framework installed\n\
             ok — Python (ok)\n  /k/ok\n  no GPU framework installed\n"
        );
    }
}
