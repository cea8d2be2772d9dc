//! CUDA_Runtime_jll as installed in a depot: the CUDA toolkits its artifacts offer for this
//! platform and which are already downloaded.

use std::path::{Path, PathBuf};

use toml::Value;

use super::error::TomlError;
use super::manifest::{Entry, read_toml};

/// An installed package's directory: a developed package's path, else the directory under
/// `<depot>/packages/<name>/` whose Project.toml has the manifest's version.
pub fn package_dir(depots: &[PathBuf], name: &str, entry: &Entry) -> Option<PathBuf> {
    if let Some(path) = &entry.path {
        return path.is_dir().then(|| path.clone());
    }
    let version = entry.version.as_deref()?;
    depots.iter().find_map(|depot| {
        let mut slugs: Vec<PathBuf> =
            std::fs::read_dir(depot.join("packages").join(name)).ok()?.filter_map(|e| Some(e.ok()?.path())).collect();
        slugs.sort();
        slugs.into_iter().find(|dir| {
            read_toml(&dir.join("Project.toml"))
                .is_ok_and(|project| project.get("version").and_then(Value::as_str) == Some(version))
        })
    })
}

/// An artifact of CUDA_Runtime_jll for one toolkit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolkit {
    /// `12.6`.
    pub cuda: String,
    /// Whether a depot already holds it.
    pub downloaded: bool,
}

/// The toolkits the package at `dir` offers for `arch` on glibc Linux, oldest first; `Err`
/// says why its `Artifacts.toml` could not be read.
pub fn toolkits(dir: &Path, depots: &[PathBuf], arch: &str) -> Result<Vec<Toolkit>, TomlError> {
    let table = read_toml(&dir.join("Artifacts.toml"))?;
    let mut found: Vec<Toolkit> = table
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_table)
        .filter(|a| {
            let is = |key: &str, want: &str| a.get(key).and_then(Value::as_str).is_none_or(|v| v == want);
            is("os", "linux") && is("arch", arch) && is("libc", "glibc") && a.get("cuda_platform").is_none()
        })
        .filter_map(|a| {
            let cuda = a.get("cuda")?.as_str()?.to_string();
            let hash = a.get("git-tree-sha1")?.as_str()?;
            let downloaded = depots.iter().any(|d| d.join("artifacts").join(hash).is_dir());
            Some(Toolkit { cuda, downloaded })
        })
        .collect();
    found.sort_by_key(|t| crate::julia::version::parse(&t.cuda));
    let mut merged: Vec<Toolkit> = Vec::new();
    for toolkit in found {
        match merged.last_mut() {
            Some(last) if last.cuda == toolkit.cuda => last.downloaded |= toolkit.downloaded,
            _ => merged.push(toolkit),
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_this_platforms_toolkits_and_sees_downloads() {
        let tmp = tempfile::tempdir().unwrap();
        let depot = tmp.path().join("depot");
        let dir = depot.join("packages/CUDA_Runtime_jll/AbCdE");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(depot.join("artifacts/bbbb")).unwrap();
        std::fs::write(dir.join("Project.toml"), "name = \"CUDA_Runtime_jll\"\nversion = \"0.15.5\"\n").unwrap();
        std::fs::write(
            dir.join("Artifacts.toml"),
            r#"
[[CUDA_Runtime]]
arch = "x86_64"
cuda = "12.6"
git-tree-sha1 = "bbbb"
libc = "glibc"
os = "linux"

[[CUDA_Runtime]]
arch = "x86_64"
cuda = "11.8"
git-tree-sha1 = "aaaa"
libc = "glibc"
os = "linux"

[[CUDA_Runtime]]
arch = "aarch64"
cuda = "12.6"
git-tree-sha1 = "cccc"
libc = "glibc"
os = "linux"

[[CUDA_Runtime]]
arch = "x86_64"
cuda = "12.6"
git-tree-sha1 = "dddd"
os = "windows"
"#,
        )
        .unwrap();
        let entry = Entry { uuid: "u".into(), version: Some("0.15.5".into()), ..Entry::default() };
        let depots = vec![depot];
        assert_eq!(package_dir(&depots, "CUDA_Runtime_jll", &entry), Some(dir.clone()));
        let other = Entry { version: Some("0.16.0".into()), ..entry };
        assert_eq!(package_dir(&depots, "CUDA_Runtime_jll", &other), None, "another version is not installed");
        let offered = toolkits(&dir, &depots, "x86_64").unwrap();
        assert_eq!(
            offered,
            [Toolkit { cuda: "11.8".into(), downloaded: false }, Toolkit { cuda: "12.6".into(), downloaded: true }]
        );
        assert!(matches!(toolkits(tmp.path(), &depots, "x86_64"), Err(TomlError::Unreadable(_))));
    }
}
