//! The CUDA toolkit CUDA_Runtime_jll picks for CUDA.jl on a machine, as its platform
//! augmentation does: a pinned `version` preference, a `local` toolkit, or else the newest
//! offered toolkit the driver can run (any minor of the driver's major or older), narrowed to
//! those that compile for the GPUs, newest GPU first (JuliaPackaging/Yggdrasil
//! C/CUDA/CUDA_Runtime/toolkit_selection.jl).

use gpuwise_core::{CudaRuntime, Device, parse_version};

use crate::data::toolkit_supports;

/// What CUDA_Runtime_jll will load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// A toolkit; `dropped` lists the UUIDs of GPUs no candidate toolkit compiles for.
    Toolkit {
        /// `12.6`.
        cuda: String,
        /// How it was chosen.
        by: ChosenBy,
        /// GPUs left out of the choice.
        dropped: Vec<String>,
    },
    /// No driver could be asked; the machine's findings say why.
    NoDriver,
    /// The package's toolkits are unknown (it is not installed).
    Unknown,
    /// No offered toolkit runs on this driver's CUDA major.
    NoneForDriver {
        /// The driver's CUDA version, `(major, minor)`.
        driver: (u32, u32),
    },
    /// The `version` preference names a toolkit the package does not offer.
    PinNotOffered {
        /// The pinned version.
        pin: String,
    },
    /// `local` toolkit asked for, but no `libcudart` was found.
    LocalMissing,
}

/// How a toolkit was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenBy {
    /// From the driver and the GPUs.
    Driver,
    /// The `version` preference.
    Pinned,
    /// The system's toolkit (`local` preference).
    Local,
}

/// The choice for `runtime` on a driver supporting CUDA `driver` with `devices` visible.
pub fn choose(runtime: &CudaRuntime, driver: Option<(u32, u32)>, devices: &[&Device]) -> Choice {
    let local = runtime.local_preference.as_ref().is_some_and(|p| matches!(p.value.as_str(), "true" | "1"));
    let pin = runtime.version_preference.as_ref().map(|p| p.value.clone());
    if local {
        let found = runtime.local_runtime.as_deref().and_then(library_version);
        return match pin.or(found) {
            Some(cuda) => Choice::Toolkit { cuda, by: ChosenBy::Local, dropped: Vec::new() },
            None => Choice::LocalMissing,
        };
    }
    if runtime.toolkits.is_empty() {
        return Choice::Unknown;
    }
    if let Some(pin) = pin {
        let minor = |v: &str| parse_version(v).map(|p| p.into_iter().take(2).collect::<Vec<_>>());
        return match runtime.toolkits.iter().find(|t| minor(t) == minor(&pin)) {
            Some(cuda) => Choice::Toolkit { cuda: cuda.clone(), by: ChosenBy::Pinned, dropped: Vec::new() },
            None => Choice::PinNotOffered { pin },
        };
    }
    let Some(driver) = driver else { return Choice::NoDriver };
    let mut candidates: Vec<&String> =
        runtime.toolkits.iter().filter(|t| major(t).is_some_and(|m| m <= driver.0)).collect();
    if candidates.is_empty() {
        return Choice::NoneForDriver { driver };
    }
    let mut by_newest: Vec<&Device> = devices.to_vec();
    by_newest.sort_by_key(|d| std::cmp::Reverse(d.compute_capability.as_deref().and_then(parse_version)));
    let mut dropped = Vec::new();
    for device in by_newest {
        let capability = device.compute_capability.as_deref().unwrap_or_default();
        let subset: Vec<&String> = candidates.iter().copied().filter(|t| toolkit_supports(t, capability)).collect();
        if subset.is_empty() {
            dropped.push(device.uuid.clone());
        } else {
            candidates = subset;
        }
    }
    let cuda = candidates.last().map(|t| (*t).clone()).unwrap_or_default();
    Choice::Toolkit { cuda, by: ChosenBy::Driver, dropped }
}

