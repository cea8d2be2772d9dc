//! Broken-machine scenarios: what a broken or hostile machine puts where gpuwise reads — FIFOs
//! (opening one blocks until a writer comes), links to devices (reading never ends),
//! directories, bad settings. Each must end in a finding or a clear message, never a hang.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `gpuwise ARGS` with `envs`; a run still going after two minutes is a hang (killed, and
/// the test fails), however slow the machine.
fn gpuwise_bounded(args: &[&str], envs: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gpuwise"));
    command.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (name, value) in envs {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("gpuwise {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn a_fifo_named_as_the_snapshot_or_profile_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("node.json");
    mkfifo(&fifo);
    let fifo = fifo.to_str().unwrap();
    for args in [
        &["doctor", "--no-envs", "--system", fifo][..],
        &["estimate", "--op", "matmul", "--shape", "64,64,64", "--gpu", "h100-sxm", "--profile", fifo][..],
    ] {
        let out = gpuwise_bounded(args, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("node.json") && stderr.contains("FIFO"), "{args:?}: {stderr}");
    }
    let zero = dir.path().join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let out = gpuwise_bounded(&["doctor", "--no-envs", "--system", zero.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a device"));
}

#[test]
fn a_kernelspec_that_is_a_fifo_or_a_device_is_a_finding() {
    let data = tempfile::tempdir().unwrap();
    for (name, make) in [("fifo", 0), ("zero", 1), ("dir", 2)] {
        let kernel = data.path().join("kernels").join(name);
        std::fs::create_dir_all(&kernel).unwrap();
        let spec = kernel.join("kernel.json");
        match make {
            0 => mkfifo(&spec),
            1 => std::os::unix::fs::symlink("/dev/zero", &spec).unwrap(),
            _ => std::fs::create_dir(&spec).unwrap(),
        }
    }
    let envs = [("JUPYTER_DATA_DIR", data.path()), ("JUPYTER_PATH", Path::new("")), ("HOME", data.path())];
    let out = gpuwise_bounded(&["doctor", "--json"], &envs);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a whole JSON report");
    let found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "GW810")
        .map(|f| format!("{} {}", f["subject"], f["detail"]))
        .collect();
    for what in ["'fifo'", "'zero'"] {
        assert!(found.iter().any(|f| f.contains(what)), "{what} in {found:?}");
    }
    assert!(found.iter().any(|f| f.contains("FIFO")) && found.iter().any(|f| f.contains("a device")), "{found:?}");
}

#[test]
fn a_bad_probe_timeout_is_named_not_replaced() {
    for bad in ["0", "abc"] {
        let out = Command::new(env!("CARGO_BIN_EXE_gpuwise"))
            .args(["doctor", "--no-envs"])
            .env("GPUWISE_PROBE_TIMEOUT", bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("GPUWISE_PROBE_TIMEOUT"), "{bad}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_bench_under_an_address_space_limit_skips_what_does_not_fit() {
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 600000 && exec \"$0\" bench --quick --cpu-only --op elementwise")
        .arg(env!("CARGO_BIN_EXE_gpuwise"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "a failed case, not an abort: {}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("elementwise 16777216 f32") && text.contains("ulimit -v"), "{text}");
}

/// doctor's JSON under `envs` (removed: `unset`), which must be a whole report whatever the exit.
fn doctor_json_with(envs: &[(&str, &std::ffi::OsStr)], unset: &[&str]) -> serde_json::Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gpuwise"));
    command.args(["doctor", "--json"]);
    for (name, value) in envs {
        command.env(name, value);
    }
    for name in unset {
        command.env_remove(name);
    }
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    serde_json::from_slice(&out.stdout).expect("a whole JSON report")
}

#[test]
fn no_home_odd_locales_and_non_utf8_variables_still_give_a_report() {
    use std::os::unix::ffi::OsStrExt;
    let report = doctor_json_with(&[], &["HOME", "XDG_DATA_HOME", "JUPYTER_DATA_DIR", "JUPYTER_PATH"]);
    assert_eq!(report["schema_version"], 1);
    for locale in ["tr_TR.UTF-8", "C", "xx_XX.bogus"] {
        doctor_json_with(&[("LC_ALL", std::ffi::OsStr::new(locale))], &[]);
    }
    let not_utf8 = std::ffi::OsStr::from_bytes(b"0,\xff\xfe");
    let report = doctor_json_with(&[("CUDA_VISIBLE_DEVICES", not_utf8)], &[]);
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().filter_map(|f| f["code"].as_str()).collect();
    assert!(codes.contains(&"GW208"), "a variable that is not UTF-8 is named: {codes:?}");
    let data = std::ffi::OsStr::from_bytes(b"/tmp/\xff-no-such-jupyter");
    doctor_json_with(&[("JUPYTER_DATA_DIR", data), ("JUPYTER_PATH", data)], &[]);
}

#[test]
fn a_closed_or_full_stdout_is_not_a_crash() {
    for target in ["/dev/full", "closed"] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_gpuwise"));
        command.args(["doctor", "--no-envs"]).stderr(Stdio::piped());
        if target == "closed" {
            // A reader that is gone: writes fail with a broken pipe.
            command.stdout(Stdio::piped());
            let mut child = command.spawn().unwrap();
            drop(child.stdout.take());
            let out = child.wait_with_output().unwrap();
            assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{target}");
            assert!(out.status.code().is_some(), "{target}: ended by a signal");
        } else {
            command.stdout(std::fs::File::options().write(true).open(target).unwrap());
            let out = command.output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked") && out.status.code() == Some(2), "{target}: {stderr}");
        }
    }
}

#[test]
fn device_nodes_and_sysfs_being_absent_is_described() {
    // A recorded machine whose driver is installed but whose /dev nodes are missing (a
    // container started without them): doctor says so, it does not fail.
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/systems/h100-sxm.json");
    let mut system: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    system["device_nodes"] = serde_json::json!([]);
    system["pci_gpus"] = serde_json::json!([]);
    let snapshot = dir.path().join("no-nodes.json");
    std::fs::write(&snapshot, system.to_string()).unwrap();
    let out = gpuwise_bounded(&["doctor", "--json", "--no-envs", "--system", snapshot.to_str().unwrap()], &[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a whole report");
    assert!(matches!(out.status.code(), Some(0 | 1)));
    assert!(report["findings"].is_array());
}
