//! Python environments and the GPU frameworks installed in them.

use serde::{Deserialize, Serialize};

use crate::{Build, FrameworkName, ProbeStatus, Source};

/// One Python environment doctor judged: an interpreter, where its packages are, and the
/// verdict for every GPU framework installed there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// The interpreter's path as given (or found on `PATH`).
    pub interpreter: String,
    /// Why it was judged: `current` (first `python3` on `PATH`), `argument` (`--python`) or
    /// `kernel:<name>` (a Jupyter kernel's interpreter, with that kernel's variables).
    pub source: Source,
    /// Whether the interpreter answered its probe, and if not, why.
    pub probe: ProbeStatus,
    /// `3.11.2`.
    #[serde(default)]
    pub python_version: Option<String>,
    /// `linux-x86_64`, `win32-AMD64`, `darwin-arm64`.
    #[serde(default)]
    pub platform: Option<String>,
    /// `sys.prefix`.
    #[serde(default)]
    pub prefix: Option<String>,
    /// `venv`, `conda` or `system`.
    #[serde(default)]
    pub kind: Option<EnvironmentKind>,
    /// Directories packages are imported from, in import order.
    #[serde(default)]
    pub site_packages: Vec<String>,
    /// GPU frameworks found, each with its verdict.
    #[serde(default)]
    pub frameworks: Vec<Framework>,
    /// Package metadata that could not be read (corrupt or half-installed distributions).
    #[serde(default)]
    pub unreadable: Vec<Unreadable>,
    /// CUDA libraries of the environment's wheels that a directory on `LD_LIBRARY_PATH` shadows.
    #[serde(default)]
    pub shadowed: Vec<Shadowed>,
    /// Codes of findings about the environment as a whole.
    #[serde(default)]
    pub findings: Vec<String>,
}

impl Environment {
    /// How views name it: `/opt/venv/bin/python (kernel 'ml')`.
    pub fn label(&self) -> String {
        match self.source.kernel() {
            Some(kernel) => format!("kernel '{kernel}' ({})", self.interpreter),
            None => self.interpreter.clone(),
        }
    }
}

/// What kind of environment an interpreter runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnvironmentKind {
    /// A virtual environment (`pyvenv.cfg`).
    Venv,
    /// A conda environment (`conda-meta/`).
    Conda,
    /// An installation's own interpreter.
    System,
}

impl EnvironmentKind {
    /// True for an environment of its own (venv or conda) rather than a system interpreter.
    pub fn is_virtual(self) -> bool {
        matches!(self, EnvironmentKind::Venv | EnvironmentKind::Conda)
    }
}

/// One GPU framework in an environment: what its files say it was built for, and whether it
/// will run on a GPU here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Framework {
    /// `torch`, `tensorflow`, `jax`, `cupy`, `numba` or `CUDA.jl`.
    pub name: FrameworkName,
    /// The distribution that installed it: `torch`, `tensorflow-cpu`, `cupy-cuda12x`, ...
    pub distribution: String,
    /// Its version, local tag included (`2.5.1+cu124`).
    pub version: String,
    /// `cuda-12.4`, `cuda-12` (any 12.x), `cpu`, `rocm-6.1` or `unknown`.
    pub build: Build,
    /// The package directory the version was read from.
    pub path: String,
    /// GPU architectures compiled in (`sm_80`, `compute_90` for PTX), when known.
    #[serde(default)]
    pub architectures: Vec<String>,
    /// Where [`Framework::architectures`] came from (a library's `.nv_fatbin`, a build file,
    /// the release table).
    #[serde(default)]
    pub architectures_source: Option<String>,
    /// The distributions its GPU support is made of (plugins, CUDA library wheels), installed.
    #[serde(default)]
    pub components: Vec<Component>,
    /// Requirements its metadata declares for this platform that are not met.
    #[serde(default)]
    pub unmet: Vec<Unmet>,
    /// Shared libraries its GPU build loads at start, and where the loader will find each.
    #[serde(default)]
    pub libraries: Vec<Library>,
    /// What using it gives here: its work on a GPU, on the CPU, or an import that fails.
    #[serde(default)]
    pub outcome: Outcome,
    /// True when it will run its work on a GPU in this environment (`outcome` is `gpu`).
    pub uses_gpu: bool,
    /// UUID of the GPU it will use first (`cuda:0` for it), when it uses one.
    #[serde(default)]
    pub device: Option<String>,
    /// Codes of the findings about it.
    #[serde(default)]
    pub findings: Vec<String>,
    /// Codes of the findings that decide a verdict other than `gpu`: its own errors, its
    /// environment's, and the machine's under the environment's variables. Empty on `gpu`.
    #[serde(default)]
    pub because: Vec<String>,
}

/// What using a framework gives in its environment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Its work runs on a GPU.
    Gpu,
    /// It imports, and its work runs on the CPU.
    #[default]
    Cpu,
    /// Importing it fails (numba: `from numba import cuda`), or gives a half-installed package.
    ImportFails,
    /// It cannot be judged: a file that describes its build is damaged in a way its import may
    /// not notice.
    Unknown,
}

impl Framework {
    /// `torch 2.5.1+cu124`.
    pub fn label(&self) -> String {
        format!("{} {}", self.name, self.version)
    }

    /// The CUDA version of a CUDA build (`12.4`, or `12` for "any 12.x"); `None` otherwise.
    pub fn cuda(&self) -> Option<&str> {
        self.build.cuda_version()
    }

    /// An installed component by distribution name.
    pub fn component(&self, name: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.name == name)
    }
}

/// An installed distribution a framework relies on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// Normalised distribution name (`nvidia-cudnn-cu12`).
    pub name: String,
    /// Installed version.
    pub version: String,
}

/// A requirement of a framework's metadata that the environment does not meet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmet {
    /// The requirement as written in METADATA (`nvidia-cudnn-cu12==9.1.0.70`).
    pub requirement: String,
    /// The installed version, or `None` when the distribution is missing.
    pub installed: Option<String>,
}

/// A shared library a framework loads, and where the dynamic loader finds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Library {
    /// The soname it asks for: `libcudnn.so.9`.
    pub name: String,
    /// Where it will be found, or `None` when nowhere.
    pub path: Option<String>,
    /// True when importing the framework loads it, so that its absence makes the import fail.
    #[serde(default)]
    pub at_import: bool,
}

/// A metadata file or package that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    /// The file or directory.
    pub path: String,
    /// What is wrong with it.
    pub error: String,
    /// True when the import fails with it; false when the import may succeed regardless (a build
    /// description that still parses but lacks the fields doctor reads, such as a cut-short
    /// TensorFlow build_info.py).
    #[serde(default = "read_at_import")]
    pub at_import: bool,
}

fn read_at_import() -> bool {
    true
}

impl Unreadable {
    /// A file or directory the package's import reads.
    pub fn new(path: impl Into<String>, error: impl Into<String>) -> Self {
        Unreadable { path: path.into(), error: error.into(), at_import: true }
    }
}

/// A CUDA library shipped in a wheel that another copy on `LD_LIBRARY_PATH` takes the place of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shadowed {
    /// The soname: `libcusparse.so.12`.
    pub library: String,
    /// The copy the loader will use (from `LD_LIBRARY_PATH`).
    pub used: String,
    /// The wheel's copy the framework was built against.
    pub wheel: String,
}
