//! Merging a thousand nodes' reports (`gpuwise fleet`): reading each report's JSON as a node
//! printed it, then the merge (summaries, groups, each node's findings merged, the fleet rules),
//! timed separately; the target is under 200 ms for both. Nodes cycle through the recorded
//! machines in fixtures/systems/, a driver version varying by rack so the rules have work.
//! Run: `cargo bench -p gpuwise-service --bench fleet_merge`.

use std::time::Instant;

use gpuwise_core::fleet::NodeAnswer;
use gpuwise_core::{Report, Variables};
use gpuwise_service::Host;
use gpuwise_service::doctor::{self, Machine, Scope};

const NODES: usize = 1000;
const ROUNDS: usize = 7;

fn main() {
    let fixtures = ["h100-sxm", "a100-mig", "multi-gpu-mixed", "old-driver-470", "no-gpu-this-machine"];
    let reports: Vec<Report> = fixtures
        .iter()
        .map(|name| {
            let path = format!("{}/../../fixtures/systems/{name}.json", env!("CARGO_MANIFEST_DIR"));
            let machine = Machine::Recorded(path.into());
            let system = machine.system(&Variables::default(), Host::EMBEDDED).expect("fixture");
            doctor::report(system, &Variables::default(), &Scope::default())
        })
        .collect();
    let texts: Vec<String> = (0..NODES)
        .map(|i| {
            let mut report = reports[i % reports.len()].clone();
            if let Some(driver) = report.system.driver.as_mut() {
                driver.version = format!("{}.{}", driver.version, i / 100);
            }
            serde_json::to_string_pretty(&report).expect("JSON")
        })
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let (mut read_ms, mut merge_ms) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let answers: Vec<NodeAnswer> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| NodeAnswer { name: format!("node{i}"), report: gpuwise_service::fleet::read_report(text) })
            .collect();
        read_ms.push(started.elapsed().as_secs_f64() * 1e3);
        let started = Instant::now();
        let merged = gpuwise_service::fleet::merge("slurm", answers);
        merge_ms.push(started.elapsed().as_secs_f64() * 1e3);
        assert_eq!(merged.verdict.nodes, NODES);
    }
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!("| {NODES} reports ({:.1} MB of JSON) | median of {ROUNDS} (ms) | target |", bytes as f64 / 1e6);
    println!("|---|---|---|");
    println!("| read (parse and check each report) | {:.1} | |", median(&mut read_ms));
    println!("| merge (summaries, groups, findings, fleet rules) | {:.1} | |", median(&mut merge_ms));
    let mut total: Vec<f64> = read_ms.iter().zip(&merge_ms).map(|(a, b)| a + b).collect();
    println!("| both | {:.1} | < 200 ms |", median(&mut total));
}
