//! Putting a kernel directory in place, or taking one away, so that whatever moment the process
//! is stopped at, Jupyter sees the old kernel or the new one — never half of one, never none
//! when one was there, and never a temporary directory.
//!
//! Work happens in a staging directory made (with a unique name, exclusively) in the parent of
//! the kernels directory: on the same filesystem, so renames are atomic, and outside what Jupyter
//! searches for kernels. A replacement exchanges the two directories in one `renameat2` call
//! where the filesystem supports it; elsewhere the old kernel is moved into staging and the new
//! one renamed into place, the old one put back if that fails. Staging left by a killed run is
//! removed by the next run once it is an hour old.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tempfile::TempDir;

use super::KernelError;

/// How staging directories start, so a later run can recognise what a killed one left.
const STAGING_PREFIX: &str = ".gpuwise-staging-";

/// Age after which a staging directory is a leftover: no install takes this long.
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// A private directory beside `kernels_dir`, removed (with whatever it holds) when dropped.
pub(super) struct Staging(TempDir);

impl Staging {
    /// Makes one in the parent of `kernels_dir`, first removing stale leftovers there.
    pub(super) fn beside(kernels_dir: &Path) -> Result<Staging, KernelError> {
        let root = kernels_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .ok_or_else(|| KernelError::NoParent(kernels_dir.to_path_buf()))?;
        remove_stale(root);
        tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(root)
            .map(Staging)
            .map_err(KernelError::io("create a staging directory in", root))
    }

    /// Where to build things.
    pub(super) fn path(&self) -> &Path {
        self.0.path()
    }
}

/// Puts the directory `new` (inside `staging`) at `target`. An existing `target` is replaced
/// atomically where the filesystem allows, and is kept until the new one is in place
/// everywhere; it is deleted with `staging`.
pub(super) fn put_in_place(new: &Path, target: &Path, staging: Staging) -> std::io::Result<()> {
    if std::fs::symlink_metadata(target).is_err() {
        return std::fs::rename(new, target);
    }
    if exchange(new, target).is_ok() {
        return Ok(());
    }
    let old = staging.path().join("old");
    std::fs::rename(target, &old)?;
    std::fs::rename(new, target).inspect_err(|_| {
        let _ = std::fs::rename(&old, target);
    })
}

/// Removes the kernel directory `dir` (a link is removed, not followed): moved into staging in
/// one rename, then deleted there.
pub(super) fn take_away(dir: &Path, kernels_dir: &Path) -> Result<(), KernelError> {
    let staging = Staging::beside(kernels_dir)?;
    std::fs::rename(dir, staging.path().join("old")).map_err(KernelError::io("remove", dir))
}

/// Swaps two paths in one step (Linux `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Removes staging directories in `root` older than [`STALE_AFTER`] (left by killed runs).
fn remove_stale(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    let now = SystemTime::now();
    let stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(STAGING_PREFIX)))
        .filter(|e| {
            let modified = e.metadata().and_then(|m| m.modified());
            modified.is_ok_and(|m| now.duration_since(m).is_ok_and(|age| age > STALE_AFTER))
        })
        .map(|e| e.path())
        .collect();
    for path in stale {
        let _ = std::fs::remove_dir_all(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kernel_dir(at: &Path, text: &str) {
        std::fs::create_dir_all(at).unwrap();
        std::fs::write(at.join("kernel.json"), text).unwrap();
    }

    #[test]
    fn replacing_leaves_the_new_kernel_and_nothing_else() {
        let data = tempfile::tempdir().unwrap();
        let kernels = data.path().join("kernels");
        kernel_dir(&kernels.join("k"), "old");
        let staging = Staging::beside(&kernels).unwrap();
        let new = staging.path().join("new");
        kernel_dir(&new, "new");
        put_in_place(&new, &kernels.join("k"), staging).unwrap();
        assert_eq!(std::fs::read_to_string(kernels.join("k/kernel.json")).unwrap(), "new");
        let left: Vec<_> = std::fs::read_dir(data.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["kernels"], "staging removed");
        assert_eq!(std::fs::read_dir(&kernels).unwrap().count(), 1);
    }

    #[test]
    fn taking_away_removes_a_link_not_its_target() {
        let data = tempfile::tempdir().unwrap();
        let kernels = data.path().join("kernels");
        let elsewhere = data.path().join("elsewhere");
        kernel_dir(&elsewhere, "{}");
        std::fs::create_dir_all(&kernels).unwrap();
        std::os::unix::fs::symlink(&elsewhere, kernels.join("k")).unwrap();
        take_away(&kernels.join("k"), &kernels).unwrap();
        assert!(std::fs::symlink_metadata(kernels.join("k")).is_err());
        assert!(elsewhere.join("kernel.json").is_file(), "the link's target stays");
    }

    #[test]
    fn stale_staging_is_cleaned_and_fresh_staging_kept() {
        let data = tempfile::tempdir().unwrap();
        let kernels = data.path().join("kernels");
        std::fs::create_dir_all(&kernels).unwrap();
        let stale = data.path().join(format!("{STAGING_PREFIX}stale"));
        let fresh = data.path().join(format!("{STAGING_PREFIX}fresh"));
        kernel_dir(&stale, "old");
        kernel_dir(&fresh, "running");
        let long_ago = SystemTime::now() - 2 * STALE_AFTER;
        std::fs::File::open(&stale).unwrap().set_modified(long_ago).unwrap();
        drop(Staging::beside(&kernels).unwrap());
        assert!(!stale.exists());
        assert!(fresh.exists(), "another run's staging is left alone");
    }
}
