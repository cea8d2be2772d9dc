//! Numba: its CUDA target (built in, or NVIDIA's numba-cuda package) and the NVVM it compiles with.

use gpuwise_core::{Build, Framework, FrameworkName, Unreadable};

use super::{Site, is_cuda_wheel};

/// Reads the installed Numba, if any. Its CUDA target adapts to whatever driver it finds, so
/// the build is `cuda` with no version (numba-cuda: the major of the CUDA runtime it loads); `libnvvm.so` is what compiling kernels needs, and
/// numba-cuda's `from numba import cuda` also loads a CUDA runtime (`libcudart.so.13` or `.12`).
/// Its components are numba-cuda, the CUDA wheels either declares, and NumPy.
pub fn read(site: &Site<'_>, _problems: &mut Vec<Unreadable>) -> Option<Framework> {
    let dist = site.installed.get("numba")?;
    let mut framework = site.framework(FrameworkName::Numba, dist, "numba");
    framework.build = Build::Cuda(None);
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
        if site.installed.get("numba-cuda").is_some() {
            framework.libraries = site.libraries(&[cuda_runtime(site)], true);
            // The runtime it loads fixes its CUDA major (`libcudart.so.12` -> `cuda-12`); when none
            // is there, the installed cuda-bindings say which one it looks for.
            let bindings = site.installed.get("cuda-bindings").is_some();
            if let Some(runtime) = framework.libraries.iter().find(|l| l.path.is_some() || bindings) {
                let major = runtime.name.rsplit('.').next().unwrap_or_default();
                framework.build = Build::cuda(major.to_string());
            }
        }
        // CUDA 13's wheels ship NVVM only under its soname (nvidia/cu13/lib/libnvvm.so.4).
        let nvvm = site.first_found(&["libnvvm.so", "libnvvm.so.4"]).unwrap_or("libnvvm.so");
        framework.libraries.extend(site.libraries(&[nvvm.to_string()], false));
    }
    framework.unmet = parts.iter().flat_map(|d| site.unmet(d, is_cuda_wheel)).collect();
    Some(framework)
}

/// The CUDA runtime numba-cuda's import will load: the first of `libcudart.so.13` and `.12` on
/// the search path (cuda-pathfinder accepts either); when neither is there, the one matching the
/// installed cuda-bindings (13 when unknown).
fn cuda_runtime(site: &Site<'_>) -> String {
    if let Some(found) = site.first_found(&["libcudart.so.13", "libcudart.so.12"]) {
        return found.to_string();
    }
    let bindings = site.installed.get("cuda-bindings").map(|d| d.version.clone()).unwrap_or_default();
    (if bindings.starts_with("12.") { "libcudart.so.12" } else { "libcudart.so.13" }).to_string()
}
