//! Real environments installed from PyPI (scripts/test-envs, under `GPUWISE_TEST_VENVS`; the
//! small part of validation/real-wheels): doctor agrees with what each framework answers itself
//! on this machine, and on recorded machines its verdicts, causes and fixes are the ones the
//! real-wheel matrix checked by applying them.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{Machines, decided, doctor, real_env, verdict};

/// What the framework itself says, in its own environment: true when it would use a GPU.
fn own_answer(python: &Path, script: &str) -> bool {
    let out = Command::new(python).args(["-c", script]).env("JAX_PLATFORMS", "").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    match String::from_utf8_lossy(&out.stdout).trim() {
        "True" | "gpu" | "cuda" => true,
        "False" | "cpu" => false,
        other => panic!("unexpected answer {other:?}"),
    }
}

fn this_machine() -> PathBuf {
    let out = Command::new(env!("CARGO_BIN_EXE_gpuwise")).args(["doctor", "--json", "--no-envs"]).output().unwrap();
    let path = std::env::temp_dir().join(format!("gpuwise-this-machine-{}.json", std::process::id()));
    std::fs::write(&path, out.stdout).unwrap();
    path
}

#[test]
#[ignore = "needs scripts/test-envs' real environments (GPUWISE_TEST_VENVS); scripts/test runs it"]
fn real_jax_agrees_with_jax() {
    let python = real_env("jax-cpu");
    let own = own_answer(&python, "import jax; print(jax.devices()[0].platform)");
    let report = doctor(&this_machine(), &python, &[]);
    assert_eq!(verdict(&report, "jax").0, own, "doctor and jax.devices() agree on this machine");
    let dir = tempfile::tempdir().unwrap();
    let h100 = Machines::new(dir.path()).h100_580;
    assert_eq!(
        verdict(&doctor(&h100, &python, &[]), "jax"),
        (false, vec!["GW301".to_string()]),
        "jaxlib alone is CPU-only"
    );
}

#[test]
#[ignore = "needs scripts/test-envs' real environments (GPUWISE_TEST_VENVS); scripts/test runs it"]
fn real_numba_agrees_with_numba() {
    let python = real_env("numba");
    let own = own_answer(&python, "from numba import cuda; print(cuda.is_available())");
    let report = doctor(&this_machine(), &python, &[]);
    assert_eq!(verdict(&report, "numba").0, own, "doctor and numba.cuda.is_available() agree on this machine");
    let dir = tempfile::tempdir().unwrap();
    let h100 = Machines::new(dir.path()).h100_580;
    assert_eq!(
        verdict(&doctor(&h100, &python, &[]), "numba"),
        (false, vec!["GW305".to_string()]),
        "numba's CUDA target finds the driver, but without NVVM no kernel compiles"
    );
    let disabled = doctor(&h100, &python, &[("NUMBA_DISABLE_CUDA", "1")]);
    assert_eq!(verdict(&disabled, "numba"), (false, vec!["GW305".to_string(), "GW611".to_string()]));
}

#[test]
#[ignore = "needs scripts/test-envs' real environments (GPUWISE_TEST_VENVS); scripts/test runs it"]
fn real_numba_cuda_without_a_toolkit_cannot_be_imported() {
    let python = real_env("numba-cuda");
    let import = Command::new(&python).args(["-c", "from numba import cuda"]).output().unwrap();
    assert!(!import.status.success(), "numba-cuda loads libcudart at import, and none is installed");
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    // Its cuda-bindings are CUDA 13's: a driver before 580 runs neither them nor the runtime it lacks.
    let cases = [
        (&m.h100_580, "GW305", "pip install 'numba-cuda[cu13]'"),
        (&m.h100_550, "GW302", "upgrade the driver to driver >= 580.65.06, or: pip install 'numba-cuda[cu12]'"),
        (&m.v100_580, "GW305", "pip install 'numba-cuda[cu12]'"),
    ];
    for (machine, code, fix) in cases {
        let (outcome, because, fixes) = decided(&doctor(machine, &python, &[]), "numba");
        assert_eq!((outcome.as_str(), because), ("import_fails", vec![code.to_string()]), "{}", machine.display());
        assert_eq!(fixes, [fix], "the extra whose CUDA this driver and GPU run: {}", machine.display());
    }
}

#[test]
#[ignore = "needs scripts/test-envs' real environments (GPUWISE_TEST_VENVS); scripts/test runs it"]
fn real_cupy_without_its_libraries_stays_on_the_cpu() {
    let python = real_env("cupy-cuda12x");
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    for machine in [&m.h100_580, &m.h100_550, &m.v100_580] {
        let (outcome, because, fixes) = decided(&doctor(machine, &python, &[]), "cupy");
        assert_eq!((outcome.as_str(), because), ("cpu", vec!["GW305".to_string()]), "{}", machine.display());
        assert_eq!(fixes, ["pip install 'cupy-cuda12x[ctk]'"], "a working CUDA 12 wheel keeps its major");
    }
    let (outcome, because, fixes) = decided(&doctor(&m.v100_470, &python, &[]), "cupy");
    assert_eq!((outcome.as_str(), because), ("cpu", vec!["GW302".to_string()]));
    assert!(
        fixes[0].starts_with("upgrade the driver") && fixes[0].contains("cupy-cuda11x, with a CUDA 11 toolkit"),
        "CuPy's CUDA 11 wheel brings no libraries: {}",
        fixes[0]
    );
}

#[test]
#[ignore = "needs scripts/test-envs' real environments (GPUWISE_TEST_VENVS); scripts/test runs it"]
fn real_cupy_wheels_side_by_side_get_one_plan() {
    let python = real_env("cupy-two-wheels");
    let dir = tempfile::tempdir().unwrap();
    let m = Machines::new(dir.path());
    for (machine, wheel) in
        [(&m.h100_580, "cupy-cuda13x"), (&m.h100_550, "cupy-cuda12x"), (&m.v100_580, "cupy-cuda12x")]
    {
        let (outcome, because, fixes) = decided(&doctor(machine, &python, &[]), "cupy");
        assert_eq!((outcome.as_str(), because), ("cpu", vec!["GW601".to_string()]), "{}", machine.display());
        assert_eq!(
            fixes,
            [format!("pip uninstall -y cupy-cuda11x cupy-cuda12x && pip install '{wheel}[ctk]'")],
            "both go, the newest this driver and GPU run comes back whole (V100: CUDA 13 dropped Volta)"
        );
    }
}
