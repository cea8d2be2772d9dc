//! What a run found, in the JSON contract's shape: one entry per measurement in `results[]`
//! (at least `op`, `shape`, `dtype`, `backend`, `seconds`), the cases that failed, why the GPU
//! side was skipped, and the break-even sizes measured.

use std::fmt;

use gpuwise_model::{Dtype, Family, OpName, Operation};
use serde::Serialize;

use crate::check::Check;
use crate::interference::{Interference, Usage};
use crate::stats::Summary;

/// Version of the bench JSON; raised when a field changes meaning or is removed.
pub const SCHEMA_VERSION: u32 = 1;

/// Where a measurement ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// This machine's CPU, all cores.
    Cpu,
    /// The GPU, through CUDA.
    Cuda,
}

/// One of the machine's own figures, measured beside the operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MachineOp {
    /// Host-to-device copies.
    H2d,
    /// Device-to-host copies.
    D2h,
    /// Device-to-device copies.
    D2d,
    /// Kernel launches.
    Launch,
}

impl MachineOp {
    /// `h2d`, `d2h`, `d2d` or `launch`.
    pub fn name(self) -> &'static str {
        match self {
            MachineOp::H2d => "h2d",
            MachineOp::D2h => "d2h",
            MachineOp::D2d => "d2d",
            MachineOp::Launch => "launch",
        }
    }
}

/// What a measurement timed: one of the estimator's operations, or one of the machine's figures
/// (written as its name either way: `matmul`, `h2d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Measured {
    /// An operation of the estimator.
    Operation(OpName),
    /// A figure of the machine.
    Machine(MachineOp),
}

impl fmt::Display for Measured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measured::Operation(op) => f.write_str(op.name()),
            Measured::Machine(op) => f.write_str(op.name()),
        }
    }
}

/// How a machine figure was taken: for copies, the host memory; for launches, whether the host
/// waited for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// Page-locked host memory.
    Pinned,
    /// Ordinary host memory.
    Pageable,
    /// Launches queued back to back.
    Queued,
    /// Each launch waited for.
    Synchronized,
}

impl Variant {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Pinned => "pinned",
            Variant::Pageable => "pageable",
            Variant::Queued => "queued",
            Variant::Synchronized => "synchronized",
        }
    }
}

/// The element type of a measurement: an operation's dtype, bytes for copies, none for launches
/// (written `f32`, `u8`, `none`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum Element {
    /// An operation's number format.
    Of(Dtype),
    /// Bytes (copies).
    Bytes,
    /// Nothing (launches).
    None,
}

impl Element {
    /// How results write it.
    pub fn name(self) -> &'static str {
        match self {
            Element::Of(dtype) => dtype.name(),
            Element::Bytes => "u8",
            Element::None => "none",
        }
    }

    /// The dtype, for an operation.
    pub fn dtype(self) -> Option<Dtype> {
        match self {
            Element::Of(dtype) => Some(dtype),
            _ => None,
        }
    }
}

impl From<Element> for &'static str {
    fn from(element: Element) -> &'static str {
        element.name()
    }
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What `--calibrate` files a measurement under (`family` in the results): a family of work, or
/// for the machine's figures no profile keeps (device copies, launches) their own name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub enum Filed {
    /// A family of the profile's curves.
    Family(Family),
    /// A machine figure the profile does not keep.
    Machine(MachineOp, Option<Variant>),
}

impl Filed {
    /// Where a machine figure is filed: host-device copies under their family.
    pub fn machine(op: MachineOp, variant: Option<Variant>) -> Filed {
        let copy = |to_device| match variant {
            Some(Variant::Pinned) => Some(Family::Copy { to_device, pinned: true }),
            Some(Variant::Pageable) => Some(Family::Copy { to_device, pinned: false }),
            _ => None,
        };
        let family = match op {
            MachineOp::H2d => copy(true),
            MachineOp::D2h => copy(false),
            MachineOp::D2d | MachineOp::Launch => None,
        };
        family.map_or(Filed::Machine(op, variant), Filed::Family)
    }

    /// The family, for what a profile keeps.
    pub fn family(self) -> Option<Family> {
        match self {
            Filed::Family(family) => Some(family),
            Filed::Machine(..) => None,
        }
    }
}

impl From<Filed> for String {
    fn from(filed: Filed) -> String {
        match filed {
            Filed::Family(family) => family.name().to_string(),
            Filed::Machine(op, Some(variant)) => format!("{}_{}", op.name(), variant.name()),
            Filed::Machine(op, None) => op.name().to_string(),
        }
    }
}

