//! Whole-program tests of `gpuwise kernel install | list | remove`, in a Jupyter data directory
//! of their own.

use std::path::Path;

use serde_json::Value;

mod common;
use common::gpuwise_env;

fn kernel(args: &[&str], data: &Path) -> std::process::Output {
    gpuwise_env("kernel", args, &[("JUPYTER_DATA_DIR", data), ("JUPYTER_PATH", Path::new("")), ("HOME", data)])
}

#[test]
fn install_list_remove() {
    let dir = tempfile::tempdir().unwrap();
    let python = std::env::current_exe().unwrap();
    let install = [
        "install",
        "--name",
        "GPU0",
        "--python",
        python.to_str().unwrap(),
        "--gpu",
        "0",
        "--memory-growth",
        "--jax-no-prealloc",
    ];
    let out = kernel(&install, dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("kernels/gpu0/kernel.json")).unwrap()).unwrap();
    assert_eq!(spec["env"]["CUDA_VISIBLE_DEVICES"], "0");
    assert_eq!(spec["env"]["CUDA_DEVICE_ORDER"], "PCI_BUS_ID");
    assert_eq!(spec["env"]["TF_FORCE_GPU_ALLOW_GROWTH"], "true");
    assert_eq!(spec["env"]["XLA_PYTHON_CLIENT_PREALLOCATE"], "false");
    assert_eq!(spec["argv"][0], python.to_str().unwrap());
    assert_eq!(spec["display_name"], "Python (GPU0)");

    // A second install of the name is refused, and replaced with --force.
    let again = kernel(&install, dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(kernel(&[&install[..], &["--force"]].concat(), dir.path()).status.success());

    let list = kernel(&["list"], dir.path());
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("gpu0 — Python (GPU0)") && text.contains("CUDA_VISIBLE_DEVICES=0"), "{text}");
    let json: Value = serde_json::from_slice(&kernel(&["list", "--json"], dir.path()).stdout).unwrap();
    assert!(json["kernels"].as_array().unwrap().iter().any(|k| k["name"] == "gpu0"));

    assert!(kernel(&["remove", "gpu0"], dir.path()).status.success());
    assert!(!dir.path().join("kernels/gpu0").exists());
    let gone = kernel(&["remove", "gpu0"], dir.path());
    assert_eq!(gone.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&gone.stderr).contains("no kernel named 'gpu0'"));
}

#[test]
fn bad_input_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |args: &[&str], says: &str| {
        let out = kernel(args, dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    refused(&["install", "--name", "my kernel", "--python", "/bin/sh"], "not a kernel name");
    refused(&["install", "--name", "k", "--python", "/nonexistent/python"], "does not exist");
    refused(&["install", "--name", "k", "--by-uuid"], "--gpu");
    if !Path::new("/dev/nvidiactl").exists() {
        refused(&["install", "--name", "k", "--python", "/bin/sh", "--gpu", "0", "--by-uuid"], "no NVIDIA GPU 0");
    }
    assert!(!dir.path().join("kernels/k").exists(), "nothing half-written");
}