fn major(version: &str) -> Option<u32> {
    parse_version(version)?.first().copied()
}

/// `/usr/local/cuda-12.4/lib64/libcudart.so.12.4.127` -> `12.4`.
fn library_version(path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?;
    let numbers: Vec<&str> = name.strip_prefix("libcudart.so.")?.split('.').collect();
    match numbers.as_slice() {
        [major, minor, ..] => Some(format!("{major}.{minor}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_core::Preference;

    fn runtime(toolkits: &[&str]) -> CudaRuntime {
        CudaRuntime { toolkits: toolkits.iter().map(|t| t.to_string()).collect(), ..CudaRuntime::default() }
    }

    fn gpu(uuid: &str, cc: &str) -> Device {
        Device { uuid: uuid.into(), compute_capability: Some(cc.into()), ..Device::default() }
    }

    fn picked(choice: Choice) -> String {
        match choice {
            Choice::Toolkit { cuda, .. } => cuda,
            other => panic!("no toolkit: {other:?}"),
        }
    }

    const CUDA5: [&str; 7] = ["11.4", "11.8", "12.0", "12.2", "12.4", "12.6", "12.6"];

    #[test]
    fn newest_toolkit_of_the_drivers_major_or_older() {
        let h100 = gpu("GPU-h", "9.0");
        assert_eq!(picked(choose(&runtime(&CUDA5), Some((13, 0)), &[&h100])), "12.6");
        assert_eq!(picked(choose(&runtime(&CUDA5), Some((12, 2)), &[&h100])), "12.6", "minor-version compatibility");
        assert_eq!(picked(choose(&runtime(&CUDA5), Some((11, 4)), &[&h100])), "11.8");
        let cuda59 = runtime(&["12.0", "12.9", "13.0"]);
        assert_eq!(choose(&cuda59, Some((11, 4)), &[&h100]), Choice::NoneForDriver { driver: (11, 4) });
        assert_eq!(choose(&cuda59, None, &[]), Choice::NoDriver);
    }

    #[test]
    fn gpus_narrow_the_choice_and_unsupported_ones_are_dropped() {
        let cuda59 = runtime(&["12.0", "12.9", "13.0"]);
        let v100 = gpu("GPU-v", "7.0");
        assert_eq!(picked(choose(&cuda59, Some((13, 0)), &[&v100])), "12.9", "CUDA 13 cannot compile for Volta");
        let blackwell = gpu("GPU-b", "12.0");
        let choice = choose(&runtime(&CUDA5), Some((13, 0)), &[&blackwell, &gpu("GPU-a", "8.0")]);
        assert_eq!(
            choice,
            Choice::Toolkit { cuda: "12.6".into(), by: ChosenBy::Driver, dropped: vec!["GPU-b".into()] }
        );
    }

    #[test]
    fn preferences_override_the_driver() {
        let pref = |v: &str| Some(Preference { value: v.into(), file: "LocalPreferences.toml".into() });
        let mut pinned = runtime(&CUDA5);
        pinned.version_preference = pref("11.8");
        assert_eq!(
            choose(&pinned, Some((13, 0)), &[]),
            Choice::Toolkit { cuda: "11.8".into(), by: ChosenBy::Pinned, dropped: vec![] }
        );
        pinned.version_preference = pref("12.8");
        assert_eq!(choose(&pinned, Some((13, 0)), &[]), Choice::PinNotOffered { pin: "12.8".into() });
        let mut local = runtime(&CUDA5);
        local.local_preference = pref("true");
        assert_eq!(choose(&local, Some((13, 0)), &[]), Choice::LocalMissing);
        local.local_runtime = Some("/usr/local/cuda-12.4/lib64/libcudart.so.12.4.127".into());
        assert_eq!(picked(choose(&local, Some((13, 0)), &[])), "12.4");
    }
}
