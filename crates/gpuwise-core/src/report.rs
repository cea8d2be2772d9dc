//! The whole doctor report and reading it back as a snapshot.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Environment, Finding, JuliaEnvironment, Kernel, System, Visibility};

/// Version of the JSON contract in docs/DESIGN.md. Fields are added freely; none is renamed
/// or removed without raising this.
pub const SCHEMA_VERSION: u32 = 1;

/// What `gpuwise doctor` produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA_VERSION`] for reports this build writes.
    pub schema_version: u32,
    /// The program that wrote it.
    pub tool: Tool,
    /// The machine.
    pub system: System,
    /// What a CUDA process started now would see.
    pub visibility: Visibility,
    /// Python environments judged: the current interpreter, `--python` ones, each kernel's.
    #[serde(default)]
    pub environments: Vec<Environment>,
    /// Jupyter kernels found.
    #[serde(default)]
    pub kernels: Vec<Kernel>,
    /// Julia installations judged: the shell's `julia` and each Julia kernel's.
    #[serde(default)]
    pub julia: Vec<JuliaEnvironment>,
    /// Every problem found, most severe first.
    pub findings: Vec<Finding>,
    /// The answer: which GPUs a CUDA program started now can use.
    #[serde(default)]
    pub verdict: Verdict,
}

/// The answer a report leads with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// True when at least one GPU is usable by a CUDA program started now.
    pub gpu_usable: bool,
    /// UUIDs of the usable devices, in CUDA order.
    pub usable: Vec<String>,
}

/// The program that wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// `gpuwise`.
    pub name: String,
    /// Its version.
    pub version: String,
}

impl Report {
    /// A report for `system` with nothing judged yet.
    pub fn new(system: System) -> Self {
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool { name: "gpuwise".into(), version: env!("CARGO_PKG_VERSION").into() },
            system,
            visibility: Visibility::default(),
            environments: Vec::new(),
            kernels: Vec::new(),
            julia: Vec::new(),
            findings: Vec::new(),
            verdict: Verdict::default(),
        }
    }

    /// Reads a recorded system from JSON text: either a whole report or its `system` object.
    ///
    /// # Errors
    /// [`SnapshotError`] when the text is not JSON, is a report of an unknown schema version,
    /// or does not describe a system.
    pub fn system_from_snapshot(text: &str) -> Result<System, SnapshotError> {
        let value: Value = serde_json::from_str(text).map_err(SnapshotError::NotJson)?;
        let Value::Object(map) = &value else {
            return Err(SnapshotError::NotASystem("the top level is not a JSON object".into()));
        };
        if map.contains_key("system") {
            let version = map.get("schema_version").and_then(Value::as_u64);
            if let Some(version) = version.filter(|v| *v != u64::from(SCHEMA_VERSION)) {
                return Err(SnapshotError::SchemaVersion(version));
            }
            /// A whole report: only its system is read.
            #[derive(Deserialize)]
            struct Whole {
                system: System,
            }
            return shaped::<Whole>(text).map(|whole| whole.system);
        }
        if map.contains_key("os") || map.contains_key("devices") {
            return shaped(text);
        }
        Err(SnapshotError::NotASystem("it has neither a `system` object nor the `os`/`devices` fields of one".into()))
    }
}

/// `text` read as a `T`, a mismatch naming the field's path and the line and column.
fn shaped<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, SnapshotError> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
        .map_err(|err| SnapshotError::Shape { field: err.path().to_string(), error: err.into_inner() })
}

/// Why a snapshot could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// Not JSON at all.
    #[error("not valid JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// JSON, but a report of another schema version.
    #[error("report has schema_version {0}; this gpuwise reads schema_version 1")]
    SchemaVersion(u64),
    /// JSON, but not a report or a system.
    #[error("not a gpuwise report or system: {0}")]
    NotASystem(String),
    /// A system whose fields have the wrong types.
    #[error("field `{field}` does not match the schema: {error}")]
    Shape {
        /// Where: `system.devices[0].index`.
        field: String,
        /// What is wrong, with the line and column.
        #[source]
        error: serde_json::Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_round_trips_as_snapshot() {
        let mut system = System::default();
        system.cpu.model = "Test CPU".into();
        let report = Report::new(system.clone());
        let text = serde_json::to_string(&report).unwrap();
        assert_eq!(Report::system_from_snapshot(&text).unwrap(), system);
        let text = serde_json::to_string(&system).unwrap();
        assert_eq!(Report::system_from_snapshot(&text).unwrap(), system);
    }

    #[test]
    fn snapshot_errors_name_the_problem() {
        let err = Report::system_from_snapshot("{not json").unwrap_err();
        assert!(err.to_string().starts_with("not valid JSON"), "{err}");
        let err = Report::system_from_snapshot("[1,2]").unwrap_err();
        assert!(err.to_string().contains("not a JSON object"), "{err}");
        let err = Report::system_from_snapshot(r#"{"schema_version": 7, "system": {}}"#).unwrap_err();
        assert!(err.to_string().contains("schema_version 7"), "{err}");
        let err = Report::system_from_snapshot(r#"{"hello": 1}"#).unwrap_err();
        assert!(err.to_string().contains("neither a `system`"), "{err}");
        let err = Report::system_from_snapshot(r#"{"devices": "many"}"#).unwrap_err();
        assert!(err.to_string().contains("does not match the schema"), "{err}");
    }
}
