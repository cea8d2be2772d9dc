//! Whole-program tests of `gpuwise bench` on the CPU (the GPU side runs in tests/cuda.rs of
//! gpuwise-bench on a GPU machine): the JSON contract, checked results, the skip reason, bad
//! input, the chart, and calibration feeding `estimate`.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{gpuwise, gpuwise_env, real_env, refused};

/// The memory-bound operations: quick to run even in a debug build.
const OPS: &str = "elementwise,reduction";

fn bench(args: &[&str], envs: &[(&str, &Path)]) -> Value {
    let out = gpuwise_env("bench", &[&["--quick", "--op", OPS, "--json"], args].concat(), envs);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn cpu_results_are_checked_and_complete() {
    let report = bench(&["--cpu-only"], &[]);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["mode"], "quick");
    assert!(report["gpu_skipped"].as_str().unwrap().contains("--cpu-only"));
    let results = report["results"].as_array().unwrap();
    // Two sizes x two dtypes x two operations.
    assert_eq!(results.len(), 8, "{results:?}");
    for r in results {
        assert_eq!(r["backend"], "cpu");
        assert!(["elementwise", "reduction"].contains(&r["op"].as_str().unwrap()));
        assert!(["f32", "f64"].contains(&r["dtype"].as_str().unwrap()));
        assert!(r["shape"].as_array().unwrap()[0].as_u64().unwrap() >= 1 << 20);
        // Figures are checked for consistency, never for speed: a loaded machine is slow.
        let seconds = r["seconds"].as_f64().unwrap();
        assert!(seconds > 0.0 && seconds.is_finite());
        assert!(r["timing"]["repeats"].as_u64().unwrap() >= 3);
        let check = &r["check"];
        assert!(check["error"].as_f64().unwrap() <= check["tolerance"].as_f64().unwrap());
        assert!(check["compared"].as_u64().unwrap() >= 1);
        assert!(r["predicted_seconds"].as_f64().unwrap() > 0.0, "the estimate is beside each measurement");
        let bandwidth = r["bandwidth_bytes_per_s"].as_f64().unwrap();
        assert!((bandwidth * seconds / r["bytes"].as_f64().unwrap() - 1.0).abs() < 1e-9, "bytes moved per second");
    }
    assert!(report["failures"].as_array().unwrap().is_empty());
    // Other processes' use of the machine, before and during the run and while each result was
    // measured (a window too short for the clock to tick has none): figures, never a judgement on
    // this machine's load.
    let interference = &report["interference"];
    let windows = results.iter().map(|r| &r["interference"]).filter(|usage| !usage.is_null());
    for usage in [&interference["before"], &interference["during"]].into_iter().chain(windows) {
        assert!(usage["cores"].as_u64().unwrap() >= 1, "{usage}");
        assert!(usage["seconds"].as_f64().unwrap() > 0.0, "{usage}");
        let share = usage["others_fraction"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share) && usage["others_cores"].as_f64().unwrap() >= 0.0, "{usage}");
        assert!(usage["disturbed"].is_boolean());
    }
    assert!(interference["before"]["seconds"].as_f64().unwrap() >= 0.4, "the run waited half a second first");
    assert!(interference["disturbed"].is_boolean());
}

#[test]
fn without_a_gpu_the_gpu_side_says_why() {
    let report = bench(&[], &[]);
    let why = report["gpu_skipped"].as_str().unwrap();
    assert!(why.contains("libcuda") || why.contains("driver"), "{why}");
    assert!(report["gpu"].is_null());
    assert!(report["results"].as_array().unwrap().iter().all(|r| r["backend"] == "cpu"));
}

