//! Display and 3D controllers on the PCI bus, read from sysfs whatever driver (if any) they have.

use std::path::{Path, PathBuf};

use gpuwise_core::PciGpu;

/// Where the kernel's pseudo-files are; tests point these at a temporary tree.
#[derive(Debug, Clone)]
pub struct SysRoots {
    /// Usually `/sys`.
    pub sys: PathBuf,
    /// Usually `/proc`.
    pub proc: PathBuf,
}

impl Default for SysRoots {
    fn default() -> Self {
        SysRoots { sys: PathBuf::from("/sys"), proc: PathBuf::from("/proc") }
    }
}

impl SysRoots {
    /// `/proc/driver/nvidia/version` under these roots.
    pub fn proc_driver_version(&self) -> PathBuf {
        self.proc.join("driver/nvidia/version")
    }
}

/// PCI class code prefix of display controllers (VGA 0x0300, 3D 0x0302, other 0x0380).
const DISPLAY_CLASS_PREFIX: &str = "0x03";

/// Lists every PCI display/3D controller, sorted by bus id. Unreadable entries are skipped.
pub fn scan(roots: &SysRoots) -> Vec<PciGpu> {
    let dir = roots.sys.join("bus/pci/devices");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut gpus: Vec<PciGpu> = entries.flatten().filter_map(|entry| read_device(&entry.path())).collect();
    gpus.sort_by(|a, b| a.bus_id.cmp(&b.bus_id));
    gpus
}

fn read_device(path: &Path) -> Option<PciGpu> {
    let read = |name: &str| gpuwise_fs::read_text(path.join(name)).ok().map(|s| s.trim().to_lowercase());
    let class = read("class")?;
    if !class.starts_with(DISPLAY_CLASS_PREFIX) {
        return None;
    }
    let driver = std::fs::read_link(path.join("driver"))
        .ok()
        .and_then(|target| target.file_name().map(|name| name.to_string_lossy().into_owned()));
    Some(PciGpu {
        bus_id: path.file_name()?.to_string_lossy().into_owned(),
        vendor_id: read("vendor")?,
        device_id: read("device").unwrap_or_default(),
        driver,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_device(root: &Path, bus: &str, class: &str, vendor: &str, driver: Option<&str>) {
        let dir = root.join("bus/pci/devices").join(bus);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("class"), format!("{class}\n")).unwrap();
        std::fs::write(dir.join("vendor"), format!("{vendor}\n")).unwrap();
        std::fs::write(dir.join("device"), "0x2330\n").unwrap();
        if let Some(driver) = driver {
            let target = root.join("bus/pci/drivers").join(driver);
            std::fs::create_dir_all(&target).unwrap();
            std::os::unix::fs::symlink(&target, dir.join("driver")).unwrap();
        }
    }

    #[test]
    fn finds_gpus_and_their_drivers_and_skips_other_devices() {
        let tmp = tempfile::tempdir().unwrap();
        fake_device(tmp.path(), "0000:18:00.0", "0x030200", "0x10de", Some("nvidia"));
        fake_device(tmp.path(), "0000:03:00.0", "0x030000", "0x10DE", Some("nouveau"));
        fake_device(tmp.path(), "0000:00:1f.2", "0x010601", "0x8086", Some("ahci"));
        fake_device(tmp.path(), "0000:c1:00.0", "0x038000", "0x1002", None);
        let roots = SysRoots { sys: tmp.path().to_path_buf(), proc: tmp.path().join("proc") };
        let gpus = scan(&roots);
        let summary: Vec<_> =
            gpus.iter().map(|g| (g.bus_id.as_str(), g.vendor_id.as_str(), g.driver.as_deref())).collect();
        assert_eq!(
            summary,
            [
                ("0000:03:00.0", "0x10de", Some("nouveau")),
                ("0000:18:00.0", "0x10de", Some("nvidia")),
                ("0000:c1:00.0", "0x1002", None),
            ]
        );
    }

    #[test]
    fn missing_sysfs_is_an_empty_list() {
        let roots = SysRoots { sys: "/nonexistent/sys".into(), proc: "/nonexistent/proc".into() };
        assert!(scan(&roots).is_empty());
    }
}
