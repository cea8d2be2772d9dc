//! Whether a module is where an interpreter imports from, judged from files as Python's
//! path-based finder looks for it: what `python -m MODULE` needs before anything runs.

use std::path::{Path, PathBuf};

use crate::pth::{self, PthFile};

/// What looking for a module found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleLookup {
    /// It is there: its file, package directory, or the editable install's finder that maps it.
    Found(PathBuf),
    /// No directory of the import path holds it, and nothing there could provide it otherwise.
    Missing,
    /// It is in no directory, but something the files cannot tell about could provide it: why.
    Unknown(String),
}

/// Looks for `module` (`ipykernel_launcher`, `a.b.c`) in the directories of `path` (import
/// order), the directories the `.pth` files of the site directories `sites` add, and the
/// editable installs those `.pth` files set up. Other code a `.pth` file runs at start-up
/// (besides import hooks that add no module and namespace-package shims), or an archive on the
/// path, leaves a module found nowhere `Unknown`.
pub fn find(module: &str, path: &[PathBuf], sites: &[PathBuf]) -> ModuleLookup {
    let parts: Vec<&str> = module.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return ModuleLookup::Missing;
    }
    let pth_files: Vec<(&PathBuf, Option<Vec<PthFile>>)> = sites.iter().map(|s| (s, pth::read_all(s))).collect();
    let added = pth_files.iter().flat_map(|(_, files)| files.iter().flatten().flat_map(|f| f.paths.iter()));
    let mut archive = None;
    for entry in path.iter().chain(added) {
        if entry.is_file() {
            archive.get_or_insert(entry);
        } else if let Some(found) = in_directory(entry, &parts) {
            return ModuleLookup::Found(found);
        }
    }
    for (site, files) in &pth_files {
        let Some(files) = files else {
            return ModuleLookup::Unknown(format!(
                "the .pth files of {} cannot be read as plain lines",
                site.display()
            ));
        };
        for file in files.iter().filter(|f| !f.code.is_empty() && !f.hooks_only() && !f.namespace_shim()) {
            match editable_finder(site, file, parts[0]) {
                PthCode::Maps(finder) => return ModuleLookup::Found(finder),
                PthCode::MapsOthers => {}
                PthCode::Unknown => {
                    let pth = site.join(&file.name);
                    return ModuleLookup::Unknown(format!(
                        "{} runs code at start-up that may provide it",
                        pth.display()
                    ));
                }
            }
        }
    }
    match archive {
        Some(zip) => {
            ModuleLookup::Unknown(format!("{} is an archive on the import path, which is not read", zip.display()))
        }
        None => ModuleLookup::Missing,
    }
}

/// The module `parts` in the directory `dir`: a package directory (regular or namespace), a
/// source, compiled or extension module file.
fn in_directory(dir: &Path, parts: &[&str]) -> Option<PathBuf> {
    let (last, packages) = parts.split_last()?;
    let parent = packages.iter().fold(dir.to_path_buf(), |path, part| path.join(part));
    if !parent.is_dir() {
        return None;
    }
    let package = parent.join(last);
    if package.is_dir() {
        return Some(package);
    }
    for suffix in [".py", ".pyc"] {
        let file = parent.join(format!("{last}{suffix}"));
        if file.is_file() {
            return Some(file);
        }
    }
    // An extension module: NAME.so, or NAME.<tag>.so (`.cpython-312-x86_64-linux-gnu.so`, `.abi3.so`).
    let prefix = format!("{last}.");
    std::fs::read_dir(&parent).ok()?.filter_map(Result::ok).map(|e| e.path()).find(|path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let tag = name.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix("so"));
        tag.is_some_and(|tag| tag.is_empty() || (tag.ends_with('.') && tag.matches('.').count() == 1)) && path.is_file()
    })
}

/// What the code of a `.pth` file does for a top-level module name.
enum PthCode {
    /// A setuptools editable install whose finder maps the name: the finder's file.
    Maps(PathBuf),
    /// A setuptools editable install of other modules.
    MapsOthers,
    /// Anything else: what it does cannot be told from files.
    Unknown,
}

