//! Where the dynamic loader will find a CUDA library for a Python environment.
//!
//! Frameworks installed from wheels load CUDA from the `nvidia-*` wheels in site-packages
//! (`nvidia/<lib>/lib/`, `nvidia/cu13/lib/`); otherwise from `LD_LIBRARY_PATH`, the directories
//! of `/etc/ld.so.conf`, the default system directories, and the toolkit named by `CUDA_PATH` /
//! `CUDA_HOME` or installed at `/usr/local/cuda`.

use std::path::{Path, PathBuf};

use gpuwise_core::Shadowed;
use gpuwise_core::Variables;

/// Where a directory of the search came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A `nvidia-*` wheel in the environment.
    Wheel,
    /// `LD_LIBRARY_PATH`.
    LdLibraryPath,
    /// The loader's configured and default directories.
    System,
    /// A CUDA toolkit (`CUDA_PATH`, `CUDA_HOME`, `/usr/local/cuda`).
    Toolkit,
}

/// The directories searched for CUDA libraries, in order.
#[derive(Debug, Clone, Default)]
pub struct LibrarySearch {
    dirs: Vec<(PathBuf, Origin)>,
}

impl LibrarySearch {
    /// The search for an environment with these site directories, under these variables.
    /// `root` prefixes the system paths (`/` on a real machine; a directory in tests).
    pub fn new(sites: &[PathBuf], vars: &Variables, root: &Path) -> Self {
        let mut dirs = Vec::new();
        for site in sites {
            dirs.extend(wheel_dirs(site).into_iter().map(|d| (d, Origin::Wheel)));
        }
        for dir in vars.get("LD_LIBRARY_PATH").unwrap_or("").split(':').filter(|d| !d.is_empty()) {
            dirs.push((PathBuf::from(dir), Origin::LdLibraryPath));
        }
        for dir in loader_dirs(root) {
            dirs.push((dir, Origin::System));
        }
        let toolkits = ["CUDA_PATH", "CUDA_HOME"].into_iter().filter_map(|name| vars.get(name)).map(PathBuf::from);
        for toolkit in toolkits.chain([root.join("usr/local/cuda")]) {
            for sub in ["lib64", "lib", "nvvm/lib64"] {
                dirs.push((toolkit.join(sub), Origin::Toolkit));
            }
        }
        LibrarySearch { dirs }
    }

    /// The first file called `name` on the search path.
    pub fn find(&self, name: &str) -> Option<PathBuf> {
        self.dirs.iter().map(|(dir, _)| dir.join(name)).find(|path| path.exists())
    }

    /// Libraries the wheels ship that a directory on `LD_LIBRARY_PATH` also holds: the loader
    /// may take that copy for a wheel library's dependencies (pytorch/pytorch#111469).
    pub fn shadowed(&self) -> Vec<Shadowed> {
        let ld: Vec<&PathBuf> = self.dirs.iter().filter(|(_, o)| *o == Origin::LdLibraryPath).map(|(d, _)| d).collect();
        if ld.is_empty() {
            return Vec::new();
        }
        let mut shadowed = Vec::new();
        for (dir, _) in self.dirs.iter().filter(|(_, o)| *o == Origin::Wheel) {
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            let mut names: Vec<String> =
                entries.filter_map(Result::ok).filter_map(|e| e.file_name().into_string().ok()).collect();
            names.sort();
            for name in names.into_iter().filter(|n| n.starts_with("lib") && n.contains(".so")) {
                if let Some(used) = ld.iter().map(|d| d.join(&name)).find(|p| p.exists()) {
                    shadowed.push(Shadowed {
                        library: name.clone(),
                        used: used.display().to_string(),
                        wheel: dir.join(&name).display().to_string(),
                    });
                }
            }
        }
        shadowed
    }
}

