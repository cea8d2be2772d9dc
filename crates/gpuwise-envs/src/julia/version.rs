//! Which Julia a `julia` program is: from its installation's `julia_version.h`, else by asking it
//! for `--version` (which starts no runtime).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::error::JuliaError;
use crate::process::{self, RunError};

/// A Julia version: `(1, 10, 5)`.
pub type JuliaVersion = (u32, u32, u32);

/// The version of the Julia `program` runs and where it was learnt, or why it could not be.
pub fn julia_version(program: &Path, timeout: Duration) -> Result<(JuliaVersion, String), JuliaError> {
    let path = || program.to_path_buf();
    if program.components().count() == 1 {
        return Err(JuliaError::NotOnPath(path()));
    }
    let real = std::fs::canonicalize(program).map_err(|source| JuliaError::Unresolvable { path: path(), source })?;
    let header = real.parent().and_then(Path::parent).map(|root| root.join("include/julia/julia_version.h"));
    if let Some(header) = header.filter(|h| h.is_file()) {
        let text = gpuwise_fs::read_text(&header).unwrap_or_default();
        if let Some(version) = text.lines().find_map(header_version) {
            return Ok((version, header.display().to_string()));
        }
    }
    let finished = process::run(Command::new(program).arg("--version"), timeout).map_err(|err| match err {
        RunError::Spawn(reason) => JuliaError::CannotRun { path: path(), reason: reason.to_string() },
        RunError::TimedOut => JuliaError::TimedOut { path: path(), timeout },
    })?;
    let text = String::from_utf8_lossy(&finished.stdout);
    let version = text
        .trim()
        .strip_prefix("julia version ")
        .and_then(parse)
        .ok_or_else(|| JuliaError::NotJulia { path: path(), printed: text.trim().to_string() })?;
    Ok((version, format!("{} --version", program.display())))
}

/// `#define JULIA_VERSION_STRING "1.10.5"` -> `(1, 10, 5)`.
fn header_version(line: &str) -> Option<JuliaVersion> {
    let value = line.strip_prefix("#define JULIA_VERSION_STRING")?.trim().trim_matches('"');
    parse(value)
}

/// `1.10.5`, `1.12.0-rc1` or `1.11.2+0.x64.linux.gnu` -> the numeric triple.
pub fn parse(text: &str) -> Option<JuliaVersion> {
    let core = text.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next().flatten().unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_release_and_prerelease_forms() {
        assert_eq!(parse("1.10.5"), Some((1, 10, 5)));
        assert_eq!(parse("1.12.0-rc1"), Some((1, 12, 0)));
        assert_eq!(parse("1.11.2+0.x64.linux.gnu"), Some((1, 11, 2)));
        assert_eq!(parse("garbage"), None);
        assert_eq!(header_version("#define JULIA_VERSION_STRING \"1.10.5\""), Some((1, 10, 5)));
    }

    #[test]
    fn reads_the_header_without_running_julia() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        std::fs::create_dir_all(dir.path().join("include/julia")).unwrap();
        // Not executable: reading the header must not need to run it.
        std::fs::write(dir.path().join("bin/julia"), "").unwrap();
        std::fs::write(dir.path().join("include/julia/julia_version.h"), "#define JULIA_VERSION_STRING \"1.11.3\"\n")
            .unwrap();
        let (version, from) = julia_version(&dir.path().join("bin/julia"), Duration::from_secs(1)).unwrap();
        assert_eq!(version, (1, 11, 3));
        assert!(from.ends_with("julia_version.h"));
    }

    #[test]
    fn asks_the_program_otherwise_and_rejects_garbage() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let script = |name: &str, body: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            path
        };
        let good = script("julia", "echo 'julia version 1.10.9'");
        assert_eq!(julia_version(&good, Duration::from_secs(5)).unwrap().0, (1, 10, 9));
        let bad = script("garbage", "echo hello");
        assert!(julia_version(&bad, Duration::from_secs(5)).unwrap_err().to_string().contains("hello"));
        let slow = script("slow", "sleep 5");
        let err = julia_version(&slow, Duration::from_millis(200)).unwrap_err();
        assert!(matches!(err, JuliaError::TimedOut { .. }), "{err}");
    }
}
