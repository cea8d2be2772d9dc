//! Kernel launch latency: what launching an empty kernel costs, queued back to back and one at
//! a time with a synchronisation after each.

use std::time::Instant;

use serde::Serialize;

use super::errors::{Context, CudaError};
use super::gpu::Gpu;
use crate::timer;
use gpuwise_bench_results::plan::Repeats;
use gpuwise_bench_results::stats::Summary;

/// Empty kernels queued per timed sample of [`LaunchMeasured::queued`]: enough that one
/// synchronisation at the end costs nothing next to them, below the driver's queue depth
/// (about 1000 launches) so the host rarely blocks on a full queue.
const QUEUED: usize = 512;

/// Launch latency of an empty kernel (one block of one thread) on the GPU's stream.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LaunchMeasured {
    /// Seconds per launch with many launches queued back to back: wall clock from the first
    /// launch until the last has finished, over their count. This is the steady cost of a
    /// launch in a sequence of kernels, whichever side (host submission or GPU) limits it.
    pub queued: Summary,
    /// Seconds of one launch followed by a stream synchronisation, wall clock: the round trip
    /// a host that waits for each kernel pays.
    pub synchronized: Summary,
}

/// Measures both latencies with `repeats`.
pub(super) fn measure(gpu: &Gpu, repeats: Repeats) -> Result<LaunchMeasured, CudaError> {
    let stream = &gpu.stream;
    let idle = || stream.synchronize().context("synchronising the stream");
    let queued = timer::repeat(repeats, |_| -> Result<f64, CudaError> {
        idle()?;
        let start = Instant::now();
        for _ in 0..QUEUED {
            gpu.kernels.empty(stream)?;
        }
        idle()?;
        Ok(start.elapsed().as_secs_f64() / QUEUED as f64)
    })?;
    let synchronized = timer::repeat(repeats, |_| -> Result<f64, CudaError> {
        let start = Instant::now();
        gpu.kernels.empty(stream)?;
        idle()?;
        Ok(start.elapsed().as_secs_f64())
    })?;
    Ok(LaunchMeasured { queued, synchronized })
}
