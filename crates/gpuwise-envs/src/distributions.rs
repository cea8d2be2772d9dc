//! Installed distributions: `*.dist-info` (and legacy `*.egg-info`) directories in import order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gpuwise_core::{Component, Unreadable};
use pep508_rs::PackageName;

/// One installed distribution, as its metadata describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distribution {
    /// Normalised name (PEP 503): `nvidia-cudnn-cu12`.
    pub name: String,
    /// `Version:` from METADATA.
    pub version: String,
    /// The site directory it is installed in.
    pub site: PathBuf,
    /// Its metadata directory.
    pub metadata_dir: PathBuf,
    /// `Requires-Dist:` lines, verbatim.
    pub requires: Vec<String>,
    /// `Provides-Extra:` names.
    pub extras: Vec<String>,
    /// Entry points, as `(group, name)` pairs from entry_points.txt.
    pub entry_points: Vec<(String, String)>,
}

impl Distribution {
    /// Its name and version, as a framework lists its parts.
    pub fn component(&self) -> Component {
        Component { name: self.name.clone(), version: self.version.clone() }
    }
}

/// Every distribution importable from `sites`, first occurrence of a name winning (as imports do).
#[derive(Debug, Clone, Default)]
pub struct Installed {
    by_name: BTreeMap<String, Distribution>,
    /// Metadata that could not be read, with the reason.
    pub unreadable: Vec<Unreadable>,
}

impl Installed {
    /// Scans the site directories in import order.
    pub fn scan(sites: &[PathBuf]) -> Self {
        let mut installed = Installed::default();
        for site in sites {
            let Ok(entries) = std::fs::read_dir(site) else { continue };
            let mut dirs: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|ext| ext == "dist-info" || ext == "egg-info"))
                .collect();
            dirs.sort();
            for dir in dirs {
                match read(site, &dir) {
                    Ok(dist) => {
                        installed.by_name.entry(dist.name.clone()).or_insert(dist);
                    }
                    Err(error) => {
                        installed.unreadable.push(Unreadable::new(dir.display().to_string(), error.to_string()));
                    }
                }
            }
        }
        installed
    }

    /// The distribution with this name (any spelling; normalised before lookup).
    pub fn get(&self, name: &str) -> Option<&Distribution> {
        self.by_name.get(&normalise(name))
    }

    /// Every distribution, by normalised name.
    pub fn iter(&self) -> impl Iterator<Item = &Distribution> {
        self.by_name.values()
    }
}

/// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalise(name: &str) -> String {
    PackageName::new(name.to_string()).map(|n| n.to_string()).unwrap_or_else(|_| name.to_ascii_lowercase())
}

/// Why a distribution's metadata cannot be read.
#[derive(Debug, thiserror::Error)]
enum MetadataError {
    #[error("{}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("{} is not UTF-8", .0.display())]
    NotUtf8(PathBuf),
    #[error("{} has no {field}", path.display())]
    Missing { path: PathBuf, field: &'static str },
}

fn read(site: &Path, dir: &Path) -> Result<Distribution, MetadataError> {
    let metadata = if dir.is_dir() {
        let file = if dir.extension().is_some_and(|e| e == "egg-info") { "PKG-INFO" } else { "METADATA" };
        dir.join(file)
    } else {
        dir.to_path_buf() // a legacy single-file .egg-info
    };
    let bytes =
        gpuwise_fs::read(&metadata).map_err(|source| MetadataError::Unreadable { path: metadata.clone(), source })?;
    let text = String::from_utf8(bytes).map_err(|_| MetadataError::NotUtf8(metadata.clone()))?;
    let headers = headers(&text);
    let field = |key: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.trim());
    let missing = |field| MetadataError::Missing { path: metadata.clone(), field };
    let name = field("Name").filter(|n| !n.is_empty()).ok_or_else(|| missing("Name"))?;
    let version = field("Version").filter(|v| !v.is_empty()).ok_or_else(|| missing("Version"))?;
    let all = |key: &str| -> Vec<String> {
        headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.trim().to_string()).collect()
    };
    let entry_points =
        gpuwise_fs::read_text(dir.join("entry_points.txt")).map(|t| entry_points(&t)).unwrap_or_default();
    Ok(Distribution {
        name: normalise(name),
        version: version.to_string(),
        site: site.to_path_buf(),
        metadata_dir: dir.to_path_buf(),
        requires: all("Requires-Dist"),
        extras: all("Provides-Extra"),
        entry_points,
    })
}

