//! Whole-program tests of `gpuwise doctor`: recorded machines (fixtures/systems), the variables
//! that change visibility, this machine, and bad input.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/systems").join(name)
}

/// Runs gpuwise with a clean GPU environment plus `vars`.
fn gpuwise<I, S>(args: I, vars: &[(&str, &OsStr)]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_gpuwise"));
    command.args(args);
    for name in ["CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES"] {
        command.env_remove(name);
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().expect("gpuwise runs")
}

fn doctor_json(snapshot: &str, vars: &[(&str, &str)]) -> Value {
    let vars: Vec<(&str, &OsStr)> = vars.iter().map(|(k, v)| (*k, OsStr::new(v))).collect();
    let out = gpuwise(["doctor", "--json", "--no-envs", "--system", fixture(snapshot).to_str().unwrap()], &vars);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("doctor --json prints JSON")
}

fn codes(report: &Value) -> Vec<String> {
    let mut codes: Vec<String> =
        report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect();
    codes.sort();
    codes
}

fn visible(report: &Value) -> Vec<u64> {
    report["visibility"]["devices"].as_array().unwrap().iter().map(|d| d["nvml_index"].as_u64().unwrap()).collect()
}

#[test]
fn h100_is_ready_with_its_recorded_figures() {
    let report = doctor_json("h100-sxm.json", &[]);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["verdict"]["gpu_usable"], true);
    let gpu = &report["system"]["devices"][0];
    assert_eq!(gpu["name"], "NVIDIA H100 80GB HBM3");
    assert_eq!(gpu["compute_capability"], "9.0");
    assert_eq!(gpu["multiprocessors"], 132);
    assert_eq!(gpu["memory_total_bytes"], 81559u64 * 1024 * 1024);
    assert_eq!(report["visibility"]["visible"][0], gpu["uuid"]);
    assert!(codes(&report).iter().all(|c| c != "GW904"), "H100 FP64 is half rate");
}

#[test]
fn mixed_machine_explains_the_numbering_and_pci_order_fixes_it() {
    let report = doctor_json("multi-gpu-mixed.json", &[]);
    assert_eq!(codes(&report), ["GW116", "GW206", "GW904"]);
    assert_eq!(visible(&report), [1, 0], "FASTEST_FIRST puts the Ada card first");
    let fixed = doctor_json("multi-gpu-mixed.json", &[("CUDA_DEVICE_ORDER", "PCI_BUS_ID")]);
    assert_eq!(visible(&fixed), [0, 1]);
    assert_eq!(codes(&fixed), ["GW116", "GW904"]);
}

#[test]
fn visibility_follows_this_shells_variables_against_the_snapshot() {
    let cases: &[(&str, &[u64], &[&str])] = &[
        ("", &[], &["GW201"]),
        ("1", &[1], &["GW205"]),
        ("0,7,1", &[0], &["GW202"]),
        ("1,1", &[], &["GW204"]),
        ("GPU-7518f6b0", &[1], &["GW205"]),
        ("GPU-ffffffff", &[], &["GW203"]),
    ];
    for (value, expected, expected_codes) in cases {
        let report = doctor_json(
            "multi-gpu-mixed.json",
            &[("CUDA_VISIBLE_DEVICES", value), ("CUDA_DEVICE_ORDER", "PCI_BUS_ID")],
        );
        assert_eq!(visible(&report), *expected, "CUDA_VISIBLE_DEVICES={value:?}");
        let found = codes(&report);
        for code in *expected_codes {
            assert!(found.iter().any(|c| c == code), "CUDA_VISIBLE_DEVICES={value:?}: {found:?} lacks {code}");
        }
        assert_eq!(report["verdict"]["gpu_usable"], !expected.is_empty(), "CUDA_VISIBLE_DEVICES={value:?}");
    }
}

