//! Project.toml and Manifest.toml: which packages an environment lists, and the versions its
//! manifest resolved (manifest format 1, top-level `[[Name]]`, and 2.0, `[[deps.Name]]`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::error::TomlError;

/// What a project file says.
#[derive(Debug, Clone, Default)]
pub struct Project {
    /// `[deps]`: the packages `using` can load from this environment, by name.
    pub deps: BTreeMap<String, String>,
    /// The `manifest` entry, when the project names its manifest.
    pub manifest: Option<String>,
    /// `[preferences.<package>]` tables.
    pub preferences: Table,
}

/// One package a manifest resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// Its UUID.
    pub uuid: String,
    /// The resolved version (absent for some stdlibs and unregistered packages).
    pub version: Option<String>,
    /// The tree hash of a registered or git package.
    pub tree_hash: Option<String>,
    /// The directory of a developed package (`Pkg.develop`), resolved against the manifest.
    pub path: Option<PathBuf>,
}

/// What a manifest file says.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// The Julia that resolved it (`julia_version`, format 2.0 only).
    pub julia_version: Option<String>,
    /// Packages by name (the first entry of a name; duplicates are rare and ambiguous anyway).
    pub entries: BTreeMap<String, Entry>,
}

/// Reads and parses a TOML file.
pub fn read_toml(path: &Path) -> Result<Table, TomlError> {
    let text = gpuwise_fs::read_text(path)?;
    text.parse::<Table>().map_err(|err| TomlError::Invalid(err.message().to_string()))
}

/// A project file's deps, manifest name and preferences.
pub fn read_project(path: &Path) -> Result<Project, TomlError> {
    let table = read_toml(path)?;
    let deps = table
        .get("deps")
        .and_then(Value::as_table)
        .map(|deps| deps.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
        .unwrap_or_default();
    Ok(Project {
        deps,
        manifest: table.get("manifest").and_then(Value::as_str).map(String::from),
        preferences: table.get("preferences").and_then(Value::as_table).cloned().unwrap_or_default(),
    })
}

/// A manifest's Julia version and entries.
pub fn read_manifest(path: &Path) -> Result<Manifest, TomlError> {
    let table = read_toml(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let (julia_version, packages) = match table.get("manifest_format") {
        Some(_) => (
            table.get("julia_version").and_then(Value::as_str).map(String::from),
            table.get("deps").and_then(Value::as_table).cloned().unwrap_or_default(),
        ),
        None => (None, table),
    };
    let entries = packages
        .iter()
        .filter_map(|(name, value)| {
            let first = value.as_array()?.first()?.as_table()?;
            let text = |key: &str| first.get(key).and_then(Value::as_str).map(String::from);
            let entry = Entry {
                uuid: text("uuid")?,
                version: text("version"),
                tree_hash: text("git-tree-sha1"),
                path: text("path").map(|p| dir.join(p)),
            };
            Some((name.clone(), entry))
        })
        .collect();
    Ok(Manifest { julia_version, entries })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_manifest_formats() {
        let tmp = tempfile::tempdir().unwrap();
        let v2 = tmp.path().join("Manifest.toml");
        std::fs::write(
            &v2,
            r#"
julia_version = "1.10.5"
manifest_format = "2.0"
project_hash = "abc"

[[deps.CUDA]]
deps = ["CUDA_Runtime_jll"]
git-tree-sha1 = "e0725a467822697171af4dae15cec10b4fc19053"
uuid = "052768ef-5323-5732-b1bb-66c8b64840ba"
version = "5.5.2"

[[deps.Mine]]
path = "../Mine"
uuid = "11111111-5323-5732-b1bb-66c8b64840ba"
"#,
        )
        .unwrap();
        let manifest = read_manifest(&v2).unwrap();
        assert_eq!(manifest.julia_version.as_deref(), Some("1.10.5"));
        assert_eq!(manifest.entries["CUDA"].version.as_deref(), Some("5.5.2"));
        assert_eq!(manifest.entries["Mine"].path, Some(tmp.path().join("../Mine")));

        let v1 = tmp.path().join("Old.toml");
        std::fs::write(&v1, "[[CuArrays]]\nuuid = \"3a865a2d-5b23-5a0f-bc46-62713ec82fae\"\nversion = \"2.2.2\"\n")
            .unwrap();
        let manifest = read_manifest(&v1).unwrap();
        assert_eq!(manifest.julia_version, None);
        assert_eq!(manifest.entries["CuArrays"].version.as_deref(), Some("2.2.2"));
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let tmp = tempfile::tempdir().unwrap();
        let bad = tmp.path().join("Project.toml");
        std::fs::write(&bad, "[deps\nCUDA = ").unwrap();
        assert!(read_project(&bad).unwrap_err().to_string().starts_with("is not valid TOML"));
        assert!(matches!(read_project(&tmp.path().join("missing.toml")), Err(TomlError::Unreadable(_))));
    }
}
