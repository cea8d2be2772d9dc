//! `gpuwise verify`: each framework's live answer beside doctor's static verdict.

use serde::{Deserialize, Serialize};

use crate::FrameworkName;

/// One framework in one environment, run for real.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    /// The interpreter it ran in.
    pub interpreter: String,
    /// `torch`, `tensorflow`, `jax`, `cupy`, `numba`.
    pub framework: FrameworkName,
    /// Its version, as doctor read it.
    pub version: String,
    /// What doctor predicted from files.
    pub doctor: Prediction,
    /// What the framework did.
    pub live: LiveRun,
    /// True when both say the same about using a GPU.
    pub agrees: bool,
}

/// Doctor's static verdict for the framework.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prediction {
    /// Whether it uses a GPU.
    pub uses_gpu: bool,
    /// UUID of the GPU it uses first.
    pub device: Option<String>,
    /// Codes of the findings behind the verdict.
    pub findings: Vec<String>,
}

/// What the framework reported in a process of its own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveRun {
    /// True when the matrix multiplication ran on a GPU.
    pub gpu: bool,
    /// The framework's name for the device (`cuda:0`, `cpu`, `/job:localhost/.../GPU:0`).
    pub device: Option<String>,
    /// The device's name (`NVIDIA H100 80GB HBM3`).
    pub device_name: Option<String>,
    /// Seconds for one 512x512 float32 matrix multiplication after a warm-up run.
    pub seconds: Option<f64>,
    /// What went wrong, when it did (the exception, a timeout, a crash).
    pub error: Option<String>,
}
