//! The views, frozen: doctor's terminal and Markdown views of every recorded machine, and
//! estimate's terminal view, as a user reads them (stdout not a terminal, so no colour). A
//! change in wording or layout shows up here as a snapshot diff, to be reviewed like any other.

use std::process::Command;

mod common;
use common::repo;

const SYSTEMS: [&str; 5] =
    ["a100-mig.json", "h100-sxm.json", "multi-gpu-mixed.json", "no-gpu-this-machine.json", "old-driver-470.json"];

/// gpuwise's stdout with `args`, run from the recorded machines' folder with nothing of this
/// machine's environment.
fn text(args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gpuwise"))
        .args(args)
        .current_dir(repo("fixtures/systems"))
        .env_clear()
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn doctor_terminal_and_markdown_of_each_recorded_machine() {
    for system in SYSTEMS {
        insta::assert_snapshot!(format!("terminal-{system}"), text(&["doctor", "--no-envs", "--system", system]));
        let markdown = text(&["doctor", "--no-envs", "--markdown", "--system", system]);
        insta::assert_snapshot!(format!("markdown-{system}"), markdown);
    }
}

#[test]
fn estimate_terminal_views() {
    let parts = ["--gpu", "h100-sxm", "--cpu", "epyc-9654"];
    let cases: [(&str, &[&str]); 3] = [
        ("matmul-bf16", &["--op", "matmul", "--shape", "8192,8192,8192", "--dtype", "bf16"]),
        ("elementwise-small", &["--op", "elementwise", "--shape", "1000"]),
        (
            "conv2d-seed-model",
            &["--op", "conv2d", "--shape", "32,64,56,56,64,3,3", "--padding", "1", "--rule-of-thumb"],
        ),
    ];
    for (name, case) in cases {
        insta::assert_snapshot!(format!("estimate-{name}"), text(&[&["estimate"], case, &parts].concat()));
    }
}