/// The header block of a core-metadata file (RFC 822 style, continuation lines folded).
fn headers(text: &str) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((key, value)) = line.split_once(':') {
            headers.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    headers
}

/// `(group, name)` pairs of an entry_points.txt (INI sections of `name = object` lines).
fn entry_points(text: &str) -> Vec<(String, String)> {
    let mut group = String::new();
    let mut points = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            group = section.trim().to_string();
        } else if let Some((name, _)) = line.split_once('=') {
            points.push((group.clone(), name.trim().to_string()));
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(site: &Path, dir: &str, metadata: &str) {
        let path = site.join(dir);
        std::fs::create_dir_all(&path).unwrap();
        std::fs::write(path.join("METADATA"), metadata).unwrap();
    }

    #[test]
    fn reads_metadata_in_import_order() {
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        dist(
            first.path(),
            "jax_cuda12_plugin-0.4.35.dist-info",
            "Metadata-Version: 2.1\nName: jax_cuda12_plugin\nVersion: 0.4.35\nRequires-Dist: jax-cuda12-pjrt==0.4.35\n\
             Requires-Dist: nvidia-cublas-cu12>=12.1.3.1; extra == \"with-cuda\"\n\nLong description: ignored\n",
        );
        std::fs::write(
            first.path().join("jax_cuda12_plugin-0.4.35.dist-info/entry_points.txt"),
            "[jax_plugins]\nxla_cuda12 = jax_cuda12_plugin\n",
        )
        .unwrap();
        dist(second.path(), "Jax_CUDA12_Plugin-0.4.20.dist-info", "Name: jax-cuda12-plugin\nVersion: 0.4.20\n");
        let installed = Installed::scan(&[first.path().into(), second.path().into()]);
        let plugin = installed.get("JAX_cuda12.plugin").unwrap();
        assert_eq!(plugin.version, "0.4.35", "the first site directory wins");
        assert_eq!(plugin.requires.len(), 2);
        assert_eq!(plugin.entry_points, [("jax_plugins".to_string(), "xla_cuda12".to_string())]);
    }

    #[test]
    fn corrupt_metadata_is_named_not_fatal() {
        let site = tempfile::tempdir().unwrap();
        dist(site.path(), "torch-2.5.1.dist-info", "Metadata-Version: 2.1\nSummary: no name here\n");
        std::fs::create_dir_all(site.path().join("numba-0.60.0.dist-info")).unwrap();
        let bad = site.path().join("cupy-13.0.0.dist-info");
        std::fs::create_dir_all(&bad).unwrap();
        std::fs::write(bad.join("METADATA"), b"Name: cupy\xff\n").unwrap();
        let installed = Installed::scan(&[site.path().into()]);
        assert_eq!(installed.iter().count(), 0);
        let errors: Vec<&str> = installed.unreadable.iter().map(|u| u.error.as_str()).collect();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors.iter().any(|e| e.ends_with("is not UTF-8")));
        assert!(errors.iter().any(|e| e.ends_with("has no Name")));
        assert!(errors.iter().any(|e| e.contains("No such file")));
    }

    #[test]
    fn fifos_and_devices_are_unreadable_not_waited_on() {
        let site = tempfile::tempdir().unwrap();
        let fifo = site.path().join("torch-2.5.1.dist-info");
        std::fs::create_dir_all(&fifo).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(fifo.join("METADATA")).status().unwrap().success());
        let zero = site.path().join("jax-0.4.30.dist-info");
        std::fs::create_dir_all(&zero).unwrap();
        std::os::unix::fs::symlink("/dev/zero", zero.join("METADATA")).unwrap();
        // entry_points.txt as a FIFO beside good metadata: the distribution is still read.
        dist(site.path(), "numba-0.60.0.dist-info", "Name: numba\nVersion: 0.60.0\n");
        let points = site.path().join("numba-0.60.0.dist-info/entry_points.txt");
        assert!(std::process::Command::new("mkfifo").arg(&points).status().unwrap().success());
        let installed = Installed::scan(&[site.path().into()]);
        assert_eq!(installed.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["numba"]);
        let errors: Vec<&str> = installed.unreadable.iter().map(|u| u.error.as_str()).collect();
        assert!(errors.iter().any(|e| e.contains("a FIFO")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("a device")), "{errors:?}");
    }
}
