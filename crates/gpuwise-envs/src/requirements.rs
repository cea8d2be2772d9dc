//! Checking a distribution's declared requirements against what is installed (PEP 508).

use std::str::FromStr;

use gpuwise_core::Unmet;
use pep508_rs::pep440_rs::Version;
use pep508_rs::{ExtraName, MarkerEnvironment, MarkerEnvironmentBuilder, Requirement, VersionOrUrl};

use crate::distributions::{Distribution, Installed};
use crate::interpreter::Markers;

/// The marker environment of an interpreter, or `None` when its versions do not parse.
pub fn marker_environment(markers: &Markers) -> Option<MarkerEnvironment> {
    MarkerEnvironment::try_from(MarkerEnvironmentBuilder {
        implementation_name: &markers.implementation_name,
        implementation_version: &markers.implementation_version,
        os_name: &markers.os_name,
        platform_machine: &markers.platform_machine,
        platform_python_implementation: &markers.platform_python_implementation,
        platform_release: &markers.platform_release,
        platform_system: &markers.platform_system,
        platform_version: &markers.platform_version,
        python_full_version: &markers.python_full_version,
        python_version: &markers.python_version,
        sys_platform: &markers.sys_platform,
    })
    .ok()
}

/// Requirements of `dist` that apply here and are not met: every one that is not installed,
/// and, for the names `versioned` accepts (CUDA wheels, a plugin's parts), every one installed
/// at a version outside its range. A missing pure-Python requirement (`pip install --no-deps`)
/// fails the import as surely as a missing CUDA wheel; a pure-Python one at another version
/// usually still works, so only CUDA wheels, whose sonames and ABIs change, are held to theirs.
///
/// A requirement applies when its marker holds for this interpreter, either unconditionally or
/// under an extra that is installed: one that brings distributions of its own (names `dist` does
/// not require anyway) and all of them are present, whatever their versions. `numba-cuda[cu13]`
/// leaves cuda-bindings 13 behind, which its `cu12` extra names too, but not the cu12-only
/// nvjitlink wheel; jax's `ci` extra only pins jaxlib, which jax always requires, so it is never
/// evidence. An extra with one of its own wheels missing counts as not installed: what that
/// wheel would have provided is judged from the libraries found instead.
pub fn unmet(
    dist: &Distribution,
    installed: &Installed,
    env: &MarkerEnvironment,
    versioned: impl Fn(&str) -> bool,
) -> Vec<Unmet> {
    let all: Vec<Requirement> = dist.requires.iter().filter_map(|text| parse(text)).collect();
    let unconditional: Vec<&str> =
        all.iter().filter(|r| r.marker.evaluate(env, &[])).map(|r| r.name.as_ref()).collect();
    let requested: Vec<ExtraName> = dist
        .extras
        .iter()
        .filter_map(|e| ExtraName::from_str(e).ok())
        .filter(|extra| {
            let own: Vec<&str> = all
                .iter()
                .filter(|r| r.marker.evaluate(env, std::slice::from_ref(extra)) && !r.marker.evaluate(env, &[]))
                .map(|r| r.name.as_ref())
                .filter(|name| !unconditional.contains(name))
                .collect();
            !own.is_empty() && own.iter().all(|name| installed.get(name).is_some())
        })
        .collect();
    all.iter()
        .filter(|r| r.marker.evaluate(env, &requested))
        .filter_map(|r| {
            let found = installed.get(r.name.as_ref());
            let satisfied = match (found, &r.version_or_url) {
                (None, _) => false,
                (Some(_), _) if !versioned(r.name.as_ref()) => true,
                (Some(dist), Some(VersionOrUrl::VersionSpecifier(spec))) => {
                    Version::from_str(&dist.version).is_ok_and(|v| spec.contains(&v))
                }
                (Some(_), _) => true,
            };
            (!satisfied)
                .then(|| Unmet { requirement: requirement_text(r), installed: found.map(|d| d.version.clone()) })
        })
        .collect()
}

