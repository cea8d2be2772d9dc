//! Version-manager shims (pyenv, asdf): the real interpreter a shim would run, read from the
//! manager's own files the way the manager reads them, so the probe starts Python directly
//! instead of paying for the manager's shell scripts first. Only exact answers are given: a
//! version that is a prefix, a path or a reference, a manager that is not recognised, or anything
//! unreadable leaves the shim to be run as it is.

use std::path::{Path, PathBuf};

use gpuwise_core::Variables;

/// The interpreter the shim at `python` runs for a shell with `vars` in `cwd`; `None` when
/// `python` is no shim of a known manager or the answer is not exact.
pub fn resolve(python: &Path, vars: &Variables, cwd: &Path) -> Option<PathBuf> {
    let shims = python.parent().filter(|dir| dir.file_name().is_some_and(|n| n == "shims"))?;
    let root = shims.parent()?;
    let program = python.file_name()?.to_str()?;
    let script = gpuwise_fs::read_text(python).ok()?;
    if script.contains("pyenv") && root.join("versions").is_dir() {
        pyenv(root, program, vars, cwd)
    } else if script.contains("asdf") && root.join("installs").is_dir() {
        asdf(root, program, vars, cwd)
    } else {
        None
    }
}

/// pyenv: `PYENV_VERSION` (`:`-separated), else the nearest `.python-version` from `PYENV_DIR`
/// up, then from the working directory up, else `$PYENV_ROOT/version`, else `system`; the first
/// of those versions that has the program runs it.
fn pyenv(root: &Path, program: &str, vars: &Variables, cwd: &Path) -> Option<PathBuf> {
    let versions: Vec<String> = match vars.get("PYENV_VERSION").filter(|v| !v.is_empty()) {
        Some(listed) => listed.split(':').map(str::to_string).collect(),
        None => {
            let file = vars
                .get("PYENV_DIR")
                .and_then(|dir| nearest(Path::new(dir), ".python-version"))
                .or_else(|| nearest(cwd, ".python-version"))
                .or_else(|| Some(root.join("version")).filter(|f| f.is_file()));
            match file {
                Some(file) => words(&gpuwise_fs::read_text(&file).ok()?),
                None => vec!["system".into()],
            }
        }
    };
    first_with(program, &versions, |version| root.join("versions").join(version).join("bin"))
}

/// asdf: `ASDF_PYTHON_VERSION`, else the `python` line of the nearest `.tool-versions` from the
/// working directory up, else of `$HOME/.tool-versions`; the first listed version that has the
/// program runs it. With legacy version files enabled (`.python-version` counts too) it gives up.
fn asdf(root: &Path, program: &str, vars: &Variables, cwd: &Path) -> Option<PathBuf> {
    let home = vars.get("HOME").map(PathBuf::from);
    let rc = vars.get("ASDF_CONFIG_FILE").map(PathBuf::from).or_else(|| Some(home.as_ref()?.join(".asdfrc")));
    let settings = rc.and_then(|rc| gpuwise_fs::read_text(rc).ok()).unwrap_or_default();
    let setting = |line: &str| line.split_once('=').map(|(k, v)| (k.trim().to_string(), v.trim().to_string()));
    if settings.lines().filter_map(setting).any(|(k, v)| k == "legacy_version_file" && v == "yes") {
        return None;
    }
    let name = vars.get("ASDF_DEFAULT_TOOL_VERSIONS_FILENAME").unwrap_or(".tool-versions");
    let versions: Vec<String> = match vars.get("ASDF_PYTHON_VERSION").filter(|v| !v.is_empty()) {
        Some(version) => vec![version.to_string()],
        None => {
            let global = home.map(|h| h.join(name)).filter(|f| f.is_file());
            let text = gpuwise_fs::read_text(nearest(cwd, name).or(global)?).ok()?;
            // asdf splits a line on spaces only.
            let words = |line: &str| line.split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect::<Vec<_>>();
            let line = text.lines().map(words).find(|w| w.first().is_some_and(|tool| tool == "python"))?;
            line[1..].to_vec()
        }
    };
    first_with(program, &versions, |version| root.join("installs/python").join(version).join("bin"))
}

/// The program in the first version whose directory has it. `system` and anything that is not a
/// plain installed version name (a prefix, a path, `ref:`) give up: the manager decides those.
fn first_with(program: &str, versions: &[String], bin: impl Fn(&str) -> PathBuf) -> Option<PathBuf> {
    for version in versions {
        let plain = !version.is_empty()
            && version != "system"
            && !version.contains(['/', ':'])
            && version != ".."
            && version != ".";
        if !plain {
            return None;
        }
        let dir = bin(version);
        if !dir.parent().is_some_and(Path::is_dir) {
            return None; // not installed under this exact name: the manager may match a prefix
        }
        let candidate = dir.join(program);
        if crate::is_executable(&candidate) {
            return Some(candidate);
        }
    }
    None
}

