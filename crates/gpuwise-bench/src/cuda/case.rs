//! One computing case on the GPU: inputs staged in pinned memory and uploaded (rotation copies
//! as the budget allows), then the upload, the computation and the download of the output
//! timed with events, and the output read back for the check.

use cudarc::driver::CudaSlice;

use super::device::{alloc, poison};
use super::element::Element;
use super::errors::CudaError;
use super::events::Stopwatch;
use super::gpu::Gpu;
use super::host::Pinned;
use super::ops::Op;
use crate::data::{Values, copies_for};
use crate::timer;
use crate::workload::Workload;
use gpuwise_bench_results::plan::Repeats;
use gpuwise_bench_results::stats::Summary;

/// A case timed on the GPU.
#[derive(Debug, Clone)]
pub struct GpuMeasured {
    /// Seconds per call with the data resident on the device: CUDA events around each call,
    /// after warm-up, rotating through copies of the inputs.
    pub compute: Summary,
    /// Seconds to copy the case's inputs (all of them, in the device's element type) from
    /// pinned host memory to the device.
    pub h2d: Summary,
    /// Seconds to copy the output from the device into pinned host memory.
    pub d2h: Summary,
    /// The output of the last call, widened to f32 (f64 for f64 cases), for the check.
    pub output: Values,
}

/// Times `workload` with device values of type `T` (the dtype's storage type).
pub(super) fn run<T: Element>(gpu: &Gpu, workload: &Workload, repeats: Repeats) -> Result<GpuMeasured, CudaError> {
    let stream = &gpu.stream;
    let mut op = Op::new::<T>(gpu, workload)?;
    let staged = workload.inputs.iter().map(|values| Pinned::<T>::of(stream, values)).collect::<Result<Vec<_>, _>>()?;

    let bytes = |values: usize| values.saturating_mul(size_of::<T>()) as u64;
    let set: u64 = staged.iter().map(|input| bytes(input.len())).sum();
    let fixed = bytes(workload.output_len + op.scratch_len()) + op.work_bytes();
    let copies = gpu.budget()?.copies(fixed, set, copies_for(set))?;

    let mut output = alloc::<T>(stream, workload.output_len)?;
    poison(stream, &mut output)?;
    let mut scratch = match op.scratch_len() {
        0 => None,
        len => Some(alloc::<T>(stream, len)?),
    };
    op.prepare()?;
    let mut sets: Vec<Vec<CudaSlice<T>>> = Vec::with_capacity(copies);
    for _ in 0..copies {
        let mut set = Vec::with_capacity(staged.len());
        for input in &staged {
            let mut device = alloc::<T>(stream, input.len())?;
            input.upload(&mut device)?;
            set.push(device);
        }
        sets.push(set);
    }

    let watch = Stopwatch::new(stream.context())?;
    let h2d = timer::repeat(repeats, |_| {
        watch.time(stream, || staged.iter().zip(&mut sets[0]).try_for_each(|(host, device)| host.upload(device)))
    })?;
    let compute = timer::repeat(repeats, |i| {
        watch.time(stream, || op.enqueue(gpu, &sets[i % copies], scratch.as_mut(), &mut output))
    })?;
    let mut download = Pinned::<T>::new(stream, workload.output_len)?;
    let d2h = timer::repeat(repeats, |_| watch.time(stream, || download.download(&output)))?;
    Ok(GpuMeasured { compute, h2d, d2h, output: T::widen(download.values()?) })
}
