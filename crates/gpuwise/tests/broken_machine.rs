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
