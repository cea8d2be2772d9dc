//! Jupyter kernelspecs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One Jupyter kernelspec, found as jupyter_client finds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kernel {
    /// The kernel's name (its directory name), as notebooks record it.
    pub name: String,
    /// What Jupyter's launcher shows.
    #[serde(default)]
    pub display_name: String,
    /// The kernelspec directory (holding `kernel.json`), or `ipykernel (built in)`.
    pub spec_path: String,
    /// `python`, `julia`, ...
    #[serde(default)]
    pub language: String,
    /// The command Jupyter runs.
    #[serde(default)]
    pub argv: Vec<String>,
    /// The interpreter that command runs (argv[0], as Jupyter resolves it), when it is one.
    #[serde(default)]
    pub interpreter: Option<String>,
    /// The `env` of kernel.json, before substitution.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Index into the report's environments of this kernel's environment, when judged.
    #[serde(default)]
    pub environment: Option<usize>,
    /// Index into the report's Julia environments of this kernel's, when it runs Julia.
    #[serde(default)]
    pub julia: Option<usize>,
    /// Codes of findings about this kernel.
    #[serde(default)]
    pub findings: Vec<String>,
}