/// setuptools writes `__editable__.NAME-VERSION.pth` importing `__editable___..._finder`, whose
/// `MAPPING` names every top-level module and package it provides, each as a quoted string.
fn editable_finder(site: &Path, file: &PthFile, top: &str) -> PthCode {
    if !file.name.starts_with("__editable__.") {
        return PthCode::Unknown;
    }
    let mut other = false;
    for module in file.imported() {
        let finder = site.join(format!("{module}.py"));
        let Ok(text) = gpuwise_fs::read_text(&finder) else { return PthCode::Unknown };
        if text.contains(&format!("'{top}'")) || text.contains(&format!("\"{top}\"")) {
            return PthCode::Maps(finder);
        }
        other = true;
    }
    if other { PthCode::MapsOthers } else { PthCode::Unknown }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }

    #[test]
    fn modules_packages_and_extensions_are_found_in_import_order() {
        let dir = tempfile::tempdir().unwrap();
        let (first, site) = (dir.path().join("first"), dir.path().join("site-packages"));
        touch(&site.join("ipykernel_launcher.py"));
        touch(&site.join("ipykernel/kernelapp.py"));
        touch(&site.join("zmq/backend/cython/_zmq.cpython-312-x86_64-linux-gnu.so"));
        touch(&first.join("ipykernel_launcher.pyc"));
        let path = [first.clone(), site.clone()];
        assert_eq!(find("ipykernel_launcher", &path, &[]), ModuleLookup::Found(first.join("ipykernel_launcher.pyc")));
        assert_eq!(find("ipykernel", &path, &[]), ModuleLookup::Found(site.join("ipykernel")));
        assert_eq!(find("ipykernel.kernelapp", &path, &[]), ModuleLookup::Found(site.join("ipykernel/kernelapp.py")));
        assert!(matches!(find("zmq.backend.cython._zmq", &path, &[]), ModuleLookup::Found(_)));
        touch(&site.join("other.part.cpython-312-x86_64-linux-gnu.so"));
        assert_eq!(find("other", &path, &[]), ModuleLookup::Missing, "not an extension module's name");
        assert_eq!(find("ipykernel.missing", &path, &[]), ModuleLookup::Missing);
        assert_eq!(find("bash_kernel", &path, std::slice::from_ref(&site)), ModuleLookup::Missing);
        assert_eq!(find("a..b", &path, &[]), ModuleLookup::Missing);
    }

    #[test]
    fn pth_files_add_directories_and_editable_installs() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site-packages");
        std::fs::create_dir_all(&site).unwrap();
        touch(&dir.path().join("src/ipykernel_launcher.py"));
        std::fs::write(site.join("local.pth"), "../src\n").unwrap();
        std::fs::write(site.join("distutils-precedence.pth"), "import os; var = 'SETUPTOOLS_USE_DISTUTILS'\n").unwrap();
        std::fs::write(
            site.join("zope.interface-5.4.0-nspkg.pth"),
            "import sys, types, os;has_mfs = sys.version_info > (3, 5)\n",
        )
        .unwrap();
        let path = [site.clone()];
        let sites = [site.clone()];
        assert_eq!(
            find("ipykernel_launcher", &path, &sites),
            ModuleLookup::Found(dir.path().join("src/ipykernel_launcher.py")),
            "a directory a .pth file adds, as for the user site, which the probe leaves out"
        );
        std::fs::write(
            site.join("__editable__.mine-1.0.pth"),
            "import __editable___mine_1_0_finder; __editable___mine_1_0_finder.install()\n",
        )
        .unwrap();
        std::fs::write(
            site.join("__editable___mine_1_0_finder.py"),
            "MAPPING: dict[str, str] = {'mine': '/src/mine'}\n",
        )
        .unwrap();
        assert_eq!(find("mine", &path, &sites), ModuleLookup::Found(site.join("__editable___mine_1_0_finder.py")));
        assert_eq!(find("ipykernel", &path, &sites), ModuleLookup::Missing, "the finder maps only its own modules");
        std::fs::write(site.join("hook.pth"), "import sys; sys.meta_path.append(object())\n").unwrap();
        assert!(matches!(find("ipykernel", &path, &sites), ModuleLookup::Unknown(why) if why.contains("hook.pth")));
    }

    #[test]
    fn an_archive_on_the_path_leaves_a_missing_module_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let egg = dir.path().join("old.egg");
        touch(&egg);
        let path = [dir.path().to_path_buf(), egg.clone()];
        assert!(matches!(find("ipykernel", &path, &[]), ModuleLookup::Unknown(why) if why.contains("old.egg")));
        touch(&dir.path().join("ipykernel/__init__.py"));
        assert!(matches!(find("ipykernel", &path, &[]), ModuleLookup::Found(_)));
    }
}
