//! GPU device nodes and whether this process may open them, checked with `access(2)` so no
//! device is actually opened (opening `/dev/nvidia0` can wake a GPU).

use std::path::Path;

use gpuwise_core::DeviceNode;
use rustix::fs::Access;

/// Names under `/dev` that belong to GPU stacks: NVIDIA (`nvidia*`), AMD ROCm (`kfd`),
/// WSL2's paravirtual GPU (`dxg`).
fn is_gpu_node(name: &str) -> bool {
    name.starts_with("nvidia") || name == "kfd" || name == "dxg"
}

/// Lists GPU device nodes under `dev` (normally `/dev`), including `nvidia-caps/*`, sorted by path.
pub fn scan(dev: &Path) -> Vec<DeviceNode> {
    let mut nodes = Vec::new();
    collect(dev, &mut nodes, true);
    nodes.sort_by(|a, b| a.path.cmp(&b.path));
    nodes
}

fn collect(dir: &Path, nodes: &mut Vec<DeviceNode>, descend: bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && descend && name == "nvidia-caps" {
            collect(&path, nodes, false);
        } else if !is_dir && (is_gpu_node(&name) || !descend) {
            nodes.push(DeviceNode {
                path: path.to_string_lossy().into_owned(),
                readable: rustix::fs::access(&path, Access::READ_OK).is_ok(),
                writable: rustix::fs::access(&path, Access::WRITE_OK).is_ok(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_gpu_nodes_with_access_and_ignores_others() {
        let tmp = tempfile::tempdir().unwrap();
        for name in ["nvidiactl", "nvidia0", "nvidia-uvm", "kfd", "null", "tty"] {
            std::fs::write(tmp.path().join(name), "").unwrap();
        }
        std::fs::create_dir(tmp.path().join("nvidia-caps")).unwrap();
        std::fs::write(tmp.path().join("nvidia-caps/nvidia-cap1"), "").unwrap();
        let nodes = scan(tmp.path());
        let names: Vec<_> =
            nodes.iter().map(|n| n.path.strip_prefix(&*tmp.path().to_string_lossy()).unwrap().to_string()).collect();
        assert_eq!(names, ["/kfd", "/nvidia-caps/nvidia-cap1", "/nvidia-uvm", "/nvidia0", "/nvidiactl"]);
        assert!(nodes.iter().all(|n| n.readable));
    }

    #[test]
    fn missing_dev_is_empty() {
        assert!(scan(Path::new("/nonexistent/dev")).is_empty());
    }
}
