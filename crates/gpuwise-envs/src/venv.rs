//! Virtual environments answered from their base interpreter: a venv runs its base's binary with
//! its own `sys.prefix`, so what the probe would print there follows from the base's answer and
//! the venv's files (`pyvenv.cfg`, its site-packages and `.pth` files), as CPython's `site`
//! computes it. Many venvs of one Python then cost one interpreter start, not one each. Only
//! exact answers are given; anything the rule does not cover (a patched distribution layout,
//! system site-packages, a `.pth` file running unknown code, a version mismatch) leaves the venv's
//! own interpreter to be asked.

use std::path::{Path, PathBuf};

use crate::interpreter::Interpreter;
use crate::pth::{self, normalise};

/// A virtual environment's configuration, from its `pyvenv.cfg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Venv {
    /// The directory holding `pyvenv.cfg`: the venv's `sys.prefix`.
    pub prefix: PathBuf,
    /// The base interpreter (`home` joined with its `python3.X`, `python3` or `python`).
    pub base: PathBuf,
    /// `version` (venv) or `version_info` (uv, virtualenv), when given.
    version: Option<String>,
    /// `include-system-site-packages = true`.
    system_site: bool,
}

/// The venv `python` (a `bin/python*` beside a `pyvenv.cfg` one level up) belongs to, when it
/// runs its base's binary (a link to it; a copy is asked itself).
pub fn read(python: &Path) -> Option<Venv> {
    let python = normalise(&std::path::absolute(python).ok()?);
    let prefix = python.parent()?.parent()?;
    let config = gpuwise_fs::read_text(prefix.join("pyvenv.cfg")).ok()?;
    // As site.py reads it: keys lower-cased, the last occurrence wins.
    let value = |key: &str| {
        config.lines().rev().find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim().to_lowercase() == key).then(|| v.trim().to_string())
        })
    };
    let home = std::fs::canonicalize(value("home")?).ok()?;
    let base = std::fs::canonicalize(&python).ok()?;
    if base.parent() != Some(home.as_path()) {
        return None;
    }
    let version = value("version").or_else(|| value("version_info"));
    // site.py's default when the key is absent is true.
    let system_site = value("include-system-site-packages").is_none_or(|v| v.eq_ignore_ascii_case("true"));
    Some(Venv { prefix: prefix.to_path_buf(), base, version, system_site })
}

/// What the probe would print in the venv's `python`, from its base interpreter's answer; `None`
/// when that is not exact.
pub fn derive(venv: &Venv, python: &Path, base: &Interpreter) -> Option<Interpreter> {
    let same_version = venv.version.as_deref().is_none_or(|v| v == base.markers.python_full_version);
    if venv.system_site || !same_version || base.prefix != base.base_prefix {
        return None;
    }
    // CPython's layout, unpatched: the base's only site directory is prefix/lib/pythonX.Y/site-packages.
    let relative = format!("lib/python{}/site-packages", base.markers.python_version);
    if base.site_packages != [Path::new(&base.prefix).join(&relative).display().to_string()] {
        return None;
    }
    // The standard library only: anything the base's own site step put first (a .pth insert, a
    // sitecustomize) would not be in the venv.
    let first_site = base.path.iter().position(|p| *p == base.site_packages[0])?;
    let lib = Path::new(&base.prefix).join("lib");
    let version = &base.markers.python_version;
    let stdlib = [
        lib.join(format!("python{}.zip", version.replace('.', ""))),
        lib.join(format!("python{version}")),
        lib.join(format!("python{version}/lib-dynload")),
    ]
    .map(|p| p.display().to_string());
    let site = venv.prefix.join(&relative);
    // A sitecustomize (in the venv's site-packages, or in the standard library as Debian ships
    // one) runs at every start and may change the path.
    let customised = [&site, &lib.join(format!("python{version}"))].iter().any(|d| d.join("sitecustomize.py").exists());
    if base.path[..first_site] != stdlib || !site.is_dir() || customised {
        return None;
    }
    let mut path: Vec<String> = base.path[..first_site].to_vec();
    path.push(site.display().to_string());
    let known = path.clone();
    path.extend(pth_entries(&site)?.into_iter().filter(|entry| !known.contains(entry)));
    Some(Interpreter {
        executable: normalise(&std::path::absolute(python).ok()?).display().to_string(),
        prefix: venv.prefix.display().to_string(),
        base_prefix: base.base_prefix.clone(),
        path,
        user_site: base.user_site.clone(),
        markers: base.markers.clone(),
        site_packages: vec![site.display().to_string()],
    })
}

