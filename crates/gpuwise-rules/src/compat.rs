//! Whether a framework build has code for a GPU: machine code (SASS) for the same major
//! architecture and an equal or older minor, or PTX for an equal or older architecture that
//! the driver compiles at load time; and, for builds that generate kernels while they run
//! (data/framework_builds.json), a GPU the toolkit of those kernels can target.

use gpuwise_core::{Device, Framework, parse_version};

use crate::data::{framework_build, toolkit_supports};

/// How a build runs on one GPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Support {
    /// Machine code for it is compiled in (`sm_80`).
    Native(String),
    /// Only PTX (`compute_90`), compiled by the driver when first loaded.
    Ptx(String),
    /// Nothing the GPU can run; the string says what the build has.
    None(String),
}

/// What a build says it runs on, and where that came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// Compiled architectures (`sm_80`, `compute_90`); empty when only a minimum is known.
    pub architectures: Vec<String>,
    /// The least compute capability, as `(major, minor)`, when only that is known.
    pub minimum: Option<(u32, u32)>,
    /// Where it came from.
    pub source: String,
    /// The CUDA toolkit (`12.5`) whose PTX the build's run-time kernels use, when it makes any.
    pub generating_toolkit: Option<String>,
}

/// The targets of a framework build: its own files when they list architectures, else the
/// release table. `None` when neither says.
pub fn targets(framework: &Framework) -> Option<Targets> {
    let row = framework_build(framework.name, &framework.build, &framework.version);
    let generating_toolkit = row.and_then(|r| r.generated_kernels_toolkit.clone());
    if !framework.architectures.is_empty() {
        return Some(Targets {
            architectures: framework.architectures.clone(),
            minimum: None,
            source: framework.architectures_source.clone().unwrap_or_else(|| "its build files".into()),
            generating_toolkit,
        });
    }
    let row = row.filter(|r| !r.architectures.is_empty() || r.min_compute_capability.is_some())?;
    Some(Targets {
        architectures: row.architectures.clone(),
        minimum: row.min_compute_capability.as_deref().and_then(capability),
        source: row.source.clone(),
        generating_toolkit,
    })
}

/// Targets of a build that lists its architectures and generates nothing at run time.
pub fn listed(architectures: &[String], source: &str) -> Targets {
    Targets { architectures: architectures.to_vec(), minimum: None, source: source.into(), generating_toolkit: None }
}

/// `8.6` -> `(8, 6)`.
pub fn capability(text: &str) -> Option<(u32, u32)> {
    match parse_version(text)?.as_slice() {
        [major, minor, ..] => Some((*major, *minor)),
        [major] => Some((*major, 0)),
        [] => None,
    }
}

/// `sm_86` -> `(8, 6)`; `compute_120` -> `(12, 0)`; `sm_90a` -> `(9, 0)`.
fn arch_capability(arch: &str) -> Option<(u32, u32)> {
    let digits: String = arch.split('_').nth(1)?.chars().take_while(char::is_ascii_digit).collect();
    let number: u32 = digits.parse().ok()?;
    Some((number / 10, number % 10))
}