/// The library directories of the `nvidia-*` wheels in one site directory.
fn wheel_dirs(site: &Path) -> Vec<PathBuf> {
    let nvidia = site.join("nvidia");
    let Ok(entries) = std::fs::read_dir(&nvidia) else { return Vec::new() };
    let mut packages: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    packages.sort();
    let mut dirs = Vec::new();
    for package in packages {
        for sub in ["lib", "lib64", "nvvm/lib64"] {
            let dir = package.join(sub);
            if dir.is_dir() {
                dirs.push(dir);
            }
        }
    }
    dirs
}

/// The directories `/etc/ld.so.conf` names (following `include` globs), then the defaults.
fn loader_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    read_conf(root, &root.join("etc/ld.so.conf"), &mut dirs, 0);
    for default in ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib64", "usr/lib64", "lib", "usr/lib"] {
        dirs.push(root.join(default));
    }
    dirs
}

fn read_conf(root: &Path, file: &Path, dirs: &mut Vec<PathBuf>, depth: u32) {
    let Ok(text) = gpuwise_fs::read_text(file) else { return };
    for line in text.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty()) {
        if let Some(pattern) = line.strip_prefix("include").map(str::trim) {
            if depth < 4 {
                for included in glob_conf(root, pattern) {
                    read_conf(root, &included, dirs, depth + 1);
                }
            }
        } else {
            dirs.push(root.join(line.trim_start_matches('/')));
        }
    }
}

/// Expands an `include` pattern whose file part is `*` or `*.conf` (the form distributions use).
fn glob_conf(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let path = root.join(pattern.trim_start_matches('/'));
    let (Some(dir), Some(file)) = (path.parent(), path.file_name().and_then(|f| f.to_str())) else {
        return Vec::new();
    };
    let Some(suffix) = file.strip_prefix('*') else { return vec![path.clone()] };
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(suffix)).collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }

    #[test]
    fn wheels_first_then_ld_library_path_then_system_then_toolkit() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        let site = root.join("venv/lib/python3.11/site-packages");
        touch(&site.join("nvidia/cudnn/lib/libcudnn.so.9"));
        touch(&site.join("nvidia/cusparse/lib/libcusparse.so.12"));
        touch(&root.join("opt/cuda-12.1/lib64/libcusparse.so.12"));
        touch(&root.join("opt/cuda-12.1/lib64/libcublas.so.12"));
        touch(&root.join("etc/ld.so.conf"));
        std::fs::write(root.join("etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n").unwrap();
        touch(&root.join("etc/ld.so.conf.d/cuda.conf"));
        std::fs::write(root.join("etc/ld.so.conf.d/cuda.conf"), "/usr/local/cuda-12.4/targets/x86_64-linux/lib\n")
            .unwrap();
        touch(&root.join("usr/local/cuda-12.4/targets/x86_64-linux/lib/libnvrtc.so.12"));
        touch(&root.join("usr/local/cuda/nvvm/lib64/libnvvm.so"));

        let vars = Variables::from_text([("LD_LIBRARY_PATH", root.join("opt/cuda-12.1/lib64").to_str().unwrap())]);
        let search = LibrarySearch::new(std::slice::from_ref(&site), &vars, root);
        assert_eq!(search.find("libcudnn.so.9"), Some(site.join("nvidia/cudnn/lib/libcudnn.so.9")));
        assert_eq!(search.find("libcublas.so.12"), Some(root.join("opt/cuda-12.1/lib64/libcublas.so.12")));
        assert!(search.find("libnvrtc.so.12").unwrap().starts_with(root.join("usr/local/cuda-12.4")));
        assert!(search.find("libnvvm.so").is_some());
        assert_eq!(search.find("libcudart.so.12"), None);
        let shadowed = search.shadowed();
        assert_eq!(shadowed.len(), 1);
        assert_eq!(shadowed[0].library, "libcusparse.so.12");
        assert!(shadowed[0].used.contains("cuda-12.1"));

        let clean = LibrarySearch::new(&[site], &Variables::default(), root);
        assert!(clean.shadowed().is_empty());
    }
}
