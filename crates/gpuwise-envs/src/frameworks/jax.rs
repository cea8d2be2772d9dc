//! JAX: jax, jaxlib, and the CUDA (or ROCm) plugin and PJRT wheels that make it use a GPU.

use gpuwise_core::{Build, Framework, FrameworkName, Unreadable};

use super::{Site, is_cuda_wheel, package_dir};
use crate::fatbin;

/// Reads the installed JAX, if any.
pub fn read(site: &Site<'_>, problems: &mut Vec<Unreadable>) -> Option<Framework> {
    let jax = site.installed.get("jax")?;
    let mut framework = site.framework(FrameworkName::Jax, jax, "jax");
    let jaxlib = site.installed.get("jaxlib");
    let is_jax_part = |name: &str| name == "jaxlib" || name.starts_with("jax-cuda") || name.starts_with("jax-rocm");
    let plugin = site
        .installed
        .iter()
        .find(|d| d.name.ends_with("-plugin") && (d.name.starts_with("jax-cuda") || d.name.starts_with("jax-rocm")));
    framework.build = match (plugin, jaxlib) {
        (Some(plugin), _) => plugin_build(&plugin.name),
        // Before jaxlib 0.4.30 CUDA builds were whole jaxlibs with a local tag: 0.4.28+cuda12.cudnn89.
        (None, Some(lib)) => match lib.version.split_once("+cuda") {
            Some((_, tag)) => Build::cuda(tag.split('.').next().unwrap_or(tag)),
            None => Build::Cpu,
        },
        (None, None) => Build::Unknown,
    };
    let mut parts = vec![jax];
    parts.extend(jaxlib);
    if let Some(plugin) = plugin {
        parts.push(plugin);
        if let Some(pjrt) = site.installed.get(&plugin.name.replace("-plugin", "-pjrt")) {
            parts.push(pjrt);
        }
        let so = package_dir(plugin, "jax_plugins").join(plugin_dir(&plugin.name)).join("xla_cuda_plugin.so");
        match fatbin::architectures(&so) {
            Ok(Some(arches)) if !arches.is_empty() => {
                framework.architectures = arches;
                framework.architectures_source = Some(format!("{} (.nv_fatbin)", so.display()));
            }
            Ok(_) => {}
            Err(_) if !so.exists() => problems.push(super::unreadable(&so, "the JAX CUDA plugin's library is missing")),
            Err(_) => {} // an unreadable plugin library: the release table stands in
        }
    }
    let relevant = |name: &str| is_jax_part(name) || is_cuda_wheel(name);
    framework.components = parts.iter().skip(1).map(|d| d.component()).collect();
    framework.components.extend(site.components(&parts, is_cuda_wheel));
    framework.unmet = parts.iter().flat_map(|d| site.unmet(d, relevant)).collect();
    framework.unmet.dedup();
    Some(framework)
}

/// `jax-cuda12-plugin` -> `cuda-12`; `jax-rocm60-plugin` -> `rocm-6.0`.
fn plugin_build(name: &str) -> Build {
    let middle = name.trim_start_matches("jax-").trim_end_matches("-plugin");
    if let Some(major) = middle.strip_prefix("cuda") {
        return Build::cuda(major);
    }
    match middle.strip_prefix("rocm") {
        Some(digits) if digits.len() >= 2 => Build::Rocm(Some(format!("{}.{}", &digits[..1], &digits[1..]))),
        _ => Build::Unknown,
    }
}

/// `jax-cuda12-plugin` -> `xla_cuda12` (the jax_plugins subpackage).
fn plugin_dir(name: &str) -> String {
    format!("xla_{}", name.trim_start_matches("jax-").trim_end_matches("-plugin"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_names_give_builds() {
        assert_eq!(plugin_build("jax-cuda12-plugin").to_string(), "cuda-12");
        assert_eq!(plugin_build("jax-cuda13-plugin").to_string(), "cuda-13");
        assert_eq!(plugin_build("jax-rocm60-plugin").to_string(), "rocm-6.0");
        assert_eq!(plugin_dir("jax-cuda13-plugin"), "xla_cuda13");
    }
}
