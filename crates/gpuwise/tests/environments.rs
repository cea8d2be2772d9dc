//! Whole-program tests of doctor's environment and kernel verdicts.
//!
//! Framework layouts (fixtures/envs: the files real wheels install, metadata from the wheels
//! themselves) are copied into real virtual environments and judged against recorded machines,
//! each variant derived from a fixture in fixtures/systems. Real environments from PyPI are
//! judged in real_wheels.rs.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;
use common::{Machines, add_ipykernel, copy_tree, decided, doctor, new_venv, repo, verdict};

/// A real virtual environment (no pip) holding the fixture's site-packages.
struct Venv {
    _dir: tempfile::TempDir,
    python: PathBuf,
    site: PathBuf,
}

fn venv(fixture: &str) -> Venv {
    let dir = tempfile::tempdir().unwrap();
    let (python, site) = new_venv(dir.path());
    copy_tree(&repo("fixtures/envs").join(fixture).join("site-packages"), &site);
    Venv { python, site, _dir: dir }
}

/// Replaces the fixture's empty placeholder library with a real ELF library whose
/// `.nv_fatbin` lists `sms` as machine code and `ptx` as PTX (or has no such section).
fn compile_library(path: &Path, sms: &[u32], ptx: &[u32]) {
    let mut container = Vec::new();
    for (kind, sm) in sms.iter().map(|s| (2u16, *s)).chain(ptx.iter().map(|s| (1u16, *s))) {
        let mut entry = vec![0u8; 64];
        entry[0..2].copy_from_slice(&kind.to_le_bytes());
        entry[4..8].copy_from_slice(&64u32.to_le_bytes());
        entry[28..32].copy_from_slice(&sm.to_le_bytes());
        container.extend(entry);
    }
    let mut bytes = 0xBA55_ED50u32.to_le_bytes().to_vec();
    bytes.extend(1u16.to_le_bytes());
    bytes.extend(16u16.to_le_bytes());
    bytes.extend((container.len() as u64).to_le_bytes());
    bytes.extend(container);
    let array: Vec<String> = bytes.iter().map(u8::to_string).collect();
    let body = if sms.is_empty() && ptx.is_empty() {
        "int gpuwise_placeholder;".to_string()
    } else {
        format!(
            "__attribute__((section(\".nv_fatbin\"), used, aligned(8))) const unsigned char fatbin[] = {{{}}};",
            array.join(",")
        )
    };
    let source = path.with_extension("c");
    std::fs::write(&source, body).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(cc).args(["-shared", "-fPIC", "-o"]).arg(path).arg(&source).status().unwrap();
    assert!(status.success(), "a C compiler builds the stand-in library");
    std::fs::remove_file(source).unwrap();
}

fn fixture_present(name: &str) -> bool {
    repo("fixtures/envs").join(name).join("site-packages").is_dir()
}

/// The code-level stand-in for libtorch_cuda.so per torch fixture: machine-code architectures
/// and PTX as the release builds list them (knowledge/frameworks.md), or none to leave the
/// release table to stand in.
fn torch_library(fixture: &str) -> Option<(&'static [u32], &'static [u32])> {
    match fixture {
        "torch-2.5.1-cu124" | "torch-2.5.1-cu124-missing-cudnn" => Some((&[50, 60, 70, 75, 80, 86, 90], &[])),
        "torch-2.9.1-cu128" => Some((&[70, 75, 80, 86, 90, 100, 120], &[])),
        "torch-2.11.0-cu130" => Some((&[75, 80, 86, 90, 100, 120], &[120])),
        "torch-2.6.0-cu118" => Some((&[], &[])), // a library without .nv_fatbin: the table answers
        _ => None,
    }
}

fn prepared(fixture: &str) -> Venv {
    let env = venv(fixture);
    if let Some((sms, ptx)) = torch_library(fixture) {
        compile_library(&env.site.join("torch/lib/libtorch_cuda.so"), sms, ptx);
    }
    env
}

