//! Whole-program tests of `gpuwise kernel install | list | remove`, in a Jupyter data directory
//! of their own.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{add_ipykernel, gpuwise_env, new_venv, repo};

fn kernel(args: &[&str], data: &Path) -> std::process::Output {
    gpuwise_env("kernel", args, &[("JUPYTER_DATA_DIR", data), ("JUPYTER_PATH", Path::new("")), ("HOME", data)])
}

/// The python of a real virtual environment at `dir`, with ipykernel (a stand-in) or without.
fn python(dir: &Path, ipykernel: bool) -> PathBuf {
    let (python, site) = new_venv(dir);
    if ipykernel {
        add_ipykernel(&site);
    }
    python
}

/// A recorded machine of fixtures/systems.
fn system(name: &str) -> String {
    repo("fixtures/systems").join(name).display().to_string()
}

#[test]
fn install_list_remove() {
    let dir = tempfile::tempdir().unwrap();
    let python = python(&dir.path().join("env"), true);
    let h100 = system("h100-sxm.json");
    let install = [
        "install",
        "--name",
        "GPU0",
        "--python",
        python.to_str().unwrap(),
        "--gpu",
        "0",
        "--system",
        &h100,
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

    let list = kernel(&["list", "--system", &h100], dir.path());
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("gpu0 — Python (GPU0)") && text.contains("CUDA_VISIBLE_DEVICES=0"), "{text}");
    assert!(!text.contains("error"), "a kernel that starts and sees its GPU: {text}");
    let json: Value =
        serde_json::from_slice(&kernel(&["list", "--json", "--system", &h100], dir.path()).stdout).unwrap();
    let gpu0 = json["kernels"].as_array().unwrap().iter().find(|k| k["name"] == "gpu0").unwrap();
    assert_eq!(gpu0["findings"], Value::Array(Vec::new()), "{gpu0}");

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
    refused(&["install", "--name", "k", "--python", "/nonexistent/python", "--force"], "does not exist");
    refused(&["install", "--name", "k", "--by-uuid"], "--gpu");
    refused(&["install", "--name", "k", "--python", "/bin/sh"], "--python: /bin/sh is not a Python interpreter");
    let python = python(&dir.path().join("env"), true);
    let python = python.to_str().unwrap();
    let missing = system("missing.json");
    refused(
        &["install", "--name", "k", "--python", python, "--gpu", "0", "--system", &missing],
        "--system: cannot read snapshot",
    );
    if !Path::new("/dev/nvidiactl").exists() {
        let gpu0 = ["install", "--name", "k", "--python", python, "--gpu", "0"];
        refused(
            &[&gpu0[..], &["--by-uuid"]].concat(),
            "--gpu 0: this machine has no NVIDIA GPU 0 to write the UUID of: it has none",
        );
        refused(&gpu0, "--gpu 0: this machine has no NVIDIA GPU 0: it has none; pass --force");
    }
    assert!(!dir.path().join("kernels/k").exists(), "nothing half-written");
}

