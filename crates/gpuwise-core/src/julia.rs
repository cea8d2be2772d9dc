//! Julia environments and CUDA.jl in them.

use serde::{Deserialize, Serialize};

use crate::{Component, Framework, ProbeStatus, Source, Unreadable};

/// One Julia installation with the environments `using CUDA` would search: the active project
/// and the rest of the load path, read from their files without starting Julia.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JuliaEnvironment {
    /// The `julia` program as given (or found on `PATH`).
    pub julia: String,
    /// Why it was judged: `current` (first `julia` on `PATH`) or `kernel:<name>`.
    pub source: Source,
    /// Whether its version could be learnt, and from where.
    pub probe: ProbeStatus,
    /// `1.10.5`.
    #[serde(default)]
    pub version: Option<String>,
    /// The depots, in `DEPOT_PATH` order.
    #[serde(default)]
    pub depots: Vec<String>,
    /// The active project's directory or project file, when one is active.
    #[serde(default)]
    pub project: Option<String>,
    /// What made it active: `--project=@.`, `JULIA_PROJECT=/path`, or `None` for the default.
    #[serde(default)]
    pub project_origin: Option<String>,
    /// The environments of the load path, expanded, in search order.
    #[serde(default)]
    pub load_path: Vec<String>,
    /// The manifest the GPU packages were resolved from.
    #[serde(default)]
    pub manifest: Option<String>,
    /// The Julia version that manifest was resolved with (`julia_version`).
    #[serde(default)]
    pub manifest_julia: Option<String>,
    /// GPU-related packages `using` can load (CUDA, cuDNN, Flux, Lux, ...), with versions.
    #[serde(default)]
    pub packages: Vec<Component>,
    /// What CUDA_Runtime_jll can provide CUDA.jl with, when CUDA.jl is there.
    #[serde(default)]
    pub cuda_runtime: Option<CudaRuntime>,
    /// CUDA.jl, when loadable, with its verdict.
    #[serde(default)]
    pub frameworks: Vec<Framework>,
    /// Project, manifest or preference files that could not be read.
    #[serde(default)]
    pub unreadable: Vec<Unreadable>,
    /// Codes of findings about the environment as a whole.
    #[serde(default)]
    pub findings: Vec<String>,
}

impl JuliaEnvironment {
    /// How views name it: `julia 1.10.5 (kernel 'julia-1.10')`.
    pub fn label(&self) -> String {
        let julia = match &self.version {
            Some(version) => format!("julia {version}"),
            None => self.julia.clone(),
        };
        match self.source.kernel() {
            Some(kernel) => format!("kernel '{kernel}' ({julia})"),
            None => julia,
        }
    }

    /// A loadable package by name.
    pub fn package(&self, name: &str) -> Option<&Component> {
        self.packages.iter().find(|p| p.name == name)
    }
}

/// CUDA_Runtime_jll: the CUDA toolkits it offers CUDA.jl and the preferences that steer its pick.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CudaRuntime {
    /// CUDA_Runtime_jll's own version (`0.15.5`), from the manifest.
    pub version: String,
    /// Its package directory in a depot; `None` when it is not installed.
    #[serde(default)]
    pub path: Option<String>,
    /// CUDA toolkits its artifacts offer for this platform (`12.6`), oldest first.
    #[serde(default)]
    pub toolkits: Vec<String>,
    /// Those of [`CudaRuntime::toolkits`] already downloaded into a depot.
    #[serde(default)]
    pub downloaded: Vec<String>,
    /// The `version` preference pinning a toolkit.
    #[serde(default)]
    pub version_preference: Option<Preference>,
    /// The `local` preference asking for the system's CUDA toolkit.
    #[serde(default)]
    pub local_preference: Option<Preference>,
    /// The system `libcudart` the loader finds, for a `local` toolkit.
    #[serde(default)]
    pub local_runtime: Option<String>,
    /// The toolkit it will pick on this machine (`12.6`), as judged.
    #[serde(default)]
    pub selected: Option<String>,
}

/// One preference value and the file that sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    /// The value as written (`12.6`, `true`).
    pub value: String,
    /// The LocalPreferences.toml or Project.toml that sets it.
    pub file: String,
}
