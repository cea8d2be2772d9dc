//! What a hostile or broken machine can hand gpuwise, one function per input: each takes any
//! bytes, runs the code that reads that input, and panics only on a broken promise (a parser
//! never panics; what it accepts it describes sanely). The fuzz targets in fuzz_targets/ call
//! these under libFuzzer; crates/gpuwise/tests/inputs.rs calls the same functions with proptest
//! in every test run.

use std::path::{Path, PathBuf};

use gpuwise_core::Variables;
use gpuwise_core::{Report, System};

/// A scratch directory for inputs that are files, made once per thread.
fn scratch() -> PathBuf {
    thread_local! {
        static DIR: tempfile::TempDir = tempfile::tempdir().expect("a temporary directory");
    }
    DIR.with(|d| d.path().to_path_buf())
}

/// `bytes` written to `name` in a fresh folder `folder` of the scratch directory.
fn file(folder: &str, name: &str, bytes: &[u8]) -> PathBuf {
    let dir = scratch().join(folder);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(name).parent().expect("a parent")).expect("a folder");
    std::fs::write(dir.join(name), bytes).expect("a file");
    dir
}

/// The recorded machines the visibility input is judged against (fixtures/systems, found
/// above the crate that includes this file).
fn machines() -> Vec<System> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = crate_dir.ancestors().map(|d| d.join("fixtures/systems")).find(|d| d.is_dir()).expect("fixtures");
    ["multi-gpu-mixed.json", "a100-mig.json", "h100-sxm.json"]
        .iter()
        .map(|name| gpuwise_probe::snapshot::load(&dir.join(name)).expect("a fixture"))
        .collect()
}

/// `CUDA_VISIBLE_DEVICES` (and, from the first line, `CUDA_DEVICE_ORDER`): what CUDA would
/// show is a subset of the machine's devices, none twice, and every entry has a status.
pub fn cuda_visible_devices(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let (order, value) = text.split_once('\n').unwrap_or(("", &text));
    for system in machines() {
        let vars = Variables::from_text([("CUDA_VISIBLE_DEVICES", value), ("CUDA_DEVICE_ORDER", order)]);
        let visibility = gpuwise_core::visibility::resolve(&system, &vars);
        let known: Vec<String> = system
            .devices
            .iter()
            .flat_map(|d| std::iter::once(d.uuid.clone()).chain(d.mig_devices.iter().map(|m| m.uuid.clone())))
            .collect();
        for (i, uuid) in visibility.visible.iter().enumerate() {
            assert!(known.contains(uuid), "{value:?} shows {uuid}, not a device of the machine");
            assert!(!visibility.visible[..i].contains(uuid), "{value:?} shows {uuid} twice");
        }
    }
}

/// A dist-info METADATA (and the RECORD and entry_points.txt beside it): read or named as
/// unreadable, and its requirements judged against what is installed.
pub fn metadata(bytes: &[u8]) {
    let site = file("site", "pkg-1.0.dist-info/METADATA", bytes);
    let _ = std::fs::write(site.join("pkg-1.0.dist-info/RECORD"), bytes);
    let _ = std::fs::write(site.join("pkg-1.0.dist-info/entry_points.txt"), bytes);
    let installed = gpuwise_envs::Installed::scan(&[site]);
    let markers = gpuwise_envs::Markers {
        implementation_name: "cpython".into(),
        implementation_version: "3.12.3".into(),
        os_name: "posix".into(),
        platform_machine: "x86_64".into(),
        platform_python_implementation: "CPython".into(),
        platform_release: "6.8.0".into(),
        platform_system: "Linux".into(),
        platform_version: "#1 SMP".into(),
        python_full_version: "3.12.3".into(),
        python_version: "3.12".into(),
        sys_platform: "linux".into(),
    };
    let env = gpuwise_envs::marker_environment(&markers).expect("valid markers");
    for dist in installed.iter() {
        assert!(!dist.name.is_empty() && !dist.version.is_empty());
        let _ = gpuwise_envs::unmet(dist, &installed, &env, |_| true);
    }
}

