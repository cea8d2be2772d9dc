//! Whether this process runs in a container, and which kind.

use std::path::Path;

use gpuwise_core::Variables;

/// Files and variables that reveal a container, read from `root` (normally `/`).
#[derive(Debug, Clone)]
pub struct ContainerSigns<'a> {
    /// Filesystem root to look under.
    pub root: &'a Path,
    /// Captured variables (`container`, `KUBERNETES_SERVICE_HOST`).
    pub vars: &'a Variables,
}

/// Names the container runtime, or `None` on a plain host.
///
/// Signs, most specific first: `KUBERNETES_SERVICE_HOST` (every pod has it), Apptainer's
/// variables or `/.singularity.d`, the `container` variable podman and systemd-nspawn set,
/// `/run/.containerenv` (podman), `/.dockerenv` (docker), then runtime names in
/// `/proc/1/cgroup` (cgroup v1 hosts).
pub fn detect(signs: &ContainerSigns<'_>) -> Option<String> {
    if signs.vars.kubernetes_service_host.is_some() {
        return Some("kubernetes".into());
    }
    if signs.vars.apptainer_container.is_some() || signs.root.join(".singularity.d").is_dir() {
        return Some("apptainer".into());
    }
    if let Some(name) = signs.vars.container.as_ref().filter(|v| !v.text.is_empty()) {
        return Some(name.text.clone());
    }
    if signs.root.join("run/.containerenv").exists() {
        return Some("podman".into());
    }
    if signs.root.join(".dockerenv").exists() {
        return Some("docker".into());
    }
    let cgroup = gpuwise_fs::read_text(signs.root.join("proc/1/cgroup")).unwrap_or_default();
    ["kubepods", "docker", "libpod", "containerd", "lxc"].into_iter().find(|name| cgroup.contains(name)).map(|name| {
        match name {
            "kubepods" => "kubernetes".to_string(),
            "libpod" => "podman".to_string(),
            other => other.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sign_names_its_runtime() {
        let tmp = tempfile::tempdir().unwrap();
        let plain = Variables::default();
        let signs = |vars| ContainerSigns { root: tmp.path(), vars };
        assert_eq!(detect(&signs(&plain)), None);

        std::fs::create_dir_all(tmp.path().join("proc/1")).unwrap();
        std::fs::write(tmp.path().join("proc/1/cgroup"), "12:devices:/kubepods/burstable/pod1\n").unwrap();
        assert_eq!(detect(&signs(&plain)).as_deref(), Some("kubernetes"));

        std::fs::write(tmp.path().join(".dockerenv"), "").unwrap();
        assert_eq!(detect(&signs(&plain)).as_deref(), Some("docker"));

        let podman = Variables::from_text([("container", "podman")]);
        assert_eq!(detect(&signs(&podman)).as_deref(), Some("podman"));

        std::fs::create_dir(tmp.path().join(".singularity.d")).unwrap();
        assert_eq!(detect(&signs(&plain)).as_deref(), Some("apptainer"));
    }
}