/// A `Requires-Dist` line as a requirement, or `None` when it is not one. pep508_rs 0.9 panics
/// on a name or extra that ends in `.`, `-` or `_` before other text (`nvidia-cufft-\0`, found by
/// fuzzing), so those are refused first.
pub(crate) fn parse(text: &str) -> Option<Requirement> {
    let rest = text.trim_start();
    let name_end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
    if !valid_name(&rest[..name_end]) {
        return None;
    }
    let after = rest[name_end..].trim_start();
    if let Some(extras) = after.strip_prefix('[') {
        let close = extras.find(']')?;
        let all_valid = extras[..close].split(',').map(str::trim).all(|e| e.is_empty() || valid_name(e));
        if !all_valid {
            return None;
        }
    }
    Requirement::from_str(text).ok()
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

/// PEP 508's name rule: letters, digits, `.`, `-`, `_`, beginning and ending alphanumeric.
fn valid_name(name: &str) -> bool {
    name.chars().all(is_name_char)
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// `name[extras] specifier`, without the marker.
fn requirement_text(requirement: &Requirement) -> String {
    let mut text = requirement.name.to_string();
    if !requirement.extras.is_empty() {
        let extras: Vec<String> = requirement.extras.iter().map(ToString::to_string).collect();
        text.push_str(&format!("[{}]", extras.join(",")));
    }
    if let Some(VersionOrUrl::VersionSpecifier(spec)) = &requirement.version_or_url {
        text.push_str(&spec.to_string());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn linux() -> MarkerEnvironment {
        marker_environment(&Markers {
            implementation_name: "cpython".into(),
            implementation_version: "3.11.7".into(),
            os_name: "posix".into(),
            platform_machine: "x86_64".into(),
            platform_python_implementation: "CPython".into(),
            platform_release: "6.8.0".into(),
            platform_system: "Linux".into(),
            platform_version: "#1 SMP".into(),
            python_full_version: "3.11.7".into(),
            python_version: "3.11".into(),
            sys_platform: "linux".into(),
        })
        .unwrap()
    }

    fn site(dists: &[(&str, &str, &[&str], &[&str])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, version, requires, extras) in dists {
            let meta = dir.path().join(format!("{name}-{version}.dist-info"));
            std::fs::create_dir_all(&meta).unwrap();
            let mut text = format!("Name: {name}\nVersion: {version}\n");
            for r in *requires {
                text.push_str(&format!("Requires-Dist: {r}\n"));
            }
            for e in *extras {
                text.push_str(&format!("Provides-Extra: {e}\n"));
            }
            std::fs::write(meta.join("METADATA"), text).unwrap();
        }
        dir
    }

    const TF: &[&str] = &[
        "numpy>=1.26.0",
        "nvidia-cublas-cu12>=12.5.3.2; extra == \"and-cuda\"",
        "nvidia-cudnn-cu12<10.0,>=9.3.0.75; extra == \"and-cuda\"",
    ];

    #[test]
    fn an_extra_counts_when_its_own_wheels_are_all_there() {
        let plain = site(&[("tensorflow", "2.20.0", TF, &["and-cuda"]), ("numpy", "2.1.0", &[], &[])]);
        let installed = Installed::scan(&[PathBuf::from(plain.path())]);
        let tf = installed.get("tensorflow").unwrap();
        assert!(unmet(tf, &installed, &linux(), |n| n.starts_with("nvidia-")).is_empty());

        // A wheel of the extra missing: the extra is not installed (the libraries found decide).
        let half = site(&[
            ("tensorflow", "2.20.0", TF, &["and-cuda"]),
            ("numpy", "2.1.0", &[], &[]),
            ("nvidia-cudnn-cu12", "9.1.0.70", &[], &[]),
        ]);
        let installed = Installed::scan(&[PathBuf::from(half.path())]);
        let tf = installed.get("tensorflow").unwrap();
        assert!(unmet(tf, &installed, &linux(), |n| n.starts_with("nvidia-")).is_empty());

        // All there, one too old: that one is unmet.
        let old = site(&[
            ("tensorflow", "2.20.0", TF, &["and-cuda"]),
            ("numpy", "2.1.0", &[], &[]),
            ("nvidia-cudnn-cu12", "9.1.0.70", &[], &[]),
            ("nvidia-cublas-cu12", "12.6.4.1", &[], &[]),
        ]);
        let installed = Installed::scan(&[PathBuf::from(old.path())]);
        let tf = installed.get("tensorflow").unwrap();
        assert_eq!(
            unmet(tf, &installed, &linux(), |n| n.starts_with("nvidia-")),
            [Unmet { requirement: "nvidia-cudnn-cu12>=9.3.0.75, <10.0".into(), installed: Some("9.1.0.70".into()) }]
        );
    }

    #[test]
    fn missing_pure_python_requirements_are_unmet_other_versions_of_them_are_not() {
        // `pip install --no-deps torch`: numpy absent, only CUDA wheels held to their versions.
        let bare = site(&[("tensorflow", "2.20.0", TF, &["and-cuda"])]);
        let installed = Installed::scan(&[PathBuf::from(bare.path())]);
        let tf = installed.get("tensorflow").unwrap();
        assert_eq!(
            unmet(tf, &installed, &linux(), |n| n.starts_with("nvidia-")),
            [Unmet { requirement: "numpy>=1.26.0".into(), installed: None }]
        );
        let older = site(&[("tensorflow", "2.20.0", TF, &["and-cuda"]), ("numpy", "1.24.0", &[], &[])]);
        let installed = Installed::scan(&[PathBuf::from(older.path())]);
        let tf = installed.get("tensorflow").unwrap();
        assert_eq!(unmet(tf, &installed, &linux(), |n| n.starts_with("nvidia-")), []);
    }

    /// numba-cuda 0.30.4's requirements, as its PyPI wheel's METADATA declares them.
    const NUMBA_CUDA: &[&str] = &[
        "numba>=0.60.0",
        "cuda-bindings<14.0.0,>=12.9.1",
        "cuda-core<2.0.0,>=0.5.1",
        "cuda-pathfinder<2.0.0,>=1.4.0",
        "packaging",
        "cuda-bindings<13.0.0,>=12.9.1; extra == \"cu12\"",
        "cuda-toolkit[cccl,cudart,nvcc,nvrtc]==12.*; extra == \"cu12\"",
        "nvidia-nvjitlink-cu12<13.0.0,>=12.3.0; extra == \"cu12\"",
        "cuda-bindings==13.*; extra == \"cu13\"",
        "cuda-toolkit[cccl,cudart,nvrtc,nvvm]==13.*; extra == \"cu13\"",
        "nvidia-nvjitlink<14.0.0,>=13.0.0; extra == \"cu13\"",
    ];

    fn numba_cuda_with(dists: &[(&str, &str)]) -> Vec<Unmet> {
        let mut all: Vec<(&str, &str, &[&str], &[&str])> = vec![
            ("numba-cuda", "0.30.4", NUMBA_CUDA, &["cu12", "cu13"]),
            ("numba", "0.68.1", &[], &[]),
            ("packaging", "26.4", &[], &[]),
        ];
        all.extend(dists.iter().map(|&(name, version)| (name, version, &[][..], &[][..])));
        let dir = site(&all);
        let installed = Installed::scan(&[PathBuf::from(dir.path())]);
        unmet(installed.get("numba-cuda").unwrap(), &installed, &linux(), |n| {
            n.starts_with("cuda-") || n.starts_with("nvidia-")
        })
    }

    #[test]
    fn the_extra_installed_is_the_one_judged_not_a_sibling_sharing_a_wheel() {
        // The H200 test machine's environment: numba-cuda[cu13] (cu12 names cuda-bindings too).
        let cu13 = [("cuda-bindings", "13.3.1"), ("cuda-core", "1.2.0"), ("cuda-pathfinder", "1.8.1")];
        let cu13_extra = [("cuda-toolkit", "13.0.2"), ("nvidia-nvjitlink", "13.0.88")];
        assert_eq!(numba_cuda_with(&[&cu13[..], &cu13_extra[..]].concat()), []);
        let cu12 = [("cuda-bindings", "12.9.4"), ("cuda-core", "0.5.1"), ("cuda-pathfinder", "1.4.0")];
        let cu12_extra = [("cuda-toolkit", "12.9.1"), ("nvidia-nvjitlink-cu12", "12.9.86")];
        assert_eq!(numba_cuda_with(&[&cu12[..], &cu12_extra[..]].concat()), []);
        // No extra: nothing beyond the unconditional requirements.
        assert_eq!(numba_cuda_with(&cu13), []);
        // cu13's own wheels with a CUDA 12 cuda-bindings: that requirement of cu13 is unmet.
        assert_eq!(
            numba_cuda_with(&[&cu12[..], &cu13_extra[..]].concat()),
            [Unmet { requirement: "cuda-bindings==13.*".into(), installed: Some("12.9.4".into()) }]
        );
    }

    #[test]
    fn requirements_every_extra_shares_are_no_evidence() {
        const JAX: &[&str] = &[
            "jaxlib<=0.10.2,>=0.10.1",
            "jaxlib==0.10.1; extra == \"ci\"",
            "jaxlib<=0.10.2,>=0.10.2; extra == \"cuda12\"",
            "jax-cuda12-plugin[with-cuda]<=0.10.2,>=0.10.2; extra == \"cuda12\"",
        ];
        let cpu = site(&[("jax", "0.10.2", JAX, &["ci", "cuda12"]), ("jaxlib", "0.10.2", &[], &[])]);
        let installed = Installed::scan(&[PathBuf::from(cpu.path())]);
        let jax = installed.get("jax").unwrap();
        assert!(unmet(jax, &installed, &linux(), |_| true).is_empty(), "jaxlib alone requests no extra");

        let gpu = site(&[
            ("jax", "0.10.2", JAX, &["ci", "cuda12"]),
            ("jaxlib", "0.10.2", &[], &[]),
            ("jax-cuda12-plugin", "0.10.1", &[], &[]),
        ]);
        let installed = Installed::scan(&[PathBuf::from(gpu.path())]);
        let jax = installed.get("jax").unwrap();
        let unmet = unmet(jax, &installed, &linux(), |_| true);
        assert_eq!(unmet.len(), 1);
        assert_eq!(unmet[0].installed.as_deref(), Some("0.10.1"), "the plugin lags jax");
    }

    #[test]
    fn names_pep508_rs_would_panic_on_are_refused() {
        for text in ["nvidia-cufft-\0x<12", "nvidia-cufft- <12", "foo.[x]", "foo[bar-, baz]", "_foo", "foo[x_]>=1"] {
            assert!(parse(text).is_none(), "{text:?}");
        }
        for text in
            ["nvidia-cufft-cu12<12.0,>=11.2", "jax-cuda12-plugin[with-cuda]<=0.7.2", "foo [ a , b ] ; extra == 'x'"]
        {
            assert!(parse(text).is_some(), "{text:?}");
        }
    }

    #[test]
    fn markers_decide_which_requirements_apply() {
        let torch = &["nvidia-cudnn-cu12==9.1.0.70; platform_system == \"Linux\" and platform_machine == \"x86_64\""];
        let dir = site(&[("torch", "2.5.1", torch, &[])]);
        let installed = Installed::scan(&[PathBuf::from(dir.path())]);
        let dist = installed.get("torch").unwrap();
        assert_eq!(unmet(dist, &installed, &linux(), |_| true).len(), 1);
        let arm = linux().with_platform_machine("aarch64");
        assert!(unmet(dist, &installed, &arm, |_| true).is_empty());
    }
}