/// One timed measurement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// `matmul`, `fft`, `elementwise`, `reduction`, `conv2d`; or the machine's figures: `h2d`,
    /// `d2h`, `d2d` (copies) and `launch`.
    pub op: Measured,
    /// The operation's sizes as `estimate --shape` takes them; bytes for copies; empty for launch.
    pub shape: Vec<u64>,
    /// Transforms in an FFT batch (1 otherwise).
    pub batch: u64,
    /// The size knob estimate charts (matrix edge, points per transform, elements, batch; bytes).
    pub size: f64,
    /// The estimator's family of work (`gemm`, `conv`, `fft`, `stream`, `reduction`), or for copies
    /// `h2d_pinned`, `d2h_pageable` and the like: what `--calibrate` files this time under.
    pub family: Filed,
    /// The dtype asked for (`u8` for copies, `none` for launch).
    pub dtype: Element,
    /// The dtype the arithmetic ran in, when it differs (the CPU runs half types in f32).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed_in: Option<Dtype>,
    /// `cpu` or `cuda`.
    pub backend: Backend,
    /// Copies: `pinned` or `pageable`; launch: `queued` or `synchronized`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<Variant>,
    /// Median seconds per call (GPU: data already on the device).
    pub seconds: f64,
    /// Spread of the timings.
    pub timing: Summary,
    /// FLOPs per call (0 for copies).
    pub flops: f64,
    /// Bytes the call must move through memory (copies: bytes copied).
    pub bytes: f64,
    /// Achieved FLOP/s (copies and memory-bound work: see `bandwidth_bytes_per_s`).
    pub rate_flops_per_s: f64,
    /// Achieved bytes/s.
    pub bandwidth_bytes_per_s: f64,
    /// Achieved rate over the part's peak for this dtype, when the peak is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_fraction: Option<f64>,
    /// GPU: seconds to copy the inputs to the device (pinned host memory), median.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub h2d_seconds: Option<f64>,
    /// GPU: seconds to copy the output back (pinned host memory), median.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub d2h_seconds: Option<f64>,
    /// The output against its f64 reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    /// What the estimator predicted for `seconds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicted_seconds: Option<f64>,
    /// Others' use of the machine while this was measured, where the kernel reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interference: Option<Usage>,
}

impl Measurement {
    /// A measurement of `operation` in `dtype` with its work figures filled in.
    pub fn of(operation: &Operation, dtype: Dtype, backend: Backend, timing: Summary) -> Measurement {
        let work = operation.work(dtype).ok();
        let (flops, bytes) = work.as_ref().map(|w| (w.flops, w.device_bytes)).unwrap_or_default();
        // Work the model cannot size (never a case the bench plans) is filed by its operation's
        // usual family.
        let family = work.as_ref().map_or(Family::Stream, |w| Family::of(&w.kind));
        let batch = batch_of(operation);
        Measurement {
            op: Measured::Operation(operation.op()),
            shape: operation.shape(),
            batch,
            size: operation.size(),
            family: Filed::Family(family),
            dtype: Element::Of(dtype),
            computed_in: None,
            backend,
            variant: None,
            seconds: timing.median,
            timing,
            flops,
            bytes,
            rate_flops_per_s: flops / timing.median,
            bandwidth_bytes_per_s: bytes / timing.median,
            peak_fraction: None,
            h2d_seconds: None,
            d2h_seconds: None,
            check: None,
            predicted_seconds: None,
            interference: None,
        }
    }

    /// A copy or launch measurement: `bytes` moved per call.
    pub fn machine(op: MachineOp, variant: Option<Variant>, bytes: u64, timing: Summary) -> Measurement {
        Measurement {
            op: Measured::Machine(op),
            shape: if bytes > 0 { vec![bytes] } else { Vec::new() },
            batch: 1,
            size: bytes as f64,
            family: Filed::machine(op, variant),
            dtype: if bytes > 0 { Element::Bytes } else { Element::None },
            computed_in: None,
            backend: Backend::Cuda,
            variant,
            seconds: timing.median,
            timing,
            flops: 0.0,
            bytes: bytes as f64,
            rate_flops_per_s: 0.0,
            bandwidth_bytes_per_s: bytes as f64 / timing.median,
            peak_fraction: None,
            h2d_seconds: None,
            d2h_seconds: None,
            check: None,
            predicted_seconds: None,
            interference: None,
        }
    }

