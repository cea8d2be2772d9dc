//! One GPU opened for measurements: its primary context, one stream, the kernels and cuBLAS.

use std::fmt;
use std::sync::Arc;

use cudarc::driver::{CudaContext, CudaStream, result};
use gpuwise_model::Dtype;
use gpuwise_probe::cuda::format_uuid;
use half::{bf16, f16};

use super::blas::Blas;
use super::budget::Budget;
use super::case::{self, GpuMeasured};
use super::copy::{self, CopyMeasured, Direction};
use super::errors::{Context, CudaError, guard};
use super::kernels::Kernels;
use super::launch::{self, LaunchMeasured};
use super::libraries::{Library, require};
use crate::workload::Workload;
use gpuwise_bench_results::plan::Repeats;

/// One CUDA device: its primary context, one non-blocking stream every measurement runs on,
/// the PTX kernels loaded, and a cuBLAS handle on the stream (when cuBLAS can be loaded).
///
/// Every method runs inside `catch_unwind` and returns `Err` rather than panicking. A failed
/// case (out of memory, a driver error) ends with its `Err`; the next call starts afresh,
/// which works unless the driver itself made the context unusable (a kernel fault does).
pub struct Gpu {
    // Fields drop in this order: the module and the cuBLAS handle before the stream, the stream
    // before the context it holds.
    /// The loaded PTX kernels.
    pub(super) kernels: Kernels,
    /// The cuBLAS handle, or why there is none.
    blas: Result<Blas, CudaError>,
    /// The stream all work is queued on; it holds the context.
    pub(super) stream: Arc<CudaStream>,
    name: String,
    uuid: String,
    memory_fraction: f64,
}

impl fmt::Debug for Gpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gpu")
            .field("name", &self.name)
            .field("uuid", &self.uuid)
            .field("memory_fraction", &self.memory_fraction)
            .field("cublas", &self.blas.as_ref().map(|_| "loaded"))
            .finish_non_exhaustive()
    }
}

impl Gpu {
    /// Opens CUDA device `ordinal` (as this process's `CUDA_VISIBLE_DEVICES` numbers them),
    /// letting each case allocate at most `memory_fraction` (in (0, 1]) of the device memory
    /// free when it starts. `Err` says why the GPU side is skipped: libcuda not found or too
    /// old, `cuInit` failing (with the driver's error name and text), no such device, the PTX
    /// not loading. A missing cuBLAS does not fail here; it fails the matmul and conv2d cases.
    pub fn open(ordinal: usize, memory_fraction: f64) -> Result<Gpu, CudaError> {
        if !(memory_fraction > 0.0 && memory_fraction <= 1.0) {
            return Err(CudaError::MemoryFraction(memory_fraction));
        }
        guard("opening the GPU", || {
            require(Library::Driver)?;
            // cuInit may never return on a wedged driver: waited for as doctor waits.
            let timeout = gpuwise_probe::probe_timeout();
            let init = gpuwise_probe::Pending::start("cuInit", || result::init().context("cuInit"));
            init.wait(std::time::Instant::now() + timeout, timeout)??;
            let count = result::device::get_count().context("cuDeviceGetCount")?;
            if ordinal >= usize::try_from(count).unwrap_or(0) {
                let visible = std::env::var("CUDA_VISIBLE_DEVICES").ok();
                return Err(CudaError::NoDevice { ordinal, count, visible });
            }
            let ctx = CudaContext::new(ordinal).context(format!("opening CUDA device {ordinal}"))?;
            let name = ctx.name().context("cuDeviceGetName")?;
            let uuid = format_uuid(&ctx.uuid().context("cuDeviceGetUuid")?.bytes);
            // SAFETY: tracking is turned off before any buffer, stream or event exists in this
            // context object. Everything of this `Gpu` then runs on the one stream created next,
            // whose order makes every use of a buffer follow its writes and precede its free;
            // host access to pinned memory waits for that stream (host::Pinned).
            unsafe { ctx.disable_event_tracking() };
            let stream = ctx.new_stream().context("creating a CUDA stream")?;
            let kernels = Kernels::load(&ctx)?;
            let blas = Blas::new(&stream);
            Ok(Gpu { kernels, blas, stream, name, uuid, memory_fraction })
        })
    }

