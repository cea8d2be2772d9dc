//! The view of `gpuwise verify`: each framework's live answer beside doctor's verdict.

use std::fmt::Write as _;

use gpuwise_core::{Report, Verification};

/// The results as `gpuwise verify --json` prints them: `{schema_version: 1, results: [...]}`.
pub fn verification_json(results: &[Verification]) -> String {
    crate::json::pretty(&serde_json::json!({ "schema_version": 1, "results": results }))
}

/// One line per framework, then the overall agreement.
pub fn verification(results: &[Verification], report: &Report) -> String {
    let mut out = String::new();
    if results.is_empty() {
        let _ = writeln!(
            out,
            "No GPU framework (torch, tensorflow, jax, cupy, numba) is installed in the verified environments."
        );
        return out;
    }
    for result in results {
        let live = &result.live;
        let ran = match (&live.error, live.gpu) {
            (Some(error), _) => format!("failed: {error}"),
            (None, true) => {
                format!("ran on {}", live.device_name.as_deref().or(live.device.as_deref()).unwrap_or("a GPU"))
            }
            (None, false) => format!("ran on the CPU ({})", live.device.as_deref().unwrap_or("cpu")),
        };
        let time = live.seconds.map_or(String::new(), |s| format!(", 512x512 matmul in {:.3} ms", s * 1e3));
        let predicted = if result.doctor.uses_gpu {
            let device = result.doctor.device.as_ref();
            let gpu = device.and_then(|uuid| report.system.devices.iter().find(|d| &d.uuid == uuid));
            gpu.map_or("the GPU".to_string(), |d| format!("GPU {} ({})", d.index, d.name))
        } else if result.doctor.findings.is_empty() {
            "the CPU".to_string()
        } else {
            format!("the CPU ({})", result.doctor.findings.join(", "))
        };
        let mark = if result.agrees { "✓" } else { "✗ DISAGREES" };
        let _ = writeln!(
            out,
            "{mark} {} {} in {}: {ran}{time}; doctor predicted {predicted}",
            result.framework, result.version, result.interpreter
        );
    }
    let disagreements = results.iter().filter(|r| !r.agrees).count();
    if disagreements == 0 {
        let _ = writeln!(out, "\nAll {} framework(s) did what doctor predicted.", results.len());
    } else {
        let _ = writeln!(
            out,
            "\n{disagreements} framework(s) did not do what doctor predicted: a gap in gpuwise's rules. \
             Please report it with the output of `gpuwise doctor --json` and `gpuwise verify --json`."
        );
    }
    out
}
