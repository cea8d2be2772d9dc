//! What to install so a framework uses this machine's GPUs: the concrete command a fix names.

use gpuwise_core::{Framework, parse_version};

use crate::FrameworkContext;
use crate::compat::capability;

/// The build's CUDA as `(major, minor)`; the minor is `None` for "any X.y" builds (`cuda-12`).
pub fn build_cuda(framework: &Framework) -> Option<(u32, Option<u32>)> {
    let version = parse_version(framework.cuda()?)?;
    Some((*version.first()?, version.get(1).copied()))
}

/// The least compute capability among the GPUs the environment can use.
fn oldest_gpu(ctx: &FrameworkContext<'_>) -> Option<(u32, u32)> {
    ctx.env.usable_devices().filter_map(|d| capability(d.compute_capability.as_deref()?)).min()
}

/// The newest CUDA major both the driver and every usable GPU allow (13 needs driver CUDA 13
/// and compute capability 7.5 or newer), defaulting to 12.
fn cuda_major(ctx: &FrameworkContext<'_>) -> u32 {
    let driver = ctx.env.machine.driver_cuda().map_or(12, |d| d.0);
    let gpus_allow_13 = oldest_gpu(ctx).is_none_or(|cc| cc >= (7, 5));
    if driver >= 13 && gpus_allow_13 { 13 } else { 12 }
}

/// The pip command that installs a CUDA build of `framework` suited to this driver and these GPUs.
pub fn cuda_build_command(ctx: &FrameworkContext<'_>) -> String {
    let major = cuda_major(ctx);
    match ctx.framework.name.as_str() {
        "torch" => format!("pip install torch --index-url https://download.pytorch.org/whl/{}", torch_index(ctx)),
        "tensorflow" => "pip install 'tensorflow[and-cuda]' (on Linux or WSL2)".into(),
        "jax" => format!("pip install -U 'jax[cuda{major}]'"),
        "cupy" => format!("pip uninstall {} && pip install 'cupy-cuda{major}x[ctk]'", ctx.framework.distribution),
        "numba" => format!("pip install 'numba-cuda[cu{major}]'"),
        other => format!("install a CUDA build of {other}"),
    }
}

/// The PyTorch wheel index for this driver and these GPUs: the newest of cu130, cu128, cu126,
/// cu118 the driver runs and that still has code for the oldest GPU.
fn torch_index(ctx: &FrameworkContext<'_>) -> &'static str {
    let driver = ctx.env.machine.driver_cuda().unwrap_or((12, 8));
    let oldest = oldest_gpu(ctx).unwrap_or((9, 0));
    let newest = ctx.env.usable_devices().filter_map(|d| capability(d.compute_capability.as_deref()?)).max();
    let blackwell = newest.is_some_and(|cc| cc >= (10, 0));
    if driver.0 >= 13 && oldest >= (7, 5) {
        "cu130"
    } else if driver.0 >= 12 && oldest >= (7, 0) {
        "cu128"
    } else if driver.0 >= 12 && oldest >= (5, 0) && !blackwell {
        "cu126"
    } else {
        "cu118"
    }
}
