//! `gpuwise fleet merge` on reports of recorded machines, and `GPUWISE_SYSTEM`, which lets each
//! node of a test cluster stand for another machine.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// `gpuwise doctor --json` of a fixture machine, written to `dir/NAME.json`.
fn report(dir: &Path, fixture: &str, name: &str) -> PathBuf {
    let system = common::repo(&format!("fixtures/systems/{fixture}.json"));
    let out = common::gpuwise("doctor", &["--json", "--no-envs", "--system", system.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn merge(args: &[&Path], extra: &[&str]) -> (Option<i32>, String, String) {
    let mut all: Vec<&str> = args.iter().map(|p| p.to_str().unwrap()).collect();
    all.extend_from_slice(extra);
    let mut argv = vec!["merge"];
    argv.extend(all);
    let out = common::gpuwise("fleet", &argv);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn merged_reports_group_identical_nodes_and_name_the_differences() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        report(dir.path(), "h100-sxm", "node1"),
        report(dir.path(), "h100-sxm", "node2"),
        report(dir.path(), "a100-mig", "node3"),
        report(dir.path(), "old-driver-470", "node4"),
    ];
    let broken = dir.path().join("node5.json");
    std::fs::write(&broken, "srun: error: node5: Unable to contact slurm controller\n").unwrap();
    let mut paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    paths.push(&broken);
    let (code, stdout, stderr) = merge(&paths, &["--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let fleet: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(fleet["fleet_schema_version"], 1);
    assert_eq!(fleet["engine"], "files");
    assert_eq!(fleet["verdict"], serde_json::json!({"nodes": 5, "answered": 4, "gpu_usable": 4, "all_usable": false}));
    assert_eq!(fleet["groups"][0]["hostlist"], "node[1-2]", "the two H100 nodes are one group");
    let finding = |code: &str| -> Vec<&Value> {
        fleet["findings"].as_array().unwrap().iter().filter(|f| f["code"] == code).collect()
    };
    let silent = finding("GW1005");
    assert_eq!(silent.len(), 1);
    assert_eq!(silent[0]["nodes"], serde_json::json!(["node5"]));
    assert!(silent[0]["title"].as_str().unwrap().contains("is not a gpuwise report"), "{}", silent[0]["title"]);
    let skew: Vec<String> = finding("GW1001").iter().map(|f| f["hostlist"].as_str().unwrap().to_string()).collect();
    assert_eq!(skew, ["node4", "node3"], "each older driver against the newest, oldest first");
    // Each node's own findings keep their codes, with the nodes they concern.
    let gw116 = finding("GW116");
    assert!(gw116.iter().any(|f| f["nodes"] == serde_json::json!(["node4"])), "{gw116:?}");
}

#[test]
fn require_gpu_fails_a_health_check_with_a_silent_node_and_the_page_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let good = report(dir.path(), "h100-sxm", "node1");
    let page = dir.path().join("fleet.html");
    let (code, stdout, stderr) = merge(&[&good], &["--require-gpu", "--html", page.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.starts_with("✓ 1 of 1 node answered; 1 has a usable GPU"), "{stdout}");
    assert!(stderr.contains("Page written to"), "{stderr}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("node1"));
    let empty = dir.path().join("node2.json");
    std::fs::write(&empty, "").unwrap();
    let (code, _, _) = merge(&[&good, &empty], &["--require-gpu"]);
    assert_eq!(code, Some(1), "a node that did not answer fails --require-gpu");
}

#[test]
fn a_file_that_cannot_be_read_is_named() {
    let (code, stdout, stderr) = merge(&[Path::new("/no/such/report.json")], &[]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert!(stderr.contains("cannot read /no/such/report.json"), "{stderr}");
}

#[test]
fn gpuwise_system_stands_a_recorded_machine_for_this_one() {
    let fixture = common::repo("fixtures/systems/a100-mig.json");
    let out = common::gpuwise_env("doctor", &["--json", "--no-envs"], &[("GPUWISE_SYSTEM", &fixture)]);
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["system"]["devices"][0]["name"], "NVIDIA A100 80GB PCIe");
    let text = common::gpuwise_env("doctor", &["--no-envs"], &[("GPUWISE_SYSTEM", &fixture)]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&format!("snapshot {} (GPUWISE_SYSTEM)", fixture.display())), "{text}");
}

/// Why the Slurm tests are ignored by default: scripts/fleet-tests starts the test cluster and
/// runs them.
const NEEDS_SLURM: &str = "needs scripts/fleet-tests' Slurm cluster (GPUWISE_TEST_SLURM_CONF)";

/// `gpuwise fleet slurm ARGS --json` on the test cluster, each node standing for its recorded
/// machine (validation/slurm/node-gpuwise), with `vars` set.
fn fleet_slurm(args: &[&str], vars: &[(&str, &str)]) -> Value {
    let conf = std::env::var("GPUWISE_TEST_SLURM_CONF").expect(NEEDS_SLURM);
    let node_gpuwise = common::repo("validation/slurm/node-gpuwise");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gpuwise"))
        .args(["fleet", "slurm", "--json", "--gpuwise", node_gpuwise.to_str().unwrap()])
        .args(args)
        .env("SLURM_CONF", conf)
        .env("GPUWISE_BIN", env!("CARGO_BIN_EXE_gpuwise"))
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn node<'a>(fleet: &'a Value, name: &str) -> &'a Value {
    fleet["nodes"].as_array().unwrap().iter().find(|n| n["name"] == name).unwrap_or_else(|| panic!("no {name}"))
}

#[test]
#[ignore = "needs scripts/fleet-tests' Slurm cluster (GPUWISE_TEST_SLURM_CONF)"]
fn slurm_runs_doctor_on_every_node_and_names_the_differences() {
    let fleet = fleet_slurm(&["--partition", "all", "--timeout", "60"], &[]);
    assert_eq!(fleet["engine"], "slurm");
    assert_eq!(fleet["verdict"], serde_json::json!({"nodes": 5, "answered": 4, "gpu_usable": 4, "all_usable": false}));
    let down = node(&fleet, "node5")["error"].as_str().unwrap();
    assert!(
        ["Slurm reports it down: not asked", "Slurm reports it down, not responding: not asked"].contains(&down),
        "{down}"
    );
    assert_eq!(node(&fleet, "node3")["summary"]["gpus"], serde_json::json!(["NVIDIA A100 80GB PCIe"]));
    assert_eq!(node(&fleet, "node4")["summary"]["driver"], "470.129.06");
    assert_eq!(fleet["groups"][0]["hostlist"], "node[1-2]", "the two H100 nodes are one group");
    let codes: Vec<(&str, &str)> = fleet["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("GW10"))
        .map(|f| (f["code"].as_str().unwrap(), f["hostlist"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [("GW1005", "node5"), ("GW1001", "node4"), ("GW1001", "node3")]);
}

#[test]
#[ignore = "needs scripts/fleet-tests' Slurm cluster (GPUWISE_TEST_SLURM_CONF)"]
fn slurm_reports_a_hung_node_and_keeps_the_others() {
    let fleet = fleet_slurm(&["--partition", "all", "--timeout", "5"], &[("GPUWISE_TEST_HANG_NODE", "node2")]);
    assert_eq!(node(&fleet, "node2")["error"], "doctor did not finish within 5 s there (a hung driver?)");
    for answered in ["node1", "node3", "node4"] {
        assert_eq!(node(&fleet, answered)["answered"], true, "{answered}");
    }
}

#[test]
#[ignore = "needs scripts/fleet-tests' Slurm cluster (GPUWISE_TEST_SLURM_CONF)"]
fn slurm_says_where_the_program_is_missing_and_asks_only_the_nodes_wanted() {
    let conf = std::env::var("GPUWISE_TEST_SLURM_CONF").expect(NEEDS_SLURM);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gpuwise"))
        .args(["fleet", "slurm", "--json", "-p", "h100", "--nodes", "1", "--gpuwise", "/nowhere/gpuwise"])
        .env("SLURM_CONF", conf)
        .output()
        .unwrap();
    let fleet: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fleet["verdict"]["nodes"], 1, "--nodes 1 asks one node");
    let error = node(&fleet, "node1")["error"].as_str().unwrap();
    assert!(error.starts_with("gpuwise is not at /nowhere/gpuwise on this node"), "{error}");
}
