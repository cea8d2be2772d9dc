//! The crate's errors outside either backend: a case the host cannot hold or the bench cannot
//! build, a timing loop that recorded nothing, a wrong result, why the GPU side was skipped, and
//! [`BenchError`], any of them or a backend's error.
//!
//! Each error's `Display` is the message a user reads (a report's `failures[].message` or
//! `gpu_skipped`), and an error that quotes another in its message does not also give it as its
//! `source`, so that printing the chain repeats nothing.

use gpuwise_bench_results::check::Check;
use thiserror::Error;

use crate::cpu::CpuError;
use crate::cuda::CudaError;

/// A case's host buffers would not fit in what this process may still allocate (see
/// [`crate::host_memory::check`]).
#[derive(Debug, Clone, PartialEq, Error)]
#[error(
    "needs about {} MiB of host memory and {limit} leaves {} MiB: skipped rather than failing mid-run",
    .needed >> 20,
    .left >> 20
)]
pub struct HostMemoryError {
    /// Bytes the case would allocate, copies and working space included.
    pub needed: u64,
    /// Bytes the tightest limit leaves.
    pub left: u64,
    /// That limit, in words (`the cgroup's memory limit`).
    pub limit: &'static str,
}

/// A convolution whose filter does not fit in its padded input: it has no output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the filter is larger than the padded input")]
pub struct FilterTooLarge;

/// A repeat policy that let no timed run happen (see [`crate::timer::repeat`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("no timing was recorded")]
pub struct NoTiming;

/// Why a case's inputs and reference cannot be made (see [`crate::workload::Workload::new`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WorkloadError {
    /// An input has more values than this machine can address.
    #[error("the case is too large for this machine")]
    TooLarge,
    /// The convolution has no output.
    #[error(transparent)]
    FilterTooLarge(#[from] FilterTooLarge),
    /// An operation, or a shape of it, the bench does not implement.
    #[error("bench has no {op} kernel for shape {shape:?}")]
    NoKernel {
        /// The operation's name.
        op: &'static str,
        /// Its shape.
        shape: Vec<u64>,
    },
}

/// Why a run has no GPU side (the report's `gpu_skipped`).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GpuSkipped {
    /// The user asked for the CPU only.
    #[error("--cpu-only was given")]
    CpuOnly,
    /// The GPU could not be opened.
    #[error(transparent)]
    Unavailable(#[from] CudaError),
}

/// Why one measurement failed: any error of the crate.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BenchError {
    /// The case does not fit in host memory.
    #[error(transparent)]
    HostMemory(#[from] HostMemoryError),
    /// The case's inputs cannot be made.
    #[error(transparent)]
    Workload(#[from] WorkloadError),
    /// The CPU backend failed.
    #[error(transparent)]
    Cpu(#[from] CpuError),
    /// The CUDA backend failed.
    #[error(transparent)]
    Cuda(#[from] CudaError),
    /// The output does not match the f64 reference.
    #[error(
        "WRONG RESULT: relative error {:.3e} exceeds the tolerance {:.1e} ({} values compared with an f64 reference)",
        .0.error,
        .0.tolerance,
        .0.compared
    )]
    WrongResult(Check),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_the_reports_words() {
        let wrong = BenchError::WrongResult(Check { error: 0.012_34, tolerance: 1e-3, compared: 4096 });
        assert_eq!(
            wrong.to_string(),
            "WRONG RESULT: relative error 1.234e-2 exceeds the tolerance 1.0e-3 (4096 values compared with an f64 \
             reference)"
        );
        let host = HostMemoryError { needed: 3 << 30, left: 1 << 30, limit: "the cgroup's memory limit" };
        assert_eq!(
            BenchError::from(host).to_string(),
            "needs about 3072 MiB of host memory and the cgroup's memory limit leaves 1024 MiB: skipped rather than \
             failing mid-run"
        );
        let kernel = WorkloadError::NoKernel { op: "fft", shape: vec![8, 8] };
        assert_eq!(kernel.to_string(), "bench has no fft kernel for shape [8, 8]");
        assert_eq!(WorkloadError::from(FilterTooLarge).to_string(), "the filter is larger than the padded input");
        assert_eq!(GpuSkipped::CpuOnly.to_string(), "--cpu-only was given");
    }
}
