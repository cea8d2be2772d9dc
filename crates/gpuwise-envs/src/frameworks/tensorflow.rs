//! TensorFlow: which distribution (tensorflow, tensorflow-cpu, the legacy tensorflow-gpu), its
//! build_info.py, and the CUDA libraries it will find.

use gpuwise_core::{Build, Framework, FrameworkName, Unreadable};

use super::{Site, complete, cuda_sonames, is_cuda_wheel, major_minor, package_dir, unreadable};
use crate::fatbin;
use crate::pyliteral::{self, Literal};

/// Distributions that install the `tensorflow` package, most specific first.
const DISTRIBUTIONS: [&str; 5] = ["tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-intel", "tf-nightly"];

/// Reads the installed TensorFlow, if any.
pub fn read(site: &Site<'_>, problems: &mut Vec<Unreadable>) -> Option<Framework> {
    let dist = DISTRIBUTIONS.iter().find_map(|name| site.installed.get(name))?;
    let mut framework = site.framework(FrameworkName::Tensorflow, dist, "tensorflow");
    let build_info = package_dir(dist, "tensorflow").join("python/platform/build_info.py");
    // `import tensorflow` imports build_info.py (its self check): a missing or unreadable one
    // fails the import; one that is valid Python but lacks the build's fields leaves the build
    // unknown.
    let info = match gpuwise_fs::read_text(&build_info) {
        Ok(text) => complete(&build_info, pyliteral::key_value_pairs(&text), &["is_cuda_build"])
            .map_err(|damage| Unreadable { at_import: false, ..damage }),
        Err(err) => Err(unreadable(&build_info, format!("tensorflow's build file is not readable: {err}"))),
    };
    let info = match info {
        Ok(info) => info,
        Err(damage) => {
            problems.push(damage);
            return Some(framework);
        }
    };
    let flag = |key: &str| matches!(info.get(key), Some(Literal::Bool(true)));
    let text = |key: &str| info.get(key).and_then(Literal::as_str).map(str::to_string);
    framework.build = if flag("is_cuda_build") {
        Build::Cuda(text("cuda_version").map(|v| cuda_version(&v)))
    } else if flag("is_rocm_build") {
        Build::Rocm(text("rocm_version").map(|v| major_minor(&v)))
    } else {
        Build::Cpu
    };
    if let Some(Literal::List(caps)) = info.get("cuda_compute_capabilities") {
        framework.architectures = caps.iter().filter_map(Literal::as_str).map(str::to_string).collect();
        framework.architectures_source = Some(build_info.display().to_string());
    }
    // build_info lists what the build was configured with; the kernels' library holds what was
    // compiled (TF 2.21: sm_90 machine code that build_info leaves out).
    let kernels = package_dir(dist, "tensorflow").join("libtensorflow_cc.so.2");
    if framework.build.is_cuda()
        && let Ok(Some(arches)) = fatbin::architectures(&kernels)
        && !arches.is_empty()
    {
        framework.architectures = arches;
        framework.architectures_source = Some(format!("{} (.nv_fatbin)", kernels.display()));
    }
    let cuda_major = framework.cuda().and_then(|c| c.split('.').next()?.parse().ok());
    let cudnn_major = text("cudnn_version").and_then(|v| v.split('.').next()?.parse().ok());
    if let Some(major) = cuda_major.filter(|_| site.is_linux()) {
        framework.libraries = site.libraries(&cuda_sonames(major, cudnn_major), false);
    }
    framework.components = site.components(&[dist], is_cuda_wheel);
    framework.unmet = site.unmet(dist, is_cuda_wheel);
    Some(framework)
}

/// build_info's CUDA version: `12.3` on Linux, `64_112` (the DLL suffix) on Windows.
fn cuda_version(text: &str) -> String {
    match text.split_once('_') {
        Some((_, digits)) if digits.len() >= 3 && digits.chars().all(|c| c.is_ascii_digit()) => {
            format!("{}.{}", &digits[..digits.len() - 1], &digits[digits.len() - 1..])
        }
        _ => major_minor(text),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn windows_dll_suffixes_become_versions() {
        assert_eq!(super::cuda_version("64_112"), "11.2");
        assert_eq!(super::cuda_version("12.5.1"), "12.5");
    }
}
