//! Writing and removing kernelspecs: a kernel whose `env` pins the GPU and memory settings
//! before the kernel process starts (CUDA reads them once, at initialisation).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gpuwise_core::Variables;
use serde::Serialize;

use super::KernelError;
use super::replace::{Staging, put_in_place, take_away};
use super::valid_name;

/// What a new kernel sets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewKernel {
    /// The kernel's name (its directory): ASCII letters, digits, `.`, `_`, `-`.
    pub name: String,
    /// What Jupyter's launcher shows (default: `Python (NAME)`).
    pub display_name: Option<String>,
    /// The interpreter that runs ipykernel (an absolute path).
    pub python: PathBuf,
    /// `CUDA_VISIBLE_DEVICES`: device indices or UUIDs, comma-separated.
    pub gpu: Option<String>,
    /// `TF_FORCE_GPU_ALLOW_GROWTH=true`: TensorFlow takes GPU memory as it needs it.
    pub memory_growth: bool,
    /// `XLA_PYTHON_CLIENT_PREALLOCATE=false`: JAX does not take 75% of GPU memory at start.
    pub jax_no_prealloc: bool,
}

/// kernel.json as jupyter_client reads it.
#[derive(Serialize)]
struct Spec<'a> {
    argv: Vec<String>,
    display_name: String,
    language: &'a str,
    env: BTreeMap<&'a str, String>,
    metadata: BTreeMap<&'a str, bool>,
}