/// How a build with these targets runs on `device`; `None` when the device's compute
/// capability is unknown.
pub fn support(targets: &Targets, device: &Device) -> Option<Support> {
    let text = device.compute_capability.as_deref()?;
    let cc = capability(text)?;
    if let Some(toolkit) = &targets.generating_toolkit
        && !toolkit_supports(toolkit, &format!("{}.{}", cc.0, cc.1))
    {
        return Some(Support::None(format!(
            "kernels generated while it runs, with the CUDA {toolkit} toolkit it was built with, which cannot target compute capability {text}"
        )));
    }
    if let Some(minimum) = targets.minimum {
        return Some(if cc >= minimum {
            Support::Native(format!("compute capability {}.{} or newer", minimum.0, minimum.1))
        } else {
            Support::None(format!("compute capability {}.{} or newer", minimum.0, minimum.1))
        });
    }
    let parsed: Vec<(&String, (u32, u32), bool)> = targets
        .architectures
        .iter()
        .filter_map(|a| Some((a, arch_capability(a)?, a.starts_with("compute_"))))
        .collect();
    if let Some((arch, _, _)) = parsed.iter().rev().find(|(_, at, ptx)| !ptx && at.0 == cc.0 && at.1 <= cc.1) {
        return Some(Support::Native((*arch).clone()));
    }
    if let Some((arch, _, _)) = parsed.iter().rev().find(|(_, at, ptx)| *ptx && *at <= cc) {
        return Some(Support::Ptx((*arch).clone()));
    }
    Some(Support::None(targets.architectures.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_core::FrameworkName;

    fn device(cc: &str) -> Device {
        Device { compute_capability: Some(cc.into()), ..Device::default() }
    }

    fn listed(arches: &[&str]) -> Targets {
        super::listed(&arches.iter().map(|a| a.to_string()).collect::<Vec<_>>(), "")
    }

    #[test]
    fn sass_runs_on_later_minors_of_its_major_only() {
        let cu124 = listed(&["sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"]);
        assert_eq!(support(&cu124, &device("8.9")), Some(Support::Native("sm_86".into())));
        assert_eq!(support(&cu124, &device("9.0")), Some(Support::Native("sm_90".into())));
        assert!(matches!(support(&cu124, &device("12.0")), Some(Support::None(_))), "Blackwell needs cu128");
        assert!(matches!(support(&cu124, &device("3.7")), Some(Support::None(_))), "Kepler is too old");
        assert_eq!(support(&cu124, &Device::default()), None);
    }

    #[test]
    fn ptx_runs_on_anything_newer() {
        let cu130 = listed(&["sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120", "compute_120"]);
        assert_eq!(support(&cu130, &device("12.1")), Some(Support::Native("sm_120".into())));
        assert_eq!(support(&cu130, &device("13.0")), Some(Support::Ptx("compute_120".into())));
        assert!(matches!(support(&cu130, &device("7.0")), Some(Support::None(_))), "CUDA 13 dropped Volta");
    }

    #[test]
    fn minimums_compare_whole_capabilities() {
        let jax13 = Targets { minimum: Some((7, 5)), ..listed(&[]) };
        assert!(matches!(support(&jax13, &device("7.0")), Some(Support::None(_))));
        assert!(matches!(support(&jax13, &device("12.0")), Some(Support::Native(_))));
    }

    #[test]
    fn generated_kernels_need_a_toolkit_that_targets_the_gpu() {
        let tf = |toolkit: &str| Targets {
            generating_toolkit: Some(toolkit.into()),
            ..listed(&["sm_60", "sm_70", "sm_80", "sm_89", "sm_90", "compute_90"])
        };
        assert_eq!(support(&tf("12.5"), &device("9.0")), Some(Support::Native("sm_90".into())));
        assert!(
            matches!(support(&tf("12.5"), &device("12.0")), Some(Support::None(has)) if has.contains("CUDA 12.5")),
            "PTX 8.5 cannot name sm_120, though compute_90 would run there"
        );
        assert!(matches!(support(&tf("12.5"), &device("10.0")), Some(Support::None(_))));
        assert_eq!(support(&tf("12.8"), &device("12.0")), Some(Support::Ptx("compute_90".into())));
    }

    #[test]
    fn only_builds_known_to_generate_kernels_carry_a_toolkit() {
        let tf = |version: &str| Framework {
            name: FrameworkName::Tensorflow,
            version: version.into(),
            build: "cuda-12.5".into(),
            architectures: vec!["sm_90".into()],
            ..Framework::default()
        };
        assert_eq!(targets(&tf("2.21.0")).unwrap().generating_toolkit.as_deref(), Some("12.5"));
        assert_eq!(targets(&tf("2.17.0")).unwrap().generating_toolkit, None, "no failure reported before 2.18");
        let torch = Framework { name: FrameworkName::Torch, ..tf("2.21.0") };
        assert_eq!(targets(&torch).unwrap().generating_toolkit, None);
    }
}
