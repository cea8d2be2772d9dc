//! The CUDA probe against stand-in libcuda builds (compiled with the system C compiler): a
//! healthy device, a stub library, and a library missing symbols. gpuwise must describe each
//! and never panic, which is the risk with cudarc when a symbol is missing.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Builds `libcuda.so.1` into `dir` with the given cuInit result and options.
fn build_fake_libcuda(dir: &Path, init_result: i32, partial: bool) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake_driver/libcuda.c");
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cc.args(["-shared", "-fPIC", "-o"]).arg(dir.join("libcuda.so.1")).arg(&source);
    cc.arg(format!("-DFAKE_INIT_RESULT={init_result}"));
    if partial {
        cc.arg("-DFAKE_PARTIAL");
    }
    let status = cc.status().expect("a C compiler (cc) is needed for this test");
    assert!(status.success(), "compiling the fake libcuda failed");
}

fn doctor_with(dir: &Path, cuda_visible_devices: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_gpuwise"))
        .args(["doctor", "--json"])
        .env("LD_LIBRARY_PATH", dir)
        .env("CUDA_VISIBLE_DEVICES", cuda_visible_devices)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("panicked"), "{stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn codes(report: &Value) -> Vec<&str> {
    report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect()
}

#[test]
fn a_working_libcuda_describes_the_device_even_without_nvml() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake_libcuda(tmp.path(), 0, false);
    let report = doctor_with(tmp.path(), "0");
    assert_eq!(report["system"]["libraries"]["cuda"]["status"], "available");
    assert_eq!(report["system"]["libraries"]["cuda_driver_version"], "12.4");
    let device = &report["system"]["devices"][0];
    assert_eq!(device["name"], "Fake H100");
    assert_eq!(device["uuid"], "GPU-a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf");
    assert_eq!(device["compute_capability"], "9.0");
    assert_eq!(device["multiprocessors"], 132);
    assert_eq!(device["l2_cache_bytes"], 52_428_800);
    assert_eq!(device["pci_bus_id"], "00000000:18:00.0");
    assert_eq!(device["cuda_default_index"], 0);
    assert_eq!(device["memory_bandwidth_bytes_per_second"], 3_352_320_000_000u64);
    assert_eq!(report["visibility"]["visible"][0], device["uuid"]);
    if report["system"]["libraries"]["nvml"]["status"] == "unavailable" {
        assert!(codes(&report).contains(&"GW105"), "{:?}", codes(&report));
    }
}

#[test]
fn the_probe_describes_gpus_the_shells_variables_hide() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake_libcuda(tmp.path(), 0, false);
    let report = doctor_with(tmp.path(), "");
    assert_eq!(report["system"]["devices"][0]["multiprocessors"], 132, "the probe ignores CUDA_VISIBLE_DEVICES");
    assert_eq!(report["visibility"]["visible"].as_array().unwrap().len(), 0, "but visibility honours it");
    assert!(codes(&report).contains(&"GW201"));
}

#[test]
fn a_stub_libcuda_is_named_with_its_fix() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake_libcuda(tmp.path(), 34, false);
    let report = doctor_with(tmp.path(), "0");
    assert_eq!(report["system"]["libraries"]["cuda_init_error_code"], 34);
    let finding = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "GW111").expect("GW111");
    assert!(finding["detail"].as_str().unwrap().contains("CUDA_ERROR_STUB_LIBRARY (34)"));
    assert!(finding["fix"].as_str().unwrap().contains("stubs"));
    assert_eq!(report["verdict"]["gpu_usable"], false);
}

#[test]
fn a_libcuda_missing_symbols_is_reported_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake_libcuda(tmp.path(), 0, true);
    let report = doctor_with(tmp.path(), "0");
    let cuda = &report["system"]["libraries"]["cuda"];
    assert_eq!(cuda["status"], "failed");
    assert!(cuda["error"].as_str().unwrap().contains("lacks cuGetErrorName"), "{cuda}");
    assert!(codes(&report).contains(&"GW111"));
}