/// The paths `site` adds for the `.pth` files of `site_dir`: each line naming a path that
/// exists, in file-name order, once each. `None` when a file runs code that may change
/// `sys.path`, or cannot be read as plain lines.
fn pth_entries(site_dir: &Path) -> Option<Vec<String>> {
    let mut entries: Vec<String> = Vec::new();
    for file in pth::read_all(site_dir)? {
        if !file.code.is_empty() && !file.hooks_only() {
            return None;
        }
        for dir in file.paths {
            let text = dir.display().to_string();
            if dir.exists() && !entries.contains(&text) {
                entries.push(text);
            }
        }
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interpreter::probe;
    use std::time::Duration;

    fn python3() -> Option<PathBuf> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).map(|d| d.join("python3")).find(|p| p.is_file())
    }

    /// A real venv of this machine's python3 (none when it has no venv module).
    fn venv(dir: &Path, args: &[&str]) -> Option<PathBuf> {
        let status = std::process::Command::new(python3()?)
            .args(["-m", "venv", "--without-pip"])
            .args(args)
            .arg(dir)
            .status()
            .ok()?;
        status.success().then(|| dir.join("bin/python"))
    }

    #[test]
    fn the_derived_answer_is_what_the_venv_itself_prints() {
        let dir = tempfile::tempdir().unwrap();
        let Some(python) = venv(&dir.path().join("v"), &[]) else { return };
        let site = dir.path().join("v/lib").read_dir().unwrap().next().unwrap().unwrap().path().join("site-packages");
        std::fs::create_dir_all(dir.path().join("src/pkg")).unwrap();
        std::fs::write(site.join("a-local.pth"), "# a comment\n../../../../src\nmissing-dir\n../../../../src\n")
            .unwrap();
        std::fs::write(site.join("distutils-precedence.pth"), "import os; os.environ.get('X')\n").unwrap();
        // A venv whose link does not lead into `home` (an unusual install) is asked itself.
        let Some(config) = read(&python) else { return };
        let Ok(base) = probe(&config.base, Duration::from_secs(30)) else { return };
        let Some(derived) = derive(&config, &python, &base) else {
            return; // a patched layout (Debian's dist-packages): the venv is asked itself
        };
        let asked = probe(&python, Duration::from_secs(30)).unwrap();
        assert_eq!(derived, asked);
        // The same interpreter named from the working directory through `..`.
        let up = std::env::current_dir().unwrap().components().count() - 1;
        let relative: PathBuf =
            std::iter::repeat_n(Path::new(".."), up).collect::<PathBuf>().join(python.strip_prefix("/").unwrap());
        let config = read(&relative).unwrap();
        assert_eq!(derive(&config, &relative, &base).as_ref(), Some(&asked), "a relative path gives absolute answers");
        assert!(derived.path.iter().any(|p| p.ends_with("/src")), "the .pth directory is on the path");
    }

    #[test]
    fn anything_not_exact_is_left_to_the_venv() {
        let dir = tempfile::tempdir().unwrap();
        let Some(python) = venv(&dir.path().join("v"), &["--system-site-packages"]) else { return };
        let Some(config) = read(&python) else { return };
        let Ok(base) = probe(&config.base, Duration::from_secs(30)) else { return };
        assert_eq!(derive(&config, &python, &base), None, "system site-packages");

        let plain = venv(&dir.path().join("w"), &[]).unwrap();
        let Some(config) = read(&plain) else { return };
        let site = plain
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join(format!("lib/python{}/site-packages", base.markers.python_version));
        if derive(&config, &plain, &base).is_none() {
            return; // a patched layout (Debian's dist-packages): every venv is asked itself
        }
        for (file, text, why) in [
            (".hidden.pth", "/tmp\n", "hidden .pth files: read before 3.13, skipped after"),
            ("sitecustomize.py", "import sys\n", "a sitecustomize runs at start-up"),
            ("easy-install.pth", "import sys; sys.path.insert(0, '/elsewhere')\n", "a .pth running unknown code"),
        ] {
            std::fs::write(site.join(file), text).unwrap();
            assert_eq!(derive(&config, &plain, &base), None, "{why}");
            std::fs::remove_file(site.join(file)).unwrap();
        }
        let cfg = plain.parent().unwrap().parent().unwrap().join("pyvenv.cfg");
        let text = std::fs::read_to_string(&cfg).unwrap();
        let without: String =
            text.lines().filter(|l| !l.starts_with("include-system")).map(|l| format!("{l}\n")).collect();
        std::fs::write(&cfg, without).unwrap();
        assert_eq!(derive(&read(&plain).unwrap(), &plain, &base), None, "site.py's default is system site-packages");
        assert_eq!(read(&dir.path().join("nothing/bin/python")), None, "no pyvenv.cfg");
    }
}
