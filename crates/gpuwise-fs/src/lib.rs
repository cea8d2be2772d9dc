//! Reading files on a machine that may be broken or hostile.
//!
//! doctor reads files it did not write: package metadata, kernelspecs, Julia manifests, a
//! snapshot or profile the user names, driver files under /proc and /sys. Any of them can be a
//! FIFO (opening it blocks until a writer comes, forever), a link to a device such as
//! /dev/zero (reading never ends), or simply huge. Every read here opens without blocking,
//! accepts only a regular file, and stops at a size limit; each refusal is an
//! [`std::io::Error`] whose message says what the path is instead (callers name the path).
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("METADATA");
//! std::fs::write(&path, "Name: numba\n").unwrap();
//! assert_eq!(gpuwise_fs::read_text(&path).unwrap(), "Name: numba\n");
//! assert!(gpuwise_fs::read_text(dir.path()).unwrap_err().to_string().contains("a directory"));
//! ```

use std::fs::File;
use std::io::{Error, ErrorKind, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The most a file read whole may hold: 16 MiB (the largest package metadata and Julia
/// manifests are a few MiB).
pub const TEXT_LIMIT: u64 = 16 << 20;

/// Opens `path` for reading if it is a regular file, without ever blocking: a FIFO, socket,
/// device or directory is an error naming what it is.
pub fn open_regular(path: impl AsRef<Path>) -> std::io::Result<File> {
    let file = File::options().read(true).custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC).open(path.as_ref())?;
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    let what = if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    };
    Err(Error::new(ErrorKind::InvalidInput, format!("{what}, not a regular file")))
}

/// The bytes of the regular file `path`, at most `limit` of them: a larger file is an error.
pub fn read_limited(path: impl AsRef<Path>, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path)?.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!("larger than {} KiB, more than gpuwise reads", limit >> 10),
        ));
    }
    Ok(bytes)
}

/// The bytes of the regular file `path`, up to [`TEXT_LIMIT`].
pub fn read(path: impl AsRef<Path>) -> std::io::Result<Vec<u8>> {
    read_limited(path, TEXT_LIMIT)
}

/// The text of the regular file `path`, up to [`TEXT_LIMIT`]; not UTF-8 is an error.
pub fn read_text(path: impl AsRef<Path>) -> std::io::Result<String> {
    String::from_utf8(read(path)?).map_err(|_| Error::new(ErrorKind::InvalidData, "not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("kernel.json");
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let err = read_text(&fifo).unwrap_err();
        assert!(err.to_string().contains("a FIFO"), "{err}");
    }

    #[test]
    fn devices_and_huge_files_end() {
        let err = read_text(Path::new("/dev/zero")).unwrap_err();
        assert!(err.to_string().contains("a device"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("METADATA");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(read(&link).unwrap_err().to_string().contains("a device"));
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 1025]).unwrap();
        assert!(read_limited(&big, 1024).unwrap_err().to_string().contains("larger than"));
        assert_eq!(read_limited(&big, 1025).unwrap().len(), 1025);
    }

    #[test]
    fn proc_files_of_size_zero_are_read_whole() {
        assert!(read_text(Path::new("/proc/self/status")).unwrap().contains("Name:"));
    }

    #[test]
    fn missing_files_and_bad_text_are_errors() {
        assert_eq!(read(Path::new("/nonexistent/METADATA")).unwrap_err().kind(), ErrorKind::NotFound);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad"), b"\xff\xfe").unwrap();
        assert!(read_text(dir.path().join("bad")).unwrap_err().to_string().contains("not UTF-8"));
    }
}
