//! PyTorch: torch/version.py, the architectures in libtorch_cuda.so and the CUDA libraries it
//! links, its CUDA wheels.

use std::path::Path;

use gpuwise_core::{Build, Framework, FrameworkName, Unreadable};

use super::{Site, is_cuda_wheel, major_minor, package_dir, python_file, unreadable};
use crate::{elf, fatbin};

/// Reads the installed torch, if any.
pub fn read(site: &Site<'_>, problems: &mut Vec<Unreadable>) -> Option<Framework> {
    let dist = site.installed.get("torch")?;
    let mut framework = site.framework(FrameworkName::Torch, dist, "torch");
    let package = package_dir(dist, "torch");
    let version_py = package.join("version.py");
    let what = "torch is installed but its version file is not readable";
    if let Some(fields) = python_file(&version_py, problems, what, &["__version__", "cuda"]) {
        let text = |key: &str| fields.get(key).and_then(|v| v.as_str()).map(str::to_string);
        framework.version = text("__version__").unwrap_or(framework.version);
        framework.build = match (text("cuda"), text("hip")) {
            (Some(cuda), _) => Build::cuda(major_minor(&cuda)),
            (None, Some(hip)) => Build::Rocm(Some(major_minor(&hip))),
            (None, None) => Build::Cpu,
        };
    }
    if framework.cuda().is_some() {
        let library = package.join("lib/libtorch_cuda.so");
        match fatbin::architectures(&library) {
            Ok(Some(arches)) if !arches.is_empty() => {
                framework.architectures = arches;
                framework.architectures_source = Some(format!("{} (.nv_fatbin)", library.display()));
            }
            Ok(_) => {}
            Err(_) if !library.exists() => {
                problems.push(unreadable(&library, "torch is a CUDA build but its CUDA library is missing"));
            }
            Err(err) => problems.push(unreadable(&library, err.to_string())),
        }
        if site.is_linux() {
            framework.libraries = site.libraries(&linked_cuda_libraries(&library), true);
        }
    }
    framework.components = site.components(&[dist], is_cuda_wheel);
    framework.unmet = site.unmet(dist, is_cuda_wheel);
    Some(framework)
}

/// The CUDA libraries `libtorch_cuda.so` links (its `DT_NEEDED` entries outside torch's own
/// `lib/`): `import torch` loads it, so each must be found. Empty when the file cannot be read
/// (reported by the architecture reading).
fn linked_cuda_libraries(library: &Path) -> Vec<String> {
    let own = library.parent();
    let is_cuda = |name: &str| ["libcu", "libnv", "libnccl"].iter().any(|prefix| name.starts_with(prefix));
    elf::needed(library)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| is_cuda(name) && !own.is_some_and(|dir| dir.join(name).exists()))
        .collect()
}