    /// The estimator's error: predicted over measured, minus 1 (+0.1 = predicted 10% slower).
    pub fn prediction_error(&self) -> Option<f64> {
        self.predicted_seconds.map(|p| p / self.seconds - 1.0)
    }

    /// True when this is the same case as `other` (op, sizes, dtype), on any backend.
    pub fn same_case(&self, other: &Measurement) -> bool {
        self.op == other.op && self.shape == other.shape && self.batch == other.batch && self.dtype == other.dtype
    }

    /// True when this measured `operation` in `dtype`, on any backend.
    pub fn is_case(&self, operation: &Operation, dtype: Dtype) -> bool {
        self.op == Measured::Operation(operation.op())
            && self.shape == operation.shape()
            && self.batch == batch_of(operation)
            && self.dtype == Element::Of(dtype)
    }
}

/// Transforms in an FFT batch; 1 for every other operation (a matmul's batch is in its shape).
fn batch_of(operation: &Operation) -> u64 {
    match operation {
        Operation::Fft { batch, .. } => *batch,
        _ => 1,
    }
}

/// A case that could not be measured or whose result was wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// The operation.
    pub op: Measured,
    /// Its sizes.
    pub shape: Vec<u64>,
    /// Its dtype.
    pub dtype: Element,
    /// Where it failed.
    pub backend: Backend,
    /// What went wrong, in words.
    pub message: String,
}

/// The device the GPU side ran on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GpuInfo {
    /// The driver's name for it.
    pub name: String,
    /// Its UUID as nvidia-smi prints it.
    pub uuid: String,
    /// Free memory when the run began, bytes.
    pub free_bytes: u64,
    /// The fraction of free memory the run allowed itself.
    pub memory_fraction: f64,
}

/// Everything one run of `gpuwise bench` measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `quick` or `full`.
    pub mode: String,
    /// The CPU's model name.
    pub cpu: String,
    /// Threads the CPU backend used.
    pub cpu_threads: usize,
    /// The library the CPU multiplied matrices with, where it was found, and its threads.
    pub cpu_gemm: String,
    /// BLAS libraries found but passed over, with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cpu_gemm_skipped: Vec<String>,
    /// The GPU, when the GPU side ran.
    pub gpu: Option<GpuInfo>,
    /// Why the GPU side did not run, when it did not.
    pub gpu_skipped: Option<String>,
    /// Every measurement.
    pub results: Vec<Measurement>,
    /// Cases that failed, with the reason.
    pub failures: Vec<Failure>,
    /// Per operation and dtype, where the GPU (copies included) starts to win.
    pub break_even: Vec<crate::comparison::MeasuredBreakEven>,
    /// Others' use of the machine before and during the run, where the kernel reports it.
    pub interference: Option<Interference>,
}

impl BenchReport {
    /// A report with nothing measured yet.
    pub fn new(mode: &str, cpu: String, cpu_threads: usize) -> BenchReport {
        BenchReport {
            schema_version: SCHEMA_VERSION,
            mode: mode.into(),
            cpu,
            cpu_threads,
            cpu_gemm: String::new(),
            cpu_gemm_skipped: Vec::new(),
            gpu: None,
            gpu_skipped: None,
            results: Vec::new(),
            failures: Vec::new(),
            break_even: Vec::new(),
            interference: None,
        }
    }

    /// Seconds the host pays per GPU call beyond what CUDA events see: the synchronised launch
    /// latency of an empty kernel, when it was measured (0 otherwise).
    pub fn call_overhead(&self) -> f64 {
        self.results
            .iter()
            .find(|m| m.op == Measured::Machine(MachineOp::Launch) && m.variant == Some(Variant::Synchronized))
            .map_or(0.0, |m| m.seconds)
    }

    /// The measurement of `operation` in `dtype` on `backend`.
    pub fn find_case(&self, operation: &Operation, dtype: Dtype, backend: Backend) -> Option<&Measurement> {
        self.results.iter().find(|r| r.backend == backend && r.is_case(operation, dtype))
    }

    /// The measurement of the same case as `m` on `backend`.
    pub fn find(&self, m: &Measurement, backend: Backend) -> Option<&Measurement> {
        self.results.iter().find(|r| r.backend == backend && r.same_case(m))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_contract_of_a_full_run() {
        insta::assert_json_snapshot!(crate::sample::full_report());
    }
}
