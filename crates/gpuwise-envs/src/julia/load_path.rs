//! Where Julia looks for packages, as Base computes it: the depots, the active project and the
//! load path, and the manifest of each environment (knowledge/frameworks.md "Julia CUDA.jl").

use std::path::{Path, PathBuf};

use gpuwise_core::Variables;

use super::version::JuliaVersion;

/// Project file names, preferred first.
const PROJECT_NAMES: [&str; 2] = ["JuliaProject.toml", "Project.toml"];

/// The load path when `JULIA_LOAD_PATH` does not say otherwise.
const DEFAULT_LOAD_PATH: [&str; 3] = ["@", "@v#.#", "@stdlib"];

/// What the expansion of load-path entries depends on.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The Julia version (`@v#.#`, versioned manifest names).
    pub version: JuliaVersion,
    /// `DEPOT_PATH`.
    pub depots: Vec<PathBuf>,
    /// The directory `@.` searches upward from.
    pub cwd: PathBuf,
    /// The user's home (where the upward search stops).
    pub home: Option<PathBuf>,
}

impl Layout {
    /// The layout for the Julia installed under `julia_root` (the directory holding `bin/`),
    /// run with `vars` from `cwd`.
    pub fn new(version: JuliaVersion, julia_root: Option<&Path>, vars: &Variables, cwd: &Path) -> Self {
        let home = vars.get("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
        Layout { version, depots: depots(vars, home.as_deref(), julia_root), cwd: cwd.to_path_buf(), home }
    }

    /// The active project from `--project` (`argument`, already without the flag) or
    /// `JULIA_PROJECT`, expanded: `(project, origin)`; `None` when none is active.
    pub fn active_project(&self, argument: Option<&str>, vars: &Variables) -> Option<(PathBuf, String)> {
        let (spec, origin) = match argument {
            Some(spec) => (spec.to_string(), format!("--project={spec}")),
            None => {
                let spec = vars.get("JULIA_PROJECT")?.to_string();
                let origin = format!("JULIA_PROJECT={spec}");
                (spec, origin)
            }
        };
        match spec.as_str() {
            "" => None,
            "@." => {
                let found = self.current_project()?;
                Some((found, format!("{origin} (searched upward from {})", self.cwd.display())))
            }
            named if named.starts_with('@') => Some((self.expand_named(named)?, origin)),
            path => Some((self.absolute(path), origin)),
        }
    }

    /// The environments `using` searches, expanded, in order; `@` is `active`.
    pub fn load_path(&self, vars: &Variables, active: Option<&Path>) -> Vec<PathBuf> {
        let entries: Vec<String> = match vars.get("JULIA_LOAD_PATH") {
            None => DEFAULT_LOAD_PATH.map(String::from).to_vec(),
            Some(text) => text
                .split(':')
                .flat_map(|entry| match entry {
                    "" => DEFAULT_LOAD_PATH.map(String::from).to_vec(),
                    entry => vec![entry.to_string()],
                })
                .collect(),
        };
        let mut expanded: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let path = match entry.as_str() {
                "@" => active.map(Path::to_path_buf),
                "@." => self.current_project(),
                // The standard library holds no GPU packages; `@script` depends on the script run.
                "@stdlib" | "@script" => None,
                named if named.starts_with('@') => self.expand_named(named),
                path => Some(self.absolute(path)),
            };
            if let Some(path) = path.filter(|p| !expanded.contains(p)) {
                expanded.push(path);
            }
        }
        expanded
    }

    /// `@.`: the nearest directory upward from the working directory (stopping at home) that
    /// holds a project file; that file.
    fn current_project(&self) -> Option<PathBuf> {
        for dir in self.cwd.ancestors() {
            if let Some(file) = project_file(dir) {
                return Some(file);
            }
            if self.home.as_deref() == Some(dir) {
                break;
            }
        }
        None
    }

    /// `@v#.#` and other named environments: `<depot>/environments/<name>` in the first depot
    /// that has it, else in the first depot.
    fn expand_named(&self, named: &str) -> Option<PathBuf> {
        let (major, minor, _) = self.version;
        let name = named.trim_start_matches('@').replace("v#.#", &format!("v{major}.{minor}"));
        let in_depot = |depot: &PathBuf| depot.join("environments").join(&name);
        self.depots.iter().map(in_depot).find(|p| p.is_dir()).or_else(|| self.depots.first().map(in_depot))
    }

    fn absolute(&self, path: &str) -> PathBuf {
        let path = match (path.strip_prefix("~/"), &self.home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(path),
        };
        self.cwd.join(path)
    }

    /// The manifest of the environment at `env` (a directory or project file): the project's
    /// `manifest` entry, else the first of the (versioned) manifest names that exists.
    pub fn manifest(&self, env: &Path, declared: Option<&str>) -> Option<PathBuf> {
        let dir = if env.is_dir() { env } else { env.parent()? };
        if let Some(declared) = declared {
            return Some(dir.join(declared));
        }
        let (major, minor, patch) = self.version;
        let versioned = (major, minor, patch) >= (1, 10, 8);
        let names = [
            versioned.then(|| format!("JuliaManifest-v{major}.{minor}.toml")),
            versioned.then(|| format!("Manifest-v{major}.{minor}.toml")),
            Some("JuliaManifest.toml".to_string()),
            Some("Manifest.toml".to_string()),
        ];
        names.into_iter().flatten().map(|name| dir.join(name)).find(|path| path.is_file())
    }
}

