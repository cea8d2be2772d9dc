//! Files gpuwise writes: whole or not at all.

use std::io::Write as _;
use std::path::Path;

/// Writes `text` to a new temporary file beside `path` (a unique name, created exclusively, so
/// nothing planted there is followed), then renames it over `path`: never a half-written chart
/// or profile. The temporary file is removed when anything fails.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // Readable as any file the user writes (the umask applies), not only by the owner.
    let mode = std::os::unix::fs::PermissionsExt::from_mode(0o666);
    let mut temp = tempfile::Builder::new().prefix(".gpuwise-").suffix(".tmp").permissions(mode).tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    temp.persist(path).map(drop).map_err(|err| err.error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planted_link_is_not_followed_and_nothing_is_left_beside() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let chart = dir.path().join("chart.svg");
        // The name the temporary file once had, planted as a link to the victim.
        let planted = dir.path().join(format!(".chart.svg.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        write_atomically(&chart, "<svg/>").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(&chart).unwrap(), "<svg/>");
        let mode = |p: &Path| std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(p).unwrap().permissions());
        assert_eq!(mode(&chart), mode(&victim), "the mode any file written here gets (the umask's)");
        let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, [planted.file_name().unwrap(), chart.file_name().unwrap(), victim.file_name().unwrap()]);
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomically(&dir.path().join("no/such/chart.svg"), "x").is_err());
    }
}
