//! Each GPU framework's own files: what it was built for, what it needs, what it brought.
//!
//! Readers record facts only; `gpuwise-rules` turns them into verdicts.

mod cupy;
mod jax;
mod numba;
mod tensorflow;
mod torch;

use std::path::{Path, PathBuf};

use gpuwise_core::{Build, Component, Framework, FrameworkName, Library, Unreadable};
use pep508_rs::MarkerEnvironment;

use crate::distributions::{Distribution, Installed};
use crate::libraries::LibrarySearch;
use crate::pyliteral::{self, Literal};
use crate::requirements;

/// What the readers look at in one environment.
pub struct Site<'a> {
    /// Installed distributions.
    pub installed: &'a Installed,
    /// The interpreter's marker environment (for conditional requirements).
    pub markers: Option<&'a MarkerEnvironment>,
    /// Where CUDA libraries would be found.
    pub libraries: &'a LibrarySearch,
    /// The interpreter's `sys.platform` (`linux`, `win32`, `darwin`).
    pub sys_platform: &'a str,
}

/// A framework's reader: its record when installed, recording unreadable files on the way.
type Reader = fn(&Site<'_>, &mut Vec<Unreadable>) -> Option<Framework>;

/// Every framework installed, and the files that could not be read on the way.
pub fn read_all(site: &Site<'_>) -> (Vec<Framework>, Vec<Unreadable>) {
    let mut problems = Vec::new();
    let readers: [Reader; 5] = [torch::read, tensorflow::read, jax::read, cupy::read, numba::read];
    let frameworks = readers.iter().filter_map(|read| read(site, &mut problems)).collect();
    (frameworks, problems)
}

impl Site<'_> {
    /// True on Linux, where wheels bring CUDA libraries and the loader rules apply.
    fn is_linux(&self) -> bool {
        self.sys_platform == "linux"
    }

    /// A framework record for `dist`, its package at `package` (relative to the site directory).
    fn framework(&self, name: FrameworkName, dist: &Distribution, package: &str) -> Framework {
        Framework {
            name,
            distribution: dist.name.clone(),
            version: dist.version.clone(),
            build: Build::Unknown,
            path: dist.site.join(package).display().to_string(),
            ..Framework::default()
        }
    }

    /// Unmet requirements of `dist`: missing ones, and those `versioned` accepts at a version
    /// outside their range.
    fn unmet(&self, dist: &Distribution, versioned: impl Fn(&str) -> bool) -> Vec<gpuwise_core::Unmet> {
        match self.markers {
            Some(markers) => requirements::unmet(dist, self.installed, markers, versioned),
            None => Vec::new(),
        }
    }

    /// The installed distributions `dists` declare as requirements (any extra, any marker)
    /// whose names `wanted` accepts, as components.
    fn components(&self, dists: &[&Distribution], wanted: impl Fn(&str) -> bool) -> Vec<Component> {
        let mut names: Vec<String> = dists
            .iter()
            .flat_map(|d| d.requires.iter())
            .filter_map(|text| requirements::parse(text))
            .map(|r| r.name.to_string())
            .filter(|name| wanted(name))
            .collect();
        names.sort();
        names.dedup();
        names.iter().filter_map(|name| self.installed.get(name)).map(Distribution::component).collect()
    }

    /// The first of `names` on the library search path (for a loader that accepts any of them).
    fn first_found<'n>(&self, names: &[&'n str]) -> Option<&'n str> {
        names.iter().copied().find(|name| self.libraries.find(name).is_some())
    }

    /// Looks up each soname on the library search path; `at_import` when importing the
    /// framework loads them.
    fn libraries(&self, names: &[String], at_import: bool) -> Vec<Library> {
        names
            .iter()
            .map(|name| Library {
                name: name.clone(),
                path: self.libraries.find(name).map(|p| p.display().to_string()),
                at_import,
            })
            .collect()
    }
}

/// True for the CUDA library wheels (`nvidia-*`, `cuda-toolkit`, `cuda-bindings`, ...).
fn is_cuda_wheel(name: &str) -> bool {
    name.starts_with("nvidia-") || name.starts_with("cuda-")
}

/// Reads a generated Python file's assignments; a missing or unreadable file is recorded, and so
/// is one that lacks any of the `required` names (damaged: Python would not import it either).
fn python_file(
    path: &Path,
    problems: &mut Vec<Unreadable>,
    what: &str,
    required: &[&str],
) -> Option<std::collections::BTreeMap<String, Literal>> {
    match gpuwise_fs::read_text(path) {
        Ok(text) => {
            complete(path, pyliteral::assignments(&text), required).map_err(|damage| problems.push(damage)).ok()
        }
        Err(err) => {
            problems.push(unreadable(path, format!("{what}: {err}")));
            None
        }
    }
}

/// The fields read from a build file when it has every `required` one; else the damage, and
/// nothing the file says is believed.
fn complete(
    path: &Path,
    fields: std::collections::BTreeMap<String, Literal>,
    required: &[&str],
) -> Result<std::collections::BTreeMap<String, Literal>, Unreadable> {
    let missing: Vec<&str> = required.iter().copied().filter(|name| !fields.contains_key(*name)).collect();
    if missing.is_empty() {
        return Ok(fields);
    }
    Err(unreadable(path, format!("{} is damaged: it does not set {}", path.display(), missing.join(", "))))
}

fn unreadable(path: &Path, error: impl Into<String>) -> Unreadable {
    Unreadable::new(path.display().to_string(), error)
}

/// The package directory of `dist`.
fn package_dir(dist: &Distribution, package: &str) -> PathBuf {
    dist.site.join(package)
}

/// `12.4.1` -> `12.4`; `12` stays `12`.
fn major_minor(version: &str) -> String {
    version.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// The sonames a CUDA `major` build loads for the runtime, cuBLAS and (optionally) cuDNN.
fn cuda_sonames(major: u32, cudnn_major: Option<u32>) -> Vec<String> {
    let cudart = if major == 11 { "libcudart.so.11.0".to_string() } else { format!("libcudart.so.{major}") };
    let mut names = vec![cudart, format!("libcublas.so.{major}")];
    names.extend(cudnn_major.map(|m| format!("libcudnn.so.{m}")));
    names
}

#[cfg(test)]
mod tests;
