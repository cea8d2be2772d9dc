//! Reading a recorded system instead of probing (`gpuwise doctor --system FILE`).

use std::path::{Path, PathBuf};

use gpuwise_core::{Report, SnapshotError, System};

/// Why a snapshot file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read snapshot `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is not a snapshot.
    #[error("snapshot `{path}` is not usable: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: SnapshotError,
    },
}

/// Loads a system from `path`: a whole `gpuwise doctor --json` report or its `system` object.
///
/// # Errors
/// [`LoadError`] naming the path when the file is unreadable, not UTF-8, not JSON, or not a system.
pub fn load(path: &Path) -> Result<System, LoadError> {
    let bytes = gpuwise_fs::read(path).map_err(|source| LoadError::Read { path: path.to_path_buf(), source })?;
    let text = String::from_utf8(bytes).map_err(|err| LoadError::Read {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not UTF-8 text ({err})")),
    })?;
    Report::system_from_snapshot(&text).map_err(|source| LoadError::Parse { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file_and_the_problem() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("missing.json");
        let err = load(&missing).unwrap_err().to_string();
        assert!(err.contains("missing.json") && err.contains("cannot read"), "{err}");

        let binary = tmp.path().join("binary.json");
        std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
        let err = load(&binary).unwrap_err().to_string();
        assert!(err.contains("not UTF-8"), "{err}");

        let truncated = tmp.path().join("truncated.json");
        std::fs::write(&truncated, r#"{"system": {"devices": [{"index": 0,"#).unwrap();
        let err = load(&truncated).unwrap_err().to_string();
        assert!(err.contains("truncated.json") && err.contains("not valid JSON"), "{err}");

        // A wrong type deep in a whole report: the field's path and its line are named.
        let wrong = tmp.path().join("wrong.json");
        std::fs::write(&wrong, "{\"schema_version\": 1,\n \"system\": {\"devices\": [\n  {\"index\": \"zero\"}]}}\n")
            .unwrap();
        let err = load(&wrong).unwrap_err().to_string();
        assert!(
            err.contains("wrong.json") && err.contains("system.devices[0].index") && err.contains("line 3"),
            "{err}"
        );
        let bare = tmp.path().join("bare.json");
        std::fs::write(&bare, "{\"os\": {\"name\": 7}}").unwrap();
        let err = load(&bare).unwrap_err().to_string();
        assert!(err.contains("`os.name`") && err.contains("line 1"), "{err}");
    }
}
