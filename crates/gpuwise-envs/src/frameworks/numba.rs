//! Numba: its CUDA target (built in, or NVIDIA's numba-cuda package) and the NVVM it compiles with.

use gpuwise_core::{Framework, Unreadable};

use super::{Site, is_cuda_wheel};

/// Reads the installed Numba, if any. Its CUDA target adapts to whatever driver it finds, so
/// the build is `cuda` with no version; `libnvvm.so` is what compiling kernels needs.
pub fn read(site: &Site<'_>, _problems: &mut Vec<Unreadable>) -> Option<Framework> {
    let dist = site.installed.get("numba")?;
    let mut framework = site.framework("numba", dist, "numba");
    framework.build = "cuda".into();
    let mut parts = vec![dist];
    if let Some(target) = site.installed.get("numba-cuda") {
        framework
            .components
            .push(gpuwise_core::Component { name: target.name.clone(), version: target.version.clone() });
        parts.push(target);
    }
    framework.components.extend(site.components(&parts, is_cuda_wheel));
    if site.is_linux() {
        framework.libraries = site.libraries(&["libnvvm.so".to_string()]);
    }
    framework.unmet = parts.iter().flat_map(|d| site.unmet(d, is_cuda_wheel)).collect();
    Some(framework)
}