    /// The device name as the driver reports it (`NVIDIA H100 80GB HBM3`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The device UUID as nvidia-smi prints it (`GPU-8932f937-d72b-4c4e-...`).
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// Device memory free now (`cuMemGetInfo`), bytes; 0 when the driver cannot say.
    pub fn free_bytes(&self) -> u64 {
        guard("reading the free GPU memory", || self.free()).unwrap_or(0)
    }

    /// Times `workload` on the GPU with `repeats`: its inputs' upload from pinned memory, the
    /// computation with the data resident, the output's download into pinned memory, and the
    /// output widened for the check. Inputs stay in the dtype's storage type on the device
    /// (f16 and bf16 rounded from the f32 host values, which are already representable).
    pub fn run(&mut self, workload: &Workload, repeats: Repeats) -> Result<GpuMeasured, CudaError> {
        let what = format!("{} in {} on the GPU", workload.case.operation.name(), workload.dtype().name());
        self.session(&what, |gpu| match workload.dtype() {
            Dtype::F64 => case::run::<f64>(gpu, workload, repeats),
            Dtype::F32 | Dtype::Tf32 => case::run::<f32>(gpu, workload, repeats),
            Dtype::F16 => case::run::<f16>(gpu, workload, repeats),
            Dtype::Bf16 => case::run::<bf16>(gpu, workload, repeats),
            Dtype::Fp8 => Err(CudaError::NoFp8Kernels),
        })
    }

    /// Times copies of `bytes` in `direction`.
    pub fn copy(&mut self, direction: Direction, bytes: u64, repeats: Repeats) -> Result<CopyMeasured, CudaError> {
        self.session(&format!("{} copies", direction.op().name()), |gpu| copy::measure(gpu, direction, bytes, repeats))
    }

    /// Times launches of an empty kernel, queued back to back and each waited for.
    pub fn launch(&mut self, repeats: Repeats) -> Result<LaunchMeasured, CudaError> {
        self.session("kernel launches", |gpu| launch::measure(gpu, repeats))
    }

    /// Runs one measurement: panics caught, the context bound to this thread, and afterwards
    /// (everything `body` allocated freed by then) the stream drained and errors deferred by
    /// the frees collected, so the next measurement starts clean.
    fn session<T>(&mut self, what: &str, body: impl FnOnce(&Gpu) -> Result<T, CudaError>) -> Result<T, CudaError> {
        guard(what, || {
            let ctx = self.stream.context();
            // An error a previous measurement's cleanup left behind was reported with it.
            let _ = ctx.check_err();
            ctx.bind_to_thread().context("binding the CUDA context to this thread")?;
            let measured = body(self);
            let settled = self.stream.synchronize().and_then(|()| ctx.check_err());
            match (measured, settled) {
                (Ok(_), Err(status)) => Err(CudaError::Cleanup { what: what.to_string(), status }),
                (measured, _) => measured,
            }
        })
    }

    /// Device memory free now, bytes.
    fn free(&self) -> Result<u64, CudaError> {
        self.stream.context().mem_get_info().map(|(free, _total)| free as u64).context("cuMemGetInfo")
    }

    /// What the next allocation may use: the memory fraction of what is free now.
    pub(super) fn budget(&self) -> Result<Budget, CudaError> {
        Ok(Budget { free: self.free()?, fraction: self.memory_fraction })
    }

    /// The cuBLAS handle, or why there is none.
    pub(super) fn blas(&self) -> Result<&Blas, CudaError> {
        self.blas.as_ref().map_err(Clone::clone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_driver_open_names_the_library() {
        if Library::Driver.present() {
            eprintln!("skipped: this machine has a CUDA driver");
            return;
        }
        let err = Gpu::open(0, 0.9).unwrap_err();
        assert_eq!(err, CudaError::NotFound(Library::Driver));
        let message = err.to_string();
        assert!(message.contains("libcuda.so.1") && message.contains("was not found"), "{message}");
    }

    #[test]
    fn the_memory_fraction_is_checked_first() {
        for fraction in [0.0, -0.5, 1.5, f64::NAN] {
            assert!(Gpu::open(0, fraction).unwrap_err().to_string().contains("memory fraction"), "{fraction}");
        }
    }

    #[test]
    fn a_gpu_can_move_to_another_thread() {
        fn send<T: Send>() {}
        send::<Gpu>();
    }
}
