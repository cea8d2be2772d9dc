//! The JSON views: pretty-printed, newline-terminated documents of the contracts
//! (docs/DESIGN.md).

use gpuwise_core::Report;
use serde::Serialize;

/// The report as pretty-printed JSON, newline-terminated.
pub fn json(report: &Report) -> String {
    pretty(report)
}

/// `value` as pretty-printed JSON, newline-terminated.
pub(crate) fn pretty(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|err| {
        // Serialising plain data structs cannot fail; keep the contracts' shape if it ever does.
        format!("{{\"schema_version\": 1, \"error\": {:?}}}", err.to_string())
    });
    text.push('\n');
    text
}