/// A generated Python file (`torch/version.py`, TensorFlow's `build_info.py`).
pub fn python_literals(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (name, value) in gpuwise_envs::pyliteral::assignments(&text) {
        assert!(!name.is_empty());
        let _ = value.as_str();
    }
}

/// A kernelspec's kernel.json: a kernel or a problem, never both missing.
pub fn kernel_json(bytes: &[u8]) {
    let kernels = file("kernels", "k/kernel.json", bytes);
    let found = gpuwise_envs::jupyter::find_kernels(&[kernels]);
    assert_eq!(found.len(), 1, "the kernel directory is listed");
    let kernel = &found[0];
    assert!(kernel.problem.is_some() || !kernel.kernel.argv.is_empty(), "a kernel without argv is a problem");
}

/// A Julia Project.toml and Manifest.toml.
pub fn julia_toml(bytes: &[u8]) {
    let dir = file("julia", "Project.toml", bytes);
    let _ = std::fs::write(dir.join("Manifest.toml"), bytes);
    let _ = gpuwise_envs::julia::read_project(&dir.join("Project.toml"));
    let _ = gpuwise_envs::julia::read_manifest(&dir.join("Manifest.toml"));
}

/// A snapshot (`doctor --system FILE`): a system or a message, and an accepted system renders
/// as a whole report.
pub fn snapshot(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Ok(system) = Report::system_from_snapshot(&text) {
        let vars = Variables::from_text([]);
        let mut report = Report::new(system);
        report.visibility = gpuwise_core::visibility::resolve(&report.system, &vars);
        report.findings = gpuwise_rules::diagnose(&report.system, &report.visibility, &vars);
        let json = gpuwise_render::json(&report);
        assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok(), "the report is JSON");
        let _ = gpuwise_render::markdown(&report, "snapshot");
    }
}

/// A profile (`estimate --profile FILE`): refused with a message, or used by an estimate whose
/// figures are finite.
pub fn profile(bytes: &[u8]) {
    let dir = file("profile", "profile.json", bytes);
    let path = dir.join("profile.json").display().to_string();
    let args =
        ["--op", "matmul", "--shape", "512,512,512", "--gpu", "h100-sxm", "--cpu", "epyc-9654", "--profile", &path];
    if let Some(json) = estimate_json(&args.map(String::from)) {
        assert_finite(&json);
    }
}

/// The estimate's arguments, one per line: an estimate with finite figures, or a message.
pub fn estimate_arguments(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let args: Vec<String> = text.lines().map(String::from).collect();
    if let Some(json) = estimate_json(&args) {
        assert_finite(&json);
    }
}

/// What `gpuwise estimate ARGS --json` prints, when the arguments are usable.
fn estimate_json(args: &[String]) -> Option<String> {
    let settings = gpuwise::estimate_settings(args).ok()?;
    let vars = gpuwise_core::Variables::capture();
    let estimated = gpuwise_service::estimate::estimate(&settings, &vars, &mut drop).ok()?;
    Some(gpuwise_render::estimate_json(&estimated.estimate, estimated.seed.as_ref()))
}

/// Every number in `json` is finite (JSON has no infinity: serde writes null for one).
fn assert_finite(json: &str) {
    let value: serde_json::Value = serde_json::from_str(json).expect("the estimate is JSON");
    fn walk(value: &serde_json::Value, at: &str) {
        match value {
            serde_json::Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite), "{at} = {n}"),
            serde_json::Value::Array(items) => {
                items.iter().enumerate().for_each(|(i, v)| walk(v, &format!("{at}[{i}]")))
            }
            serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| walk(v, &format!("{at}.{k}"))),
            _ => {}
        }
    }
    walk(&value, "estimate");
}
