//! The stable JSON contract, frozen: `doctor --json` on every recorded machine (the machine
//! alone; every framework fixture in real venvs with a kernel; Julia projects), `estimate
//! --json` for every operation, and the shape of `bench --json`. A change to any field's name,
//! type or meaning shows up here as a snapshot diff (docs/DESIGN.md, "The JSON contract").
//!
//! Paths that differ per run are replaced by `[VENVS]`, `[REPO]` and `[HOME]`; the interpreter's
//! version by `[PYTHON]`, so the snapshots hold on any machine with a Python 3.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;
use common::{copy_tree, new_venv, repo};

const SYSTEMS: [&str; 5] =
    ["a100-mig.json", "h100-sxm.json", "multi-gpu-mixed.json", "no-gpu-this-machine.json", "old-driver-470.json"];

/// Runs gpuwise with nothing of this machine's environment but `vars`, and parses its JSON.
fn json(args: &[&str], cwd: &Path, vars: &[(&str, &Path)]) -> Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gpuwise"));
    command.args(args).current_dir(cwd).env_clear();
    for (name, value) in vars {
        command.env(name, value);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The report as pretty JSON with the run's own paths and Python version replaced.
fn stable(report: &Value, paths: &[(&Path, &str)]) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap();
    for (path, name) in paths {
        text = text.replace(&path.display().to_string(), name);
    }
    text = text.replace(&repo("").canonicalize().unwrap().display().to_string(), "[REPO]");
    let version = python_version();
    text.replace(&format!("\"{version}\""), "\"[PYTHON]\"")
}

fn python_version() -> String {
    let out = Command::new("python3").args(["-c", "import platform; print(platform.python_version())"]).output();
    String::from_utf8(out.unwrap().stdout).unwrap().trim().to_string()
}

#[test]
fn doctor_json_of_each_recorded_machine() {
    let home = tempfile::tempdir().unwrap();
    for system in SYSTEMS {
        let path = repo("fixtures/systems").canonicalize().unwrap().join(system);
        let args = ["doctor", "--json", "--no-envs", "--system", path.to_str().unwrap()];
        let report = json(&args, home.path(), &[("HOME", home.path())]);
        insta::assert_snapshot!(format!("doctor-{system}"), stable(&report, &[(home.path(), "[HOME]")]));
    }
}

/// One venv per framework fixture, and a kernel that runs the first of them.
struct Fixtures {
    dir: tempfile::TempDir,
    pythons: Vec<PathBuf>,
}

fn fixtures() -> Fixtures {
    let dir = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(repo("fixtures/envs"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| repo("fixtures/envs").join(name).join("site-packages").is_dir())
        .collect();
    names.sort();
    let pythons = names
        .iter()
        .map(|name| {
            let (python, site) = new_venv(&dir.path().join("venvs").join(name));
            copy_tree(&repo("fixtures/envs").join(name).join("site-packages"), &site);
            python
        })
        .collect::<Vec<_>>();
    let kernel = dir.path().join("jupyter/kernels/gpu0");
    std::fs::create_dir_all(&kernel).unwrap();
    let spec = serde_json::json!({
        "argv": [pythons[0], "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (GPU 0)",
        "language": "python",
        "env": {"CUDA_VISIBLE_DEVICES": "0", "CUDA_DEVICE_ORDER": "PCI_BUS_ID"},
    });
    std::fs::write(kernel.join("kernel.json"), spec.to_string()).unwrap();
    Fixtures { dir, pythons }
}

#[test]
fn doctor_json_with_every_framework_fixture_and_a_kernel() {
    let f = fixtures();
    let jupyter = f.dir.path().join("jupyter");
    for system in ["h100-sxm.json", "old-driver-470.json"] {
        let path = repo("fixtures/systems").canonicalize().unwrap().join(system);
        let mut args = vec!["doctor", "--json", "--system", path.to_str().unwrap()];
        for python in &f.pythons {
            args.extend(["--python", python.to_str().unwrap()]);
        }
        let vars = [("HOME", f.dir.path()), ("PATH", f.dir.path()), ("JUPYTER_DATA_DIR", &jupyter)];
        let report = json(&args, f.dir.path(), &vars);
        let venvs = f.dir.path().join("venvs");
        let paths = [(venvs.as_path(), "[VENVS]"), (f.dir.path(), "[HOME]")];
        insta::assert_snapshot!(format!("doctor-envs-{system}"), stable(&report, &paths));
    }
}

#[test]
fn doctor_json_with_julia_projects() {
    let home = tempfile::tempdir().unwrap();
    let fixtures = repo("fixtures").canonicalize().unwrap();
    let system = fixtures.join("systems/h100-sxm.json");
    let julia = fixtures.join("julia/julia-1.10.5/bin");
    let depot = fixtures.join("julia/depot");
    for project in ["cuda-5.5", "pinned-12.8"] {
        let cwd = fixtures.join("julia/projects").join(project);
        let vars = [("HOME", home.path()), ("PATH", &julia), ("JULIA_DEPOT_PATH", &depot), ("JULIA_PROJECT", &cwd)];
        let report = json(&["doctor", "--json", "--system", system.to_str().unwrap()], &cwd, &vars);
        insta::assert_snapshot!(format!("doctor-julia-{project}"), stable(&report, &[(home.path(), "[HOME]")]));
    }
}

#[test]
fn estimate_json_of_each_operation() {
    let home = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 9] = [
        ("matmul", &["--op", "matmul", "--shape", "4096,4096,4096"]),
        ("matmul-batched-bf16", &["--op", "matmul", "--shape", "8,1024,1024,1024", "--dtype", "bf16"]),
        ("dense", &["--op", "dense", "--shape", "256,4096,4096", "--activation", "gelu"]),
        ("conv2d", &["--op", "conv2d", "--shape", "32,64,56,56,64,3,3", "--padding", "1"]),
        ("fft-real-2d", &["--op", "fft", "--shape", "2048,2048", "--real", "--repeats", "10"]),
        ("elementwise-resident", &["--op", "elementwise", "--shape", "100000000", "--resident"]),
        ("reduction-pageable", &["--op", "reduction", "--shape", "10000000", "--pageable", "--dtype", "f64"]),
        ("custom", &["--op", "custom", "--flops", "1e12", "--bytes-in", "1000000000", "--bytes-out", "1000"]),
        ("matmul-seed-model", &["--op", "matmul", "--shape", "2048,2048,2048", "--seed-model"]),
    ];
    for (name, case) in cases {
        let args = [&["estimate", "--json", "--gpu", "h100-sxm", "--cpu", "epyc-9654"], case].concat();
        let report = json(&args, home.path(), &[("HOME", home.path())]);
        insta::assert_snapshot!(format!("estimate-{name}"), stable(&report, &[]));
    }
}

/// Every field's name and JSON type, arrays by their first element: measurements differ per
/// run, their layout may not.
fn shape(value: &Value) -> Value {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
    }
}

#[test]
fn bench_json_keeps_its_shape() {
    let home = tempfile::tempdir().unwrap();
    let args = ["bench", "--json", "--quick", "--cpu-only", "--op", "elementwise,reduction", "--cpu-gemm", "faer"];
    let mut report = json(&args, home.path(), &[("HOME", home.path())]);
    // A result's own `interference` is left out when its window was too short for the clock to
    // tick; the shape is that of a result that has one.
    if let Some(results) = report["results"].as_array_mut() {
        results.sort_by_key(|r| r["interference"].is_null());
    }
    insta::assert_json_snapshot!("bench-shape", shape(&report));
}
