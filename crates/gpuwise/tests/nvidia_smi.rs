//! Doctor's fields against `nvidia-smi -q -x`, the reference every user trusts.
//!
//! The comparison runs on recorded pairs under `validation/` (doctor.json beside nvidia-smi.xml)
//! and live on a machine with an NVIDIA GPU (an ignored test: `--run-ignored only`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Every difference between doctor's report and nvidia-smi's XML, in words.
fn disagreements(report: &Value, xml: &str) -> Vec<String> {
    // nvidia-smi's XML starts with a DOCTYPE naming its DTD.
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    let doc = match roxmltree::Document::parse_with_options(xml, options) {
        Ok(doc) => doc,
        Err(err) => return vec![format!("nvidia-smi XML does not parse: {err}")],
    };
    let root = doc.root_element();
    let text = |node: roxmltree::Node<'_, '_>, path: &[&str]| -> Option<String> {
        let mut current = node;
        for name in path {
            current = current.children().find(|c| c.has_tag_name(*name))?;
        }
        current.text().map(|t| t.trim().to_string()).filter(|t| !t.is_empty() && t != "N/A")
    };
    let number = |value: Option<String>| {
        value.and_then(|v| v.split_whitespace().next()?.trim_end_matches('x').parse::<u64>().ok())
    };
    let mut problems = Vec::new();
    let mut check = |what: String, ours: Option<String>, theirs: Option<String>| {
        if let (Some(ours), Some(theirs)) = (&ours, &theirs) {
            if !ours.eq_ignore_ascii_case(theirs) {
                problems.push(format!("{what}: doctor `{ours}`, nvidia-smi `{theirs}`"));
            }
        } else if ours.is_none() && theirs.is_some() {
            problems.push(format!("{what}: doctor has nothing, nvidia-smi `{}`", theirs.unwrap_or_default()));
        }
    };
    let system = &report["system"];
    let string = |v: &Value| v.as_str().map(str::to_string);
    let int = |v: &Value| v.as_u64().map(|n| n.to_string());
    check("driver version".into(), string(&system["driver"]["version"]), text(root, &["driver_version"]));
    check("CUDA version".into(), string(&system["driver"]["cuda_version"]), text(root, &["cuda_version"]));
    let gpus: Vec<_> = root.children().filter(|c| c.has_tag_name("gpu")).collect();
    let devices = system["devices"].as_array().cloned().unwrap_or_default();
    check("GPU count".into(), Some(devices.len().to_string()), Some(gpus.len().to_string()));
    for device in &devices {
        let uuid = device["uuid"].as_str().unwrap_or_default();
        let Some(gpu) = gpus.iter().find(|g| text(**g, &["uuid"]).as_deref() == Some(uuid)) else {
            check(format!("{uuid} present"), Some("yes".into()), Some("no".into()));
            continue;
        };
        let field = |name: &str| format!("{uuid} {name}");
        let mib = |v: &Value| v.as_u64().map(|b| (b / (1024 * 1024)).to_string());
        let on_off = |v: Option<String>| v.map(|s| (s == "Enabled").to_string());
        check(field("name"), string(&device["name"]), text(*gpu, &["product_name"]));
        check(field("PCI bus id"), string(&device["pci_bus_id"]), text(*gpu, &["pci", "pci_bus_id"]));
        check(
            field("memory MiB"),
            mib(&device["memory_total_bytes"]),
            text(*gpu, &["fb_memory_usage", "total"]).and_then(|t| number(Some(t))).map(|n| n.to_string()),
        );
        check(
            field("memory used MiB"),
            mib(&device["memory_used_bytes"]),
            text(*gpu, &["fb_memory_usage", "used"]).and_then(|t| number(Some(t))).map(|n| n.to_string()),
        );
        check(field("minor number"), int(&device["minor_number"]), text(*gpu, &["minor_number"]));
        let link = ["pci", "pci_gpu_link_info"];
        for (ours, path) in [
            ("generation", [&link[..], &["pcie_gen", "current_link_gen"]].concat()),
            ("max_generation", [&link[..], &["pcie_gen", "max_link_gen"]].concat()),
            ("width", [&link[..], &["link_widths", "current_link_width"]].concat()),
            ("max_width", [&link[..], &["link_widths", "max_link_width"]].concat()),
        ] {
            check(
                field(&format!("PCIe {ours}")),
                int(&device["pcie"][ours]),
                number(text(*gpu, &path)).map(|n| n.to_string()),
            );
        }
        for (ours, theirs) in
            [("max_graphics_mhz", "graphics_clock"), ("max_sm_mhz", "sm_clock"), ("max_memory_mhz", "mem_clock")]
        {
            check(
                field(ours),
                int(&device["clocks"][ours]),
                number(text(*gpu, &["max_clocks", theirs])).map(|n| n.to_string()),
            );
        }
        check(
            field("persistence"),
            device["persistence_mode"].as_bool().map(|b| b.to_string()),
            on_off(text(*gpu, &["persistence_mode"])),
        );
        check(
            field("MIG"),
            device["mig"].as_bool().map(|b| b.to_string()),
            on_off(text(*gpu, &["mig_mode", "current_mig"])),
        );
    }
    problems
}