#[test]
fn mig_machine_sees_one_instance_per_process() {
    let report = doctor_json("a100-mig.json", &[]);
    let devices = report["visibility"]["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0]["mig"], true);
    assert!(devices[0]["uuid"].as_str().unwrap().starts_with("MIG-"));
    assert!(codes(&report).contains(&"GW209".to_string()));
    let chosen = report["system"]["devices"][0]["mig_devices"][2]["uuid"].as_str().unwrap().to_string();
    let pinned = doctor_json("a100-mig.json", &[("CUDA_VISIBLE_DEVICES", &chosen)]);
    assert_eq!(pinned["visibility"]["visible"][0], chosen.as_str());
}

#[test]
fn old_driver_machine_warns_about_current_builds_and_busy_gpus() {
    let report = doctor_json("old-driver-470.json", &[]);
    let found = codes(&report);
    for code in ["GW116", "GW902", "GW903"] {
        assert!(found.iter().any(|c| c == code), "{found:?} lacks {code}");
    }
    assert_eq!(report["verdict"]["usable"].as_array().unwrap().len(), 8);
}

#[test]
fn gpu_less_snapshot_says_why() {
    let report = doctor_json("no-gpu-this-machine.json", &[]);
    assert_eq!(report["verdict"]["gpu_usable"], false);
    let errors: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(!errors.is_empty(), "a machine without GPU has an error finding saying why");
}

#[test]
fn terminal_view_reads_like_the_report() {
    let vars = [("NO_COLOR", OsStr::new("1"))];
    let out = gpuwise(["--no-envs", "--system", fixture("multi-gpu-mixed.json").to_str().unwrap()], &vars);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no escape codes when piped or NO_COLOR");
    let text =
        text.replace(env!("CARGO_PKG_VERSION"), "[version]").replace(fixture("").to_str().unwrap(), "[fixtures]/");
    insta::assert_snapshot!("multi_gpu_mixed_terminal", text);
}

#[test]
fn markdown_view_has_the_gpu_table_and_findings() {
    let out = gpuwise(["doctor", "--markdown", "--system", fixture("old-driver-470.json").to_str().unwrap()], &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("## ✅ 8 GPU(s) ready for CUDA"), "{text}");
    assert!(text.contains("| 5 | cuda:5 | Tesla V100-PCIE-32GB | 7.0 |"));
    assert!(text.contains("- **GW116 warning** (driver)"));
}

#[test]
fn this_machine_is_reported_and_exits_zero() {
    let out = gpuwise(["doctor", "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert!(report["system"]["cpu"]["logical_cores"].as_u64().unwrap() >= 1);
    let usable = report["verdict"]["gpu_usable"].as_bool().unwrap();
    let libcuda = report["system"]["libraries"]["cuda"]["status"].as_str().unwrap();
    assert!(libcuda == "available" || !usable, "a GPU cannot be usable without libcuda");
    if !usable {
        assert!(!report["findings"].as_array().unwrap().is_empty(), "every no needs a finding");
    }
    let plain = gpuwise(Vec::<&str>::new(), &[]);
    assert!(plain.status.success(), "no arguments runs doctor");
}

#[test]
fn require_gpu_exits_one_without_a_usable_gpu() {
    let none = gpuwise(["--require-gpu", "--system", fixture("no-gpu-this-machine.json").to_str().unwrap()], &[]);
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stdout).contains("No usable NVIDIA GPU"));
    let hidden = gpuwise(
        ["doctor", "--require-gpu", "--system", fixture("h100-sxm.json").to_str().unwrap()],
        &[("CUDA_VISIBLE_DEVICES", OsStr::new(""))],
    );
    assert_eq!(hidden.status.code(), Some(1));
    let ok = gpuwise(["doctor", "--require-gpu", "--system", fixture("h100-sxm.json").to_str().unwrap()], &[]);
    assert_eq!(ok.status.code(), Some(0));
}

#[test]
fn non_utf8_variables_are_a_finding_not_a_crash() {
    use std::os::unix::ffi::OsStrExt;
    let raw = OsStr::from_bytes(&[b'0', b',', 0xff, 0xfe]);
    let out = gpuwise(
        ["doctor", "--json", "--system", fixture("multi-gpu-mixed.json").to_str().unwrap()],
        &[("CUDA_VISIBLE_DEVICES", raw), ("CUDA_DEVICE_ORDER", OsStr::new("PCI_BUS_ID"))],
    );
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(visible(&report), [0]);
    let found = codes(&report);
    assert!(found.contains(&"GW208".to_string()) && found.contains(&"GW202".to_string()), "{found:?}");
}

#[test]
fn bad_snapshots_are_clear_errors_with_status_two() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("missing.json", None, "cannot read snapshot"),
        ("garbage.json", Some("{\"system\": [1, 2"), "not valid JSON"),
        ("future.json", Some("{\"schema_version\": 9, \"system\": {}}"), "schema_version 9"),
        ("wrong.json", Some("{\"devices\": [{\"index\": \"zero\"}]}"), "does not match the schema"),
    ];
    for (name, content, message) in cases {
        let path = tmp.path().join(name);
        if let Some(content) = content {
            std::fs::write(&path, content).unwrap();
        }
        let out = gpuwise(["doctor", "--system", path.to_str().unwrap()], &[]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message) && stderr.contains(name), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: nothing half-written on stdout");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn explain_prints_pages_and_rejects_unknown_codes() {
    let page = gpuwise(["explain", "gw203"], &[]);
    assert!(page.status.success());
    assert!(String::from_utf8_lossy(&page.stdout).starts_with("# GW203"));
    let list = gpuwise(["explain"], &[]);
    assert!(String::from_utf8_lossy(&list.stdout).lines().count() >= 25);
    let unknown = gpuwise(["explain", "GW299"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("unknown finding code `GW299`") && stderr.contains("GW201"), "{stderr}");
    let accented = gpuwise(["explain", "éé"], &[]);
    assert_eq!(accented.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&accented.stderr).contains("panicked"));
}

#[test]
fn every_finding_in_every_fixture_has_an_explain_page_under_the_same_title() {
    for entry in std::fs::read_dir(fixture("")).unwrap() {
        let path = entry.unwrap().path();
        let out = gpuwise(["doctor", "--json", "--system", path.to_str().unwrap()], &[]);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let text = gpuwise(["doctor", "--system", path.to_str().unwrap()], &[]);
        let text = String::from_utf8_lossy(&text.stdout);
        for finding in report["findings"].as_array().unwrap() {
            let (code, title) = (finding["code"].as_str().unwrap(), finding["code_title"].as_str().unwrap());
            let page = gpuwise(["explain", code], &[]);
            assert!(page.status.success(), "{code} from {}", path.display());
            let heading = format!("# {code}: {title}\n");
            assert!(String::from_utf8_lossy(&page.stdout).starts_with(&heading), "{heading} heads explain's page");
            assert!(text.contains(&format!("{code} {title}\n")), "doctor shows {code} under {title}: {text}");
        }
    }
}