#[test]
fn an_interpreter_without_ipykernel_is_refused_with_the_fix_and_flagged_when_forced() {
    let dir = tempfile::tempdir().unwrap();
    let (bare, site) = new_venv(&dir.path().join("fresh env"));
    let install = ["install", "--name", "fresh", "--python", bare.to_str().unwrap()];
    let out = kernel(&install, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let quoted = format!("'{}'", bare.display());
    for says in [
        format!("ipykernel is not installed in the environment of {}", bare.display()),
        format!("`{quoted} -m pip install ipykernel`"),
        format!("`uv pip install --python {quoted} ipykernel`"),
        "pass --force to install it anyway".to_string(),
    ] {
        assert!(stderr.contains(&says), "{says:?} in {stderr}");
    }
    assert!(!dir.path().join("kernels/fresh").exists(), "nothing written");

    // Forced, it is written with a warning; the list (text and JSON) says it cannot start, and the fix.
    let forced = kernel(&[&install[..], &["--force"]].concat(), dir.path());
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    let warning = String::from_utf8_lossy(&forced.stderr);
    assert!(warning.contains("warning: installed anyway, as forced: ipykernel is not installed"), "{warning}");
    let list = kernel(&["list"], dir.path());
    let text = String::from_utf8_lossy(&list.stdout);
    let cannot = format!("error GW814: Kernel 'fresh' cannot start: ipykernel is not installed in {}", bare.display());
    assert!(text.contains(&cannot), "{text}");
    assert!(text.contains(&format!("fix: install it there: `{quoted} -m pip install ipykernel`")), "{text}");
    let json: Value = serde_json::from_slice(&kernel(&["list", "--json"], dir.path()).stdout).unwrap();
    assert_eq!(json["kernels"][0]["findings"], serde_json::json!(["GW814"]));
    let finding = json["findings"].as_array().unwrap().iter().find(|f| f["code"] == "GW814").unwrap();
    assert_eq!((&finding["severity"], &finding["subject"]), (&"error".into(), &"kernel 'fresh'".into()));

    // Once ipykernel is there, the kernel starts: nothing to say, and installing needs no force.
    add_ipykernel(&site);
    let json: Value = serde_json::from_slice(&kernel(&["list", "--json"], dir.path()).stdout).unwrap();
    assert_eq!(json["kernels"][0]["findings"], Value::Array(Vec::new()), "{}", json["kernels"][0]);
    let again = kernel(&["install", "--name", "fresh-2", "--python", bare.to_str().unwrap()], dir.path());
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(again.stderr.is_empty(), "no warning: {}", String::from_utf8_lossy(&again.stderr));
}

#[test]
fn gpus_must_be_the_machines_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let python = python(&dir.path().join("env"), true);
    let python = python.to_str().unwrap();
    let on = |name: &str, gpu: &str, machine: &str, extra: &[&str]| {
        let machine = system(machine);
        let args = [&["install", "--name", name, "--python", python, "--gpu", gpu, "--system", &machine][..], extra];
        kernel(&args.concat(), dir.path())
    };
    let refused = |out: std::process::Output, says: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{says:?} in {stderr}");
    };
    refused(on("k", "1", "no-gpu-this-machine.json", &[]), "no-gpu-this-machine.json has no NVIDIA GPU 1: it has none");
    refused(on("k", "0,8", "old-driver-470.json", &[]), "old-driver-470.json has no NVIDIA GPU 8: it has GPUs 0–7");
    refused(on("k", "GPU-00000000", "h100-sxm.json", &[]), "has no NVIDIA GPU GPU-00000000: it has GPU 0");
    refused(on("k", "1,1", "old-driver-470.json", &[]), "--gpu 1: 1 is listed twice");
    assert!(!dir.path().join("kernels/k").exists(), "nothing written");

    let spec = |name: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("kernels").join(name).join("kernel.json")).unwrap(),
        )
        .unwrap()
    };
    assert!(on("v100s", "3,7", "old-driver-470.json", &[]).status.success());
    assert_eq!(spec("v100s")["env"]["CUDA_VISIBLE_DEVICES"], "3,7");
    assert!(on("by-uuid", "1", "multi-gpu-mixed.json", &["--by-uuid"]).status.success());
    assert_eq!(spec("by-uuid")["env"]["CUDA_VISIBLE_DEVICES"], "GPU-7518f6b0-991f-ce2b-3d37-c779130d3137");
    assert!(on("prefix", "GPU-10f35015", "h100-sxm.json", &[]).status.success(), "a UUID's unique prefix");

    // For another node: forced, written as asked, with a warning saying what was let through.
    let forced = on("other-node", "1", "no-gpu-this-machine.json", &["--force"]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    let warning = String::from_utf8_lossy(&forced.stderr);
    assert!(
        warning.contains("warning: installed anyway, as forced:") && warning.contains("has no NVIDIA GPU 1"),
        "{warning}"
    );
    assert_eq!(spec("other-node")["env"]["CUDA_VISIBLE_DEVICES"], "1");
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
    let python = "/nonexistent/python"; // names are refused before the interpreter is looked at
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
    let python = python(&dir.path().join("env"), true);
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
    let start = std::time::Instant::now();
    assert!(install("v0").output().unwrap().status.success());
    let whole = start.elapsed();
    // Stopped after 0 to a whole run's time, spread evenly: every moment of the run is hit,
    // whatever this machine's speed (the invariant holds at every moment, so no timing is asserted).
    for attempt in 1..=60u32 {
        let mut child = install(&format!("v{attempt}")).stdout(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(whole * ((attempt * 37) % 61) / 60);
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

#[test]
#[ignore = "installs ipykernel from PyPI into a new virtual environment (scripts/test runs it)"]
fn real_ipykernel_decides_whether_a_kernel_is_written_and_whether_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let (bare, _) = new_venv(&dir.path().join("bare"));
    let with = dir.path().join("with");
    let made = std::process::Command::new("python3").args(["-m", "venv"]).arg(&with).status().unwrap();
    assert!(made.success(), "python3 -m venv works");
    let pip = std::process::Command::new(with.join("bin/python"))
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "ipykernel"])
        .status()
        .unwrap();
    assert!(pip.success(), "pip installs ipykernel");
    let data = dir.path().join("data");
    let install = |name: &str, python: &Path, extra: &[&str]| {
        let args = [&["install", "--name", name, "--python", python.to_str().unwrap()][..], extra].concat();
        kernel(&args, &data)
    };
    let refused = install("bare", &bare, &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("ipykernel is not installed"));
    let real = install("real", &with.join("bin/python"), &[]);
    assert!(real.status.success() && real.stderr.is_empty(), "{}", String::from_utf8_lossy(&real.stderr));
    assert!(install("bare", &bare, &["--force"]).status.success());
    let json: Value = serde_json::from_slice(&kernel(&["list", "--json"], &data).stdout).unwrap();
    let codes = |name: &str| {
        json["kernels"].as_array().unwrap().iter().find(|k| k["name"] == name).unwrap()["findings"].clone()
    };
    assert_eq!(codes("bare"), serde_json::json!(["GW814"]));
    assert_eq!(codes("real"), serde_json::json!([]), "pip's ipykernel is found from its files");
}
