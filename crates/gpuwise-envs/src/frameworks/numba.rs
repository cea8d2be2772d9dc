//! Numba: its CUDA target (built in, or NVIDIA's numba-cuda package) and the NVVM it compiles with.

use gpuwise_core::{Framework, Unreadable};

use super::{Site, is_cuda_wheel};

/// Reads the installed Numba, if any. Its CUDA target adapts to whatever driver it finds, so
/// the build is `cuda` with no version; `libnvvm.so` is what compiling kernels needs. Its
/// components are numba-cuda, the CUDA wheels either declares, and NumPy.
pub fn read(site: &Site<'_>, _problems: &mut Vec<Unreadable>) -> Option<Framework> {
    let dist = site.installed.get("numba")?;
    let mut framework = site.framework("numba", dist, "numba");
    framework.build = "cuda".into();
    let mut parts = vec![dist];
    if let Some(target) = site.installed.get("numba-cuda") {
        framework.components.push(target.component());
        parts.push(target);
    }
    framework.components.extend(site.components(&parts, is_cuda_wheel));
    // NumPy: Numba compiles against it, and some pairs of the two do not work (GW306).
    if let Some(numpy) = site.installed.get("numpy") {
        framework.components.push(numpy.component());
    }
    if site.is_linux() {
        framework.libraries = site.libraries(&["libnvvm.so".to_string()]);
    }
    framework.unmet = parts.iter().flat_map(|d| site.unmet(d, is_cuda_wheel)).collect();
    Some(framework)
}