/// The result on stdout; on stderr, which is no terminal here (as in a log or a pipe), how long
/// the run will take and then a line per case instead of a progress bar.
#[test]
fn terminal_view_has_a_table_per_operation_and_progress_goes_to_stderr() {
    let out = gpuwise("bench", &["--quick", "--cpu-only", "--op", "reduction"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in ["reduction f32", "reduction f64", "est. CPU", "GB/s", "skipped: --cpu-only", "Other processes: "] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    assert!(!text.contains("Measuring") && !text.contains("[1/4]"), "progress stays off stdout:\n{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // A busy machine (other processes, or the hypervisor's steal) adds a warning; the test does
    // not depend on the machine being idle.
    let lines: Vec<&str> = stderr.lines().filter(|line| !line.starts_with("warning:")).collect();
    assert!(lines[0].starts_with("Measuring 4 cases, about ") && lines[0].ends_with(" s"), "{stderr}");
    let cases = ["reduction 1048576 f32", "reduction 16777216 f32", "reduction 1048576 f64", "reduction 16777216 f64"];
    let progress: Vec<String> = cases.iter().enumerate().map(|(i, case)| format!("[{}/4] {case}", i + 1)).collect();
    assert_eq!(lines[1..], progress, "{stderr}");
}

#[test]
fn bad_input_is_named() {
    refused("bench", &["--op", "gemv"], "invalid value 'gemv' for '--op <OP>...'");
    refused("bench", &["--memory-fraction", "1.5"], "fraction");
    refused("bench", &["--plot", "chart.png"], "--plot chart.png");
    refused("bench", &["--quick", "--op", "copy,launch", "--cpu-only"], "nothing to measure");
    refused("bench", &["--quick", "--device", "3", "--op", "reduction"], "--device 3");
    refused(
        "bench",
        &["--quick", "--op", "reduction", "--cpu-gemm", "/nonexistent/libblas.so"],
        "--cpu-gemm /nonexistent",
    );
    refused("bench", &["--quick", "--op", "reduction", "--cpu-gemm", "libc.so.6"], "not a BLAS library");
    refused(
        "bench",
        &["--quick", "--op", "reduction", "--python", "/nonexistent/python"],
        "--python: /nonexistent/python does not exist",
    );
}

/// With a real environment's Python (scripts/test builds it), the CPU multiplies matrices with
/// the OpenBLAS its numpy wheel ships, as a notebook there would, and the products pass their
/// checks; `--cpu-gemm faer` keeps faer.
#[test]
#[ignore = "needs scripts/test-envs' real environments (GPUWISE_TEST_VENVS); scripts/test runs it"]
fn real_numpy_blas_multiplies_the_matrices() {
    let python = real_env("numba");
    let run = |op: &str, choice: &str| {
        let args =
            ["--quick", "--cpu-only", "--json", "--op", op, "--python", python.to_str().unwrap(), "--cpu-gemm", choice];
        let out = gpuwise("bench", &args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let report = run("matmul", "auto");
    let library = report["cpu_gemm"].as_str().unwrap();
    assert!(library.starts_with("OpenBLAS") && library.contains("numpy's wheel"), "{library}");
    let environment = python.parent().unwrap().parent().unwrap();
    assert!(library.contains(&*environment.to_string_lossy()), "{library}");
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "two sizes x f32, f64: {results:?}");
    assert!(report["failures"].as_array().unwrap().is_empty());
    // Matrix products are not run with faer here (slow in a debug build): the choice is enough.
    assert!(run("reduction", "faer")["cpu_gemm"].as_str().unwrap().starts_with("faer"));
}

#[test]
fn chart_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.svg");
    let out = gpuwise("bench", &["--quick", "--cpu-only", "--op", "reduction", "--plot", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = format!("Chart written to {}", path.display());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&said), "the user is told where");
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("reduction f32") && svg.contains("CPU: measured"), "a panel with the CPU's times");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

/// A calibrated profile makes `estimate` answer with this machine's own measured times.
#[test]
fn calibration_feeds_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("gpuwise/profile.json");
    // The default location, from GPUWISE_PROFILE.
    let report = bench(&["--cpu-only", "--calibrate"], &[("GPUWISE_PROFILE", &profile)]);
    assert!(report["calibration_error"]["points"].is_u64());
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&profile).unwrap()).unwrap();
    assert_eq!(saved["schema_version"], gpuwise_model::PROFILE_SCHEMA_VERSION);
    assert!(saved["gpu"].is_null());
    let measured = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["op"] == "reduction" && r["dtype"] == "f32" && r["shape"][0] == 1 << 24)
        .unwrap()["seconds"]
        .as_f64()
        .unwrap();
    let estimate_args = ["--op", "reduction", "--shape", "16777216", "--gpu", "h100-sxm", "--json"];
    let estimate = |extra: &[&str], envs: &[(&str, &Path)]| -> Value {
        let out = gpuwise_env("estimate", &[&estimate_args[..], extra].concat(), envs);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // Named explicitly, and found by default for this machine's CPU.
    for e in [estimate(&["--profile", profile.to_str().unwrap()], &[]), estimate(&[], &[("GPUWISE_PROFILE", &profile)])]
    {
        let cpu = e["cpu"]["seconds"].as_f64().unwrap();
        assert!((cpu / measured - 1.0).abs() < 1e-6, "estimate {cpu} vs measured {measured}");
        let notes = e["assumptions"].to_string();
        assert!(notes.contains("profile.json"), "{notes}");
    }
    // A preset CPU is another machine: the profile does not apply.
    let preset = estimate(&["--cpu", "epyc-9654"], &[("GPUWISE_PROFILE", &profile)]);
    assert!((preset["cpu"]["seconds"].as_f64().unwrap() / measured - 1.0).abs() > 1e-3);
}

#[test]
fn a_broken_profile_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.json");
    std::fs::write(&path, "not json").unwrap();
    refused(
        "estimate",
        &["--op", "reduction", "--shape", "1000", "--gpu", "h100-sxm", "--profile", path.to_str().unwrap()],
        "is not a gpuwise profile",
    );
    // As the default profile it only warns.
    let args = ["--op", "reduction", "--shape", "1000", "--gpu", "h100-sxm"];
    let out = gpuwise_env("estimate", &args, &[("GPUWISE_PROFILE", &path)]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[test]
fn negative_numbers_reach_the_option_that_refuses_them() {
    refused("bench", &["--memory-fraction", "-1"], "expected a fraction above 0 and at most 1, got '-1'");
    refused("bench", &["--device", "-1"], "`-1` is not a GPU index");
    refused("verify", &["--timeout", "-5"], "`-5` is not a number of seconds");
}
