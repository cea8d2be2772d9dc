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

/// Everything under `dir`, relative, sorted: what a command left behind.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            out.push(entry.path().strip_prefix(root).unwrap().display().to_string());
            if entry.file_type().unwrap().is_dir() {
                walk(root, &entry.path(), out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn names_are_never_paths_and_nothing_outside_a_kernel_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for keep in ["kernels/mine/kernel.json", "nbextensions/x.js", "runtime/kernel-1.json"] {
        std::fs::create_dir_all(data.join(keep).parent().unwrap()).unwrap();
        std::fs::write(data.join(keep), "{}").unwrap();
    }
    // A directory outside the data directory that holds a kernel.json, as `remove` once deleted.
    let outside = dir.path().join("project");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("kernel.json"), "{}").unwrap();
    let before = tree(dir.path());
    let python = std::env::current_exe().unwrap();
    let python = python.to_str().unwrap();
    for name in ["..", ".", "../project", "kernels/../..", "/tmp"] {
        for extra in [&[][..], &["--sys-prefix"][..]] {
            let args = [&["install", "--name", name, "--python", python, "--force"][..], extra].concat();
            let out = kernel(&args, &data);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(String::from_utf8_lossy(&out.stderr).contains("not a kernel name"), "{args:?}");
        }
    }
    let outside_path = outside.to_str().unwrap();
    for name in [outside_path, "../../project", "..", ".", "mine/..", "../data/kernels/mine"] {
        let out = kernel(&["remove", name], &data);
        assert_eq!(out.status.code(), Some(2), "remove {name}");
    }
    assert_eq!(tree(dir.path()), before, "nothing was removed or added");
}

#[test]
fn a_replacement_stopped_at_any_moment_leaves_the_old_kernel_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let python = std::env::current_exe().unwrap();
    let install = |display: &str| -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_gpuwise"));
        command
            .args(["kernel", "install", "--name", "k", "--force", "--display-name", display, "--python"])
            .arg(&python)
            .env("JUPYTER_DATA_DIR", dir.path())
            .env("JUPYTER_PATH", "")
            .env("HOME", dir.path());
        command
    };
    assert!(install("v0").output().unwrap().status.success());
    // Stopped after 0 to about 5 ms, spread evenly: every moment of the run is hit, whatever
    // this machine's speed (the invariant holds at every moment, so no timing is asserted).
    for attempt in 1..=60u64 {
        let mut child = install(&format!("v{attempt}")).stdout(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_micros((attempt * 89) % 5000));
        let _ = child.kill();
        let _ = child.wait();
        let spec: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("kernels/k/kernel.json")).unwrap())
                .unwrap_or_else(|e| panic!("attempt {attempt}: kernel.json is not whole: {e}"));
        assert!(spec["display_name"].as_str().unwrap().starts_with('v'), "attempt {attempt}");
        let entries: Vec<_> =
            std::fs::read_dir(dir.path().join("kernels")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(entries, ["k"], "attempt {attempt}: nothing else in the kernels directory");
    }
    let listed: Value = serde_json::from_slice(&kernel(&["list", "--json"], dir.path()).stdout).unwrap();
    let names: Vec<&str> = listed["kernels"].as_array().unwrap().iter().map(|k| k["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["k"]);
}