/// The project file of an environment given as a directory or a file.
pub fn project_file(env: &Path) -> Option<PathBuf> {
    if env.is_file() {
        return Some(env.to_path_buf());
    }
    PROJECT_NAMES.iter().map(|name| env.join(name)).find(|path| path.is_file())
}

/// `DEPOT_PATH`: `JULIA_DEPOT_PATH` (an empty entry stands for the bundled depots), else
/// `~/.julia` and the installation's own `local/share/julia` and `share/julia`.
fn depots(vars: &Variables, home: Option<&Path>, julia_root: Option<&Path>) -> Vec<PathBuf> {
    let bundled: Vec<PathBuf> =
        julia_root.map(|root| vec![root.join("local/share/julia"), root.join("share/julia")]).unwrap_or_default();
    match vars.get("JULIA_DEPOT_PATH").filter(|text| !text.is_empty()) {
        Some(text) => text
            .split(':')
            .flat_map(|entry| if entry.is_empty() { bundled.clone() } else { vec![PathBuf::from(entry)] })
            .collect(),
        None => home.map(|h| h.join(".julia")).into_iter().chain(bundled).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Variables {
        Variables::from_pairs(pairs.iter().map(|(k, v)| (k.into(), v.into())))
    }

    #[test]
    fn depots_follow_julia_depot_path() {
        let home = Path::new("/home/u");
        let root = Path::new("/opt/julia");
        assert_eq!(
            depots(&vars(&[]), Some(home), Some(root)),
            ["/home/u/.julia", "/opt/julia/local/share/julia", "/opt/julia/share/julia"].map(PathBuf::from)
        );
        assert_eq!(
            depots(&vars(&[("JULIA_DEPOT_PATH", "/scratch/depot:")]), Some(home), Some(root)),
            ["/scratch/depot", "/opt/julia/local/share/julia", "/opt/julia/share/julia"].map(PathBuf::from),
            "an empty entry is the bundled depots, not the user's"
        );
    }

    #[test]
    fn projects_expand_as_base_does() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let work = home.join("work/sub");
        std::fs::create_dir_all(&work).unwrap();
        std::fs::write(home.join("work/Project.toml"), "").unwrap();
        std::fs::create_dir_all(home.join(".julia/environments/v1.10")).unwrap();
        let env = vars(&[("HOME", home.to_str().unwrap())]);
        let layout = Layout::new((1, 10, 5), None, &env, &work);

        let (found, origin) = layout.active_project(Some("@."), &env).unwrap();
        assert_eq!(found, home.join("work/Project.toml"));
        assert!(origin.starts_with("--project=@. (searched upward"), "{origin}");
        assert_eq!(layout.active_project(None, &env), None, "no flag, no JULIA_PROJECT: none");
        let empty = vars(&[("HOME", home.to_str().unwrap()), ("JULIA_PROJECT", "")]);
        assert_eq!(layout.active_project(None, &empty), None, "an empty JULIA_PROJECT is none");
        let named = vars(&[("HOME", home.to_str().unwrap()), ("JULIA_PROJECT", "@v#.#")]);
        assert_eq!(layout.active_project(None, &named).unwrap().0, home.join(".julia/environments/v1.10"));
        let relative = layout.active_project(Some("../other"), &env).unwrap().0;
        assert_eq!(relative, work.join("../other"));

        let active = home.join("work/Project.toml");
        assert_eq!(
            layout.load_path(&env, Some(&active)),
            [active.clone(), home.join(".julia/environments/v1.10")],
            "the default load path: the active project, then @v#.#"
        );
        let custom = vars(&[("HOME", home.to_str().unwrap()), ("JULIA_LOAD_PATH", "/shared/env:")]);
        assert_eq!(
            layout.load_path(&custom, None),
            [PathBuf::from("/shared/env"), home.join(".julia/environments/v1.10")]
        );
    }

    #[test]
    fn upward_search_stops_at_home() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        std::fs::create_dir_all(home.join("nb")).unwrap();
        std::fs::write(tmp.path().join("Project.toml"), "").unwrap();
        let env = vars(&[("HOME", home.to_str().unwrap())]);
        let layout = Layout::new((1, 10, 5), None, &env, &home.join("nb"));
        assert_eq!(layout.active_project(Some("@."), &env), None);
    }

    #[test]
    fn versioned_manifests_win_from_1_10_8() {
        let tmp = tempfile::tempdir().unwrap();
        for name in ["Project.toml", "Manifest.toml", "Manifest-v1.11.toml"] {
            std::fs::write(tmp.path().join(name), "").unwrap();
        }
        let env = vars(&[]);
        let new = Layout::new((1, 11, 2), None, &env, tmp.path());
        assert_eq!(new.manifest(tmp.path(), None).unwrap(), tmp.path().join("Manifest-v1.11.toml"));
        let old = Layout::new((1, 10, 5), None, &env, tmp.path());
        assert_eq!(old.manifest(tmp.path(), None).unwrap(), tmp.path().join("Manifest.toml"));
        let project = tmp.path().join("Project.toml");
        assert_eq!(new.manifest(&project, Some("custom.toml")).unwrap(), tmp.path().join("custom.toml"));
    }
}
