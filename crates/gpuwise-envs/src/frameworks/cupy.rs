//! CuPy: the cupy-cudaNNx wheel (or a source build), its _wheel.json, the CUDA libraries it finds.

use gpuwise_core::{Build, Framework, FrameworkName, Unreadable};

use super::{Site, is_cuda_wheel, package_dir, python_file};

/// Reads the installed CuPy, if any. Several CuPy wheels in one environment overwrite each
/// other's files; all of them are listed as components.
pub fn read(site: &Site<'_>, problems: &mut Vec<Unreadable>) -> Option<Framework> {
    let wheels: Vec<_> = site.installed.iter().filter(|d| d.name == "cupy" || d.name.starts_with("cupy-")).collect();
    let dist = *wheels.first()?;
    let mut framework = site.framework(FrameworkName::Cupy, dist, "cupy");
    let package = package_dir(dist, "cupy");
    let fields =
        python_file(&package.join("_version.py"), problems, "cupy's version file is not readable", &["__version__"]);
    if let Some(version) = fields.as_ref().and_then(|f| f.get("__version__")).and_then(|v| v.as_str()) {
        framework.version = version.to_string();
    }
    let wheel_json = package.join(".data/_wheel.json");
    let declared = gpuwise_fs::read_text(&wheel_json)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json.get("cuda").and_then(|c| c.as_str()).map(str::to_string));
    framework.build = match declared {
        Some(cuda) => Build::cuda(cuda.trim_end_matches(".x")),
        None => wheel_build(&dist.name),
    };
    if let Some(major) = framework.cuda().and_then(|c| c.split('.').next()?.parse::<u32>().ok()) {
        let nvrtc = if major == 11 { "libnvrtc.so.11.2".to_string() } else { format!("libnvrtc.so.{major}") };
        framework.libraries = site.libraries(&[nvrtc, format!("libcublas.so.{major}")], false);
    }
    framework.components = wheels.iter().skip(1).map(|d| d.component()).collect();
    framework.components.extend(site.components(&[dist], is_cuda_wheel));
    framework.unmet = site.unmet(dist, is_cuda_wheel);
    Some(framework)
}

/// The build a wheel's name promises: `cupy-cuda12x` -> `cuda-12`, `cupy-cuda117` -> `cuda-11.7`,
/// `cupy-rocm-5-0` -> `rocm-5.0`; plain `cupy` (built from source against a local toolkit) is `unknown`.
fn wheel_build(name: &str) -> Build {
    if let Some(cuda) = name.strip_prefix("cupy-cuda") {
        return match cuda.strip_suffix('x') {
            Some(major) => Build::cuda(major),
            None if cuda.len() >= 3 => Build::cuda(format!("{}.{}", &cuda[..cuda.len() - 1], &cuda[cuda.len() - 1..])),
            None => Build::Unknown,
        };
    }
    match name.strip_prefix("cupy-rocm-") {
        Some(version) => Build::Rocm(Some(version.replace('-', "."))),
        None => Build::Unknown,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wheel_names_give_builds() {
        assert_eq!(super::wheel_build("cupy-cuda12x").to_string(), "cuda-12");
        assert_eq!(super::wheel_build("cupy-cuda117").to_string(), "cuda-11.7");
        assert_eq!(super::wheel_build("cupy-rocm-5-0").to_string(), "rocm-5.0");
        assert_eq!(super::wheel_build("cupy").to_string(), "unknown");
    }
}
