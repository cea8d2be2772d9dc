//! `.pth` files, read as CPython's `site` reads them: each line a directory to add to the path
//! (relative to the site directory), a comment, or, when it starts with `import`, code run at
//! start-up.

use std::path::{Path, PathBuf};

/// One `.pth` file of a site directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PthFile {
    /// Its file name (`easy-install.pth`).
    pub name: String,
    /// The directories its path lines name (made absolute, whether or not they exist), in order.
    pub paths: Vec<PathBuf>,
    /// Its `import` lines, run when the interpreter starts.
    pub code: Vec<String>,
}

impl PthFile {
    /// True when its code only installs import hooks that leave `sys.path` and the modules
    /// found alone: setuptools' distutils shim, virtualenv's, NVIDIA's redirectors. (Editable
    /// installs' finders add modules and may add a path hook entry, so they are not among them.)
    pub fn hooks_only(&self) -> bool {
        let name = self.name.as_str();
        name == "distutils-precedence.pth"
            || name == "_virtualenv.pth"
            || (name.starts_with('_') && name.ends_with("_redirector.pth"))
    }

    /// True for setuptools' namespace-package shims (`NAME-nspkg.pth`): their code makes
    /// packages importable whose directories lie in the site directory anyway, so it adds no
    /// module that is not in a directory of the path.
    pub fn namespace_shim(&self) -> bool {
        self.name.ends_with("-nspkg.pth")
    }

    /// The modules its `import` lines import first (`import a, b; a.install()` -> `a`, `b`).
    pub fn imported(&self) -> impl Iterator<Item = &str> {
        self.code.iter().flat_map(|line| {
            let statement = line["import".len()..].split(';').next().unwrap_or("");
            statement.split(',').filter_map(|part| part.split_whitespace().next())
        })
    }
}

/// The `.pth` files of `site_dir`, in file-name order, as `site` processes them. `None` when one
/// cannot be read or is one `site` would read differently from plain lines: hidden (skipped
/// from 3.13 on, read before), with a byte-order mark or a line break other than `\n`.
pub fn read_all(site_dir: &Path) -> Option<Vec<PthFile>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(site_dir)
        .ok()?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".pth")))
        .collect();
    files.sort();
    files.iter().map(|file| read(site_dir, file)).collect()
}

fn read(site_dir: &Path, file: &Path) -> Option<PthFile> {
    let name = file.file_name()?.to_str()?.to_string();
    let text = gpuwise_fs::read_text(file).ok()?;
    let unusual = ['\u{feff}', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}', '\u{2029}', '\r'];
    if name.starts_with('.') || text.contains(unusual) {
        return None;
    }
    let mut pth = PthFile { name, paths: Vec::new(), code: Vec::new() };
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("import ") || line.starts_with("import\t") {
            pth.code.push(line.to_string());
        } else {
            pth.paths.push(normalise(&site_dir.join(line)));
        }
    }
    Some(pth)
}

/// `a/b/../c` -> `a/c`, as `os.path.abspath` does without touching the file system.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_paths_comments_or_code() {
        let site = tempfile::tempdir().unwrap();
        std::fs::write(site.path().join("b.pth"), "# comment\n../src\n\nimport a_finder, other; a_finder.install()\n")
            .unwrap();
        std::fs::write(site.path().join("a.pth"), "/abs/dir\n").unwrap();
        let files = read_all(site.path()).unwrap();
        assert_eq!(files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["a.pth", "b.pth"]);
        assert_eq!(files[0].paths, [PathBuf::from("/abs/dir")]);
        assert_eq!(files[1].paths, [site.path().parent().unwrap().join("src")]);
        assert_eq!(files[1].imported().collect::<Vec<_>>(), ["a_finder", "other"]);
        std::fs::write(site.path().join("c.pth"), "/x\r\n").unwrap();
        assert_eq!(read_all(site.path()), None, "a line break site.py would read otherwise");
    }
}
