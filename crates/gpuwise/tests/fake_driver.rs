//! The NVML and CUDA probes against stand-in driver libraries (compiled with the system C
//! compiler): a healthy device, a stub libcuda, a libcuda missing symbols, a driver/library
//! version mismatch, a lost GPU. gpuwise must describe each and never panic, which is the risk
//! with cudarc when a symbol is missing.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Compiles `tests/fake_driver/<name>.c` into `dir/<name>.so.1` with the given defines.
fn build_fake(dir: &Path, name: &str, defines: &[&str]) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fake_driver/{name}.c"));
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cc.args(["-shared", "-fPIC", "-o"]).arg(dir.join(format!("{name}.so.1"))).arg(&source);
    cc.args(defines.iter().map(|d| format!("-D{d}")));
    let status = cc.status().expect("a C compiler (cc) is needed for this test");
    assert!(status.success(), "compiling the fake {name} failed");
}

/// Builds `libcuda.so.1` into `dir` with the given cuInit result, optionally missing symbols.
fn build_fake_libcuda(dir: &Path, init_result: i32, partial: bool) {
    let init = format!("FAKE_INIT_RESULT={init_result}");
    let defines: &[&str] = if partial { &[&init, "FAKE_PARTIAL"] } else { &[&init] };
    build_fake(dir, "libcuda", defines);
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

#[test]
fn nvml_and_cuda_together_give_every_field() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake_libcuda(tmp.path(), 0, false);
    build_fake(tmp.path(), "libnvidia-ml", &["FAKE_INIT_RESULT=0"]);
    let report = doctor_with(tmp.path(), "0");
    assert_eq!(report["system"]["driver"]["version"], "580.159.04");
    assert_eq!(report["system"]["driver"]["cuda_version"], "13.0");
    let device = &report["system"]["devices"][0];
    assert_eq!(device["name"], "NVIDIA H100 80GB HBM3", "NVML's name wins");
    assert_eq!(device["memory_total_bytes"], 81559u64 << 20);
    assert_eq!(device["multiprocessors"], 132, "from CUDA, matched by UUID");
    assert_eq!(device["l2_cache_bytes"], 52_428_800);
    assert_eq!(device["clocks"]["max_sm_mhz"], 1980);
    assert_eq!(device["persistence_mode"], true);
    assert!(device["processes"].is_null(), "a refused process list is unknown, not empty");
    assert_eq!(device["errors"][0]["field"], "processes");
    let found = codes(&report);
    assert!(found.contains(&"GW901"), "x8 of x16 is a degraded link: {found:?}");
    assert!(found.contains(&"GW112"), "the refused field is reported: {found:?}");
    assert_eq!(report["verdict"]["gpu_usable"], true);
}

#[test]
fn a_version_mismatch_is_named_with_its_fix() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake(tmp.path(), "libnvidia-ml", &["FAKE_INIT_RESULT=18"]);
    let report = doctor_with(tmp.path(), "0");
    assert_eq!(report["system"]["libraries"]["nvml"]["status"], "failed");
    let finding = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "GW106").expect("GW106");
    assert!(finding["fix"].as_str().unwrap().contains("reboot"));
}

#[test]
fn a_lost_gpu_is_an_error_and_not_usable() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake_libcuda(tmp.path(), 0, false);
    build_fake(tmp.path(), "libnvidia-ml", &["FAKE_INIT_RESULT=0", "FAKE_LOST"]);
    let report = doctor_with(tmp.path(), "0");
    let lost = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "GW112").expect("GW112");
    assert_eq!(lost["severity"], "error");
    assert_eq!(report["verdict"]["gpu_usable"], false);
}

#[test]
fn a_hung_driver_does_not_hang_gpuwise() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake(tmp.path(), "libcuda", &["FAKE_INIT_RESULT=0", "FAKE_HANG"]);
    let out = Command::new(env!("CARGO_BIN_EXE_gpuwise"))
        .args(["doctor", "--json"])
        .env("LD_LIBRARY_PATH", tmp.path())
        .env("GPUWISE_PROBE_TIMEOUT", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let error = report["system"]["libraries"]["cuda"]["error"].as_str().unwrap();
    assert!(error.contains("did not answer"), "{error}");
}

#[test]
fn nvml_refusing_to_start_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake(tmp.path(), "libnvidia-ml", &["FAKE_INIT_RESULT=9"]);
    let report = doctor_with(tmp.path(), "0");
    let finding = report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "GW117").expect("GW117");
    assert!(finding["detail"].as_str().unwrap().contains("not loaded"), "{finding}");
}

#[test]
fn an_nvml_without_shutdown_is_named_without_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake(tmp.path(), "libnvidia-ml", &["FAKE_INIT_RESULT=0", "FAKE_NO_SHUTDOWN"]);
    let report = doctor_with(tmp.path(), "0");
    let nvml = &report["system"]["libraries"]["nvml"];
    assert_eq!(nvml["status"], "failed");
    assert!(nvml["error"].as_str().unwrap().contains("lacks nvmlShutdown"), "{nvml}");
}

#[test]
fn absurd_device_counts_are_not_believed() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake(tmp.path(), "libnvidia-ml", &["FAKE_INIT_RESULT=0", "FAKE_HUGE_COUNT"]);
    build_fake(tmp.path(), "libcuda", &["FAKE_INIT_RESULT=0", "FAKE_HUGE_COUNT"]);
    let report = doctor_with(tmp.path(), "0");
    for library in ["nvml", "cuda"] {
        let status = &report["system"]["libraries"][library];
        assert_eq!(status["status"], "failed", "{library}");
        assert!(status["error"].as_str().unwrap().contains("more than any machine holds"), "{status}");
    }
    assert!(report["system"]["devices"].as_array().unwrap().is_empty());
}

#[test]
fn a_libcuda_answering_null_error_names_is_described_by_number() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake(tmp.path(), "libcuda", &["FAKE_INIT_RESULT=999", "FAKE_NULL_STRINGS"]);
    let report = doctor_with(tmp.path(), "0");
    let cuda = &report["system"]["libraries"]["cuda"];
    assert_eq!(cuda["status"], "failed");
    assert!(cuda["error"].as_str().unwrap().contains("(999)"), "{cuda}");
}

#[test]
fn a_hung_driver_does_not_hang_the_bench() {
    let tmp = tempfile::tempdir().unwrap();
    build_fake(tmp.path(), "libcuda", &["FAKE_INIT_RESULT=0", "FAKE_HANG", "FAKE_BENCH_SYMBOLS"]);
    let out = Command::new(env!("CARGO_BIN_EXE_gpuwise"))
        .args(["bench", "--quick", "--op", "copy"])
        .env("LD_LIBRARY_PATH", tmp.path())
        .env("GPUWISE_PROBE_TIMEOUT", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cuInit did not answer within 1s"), "{stderr}");
}
