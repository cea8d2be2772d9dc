//! Operating system name, kernel, container and WSL.

use std::path::Path;

use gpuwise_core::Os;

use crate::{Variables, container};

/// Describes the operating system this process runs on.
pub fn probe(vars: &Variables) -> Os {
    let root = Path::new("/");
    let kernel = gpuwise_fs::read_text("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| std::env::consts::OS.to_string());
    Os {
        hostname: gpuwise_fs::read_text("/proc/sys/kernel/hostname").map(|s| s.trim().to_string()).unwrap_or_default(),
        name: os_release_name(root).unwrap_or_else(|| std::env::consts::OS.to_string()),
        wsl: root.join("dev/dxg").exists() || is_wsl_kernel(&kernel),
        kernel,
        container: container::detect(&container::ContainerSigns { root, vars }),
    }
}

/// `PRETTY_NAME` from `/etc/os-release` (or `/usr/lib/os-release`).
fn os_release_name(root: &Path) -> Option<String> {
    ["etc/os-release", "usr/lib/os-release"].iter().find_map(|file| {
        let text = gpuwise_fs::read_text(root.join(file)).ok()?;
        parse_pretty_name(&text)
    })
}

fn parse_pretty_name(text: &str) -> Option<String> {
    let value = text.lines().find_map(|line| line.strip_prefix("PRETTY_NAME="))?;
    Some(value.trim().trim_matches('"').to_string())
}

/// WSL kernels carry "microsoft" in their release string (`5.15.153.1-microsoft-standard-WSL2`).
fn is_wsl_kernel(release: &str) -> bool {
    release.to_lowercase().contains("microsoft")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pretty_name_and_wsl_kernels() {
        let text = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
        assert_eq!(parse_pretty_name(text).as_deref(), Some("Debian GNU/Linux 12 (bookworm)"));
        assert_eq!(parse_pretty_name("NAME=x\n"), None);
        assert!(is_wsl_kernel("5.15.153.1-microsoft-standard-WSL2"));
        assert!(!is_wsl_kernel("6.1.0-18-amd64"));
    }
}
