//! Reading a shared library's ELF file without loading it: the file mapped read-only, and the
//! libraries its dynamic section says it needs.

use std::path::Path;

use memmap2::Mmap;
use object::{Object, read::elf::ElfFile64};

/// The file mapped read-only.
///
/// # Errors
/// A message naming the file when it cannot be opened or mapped.
pub fn map(library: &Path) -> Result<Mmap, String> {
    let file = gpuwise_fs::open_regular(library).map_err(|err| format!("{}: {err}", library.display()))?;
    // SAFETY: the mapping is read-only and private; a file truncated under us can fault, which
    // only happens if the framework is being reinstalled while doctor reads it.
    unsafe { Mmap::map(&file) }.map_err(|err| format!("{}: {err}", library.display()))
}

/// The parsed object, or a message naming the file when it is not an ELF library.
pub fn parse<'a>(library: &Path, data: &'a [u8]) -> Result<object::File<'a>, String> {
    object::File::parse(data).map_err(|err| format!("{} is not an ELF library: {err}", library.display()))
}

/// The sonames in the library's `DT_NEEDED` entries, in order: what the loader must find for
/// it to load.
///
/// # Errors
/// A message when the file cannot be read or is not a 64-bit ELF library.
pub fn needed(library: &Path) -> Result<Vec<String>, String> {
    let map = map(library)?;
    let elf = ElfFile64::<object::Endianness>::parse(&*map)
        .map_err(|err| format!("{} is not a 64-bit ELF library: {err}", library.display()))?;
    let libraries = elf.import_libraries().map_err(|err| format!("{}: dynamic section: {err}", library.display()))?;
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
        assert!(needed(&text).unwrap_err().contains("is not a 64-bit ELF library"));
        assert!(needed(&dir.path().join("missing.so")).is_err());
    }
}