impl NewKernel {
    /// The `env` of the kernelspec. `CUDA_DEVICE_ORDER=PCI_BUS_ID` is always set, so that GPU
    /// indices mean what nvidia-smi's mean.
    pub fn env(&self) -> BTreeMap<&'static str, String> {
        let mut env = BTreeMap::from([("CUDA_DEVICE_ORDER", "PCI_BUS_ID".to_string())]);
        if let Some(gpu) = &self.gpu {
            env.insert("CUDA_VISIBLE_DEVICES", gpu.clone());
        }
        if self.memory_growth {
            env.insert("TF_FORCE_GPU_ALLOW_GROWTH", "true".into());
        }
        if self.jax_no_prealloc {
            env.insert("XLA_PYTHON_CLIENT_PREALLOCATE", "false".into());
        }
        env
    }

    /// kernel.json's text.
    fn json(&self) -> String {
        let spec = Spec {
            argv: vec![
                self.python.display().to_string(),
                "-m".into(),
                "ipykernel_launcher".into(),
                "-f".into(),
                "{connection_file}".into(),
            ],
            display_name: self.display_name.clone().unwrap_or_else(|| format!("Python ({})", self.name)),
            language: "python",
            env: self.env(),
            metadata: BTreeMap::from([("debugger", true)]),
        };
        let mut text = serde_json::to_string_pretty(&spec).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The user's kernels directory: `kernels` in jupyter_client's `jupyter_data_dir()`.
pub fn user_kernels_dir(vars: &Variables) -> Option<PathBuf> {
    super::paths::user_data_dir(vars).map(|d| d.join("kernels"))
}

/// `name` lower-cased when it is a kernel name: what Jupyter accepts (ASCII letters, digits,
/// `.`, `_`, `-`) and one directory inside the kernels directory (not `.` or `..`, which
/// Jupyter's character rule lets through). `Err` says why not.
pub fn kernel_name(name: &str) -> Result<String, KernelError> {
    let lower = name.to_lowercase();
    if valid_name(&lower) { Ok(lower) } else { Err(KernelError::BadName(name.to_string())) }
}

/// Writes `kernel` into `kernels_dir/NAME/kernel.json`, whole or not at all: built in a staging
/// directory beside the kernels directory, then put in place in one step. An existing kernel of
/// that name is replaced only with `force`, and stays until the new one is in place. Returns the
/// kernel's directory.
pub fn install(kernel: &NewKernel, kernels_dir: &Path, force: bool) -> Result<PathBuf, KernelError> {
    let name = kernel_name(&kernel.name)?;
    if !kernel.python.is_absolute() || !kernel.python.is_file() {
        return Err(KernelError::NoInterpreter(kernel.python.clone()));
    }
    let target = kernels_dir.join(&name);
    if std::fs::symlink_metadata(&target).is_ok() && !force {
        return Err(KernelError::Exists { name, path: target });
    }
    std::fs::create_dir_all(kernels_dir).map_err(KernelError::io("create", kernels_dir))?;
    let staging = Staging::beside(kernels_dir)?;
    let new = staging.path().join("new");
    let written = std::fs::create_dir(&new)
        .and_then(|()| {
            let mut file = std::fs::File::create_new(new.join("kernel.json"))?;
            std::io::Write::write_all(&mut file, kernel.json().as_bytes())?;
            file.sync_all()
        })
        .and_then(|()| put_in_place(&new, &target, staging));
    written.map_err(KernelError::io("write the kernel to", &target))?;
    Ok(target)
}

/// Removes the kernel `name` found first in `dirs` (jupyter_client's search order); returns
/// the directory removed. `name` is a kernel name, never a path.
pub fn remove(name: &str, dirs: &[PathBuf]) -> Result<PathBuf, KernelError> {
    let name = kernel_name(name)?;
    let found = dirs.iter().find(|d| d.join(&name).join("kernel.json").is_file());
    let kernels_dir = found.ok_or_else(|| KernelError::NotFound(name.clone()))?;
    let dir = kernels_dir.join(&name);
    take_away(&dir, kernels_dir)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kernel(name: &str) -> NewKernel {
        NewKernel {
            name: name.into(),
            python: std::env::current_exe().unwrap(),
            gpu: Some("GPU-8932f937".into()),
            jax_no_prealloc: true,
            ..NewKernel::default()
        }
    }

    #[test]
    fn installs_reads_back_refuses_then_replaces_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let kernels = dir.path().join("kernels");
        let path = install(&kernel("ML-GPU"), &kernels, false).unwrap();
        assert_eq!(path, kernels.join("ml-gpu"));
        let found = super::super::find_kernels(std::slice::from_ref(&kernels));
        let k = &found[0].kernel;
        assert_eq!(k.env["CUDA_VISIBLE_DEVICES"], "GPU-8932f937");
        assert_eq!(k.env["CUDA_DEVICE_ORDER"], "PCI_BUS_ID");
        assert_eq!(k.env["XLA_PYTHON_CLIENT_PREALLOCATE"], "false");
        assert!(!k.env.contains_key("TF_FORCE_GPU_ALLOW_GROWTH"));
        assert_eq!(k.argv[1..3], ["-m".to_string(), "ipykernel_launcher".to_string()]);
        assert!(matches!(install(&kernel("ml-gpu"), &kernels, false), Err(KernelError::Exists { .. })));
        let replaced = NewKernel { gpu: None, ..kernel("ml-gpu") };
        install(&replaced, &kernels, true).unwrap();
        let again = super::super::find_kernels(std::slice::from_ref(&kernels));
        assert!(!again[0].kernel.env.contains_key("CUDA_VISIBLE_DEVICES"));
        assert_eq!(std::fs::read_dir(&kernels).unwrap().count(), 1, "no temporary directory left behind");
        assert_eq!(remove("ML-gpu", std::slice::from_ref(&kernels)).unwrap(), kernels.join("ml-gpu"));
        assert!(remove("ml-gpu", &[kernels]).unwrap_err().to_string().contains("no kernel named"));
    }

    #[test]
    fn bad_names_and_interpreters_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            install(&kernel("my kernel"), dir.path(), false).unwrap_err().to_string().contains("not a kernel name")
        );
        for name in [".", "..", "...", "../x", "/tmp/x", "a/b", ""] {
            assert!(
                install(&kernel(name), dir.path(), true).unwrap_err().to_string().contains("not a kernel name"),
                "{name}"
            );
        }
        let missing = NewKernel { python: "/nonexistent/python".into(), ..kernel("k") };
        assert!(install(&missing, dir.path(), false).unwrap_err().to_string().contains("does not exist"));
    }

    #[test]
    fn user_dir_follows_jupyter() {
        let vars = |pairs: &[(&str, &str)]| Variables::from_pairs(pairs.iter().map(|(k, v)| (k.into(), v.into())));
        assert_eq!(user_kernels_dir(&vars(&[("HOME", "/h")])), Some(PathBuf::from("/h/.local/share/jupyter/kernels")));
        let xdg = vars(&[("HOME", "/h"), ("XDG_DATA_HOME", "/x")]);
        assert_eq!(user_kernels_dir(&xdg), Some(PathBuf::from("/x/jupyter/kernels")));
        let data = vars(&[("HOME", "/h"), ("JUPYTER_DATA_DIR", "/j")]);
        assert_eq!(user_kernels_dir(&data), Some(PathBuf::from("/j/kernels")));
    }
}
