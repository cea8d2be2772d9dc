//! Whole-program tests of doctor's Julia verdicts: projects, a depot and a Julia installation
//! laid out as Pkg and the Julia binaries lay them out (fixtures/julia), judged against the
//! recorded machines of the verdict table.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;
use common::{Machines, repo};

/// Runs doctor against `system` from `cwd`, with the fixture Julia first on `PATH`, the fixture
/// depot, no Python and no kernels unless `vars` says otherwise.
fn doctor(system: &Path, cwd: &Path, vars: &[(&str, &str)]) -> Value {
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_gpuwise"));
    command
        .args(["doctor", "--json", "--system"])
        .arg(system)
        .current_dir(cwd)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", repo("fixtures/julia/julia-1.10.5/bin"))
        .env("JULIA_DEPOT_PATH", repo("fixtures/julia/depot"))
        .env("JUPYTER_PATH", home.path())
        .env("JUPYTER_DATA_DIR", home.path());
    for (name, value) in vars {
        command.env(name, value);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect()
}

/// `(uses_gpu, CUDA.jl's codes)` of the report's `index`th Julia.
fn verdict(report: &Value, index: usize) -> (bool, Vec<String>) {
    let julia = &report["julia"][index];
    assert_eq!(julia["probe"]["status"], "available", "{julia}");
    let cuda = &julia["frameworks"][0];
    assert_eq!(cuda["name"], "CUDA.jl", "{julia}");
    (cuda["uses_gpu"].as_bool().unwrap(), strings(&cuda["findings"]))
}

fn project(name: &str) -> PathBuf {
    repo("fixtures/julia/projects").join(name)
}

#[test]
fn cuda_jl_projects_are_judged_against_each_machine() {
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    let none: &[&str] = &[];
    let cases: Vec<(&str, &PathBuf, bool, &[&str])> = vec![
        // CUDA.jl 5.5 offers CUDA 11.4-12.6; only 12.6 is downloaded.
        ("cuda-5.5", &m.h100_580, true, none),
        ("cuda-5.5", &m.h100_550, true, none),
        ("cuda-5.5", &m.v100_470, true, &["GW704"]),
        ("cuda-5.5", &m.v100_580, true, none),
        ("cuda-5.5", &m.blackwell_580, false, &["GW706"]),
        ("cuda-5.5", &m.no_gpu, false, none),
        // CUDA.jl 5.9 offers CUDA 12.0-13.0; only 13.0 is downloaded.
        ("cuda-5.9", &m.h100_580, true, none),
        ("cuda-5.9", &m.h100_550, true, &["GW704"]),
        ("cuda-5.9", &m.v100_470, false, &["GW701"]),
        ("cuda-5.9", &m.v100_580, true, &["GW704"]),
        ("cuda-5.9", &m.blackwell_580, true, none),
        ("pinned-12.8", &m.h100_580, false, &["GW702"]),
        ("local-toolkit", &m.h100_580, false, &["GW703"]),
        ("not-instantiated", &m.h100_580, false, &["GW705"]),
        ("not-instantiated", &m.v100_470, false, &["GW705"]),
    ];
    let mut wrong = Vec::new();
    for (name, system, uses_gpu, codes) in cases {
        let path = project(name);
        let report = doctor(system, &path, &[("JULIA_PROJECT", path.to_str().unwrap())]);
        let got = verdict(&report, 0);
        if got != (uses_gpu, codes.iter().map(|c| c.to_string()).collect()) {
            wrong.push(format!("{name} on {}: got {got:?}, want ({uses_gpu}, {codes:?})", system.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_toolkit_follows_the_driver_and_the_gpu() {
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    let path = project("cuda-5.9");
    let vars = [("JULIA_PROJECT", path.to_str().unwrap())];
    let selected = |system: &Path| doctor(system, &path, &vars)["julia"][0]["cuda_runtime"]["selected"].clone();
    assert_eq!(selected(&m.h100_580), "13.0");
    assert_eq!(selected(&m.h100_550), "12.9", "a CUDA 12 driver gets the newest 12.x");
    assert_eq!(selected(&m.v100_580), "12.9", "CUDA 13 cannot compile for Volta");
    let report = doctor(&m.h100_580, &path, &vars);
    let cuda = &report["julia"][0]["frameworks"][0];
    assert_eq!(cuda["build"], "cuda-13.0");
    assert_eq!(cuda["device"], report["system"]["devices"][0]["uuid"]);
}

#[test]
fn an_old_manifest_and_flux_without_cuda_are_environment_findings() {
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    let path = project("old-manifest");
    let report = doctor(&m.h100_580, &path, &[("JULIA_PROJECT", path.to_str().unwrap())]);
    assert_eq!(strings(&report["julia"][0]["findings"]), ["GW708"]);
    assert_eq!(report["julia"][0]["manifest_julia"], "1.9.4");

    // No project: the default environment @v1.10 holds Flux alone.
    let report = doctor(&m.h100_580, dir.path(), &[]);
    let julia = &report["julia"][0];
    assert_eq!(julia["frameworks"], Value::Array(Vec::new()));
    assert_eq!(strings(&julia["findings"]), ["GW707"]);
    assert!(julia["load_path"][0].as_str().unwrap().ends_with("depot/environments/v1.10"), "{julia}");
}

fn kernelspec(dir: &Path, name: &str, spec: &Value) {
    let path = dir.join("kernels").join(name);
    std::fs::create_dir_all(&path).unwrap();
    std::fs::write(path.join("kernel.json"), spec.to_string()).unwrap();
}

#[test]
fn julia_kernels_use_their_project_and_env() {
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    let julia = repo("fixtures/julia/julia-1.10.5/bin/julia");
    let argv = |program: &str| {
        serde_json::json!([
            program,
            "-i",
            "--color=yes",
            "--project=@.",
            "/d/IJulia/src/kernel.jl",
            "{connection_file}"
        ])
    };
    let data = dir.path().join("data");
    let plain =
        serde_json::json!({"argv": argv(julia.to_str().unwrap()), "display_name": "Julia 1.10.5", "language": "julia"});
    kernelspec(&data, "julia-1.10", &plain);
    kernelspec(&data, "julia-copy", &plain);
    let hidden = serde_json::json!({"argv": argv(julia.to_str().unwrap()), "display_name": "Julia (no GPU)",
        "language": "julia", "env": {"CUDA_VISIBLE_DEVICES": ""}});
    kernelspec(&data, "julia-hidden", &hidden);
    let gone = serde_json::json!({"argv": argv("/opt/julia-1.9.0/bin/julia"), "display_name": "Julia 1.9", "language": "julia"});
    kernelspec(&data, "julia-1.9", &gone);

    // `--project=@.` searches upward from the notebook's directory: here, a folder in the project.
    let notebooks = dir.path().join("work");
    common::copy_tree(&project("cuda-5.5"), &notebooks);
    std::fs::create_dir_all(notebooks.join("notebooks")).unwrap();
    let report = doctor(&m.h100_580, &notebooks.join("notebooks"), &[("JUPYTER_DATA_DIR", data.to_str().unwrap())]);

    let kernels = report["kernels"].as_array().unwrap();
    let kernel = |name: &str| kernels.iter().find(|k| k["name"] == name).unwrap_or_else(|| panic!("{name}"));
    let julia_of = |name: &str| &report["julia"][kernel(name)["julia"].as_u64().unwrap() as usize];

    let plain = julia_of("julia-1.10");
    assert_eq!(plain["project"], notebooks.join("Project.toml").to_str().unwrap(), "{plain}");
    assert_eq!(plain["frameworks"][0]["uses_gpu"], true, "{plain}");
    assert_eq!(kernel("julia-copy")["julia"], kernel("julia-1.10")["julia"], "one reading per distinct launch");
    let hidden = julia_of("julia-hidden");
    assert_eq!(hidden["source"], "kernel:julia-hidden");
    assert!(hidden["project_origin"].as_str().unwrap().starts_with("--project=@."), "{hidden}");
    assert_eq!(hidden["frameworks"][0]["uses_gpu"], false);
    assert!(strings(&kernel("julia-hidden")["findings"]).contains(&"GW812".to_string()), "{}", kernel("julia-hidden"));
    let gone = julia_of("julia-1.9");
    assert_eq!(gone["probe"]["status"], "failed");
    assert_eq!(strings(&gone["findings"]), ["GW709"]);
}