/// The versions a pyenv version file lists: the first word of each line, comments skipped.
fn words(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|word| !word.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The file called `name` in `start` or the nearest directory above it.
fn nearest(start: &Path, name: &str) -> Option<PathBuf> {
    start.ancestors().map(|dir| dir.join(name)).find(|file| file.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    struct Manager {
        dir: tempfile::TempDir,
    }

    impl Manager {
        fn new(shim: &str, versions_dir: &str, versions: &[&str]) -> Self {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().join("root");
            std::fs::create_dir_all(root.join("shims")).unwrap();
            std::fs::write(root.join("shims/python3"), shim).unwrap();
            for version in versions {
                let bin = root.join(versions_dir).join(version).join("bin");
                std::fs::create_dir_all(&bin).unwrap();
                std::fs::write(bin.join("python3"), "").unwrap();
                std::fs::set_permissions(bin.join("python3"), std::fs::Permissions::from_mode(0o755)).unwrap();
            }
            std::fs::create_dir_all(dir.path().join("home/project/src")).unwrap();
            Manager { dir }
        }
        fn path(&self, relative: &str) -> PathBuf {
            self.dir.path().join(relative)
        }
        fn write(&self, relative: &str, text: &str) {
            std::fs::write(self.path(relative), text).unwrap();
        }
        fn resolve(&self, vars: &[(&str, &str)]) -> Option<PathBuf> {
            let home = self.path("home");
            let mut pairs = vec![("HOME", home.to_str().unwrap())];
            pairs.extend_from_slice(vars);
            resolve(&self.path("root/shims/python3"), &Variables::from_text(pairs), &self.path("home/project/src"))
        }
    }

    const PYENV: &str = "#!/usr/bin/env bash\nexec \"/root/.pyenv/libexec/pyenv\" exec \"$program\" \"$@\"\n";
    const ASDF: &str = "#!/usr/bin/env bash\n# asdf-plugin: python 3.11.7\nexec asdf exec \"python3\" \"$@\"\n";

    #[test]
    fn pyenv_reads_the_variable_then_the_nearest_file_then_the_global_one() {
        let m = Manager::new(PYENV, "versions", &["3.11.7", "3.12.1"]);
        let bin = |v: &str| Some(m.path(&format!("root/versions/{v}/bin/python3")));
        assert_eq!(m.resolve(&[]), None, "no version file: system python, which pyenv finds on PATH");
        m.write("root/version", "3.12.1\n");
        assert_eq!(m.resolve(&[]), bin("3.12.1"));
        m.write("home/project/.python-version", "# pinned\n3.11.7\n");
        assert_eq!(m.resolve(&[]), bin("3.11.7"), "the project's file wins over the global one");
        assert_eq!(m.resolve(&[("PYENV_VERSION", "3.12.1")]), bin("3.12.1"), "the variable wins");
        let other = m.path("elsewhere");
        std::fs::create_dir_all(&other).unwrap();
        let pyenv_dir = [("PYENV_DIR", other.to_str().unwrap())];
        assert_eq!(m.resolve(&pyenv_dir), bin("3.11.7"), "nothing above PYENV_DIR: the working directory's");
        assert_eq!(m.resolve(&[("PYENV_VERSION", "3.9.0:3.12.1")]), None, "3.9.0 is not installed");
        m.write("home/project/.python-version", "3.11\n");
        assert_eq!(m.resolve(&[]), None, "a prefix is pyenv's to match");
        m.write("home/project/.python-version", "system\n");
        assert_eq!(m.resolve(&[]), None);
    }

    #[test]
    fn pyenv_skips_versions_without_the_program() {
        let m = Manager::new(PYENV, "versions", &["3.11.7"]);
        std::fs::create_dir_all(m.path("root/versions/2.7.18/bin")).unwrap();
        assert_eq!(m.resolve(&[("PYENV_VERSION", "2.7.18:3.11.7")]), Some(m.path("root/versions/3.11.7/bin/python3")));
    }

    #[test]
    fn asdf_reads_its_tool_versions() {
        let m = Manager::new(ASDF, "installs/python", &["3.11.7", "3.12.1"]);
        assert_eq!(m.resolve(&[]), None, "no .tool-versions anywhere");
        m.write("home/.tool-versions", "nodejs 20.1.0\npython 3.12.1\n");
        assert_eq!(m.resolve(&[]), Some(m.path("root/installs/python/3.12.1/bin/python3")));
        m.write("home/project/.tool-versions", "python 3.11.7 3.12.1\n");
        assert_eq!(m.resolve(&[]), Some(m.path("root/installs/python/3.11.7/bin/python3")));
        assert_eq!(
            m.resolve(&[("ASDF_PYTHON_VERSION", "3.12.1")]),
            Some(m.path("root/installs/python/3.12.1/bin/python3"))
        );
        m.write("home/project/.tool-versions", "python\t3.11.7\n");
        assert_eq!(m.resolve(&[]), None, "a tab is no separator to asdf: no python line here");
        m.write("home/project/.tool-versions", "python ref:v3.13.0\n");
        assert_eq!(m.resolve(&[]), None);
        m.write("home/project/.tool-versions", "python 3.11.7\n");
        m.write("home/.asdfrc", "legacy_version_file = yes\n");
        assert_eq!(m.resolve(&[]), None, "a .python-version may count too: asdf decides");
    }

    #[test]
    fn other_programs_are_left_alone() {
        let m = Manager::new("#!/bin/sh\nexec mise x -- python3 \"$@\"\n", "installs/python", &["3.11.7"]);
        assert_eq!(m.resolve(&[("ASDF_PYTHON_VERSION", "3.11.7")]), None, "not a manager this reads");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("python3"), PYENV).unwrap();
        assert_eq!(resolve(&dir.path().join("python3"), &Variables::from_text([]), dir.path()), None, "not in shims/");
    }
}
