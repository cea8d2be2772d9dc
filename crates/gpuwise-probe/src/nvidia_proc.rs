//! The NVIDIA kernel module, read from `/proc/driver/nvidia/version` without loading a library.

use std::path::Path;

/// The kernel module's version (`550.90.07`), or `None` when the module is not loaded
/// (the file is absent) or the file does not say.
pub fn kernel_module_version(path: &Path) -> Option<String> {
    let text = gpuwise_fs::read_text(path).ok()?;
    parse_version_file(&text)
}

/// Extracts the version from the file's text:
/// `NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.90.07  Fri May 31 ...`, or for the
/// open modules `NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.65.06  Release ...`.
pub fn parse_version_file(text: &str) -> Option<String> {
    let line = text.lines().find(|line| line.starts_with("NVRM version:"))?;
    line.split_whitespace()
        .find(|word| {
            word.contains('.') && word.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_proprietary_and_open_module_lines() {
        let proprietary = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.90.07  Fri May 31 09:35:42 UTC 2024\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n";
        assert_eq!(parse_version_file(proprietary).as_deref(), Some("550.90.07"));
        let open = "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.65.06  Release Build  (dvs-builder@U16-I3-B13-4-1)  Sun Jul 27 06:54:38 UTC 2025\n";
        assert_eq!(parse_version_file(open).as_deref(), Some("580.65.06"));
        let aarch64 = "NVRM version: NVIDIA UNIX aarch64 Kernel Module  535.104.05  Sat Aug 19 01:13:32 UTC 2023\n";
        assert_eq!(parse_version_file(aarch64).as_deref(), Some("535.104.05"));
    }

    #[test]
    fn garbage_gives_none() {
        assert_eq!(parse_version_file(""), None);
        assert_eq!(parse_version_file("NVRM version: something odd"), None);
        assert_eq!(kernel_module_version(Path::new("/nonexistent/gpuwise/version")), None);
    }
}
