//! Reading a shared library's ELF file without loading it: the file mapped read-only, and the
//! libraries its dynamic section says it needs.

use std::path::{Path, PathBuf};

use memmap2::Mmap;
use object::{Object, read::elf::ElfFile64};

/// A library file that could not be read as one.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// It cannot be opened or mapped.
    #[error("{}: {source}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It is not an ELF library (of the kind asked for).
    #[error("{} is not {kind}: {source}", path.display())]
    NotElf {
        /// The file.
        path: PathBuf,
        /// `an ELF library`, `a 64-bit ELF library`.
        kind: &'static str,
        /// What the parser said.
        source: object::Error,
    },
    /// A section of it cannot be read.
    #[error("{}: {section}: {source}", path.display())]
    Section {
        /// The file.
        path: PathBuf,
        /// `.nv_fatbin`, `dynamic section`.
        section: &'static str,
        /// What the parser said.
        source: object::Error,
    },
}

impl LibraryError {
    /// A parser's complaint about `section` of `library`.
    pub(crate) fn section(library: &Path, section: &'static str) -> impl FnOnce(object::Error) -> LibraryError {
        let path = library.to_path_buf();
        move |source| LibraryError::Section { path, section, source }
    }
}

/// The file mapped read-only.
pub fn map(library: &Path) -> Result<Mmap, LibraryError> {
    let unreadable = |source| LibraryError::Unreadable { path: library.to_path_buf(), source };
    let file = gpuwise_fs::open_regular(library).map_err(unreadable)?;
    // SAFETY: the mapping is read-only and private; a file truncated under us can fault, which
    // only happens if the framework is being reinstalled while doctor reads it.
    unsafe { Mmap::map(&file) }.map_err(unreadable)
}

/// The parsed object.
pub fn parse<'a>(library: &Path, data: &'a [u8]) -> Result<object::File<'a>, LibraryError> {
    object::File::parse(data).map_err(|source| LibraryError::NotElf {
        path: library.to_path_buf(),
        kind: "an ELF library",
        source,
    })
}

/// The sonames in the library's `DT_NEEDED` entries, in order: what the loader must find for
/// it to load.
pub fn needed(library: &Path) -> Result<Vec<String>, LibraryError> {
    let map = map(library)?;
    let elf = ElfFile64::<object::Endianness>::parse(&*map).map_err(|source| LibraryError::NotElf {
        path: library.to_path_buf(),
        kind: "a 64-bit ELF library",
        source,
    })?;
    let libraries = elf.import_libraries().map_err(LibraryError::section(library, "dynamic section"))?;
    Ok(libraries.filter_map(Result::ok).map(|l| String::from_utf8_lossy(l.name()).into_owned()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_library_lists_what_it_needs_and_text_is_refused() {
        // The test binary's own C library needs the loader; every Linux machine has it.
        let libc = ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib64/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6"]
            .into_iter()
            .map(Path::new)
            .find(|p| p.exists());
        if let Some(libc) = libc {
            let needed = needed(libc).unwrap();
            assert!(needed.iter().any(|n| n.starts_with("ld-linux")), "{needed:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("libtorch_cuda.so");
        std::fs::write(&text, "not an ELF file").unwrap();
        assert!(needed(&text).unwrap_err().to_string().contains("is not a 64-bit ELF library"));
        assert!(needed(&dir.path().join("missing.so")).is_err());
    }
}
