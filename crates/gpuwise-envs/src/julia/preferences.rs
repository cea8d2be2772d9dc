//! Preferences.jl values for CUDA_Runtime_jll, merged as Base.get_preferences does: along the
//! load path the first environment that sets a key wins, and within one environment
//! (Julia)LocalPreferences.toml overrides the project's `[preferences]`.

use std::collections::BTreeMap;
use std::path::Path;

use gpuwise_core::Preference;
use toml::Value;

use super::manifest::{Project, read_toml};

/// The package whose preferences choose CUDA.jl's toolkit.
const RUNTIME: &str = "CUDA_Runtime_jll";

/// Preference file names, the first present one counting.
const FILE_NAMES: [&str; 2] = ["JuliaLocalPreferences.toml", "LocalPreferences.toml"];

/// One environment of the load path that knows CUDA_Runtime_jll.
pub struct Source<'a> {
    /// Its project file.
    pub project_file: &'a Path,
    /// What the project file says.
    pub project: &'a Project,
}

/// CUDA_Runtime_jll's preferences by key, from `sources` in load-path order.
pub fn collect<'a>(sources: impl Iterator<Item = Source<'a>>) -> BTreeMap<String, Preference> {
    let mut merged = BTreeMap::new();
    for source in sources {
        let dir = source.project_file.parent().unwrap_or(Path::new("."));
        let local = FILE_NAMES.iter().map(|name| dir.join(name)).find(|path| path.is_file()).and_then(|path| {
            let table = read_toml(&path).ok()?;
            Some((path, table.get(RUNTIME)?.as_table()?.clone()))
        });
        let in_project = source.project.preferences.get(RUNTIME).and_then(Value::as_table);
        let layers = local
            .iter()
            .map(|(path, table)| (path.as_path(), table))
            .chain(in_project.map(|t| (source.project_file, t)));
        for (file, table) in layers {
            for (key, value) in table {
                let value = match value {
                    Value::String(text) => text.clone(),
                    Value::Boolean(flag) => flag.to_string(),
                    Value::Integer(number) => number.to_string(),
                    other => format!("{other:?}"),
                };
                merged.entry(key.clone()).or_insert(Preference { value, file: file.display().to_string() });
            }
        }
    }
    merged
}

/// The `version` and `local` preferences, with CUDA.jl 4's `version = "local"` form read as
/// `local = true` plus `actual_version`.
pub fn runtime_choice(prefs: &BTreeMap<String, Preference>) -> (Option<Preference>, Option<Preference>) {
    match prefs.get("version") {
        Some(version) if version.value == "local" => {
            let local = Preference { value: "true".into(), file: version.file.clone() };
            (prefs.get("actual_version").cloned(), Some(prefs.get("local").cloned().unwrap_or(local)))
        }
        version => (version.cloned(), prefs.get("local").cloned()),
    }
}

/// Julia's `parse(Bool, ...)`: `true` or `1`.
pub fn truthy(value: &str) -> bool {
    matches!(value, "true" | "1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_environments_and_local_files_win() {
        let tmp = tempfile::tempdir().unwrap();
        let first = tmp.path().join("a/Project.toml");
        let second = tmp.path().join("b/Project.toml");
        for file in [&first, &second] {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        }
        std::fs::write(tmp.path().join("a/LocalPreferences.toml"), "[CUDA_Runtime_jll]\nversion = \"12.4\"\n").unwrap();
        std::fs::write(
            tmp.path().join("b/LocalPreferences.toml"),
            "[CUDA_Runtime_jll]\nversion = \"11.8\"\nlocal = true\n",
        )
        .unwrap();
        let project =
            Project { preferences: "[CUDA_Runtime_jll]\nversion = \"12.0\"\n".parse().unwrap(), ..Project::default() };
        let plain = Project::default();
        let prefs = collect(
            [Source { project_file: &first, project: &project }, Source { project_file: &second, project: &plain }]
                .into_iter(),
        );
        assert_eq!(prefs["version"].value, "12.4", "LocalPreferences.toml beats the project's [preferences]");
        assert!(prefs["version"].file.ends_with("a/LocalPreferences.toml"));
        assert_eq!(prefs["local"].value, "true", "keys the first environment leaves unset come from later ones");
    }

    #[test]
    fn legacy_version_local_form() {
        let pref = |v: &str| Preference { value: v.into(), file: "LocalPreferences.toml".into() };
        let prefs =
            BTreeMap::from([("version".to_string(), pref("local")), ("actual_version".to_string(), pref("12.2"))]);
        let (version, local) = runtime_choice(&prefs);
        assert_eq!(version.unwrap().value, "12.2");
        assert!(truthy(&local.unwrap().value));
    }
}
