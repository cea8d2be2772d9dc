//! The view of `gpuwise kernel list`: each kernel Jupyter finds, its GPU settings, and whether
//! its frameworks use the GPU.

use gpuwise_core::Report;

/// The variables a GPU kernel's `env` may set, in the order the list shows them.
const GPU_VARIABLES: [&str; 4] =
    ["CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "TF_FORCE_GPU_ALLOW_GROWTH", "XLA_PYTHON_CLIENT_PREALLOCATE"];

/// One block per kernel: name, where, GPU settings, and each framework's verdict.
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
