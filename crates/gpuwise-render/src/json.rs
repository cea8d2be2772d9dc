//! The JSON contract (docs/DESIGN.md, schema_version 1).

use gpuwise_core::Report;

/// The report as pretty-printed JSON, newline-terminated.
pub fn json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|err| {
        // Serialising plain data structs cannot fail; keep the contract's shape if it ever does.
        format!("{{\"schema_version\": 1, \"error\": {:?}}}", err.to_string())
    });
    text.push('\n');
    text
}