#[test]
fn framework_builds_are_judged_against_each_machine() {
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    type Case<'a> = (&'a Path, bool, &'a [&'a str]);
    let table: &[(&str, &str, &[Case])] = &[
        (
            "torch-2.5.1-cu124",
            "torch",
            &[
                (&m.h100_580, true, &[]),
                (&m.h100_550, true, &[]),
                (&m.v100_470, false, &["GW302"]),
                (&m.v100_580, true, &[]),
                (&m.blackwell_580, false, &["GW303"]),
                (&m.no_gpu, false, &[]),
            ],
        ),
        ("torch-2.5.1-cpu", "torch", &[(&m.h100_580, false, &["GW301"]), (&m.no_gpu, false, &[])]),
        ("torch-2.5.1-rocm6.2", "torch", &[(&m.h100_580, false, &["GW301"])]),
        ("torch-2.5.1-cu124-missing-cudnn", "torch", &[(&m.h100_580, false, &["GW304"])]),
        (
            "torch-2.6.0-cu118",
            "torch",
            &[
                (&m.v100_470, true, &["GW302"]), // 11.8 on an 11.4 driver: minor-version compatibility
                (&m.h100_580, true, &[]),
                (&m.blackwell_580, false, &["GW303"]),
            ],
        ),
        (
            "torch-2.9.1-cu128",
            "torch",
            &[
                (&m.h100_550, true, &["GW302"]),
                (&m.blackwell_580, true, &[]),
                (&m.v100_580, true, &[]),
                (&m.v100_470, false, &["GW302"]),
            ],
        ),
        (
            "torch-2.11.0-cu130",
            "torch",
            &[
                (&m.h100_580, true, &[]),
                (&m.h100_550, false, &["GW302"]),
                (&m.v100_580, false, &["GW303"]),
                (&m.blackwell_580, true, &[]),
            ],
        ),
        // TF lists sm_60 ... sm_89 and compute_90: an H100 runs it through PTX (GW303, info).
        ("tensorflow-2.20.0", "tensorflow", &[(&m.h100_580, false, &["GW303", "GW305"])]),
        (
            "tensorflow-2.20.0-and-cuda",
            "tensorflow",
            &[
                (&m.h100_580, true, &["GW303"]),
                (&m.v100_580, true, &[]),
                (&m.v100_470, false, &["GW302"]),
                // Its kernels generated at run time use CUDA 12.5, which cannot target sm_120.
                (&m.blackwell_580, false, &["GW303"]),
            ],
        ),
        ("tensorflow-cpu-2.20.0", "tensorflow", &[(&m.h100_580, false, &["GW301"])]),
        ("jax-cuda12", "jax", &[(&m.h100_580, true, &[]), (&m.v100_580, true, &[]), (&m.v100_470, false, &["GW302"])]),
        ("jax-cuda12-pjrt-mismatch", "jax", &[(&m.h100_580, false, &["GW304"])]),
        ("jax-cpu", "jax", &[(&m.h100_580, false, &["GW301"]), (&m.no_gpu, false, &[])]),
        ("cupy-cuda12x", "cupy", &[(&m.h100_580, false, &["GW305"])]),
        ("cupy-cuda12x-ctk", "cupy", &[(&m.h100_580, true, &[]), (&m.v100_470, false, &["GW302"])]),
    ];
    let mut failures = Vec::new();
    for (fixture, framework, cases) in table {
        assert!(fixture_present(fixture), "fixtures/envs/{fixture} is missing");
        let env = prepared(fixture);
        for (machine, uses_gpu, codes) in *cases {
            let got = verdict(&doctor(machine, &env.python, &[]), framework);
            let want = (*uses_gpu, codes.iter().map(|c| c.to_string()).collect::<Vec<_>>());
            if got != want {
                failures.push(format!("{fixture} on {}: got {got:?}, want {want:?}", machine.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_gpu_in_use_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    let env = prepared("torch-2.5.1-cu124");
    let report = doctor(&m.h100_580, &env.python, &[]);
    let torch = &report["environments"][0]["frameworks"][0];
    assert_eq!(torch["device"], report["system"]["devices"][0]["uuid"]);
    assert_eq!(torch["architectures_source"].as_str().map(|s| s.ends_with("(.nv_fatbin)")), Some(true));
    let hidden = doctor(&m.h100_580, &env.python, &[("CUDA_VISIBLE_DEVICES", "")]);
    assert_eq!(verdict(&hidden, "torch"), (false, Vec::new()), "no GPU visible: the machine's GW201 says why");
}

#[test]
fn two_cuda_majors_in_one_environment_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    let env = prepared("torch-2.11.0-cu130");
    copy_tree(&repo("fixtures/envs/jax-cuda12/site-packages"), &env.site);
    let report = doctor(&m.h100_580, &env.python, &[]);
    let codes = report["environments"][0]["findings"].as_array().unwrap();
    assert!(codes.iter().any(|c| c == "GW803"), "{codes:?}");
}

#[test]
fn a_damaged_build_file_is_named_and_never_a_verdict_it_cannot_support() {
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    let env = prepared("tensorflow-2.20.0-and-cuda");
    let build_info = env.site.join("tensorflow/python/platform/build_info.py");
    // Valid Python without the build's fields: TensorFlow still imports, the build is unknown.
    std::fs::write(&build_info, "# cut short\n").unwrap();
    let (outcome, because, fixes) = decided(&doctor(&m.h100_580, &env.python, &[]), "tensorflow");
    assert_eq!((outcome.as_str(), because), ("unknown", vec!["GW802".to_string()]));
    assert_eq!(fixes, ["pip install --force-reinstall --no-deps 'tensorflow==2.20.0'"]);
    let text = Command::new(env!("CARGO_BIN_EXE_gpuwise"))
        .args(["doctor", "--system"])
        .arg(&m.h100_580)
        .arg("--python")
        .arg(&env.python)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("cannot be judged"), "the terminal view says so");
    // Missing: its import (the self check) fails.
    std::fs::remove_file(&build_info).unwrap();
    let (outcome, _, _) = decided(&doctor(&m.h100_580, &env.python, &[]), "tensorflow");
    assert_eq!(outcome, "import_fails");
}

#[test]
fn ld_library_path_shadowing_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    let env = prepared("torch-2.5.1-cu124");
    let system_cuda = dir.path().join("cuda-12.1/lib64");
    std::fs::create_dir_all(&system_cuda).unwrap();
    std::fs::write(system_cuda.join("libcusparse.so.12"), "").unwrap();
    let report = doctor(&m.h100_580, &env.python, &[("LD_LIBRARY_PATH", system_cuda.to_str().unwrap())]);
    let shadowed = &report["environments"][0]["shadowed"];
    assert_eq!(shadowed[0]["library"], "libcusparse.so.12", "{shadowed}");
    assert_eq!(report["environments"][0]["findings"][0], "GW804");
}

/// Writes a kernelspec under `dir/kernels/NAME`.
fn kernelspec(dir: &Path, name: &str, spec: &str) {
    let path = dir.join("kernels").join(name);
    std::fs::create_dir_all(&path).unwrap();
    std::fs::write(path.join("kernel.json"), spec).unwrap();
}

#[test]
fn kernels_are_judged_with_their_own_interpreter_and_env() {
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    let torch = prepared("torch-2.5.1-cu124");
    let plain = venv("jax-cpu");
    // Kernels that start: this test is about how they are judged once they do.
    add_ipykernel(&torch.site);
    add_ipykernel(&plain.site);
    let jupyter = dir.path().join("jupyter");
    let argv =
        |python: &Path| format!(r#"["{}", "-m", "ipykernel_launcher", "-f", "{{connection_file}}"]"#, python.display());
    kernelspec(
        &jupyter,
        "ml",
        &format!(r#"{{"argv": {}, "display_name": "Python 3 (ml)", "language": "python"}}"#, argv(&torch.python)),
    );
    kernelspec(
        &jupyter,
        "ml-hidden",
        &format!(
            r#"{{"argv": {}, "display_name": "Python 3 (no GPU)", "language": "python", "env": {{"CUDA_VISIBLE_DEVICES": ""}}}}"#,
            argv(&torch.python)
        ),
    );
    kernelspec(
        &jupyter,
        "other",
        &format!(r#"{{"argv": {}, "display_name": "Other", "language": "python"}}"#, argv(&plain.python)),
    );
    kernelspec(
        &jupyter,
        "gone",
        r#"{"argv": ["/nowhere/bin/python", "-m", "ipykernel_launcher"], "display_name": "Gone", "language": "python"}"#,
    );
    kernelspec(&jupyter, "broken", "{ this is not json");
    kernelspec(&jupyter, "julia", r#"{"argv": ["julia", "-i"], "display_name": "Julia 1.11", "language": "julia"}"#);

    // The shell has the torch environment activated: its bin directory leads PATH.
    let bin = torch.python.parent().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gpuwise"))
        .args(["doctor", "--json", "--system"])
        .arg(&m.h100_580)
        .env_clear()
        .env("HOME", dir.path().join("home"))
        .env("PATH", bin)
        .env("JUPYTER_PATH", &jupyter)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kernel = |name: &str| report["kernels"].as_array().unwrap().iter().find(|k| k["name"] == name).unwrap().clone();
    let codes = |name: &str| {
        kernel(name)["findings"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    let env_of = |name: &str| report["environments"][kernel(name)["environment"].as_u64().unwrap() as usize].clone();

    assert!(codes("ml").is_empty(), "{:?}", codes("ml"));
    assert_eq!(env_of("ml")["source"], "current", "same interpreter and variables as the shell: judged once");
    assert_eq!(env_of("ml")["frameworks"][0]["uses_gpu"], true);

    assert_eq!(codes("ml-hidden"), ["GW812"]);
    assert_eq!(env_of("ml-hidden")["source"], "kernel:ml-hidden");
    assert_eq!(env_of("ml-hidden")["frameworks"][0]["uses_gpu"], false, "the kernel's env hides the GPU");

    assert_eq!(codes("other"), ["GW811"], "another interpreter than the shell's, without the shell's torch");
    assert_eq!(
        report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "GW811").unwrap()["severity"],
        "warning"
    );
    assert_eq!(env_of("gone")["findings"][0], "GW801");
    assert_eq!(codes("broken"), ["GW810"]);
    let julia = &report["julia"][kernel("julia")["julia"].as_u64().unwrap() as usize];
    assert_eq!(julia["findings"][0], "GW709", "a Julia kernel whose julia is not on PATH: {julia}");
}