fn h100_report() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/systems/h100-sxm.json");
    serde_json::json!({ "system": serde_json::from_str::<Value>(&std::fs::read_to_string(path).unwrap()).unwrap() })
}

/// nvidia-smi's XML for the H100 fixture, in the layout nvidia-smi 580 writes.
fn h100_xml(product_name: &str, max_width: &str) -> String {
    let report = h100_report();
    let gpu = &report["system"]["devices"][0];
    format!(
        "<?xml version=\"1.0\" ?><nvidia_smi_log><driver_version>{driver}</driver_version><cuda_version>{cuda}</cuda_version>\
         <attached_gpus>1</attached_gpus><gpu id=\"{bus}\"><product_name>{product_name}</product_name>\
         <persistence_mode>Enabled</persistence_mode><mig_mode><current_mig>N/A</current_mig></mig_mode><uuid>{uuid}</uuid>\
         <pci><pci_bus_id>{bus}</pci_bus_id><pci_gpu_link_info><pcie_gen><max_link_gen>5</max_link_gen>\
         <current_link_gen>5</current_link_gen></pcie_gen><link_widths><max_link_width>{max_width}</max_link_width>\
         <current_link_width>16x</current_link_width></link_widths></pci_gpu_link_info></pci>\
         <fb_memory_usage><total>81559 MiB</total><used>2 MiB</used></fb_memory_usage>\
         <max_clocks><graphics_clock>1980 MHz</graphics_clock><sm_clock>1980 MHz</sm_clock><mem_clock>2619 MHz</mem_clock></max_clocks>\
         </gpu></nvidia_smi_log>",
        driver = report["system"]["driver"]["version"].as_str().unwrap(),
        cuda = report["system"]["driver"]["cuda_version"].as_str().unwrap(),
        bus = gpu["pci_bus_id"].as_str().unwrap(),
        uuid = gpu["uuid"].as_str().unwrap(),
    )
}

#[test]
fn matching_fields_agree_and_each_difference_is_named() {
    let report = h100_report();
    assert_eq!(disagreements(&report, &h100_xml("NVIDIA H100 80GB HBM3", "16x")), Vec::<String>::new());
    let problems = disagreements(&report, &h100_xml("NVIDIA H100 PCIe", "8x"));
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("name: doctor `NVIDIA H100 80GB HBM3`, nvidia-smi `NVIDIA H100 PCIe`"));
    assert!(problems[1].contains("PCIe max_width: doctor `16`, nvidia-smi `8`"));
    assert!(disagreements(&report, "<not xml")[0].contains("does not parse"));
}

/// Recorded pairs: validation/<machine>/<date>/{doctor.json, nvidia-smi.xml}.
fn recorded_pairs() -> Vec<(PathBuf, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../validation");
    let mut pairs = Vec::new();
    for machine in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for run in std::fs::read_dir(machine.path()).into_iter().flatten().flatten() {
            let (json, xml) = (run.path().join("doctor.json"), run.path().join("nvidia-smi.xml"));
            if json.is_file() && xml.is_file() {
                pairs.push((json, xml));
            }
        }
    }
    pairs
}

fn assert_agree(json: &Path, xml: &Path) {
    let report: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let problems = disagreements(&report, &std::fs::read_to_string(xml).unwrap());
    assert!(problems.is_empty(), "{} vs {}:\n{}", json.display(), xml.display(), problems.join("\n"));
}

#[test]
fn recorded_gpu_machines_agree_with_nvidia_smi() {
    for (json, xml) in recorded_pairs() {
        assert_agree(&json, &xml);
    }
}

#[test]
#[ignore = "needs an NVIDIA GPU and nvidia-smi: run with --run-ignored on the GPU machine (validation/README.md)"]
fn live_gpu_agrees_with_nvidia_smi() {
    let doctor = Command::new(env!("CARGO_BIN_EXE_gpuwise")).args(["doctor", "--json"]).output().unwrap();
    let smi = Command::new("nvidia-smi").args(["-q", "-x"]).output().expect("nvidia-smi on PATH");
    let report: Value = serde_json::from_slice(&doctor.stdout).unwrap();
    assert_eq!(report["verdict"]["gpu_usable"], true, "a GPU machine must have a usable GPU");
    for device in report["system"]["devices"].as_array().unwrap() {
        for field in [
            "compute_capability",
            "multiprocessors",
            "l2_cache_bytes",
            "memory_bandwidth_bytes_per_second",
            "cuda_default_index",
        ] {
            assert!(!device[field].is_null(), "{field} missing for {}", device["uuid"]);
        }
    }
    let problems = disagreements(&report, &String::from_utf8_lossy(&smi.stdout));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
