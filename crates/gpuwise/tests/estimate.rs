//! Whole-program tests of `gpuwise estimate`: the JSON contract, every operation on every built-in
//! GPU, bad input, the chart files and the seed comparison.

use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::repo;

fn gpuwise(args: &[&str]) -> Output {
    common::gpuwise("estimate", args)
}

fn json(args: &[&str]) -> Value {
    let out = gpuwise(&[args, &["--json", "--cpu", "epyc-9654"]].concat());
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn refused(args: &[&str], says: &str) {
    common::refused("estimate", args, says);
}

#[test]
fn the_contract_of_the_issue_example() {
    let e = json(&["--op", "matmul", "--shape", "8192,8192,8192", "--dtype", "bf16", "--gpu", "h100-sxm"]);
    assert_eq!(e["flops"], 2.0 * 8192f64.powi(3));
    for field in ["compute_seconds", "transfer_seconds", "total_seconds"] {
        assert!(e["gpu"][field].as_f64().unwrap() > 0.0, "gpu.{field}");
    }
    assert!(e["cpu"]["seconds"].as_f64().unwrap() > 0.0);
    let total = e["gpu"]["compute_seconds"].as_f64().unwrap() + e["gpu"]["transfer_seconds"].as_f64().unwrap();
    assert!((e["gpu"]["total_seconds"].as_f64().unwrap() - total).abs() < 1e-12);
    let speedup = e["cpu"]["seconds"].as_f64().unwrap() / e["gpu"]["total_seconds"].as_f64().unwrap();
    assert!((e["speedup"].as_f64().unwrap() - speedup).abs() < 1e-9);
    assert!(["compute", "memory", "transfer", "launch"].contains(&e["bound"].as_str().unwrap()));
    assert_eq!(e["fits_in_memory"], true);
    assert!(e["break_even"]["shape"].as_array().is_some_and(|s| s.len() == 3), "{}", e["break_even"]);
    assert_eq!(e["band"], "worth_it");
}

#[test]
fn every_operation_answers_on_every_gpu() {
    let list = Command::new(env!("CARGO_BIN_EXE_gpuwise")).args(["estimate", "--list-gpus"]).output().unwrap();
    let text = String::from_utf8_lossy(&list.stdout);
    let names: Vec<&str> = gpuwise_model::gpus().iter().map(|g| g.name.as_str()).collect();
    for name in &names {
        assert!(text.lines().any(|l| l.trim_start().starts_with(name)), "--list-gpus lacks {name}: {text}");
    }
    let listed =
        Command::new(env!("CARGO_BIN_EXE_gpuwise")).args(["estimate", "--list-gpus", "--json"]).output().unwrap();
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let rows = listed["gpus"].as_array().unwrap();
    assert_eq!(rows.len(), names.len());
    assert!(
        rows.iter().all(|row| row["source"].as_str().is_some_and(|s| s.contains("http"))),
        "every row cites its source"
    );
    let ops: [&[&str]; 7] = [
        &["--op", "matmul", "--shape", "1024,1024,1024"],
        &["--op", "dense", "--shape", "256,4096,4096", "--activation", "gelu"],
        &["--op", "conv2d", "--shape", "32,64,56,56,64,3,3", "--padding", "1"],
        &["--op", "fft", "--shape", "4096,4096", "--real"],
        &["--op", "elementwise", "--shape", "100000000", "--inputs", "1"],
        &["--op", "reduction", "--shape", "100000000"],
        &["--op", "custom", "--flops", "1e12", "--bytes-in", "1000000", "--bytes-out", "1000"],
    ];
    for gpu in names {
        for op in ops {
            let e = json(&[op, &["--gpu", gpu, "--dtype", "f32"]].concat());
            assert!(e["speedup"].as_f64().unwrap() > 0.0, "{gpu} {op:?}");
        }
    }
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    refused(&["--op", "matmul", "--shape", "0,4,4"], "dimension 1 is 0");
    refused(&["--op", "matmul", "--shape", "-4,4,4"], "--shape cannot be negative, got `-4`");
    refused(&["--op", "matmul", "--shape", "99999999999999999999999,4,4"], "--shape must be at most 2^53");
    refused(&["--op", "matmul", "--shape", "1.5,4,4"], "--shape must be a whole number, got `1.5`");
    refused(&["--op", "matmul", "--shape", "64,64,64", "--repeats", "-1"], "--repeats cannot be negative, got `-1`");
    refused(&["--op", "matmul", "--shape", "64,64,64", "--batch", "two"], "--batch must be a whole number such as");
    refused(
        &["--op", "matmul", "--shape", "100000000,100000000,100000000", "--gpu", "h100-sxm"],
        "--shape: matmul 100000000x100000000x100000000 f32 needs 106.6 PiB of memory, and the largest single machines hold about 48 TB",
    );
    refused(
        &["--op", "custom", "--flops", "1e25", "--bytes-in", "1Ki", "--bytes-out", "1Ki", "--gpu", "h100-sxm"],
        "--flops: one call of custom work of 1.000e25 FLOPs",
    );
    refused(
        &["--op", "elementwise", "--shape", "1M", "--flops-per-element", "-1"],
        "--flops-per-element must be a number >= 0",
    );
    refused(&["--op", "matmul", "--shape", "64,64,64", "--dtype", "fp8", "--gpu", "v100"], "has no fp8");
    refused(&["--op", "matmul", "--shape", "64,64,64", "--gpu", "h100"], "did you mean h100-sxm");
    refused(&["--op", "sort", "--shape", "64"], "invalid value 'sort' for '--op <OP>'");
    refused(
        &["--op", "matmul", "--shape", "64,64,64", "--dtype", "int4"],
        "invalid value 'int4' for '--dtype <DTYPE>'",
    );
    refused(
        &["--op", "elementwise", "--shape", "64", "--inputs", "3"],
        "--inputs must be 1 (unary) or 2 (binary), got 3",
    );
    refused(&["--op", "custom", "--flops", "1e9"], "custom needs --flops, --bytes-in and --bytes-out");
    refused(&["--op", "fft", "--shape", "1024", "--dtype", "bf16", "--gpu", "h100-sxm"], "cuFFT has no bf16");
    refused(&["--op", "matmul"], "--shape is required");
}

#[test]
fn sizes_read_as_people_write_them() {
    for shape in ["1024,1024,1024", "1024x1024x1024", "1Ki,1Ki,1Ki", "1.024e3,1024,1024"] {
        let e = json(&["--op", "matmul", "--shape", shape, "--gpu", "h100-sxm"]);
        assert_eq!(e["shape"], serde_json::json!([1024, 1024, 1024]), "{shape}");
    }
    let e = json(&["--op", "reduction", "--shape", "1e6", "--gpu", "h100-sxm", "--repeats", "1e3"]);
    assert_eq!((e["shape"][0].as_u64(), e["scenario"]["repeats"].as_u64()), (Some(1_000_000), Some(1000)));
}

#[test]
fn the_answer_reads_at_the_precision_the_model_has() {
    let out = gpuwise(&[
        "--op",
        "matmul",
        "--shape",
        "8192,8192,8192",
        "--dtype",
        "bf16",
        "--gpu",
        "h100-sxm",
        "--cpu",
        "epyc-9654",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    let headline = text.lines().next().unwrap_or_default();
    assert!(headline.contains("x faster on the GPU — worth it (> 5x)"), "{headline}");
    let speedup = headline.split_whitespace().nth(1).and_then(|s| s.strip_suffix('x')).unwrap_or_default();
    let decimals = speedup.split('.').nth(1).map_or(0, str::len);
    let value: f64 = speedup.parse().unwrap();
    assert_eq!(decimals, if value >= 10.0 { 0 } else { 1 }, "two significant figures at most: {headline}");
    let out = gpuwise(&["--op", "elementwise", "--shape", "1e8", "--gpu", "v100", "--pageable", "--cpu", "epyc-9654"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let headline = text.lines().next().unwrap_or_default();
    assert!(headline.contains("slower on the GPU — keep it on the CPU (< 1x)"), "{headline}");
    let out = gpuwise(&["--op", "matmul", "--shape", "200000,200000,200000", "--gpu", "h100-sxm"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().next().unwrap_or_default().contains(", in batches: the data needs 447.0 GiB"), "{text}");
    assert!(text.contains(" min ") || text.contains(" h "), "long times in minutes or hours: {text}");
}

#[test]
fn charts_are_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["chart.svg", "chart.html"] {
        let path = dir.path().join(name);
        let out = gpuwise(&[
            "--op",
            "matmul",
            "--shape",
            "2048,2048,2048",
            "--gpu",
            "a100-80gb",
            "--cpu",
            "xeon-8480",
            "--plot",
            path.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let said = format!("Chart written to {}", path.display());
        assert!(String::from_utf8_lossy(&out.stderr).contains(&said), "the user is told where: {out:?}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("<svg") && text.contains("</svg>"), "{name}");
        assert!(text.contains("break-even"), "the crossover is marked");
    }
    let html = std::fs::read_to_string(dir.path().join("chart.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    let bad = dir.path().join("chart.png");
    refused(
        &[
            "--op",
            "matmul",
            "--shape",
            "64,64,64",
            "--gpu",
            "t4",
            "--cpu",
            "epyc-9654",
            "--plot",
            bad.to_str().unwrap(),
        ],
        ".svg or .html",
    );
    assert!(!bad.exists());
    let zero = dir.path().join("zero.svg");
    let no_flops = ["--op", "custom", "--flops", "0", "--bytes-in", "8", "--bytes-out", "8", "--gpu", "t4"];
    let args = [&no_flops[..], &["--cpu", "epyc-9654", "--plot", zero.to_str().unwrap()]].concat();
    refused(&args, "cannot chart on logarithmic axes: the size is 0 FLOPs");
    assert!(!zero.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn the_seed_formula_is_shown_beside_the_model() {
    let e = json(&[
        "--op",
        "matmul",
        "--shape",
        "2000,2000,2000",
        "--gpu",
        "a100-40gb",
        "--rule-of-thumb",
        "--size",
        "10000000",
        "--gpu-cores",
        "5120",
        "--cpu-factor",
        "2.0",
        "--bandwidth",
        "1555",
        "--overhead-ms",
        "12",
    ]);
    let seed = &e["seed_model"];
    let gpu_ms = seed["answer"]["gpu_ms"].as_f64().unwrap();
    assert!((gpu_ms - 60.0).abs() < 4.0, "the seed's own example: 60 ms, got {gpu_ms}");
    assert!(e["gpu"]["compute_seconds"].as_f64().unwrap() < 0.002, "an A100 does 2000^3 f32 in about a millisecond");
    assert!(seed["why"].as_array().unwrap().len() >= 3);
}

#[test]
fn auto_reads_this_machine_or_a_snapshot() {
    let h100 = repo("fixtures/systems/h100-sxm.json");
    let e = json(&["--op", "matmul", "--shape", "512,512,512", "--gpu", "auto", "--system", h100.to_str().unwrap()]);
    assert_eq!(e["gpu"]["name"], "h100-sxm");
    let none = repo("fixtures/systems/no-gpu-this-machine.json");
    refused(&["--op", "matmul", "--shape", "64,64,64", "--system", none.to_str().unwrap()], "no NVIDIA GPU is visible");
}

#[test]
fn profiles_recorded_on_real_gpus_are_accepted_and_absurd_ones_named() {
    let records = repo("validation/h200");
    let profiles: Vec<_> = std::fs::read_dir(&records)
        .unwrap()
        .map(|e| e.unwrap().path().join("profile.json"))
        .filter(|p| p.is_file())
        .collect();
    assert!(!profiles.is_empty());
    for profile in &profiles {
        json(&[
            "--op",
            "matmul",
            "--shape",
            "4096,4096,4096",
            "--dtype",
            "bf16",
            "--gpu",
            "h200",
            "--profile",
            profile.to_str().unwrap(),
        ]);
    }
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&profiles[0]).unwrap();
    let mut broken: Value = serde_json::from_str(&text).unwrap();
    broken["gpu_curves"]["curves"][0]["points"][0][1] = serde_json::json!(0.0);
    let path = dir.path().join("profile.json");
    std::fs::write(&path, broken.to_string()).unwrap();
    refused(
        &["--op", "matmul", "--shape", "64,64,64", "--gpu", "h200", "--profile", path.to_str().unwrap()],
        "point 0 has seconds 0e0",
    );
}
