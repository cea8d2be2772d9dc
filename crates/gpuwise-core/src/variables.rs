//! The environment variables that change which GPUs a process uses, captured once.

use std::collections::BTreeMap;
use std::ffi::OsString;

use crate::ContainerRuntime;

/// The value of one environment variable as the process received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarValue {
    /// The value, with any bytes that are not UTF-8 replaced by U+FFFD.
    pub text: String,
    /// False when the raw value was not valid UTF-8.
    pub utf8: bool,
}

impl VarValue {
    /// A value that is valid UTF-8.
    pub fn new(text: impl Into<String>) -> Self {
        VarValue { text: text.into(), utf8: true }
    }

    fn from_os(value: OsString) -> Self {
        match value.into_string() {
            Ok(text) => VarValue { text, utf8: true },
            Err(raw) => VarValue { text: raw.to_string_lossy().into_owned(), utf8: false },
        }
    }
}

/// Variables gpuwise reads, as one value so probes and rules never touch the process
/// environment themselves (and tests can set any combination).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables {
    /// `CUDA_VISIBLE_DEVICES`.
    pub cuda_visible_devices: Option<VarValue>,
    /// `CUDA_DEVICE_ORDER`.
    pub cuda_device_order: Option<VarValue>,
    /// `NVIDIA_VISIBLE_DEVICES` (read by the NVIDIA container runtime).
    pub nvidia_visible_devices: Option<VarValue>,
    /// `NVIDIA_DRIVER_CAPABILITIES` (read by the NVIDIA container runtime).
    pub nvidia_driver_capabilities: Option<VarValue>,
    /// `container`, set by podman and systemd-nspawn inside their containers.
    pub container: Option<VarValue>,
    /// `KUBERNETES_SERVICE_HOST`, set in every Kubernetes pod.
    pub kubernetes_service_host: Option<VarValue>,
    /// `APPTAINER_CONTAINER` (or the older `SINGULARITY_CONTAINER`), set inside Apptainer/Singularity.
    pub apptainer_container: Option<VarValue>,
    /// Every variable of the environment, the ones above included, for rules that read others
    /// (`LD_LIBRARY_PATH`, `JAX_PLATFORMS`) and for a kernelspec's `${VAR}` substitution.
    pub all: BTreeMap<String, VarValue>,
}

impl Variables {
    /// Reads the variables from this process's environment.
    pub fn capture() -> Self {
        Self::from_pairs(std::env::vars_os())
    }

    /// Builds the set from `(name, value)` pairs; names that are not UTF-8 are dropped (no
    /// variable gpuwise reads has one).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (OsString, OsString)>) -> Self {
        let all = pairs
            .into_iter()
            .filter_map(|(name, value)| Some((name.into_string().ok()?, VarValue::from_os(value))))
            .collect();
        Self::from_map(all)
    }

    /// Builds the set from text values (tests, kernelspec `env` maps).
    pub fn from_text<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self::from_map(pairs.into_iter().map(|(name, value)| (name.to_string(), VarValue::new(value))).collect())
    }

    fn from_map(all: BTreeMap<String, VarValue>) -> Self {
        let get = |name: &str| all.get(name).cloned();
        Variables {
            cuda_visible_devices: get("CUDA_VISIBLE_DEVICES"),
            cuda_device_order: get("CUDA_DEVICE_ORDER"),
            nvidia_visible_devices: get("NVIDIA_VISIBLE_DEVICES"),
            nvidia_driver_capabilities: get("NVIDIA_DRIVER_CAPABILITIES"),
            container: get("container"),
            kubernetes_service_host: get("KUBERNETES_SERVICE_HOST"),
            apptainer_container: get("APPTAINER_CONTAINER").or_else(|| get("SINGULARITY_CONTAINER")),
            all,
        }
    }

    /// The text of any variable, when set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.all.get(name).map(|v| v.text.as_str())
    }

    /// These variables with `name` set to `value` (or removed, for `None`), the named fields
    /// kept in step.
    pub fn with(&self, name: &str, value: Option<VarValue>) -> Self {
        let mut all = self.all.clone();
        match value {
            Some(value) => all.insert(name.to_string(), value),
            None => all.remove(name),
        };
        Self::from_map(all)
    }

    /// The container-runtime part, as the report records it.
    pub fn container_runtime(&self) -> ContainerRuntime {
        ContainerRuntime {
            nvidia_visible_devices: self.nvidia_visible_devices.as_ref().map(|v| v.text.clone()),
            nvidia_driver_capabilities: self.nvidia_driver_capabilities.as_ref().map(|v| v.text.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

    #[test]
    fn non_utf8_values_are_kept_and_flagged() {
        let vars = Variables::from_pairs([("CUDA_VISIBLE_DEVICES".into(), OsString::from_vec(vec![b'0', b',', 0xff]))]);
        let value = vars.cuda_visible_devices.unwrap();
        assert!(!value.utf8);
        assert_eq!(value.text, "0,\u{fffd}");
        assert_eq!(vars.cuda_device_order, None);
    }
}
