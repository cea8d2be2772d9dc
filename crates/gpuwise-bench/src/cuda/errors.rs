//! Errors in the words a user reads: [`CudaError`], with CUDA, cuBLAS and cuFFT results by name
//! (and the driver's own text), and panics from cudarc turned into errors.

use std::panic::{AssertUnwindSafe, catch_unwind};

use cudarc::cublas::result::CublasError;
use cudarc::cufft::result::CufftError;
use cudarc::cufft::sys::cufftType;
use cudarc::driver::DriverError;
use gpuwise_model::Dtype;
use gpuwise_probe::Unanswered;
use thiserror::Error;

use super::budget::size;
use super::libraries::Library;
use crate::error::{FilterTooLarge, NoTiming};

/// Why the CUDA backend could not open the GPU or measure on it.
///
/// A library's status is part of the message (`cuInit: CUDA_ERROR_NO_DEVICE (100): no
/// CUDA-capable device is detected`), so it is kept in the variant rather than given as the
/// error's `source`.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CudaError {
    /// The memory fraction given is not in (0, 1].
    #[error("the GPU memory fraction must be above 0 and at most 1, not {0}")]
    MemoryFraction(f64),
    /// A library is not under any of the names cudarc loads it by.
    #[error("{}", .0.not_found())]
    NotFound(Library),
    /// A library loads but lacks a symbol the backend calls.
    #[error("{}", .library.lacks(.symbol))]
    TooOld {
        /// The library.
        library: Library,
        /// The first symbol it lacks.
        symbol: &'static str,
    },
    /// The driver did not answer `cuInit` in time, or died inside it.
    #[error(transparent)]
    NoAnswer(#[from] Unanswered),
    /// The device ordinal is past the devices the driver sees.
    #[error(
        "there is no CUDA device {ordinal}: the driver sees {count} device(s){}",
        .visible.as_ref().map(|value| format!(" with CUDA_VISIBLE_DEVICES={value}")).unwrap_or_default()
    )]
    NoDevice {
        /// The ordinal asked for.
        ordinal: usize,
        /// Devices the driver sees.
        count: i32,
        /// `CUDA_VISIBLE_DEVICES`, when it is set (it renumbers the devices).
        visible: Option<String>,
    },
    /// A driver call failed.
    #[error("{what}: {}", .status.describe())]
    Driver {
        /// What was being done (`cuInit`, `allocating 1.00 GiB (1073741824 bytes) on the GPU`).
        what: String,
        /// The driver's result.
        status: DriverError,
    },
    /// A cuBLAS call other than the product itself failed.
    #[error("{what}: {}", .status.describe())]
    Cublas {
        /// What was being done.
        what: String,
        /// cuBLAS's status.
        status: CublasError,
    },
    /// A cuFFT call failed.
    #[error("{what}: {}", .status.describe())]
    Cufft {
        /// What was being done.
        what: String,
        /// cuFFT's result.
        status: CufftError,
    },
    /// A kernel launch failed.
    #[error("launching {kernel}: {}", .status.describe())]
    Launch {
        /// The kernel's name.
        kernel: &'static str,
        /// The driver's result.
        status: DriverError,
    },
    /// `cublasGemmEx` failed.
    #[error("cublasGemmEx ({} {m}x{n}x{k}): {}", .dtype.name(), .status.describe())]
    Gemm {
        /// The precision of the product.
        dtype: Dtype,
        /// Rows of A and C.
        m: usize,
        /// Columns of B and C.
        n: usize,
        /// Columns of A, rows of B.
        k: usize,
        /// cuBLAS's status.
        status: CublasError,
    },
    /// A measurement succeeded but draining the stream afterwards failed.
    #[error("{what}: cleaning up on the GPU: {}", .status.describe())]
    Cleanup {
        /// The measurement.
        what: String,
        /// The driver's result.
        status: DriverError,
    },
    /// A library call panicked inside cudarc (a library or symbol that would not load, an
    /// internal assertion).
    #[error("{what}: a CUDA library call failed: {message}")]
    Panicked {
        /// What was being done.
        what: String,
        /// The panic's message.
        message: String,
    },
    /// The GPU backend has no kernels for fp8.
    #[error("the GPU backend has no fp8 kernels")]
    NoFp8Kernels,
    /// cuBLAS is not asked for fp8 products.
    #[error("the GPU backend has no fp8 matrix product")]
    NoFp8Product,
    /// No kernel of a kind for an element type.
    #[error("the GPU backend has no {element} {kind} kernel")]
    NoKernel {
        /// The element type (`f16`).
        element: &'static str,
        /// The kind of kernel (`FFT`, `elementwise`, `reduction`, `im2col`).
        kind: &'static str,
    },
    /// An operation, or a shape of it, the GPU backend does not implement.
    #[error("the GPU backend has no {op} kernel for shape {shape:?}")]
    NoOperation {
        /// The operation's name.
        op: &'static str,
        /// Its shape.
        shape: Vec<u64>,
    },
    /// The convolution has no output.
    #[error(transparent)]
    FilterTooLarge(#[from] FilterTooLarge),
    /// The case does not fit in its share of the free device memory.
    #[error(
        "needs {} of GPU memory but may use {} ({:.0}% of the {} free)",
        size(*.needed),
        size(*.allowed),
        .fraction * 100.0,
        size(*.free)
    )]
    OverBudget {
        /// Bytes the case needs.
        needed: u64,
        /// Bytes it may use.
        allowed: u64,
        /// The share of the free memory it may use.
        fraction: f64,
        /// Device memory free when it started, bytes.
        free: u64,
    },
    /// A copy of no bytes was asked for.
    #[error("copies need at least one byte")]
    EmptyCopy,
    /// Host and device sides of a copy differ in length.
    #[error("copy between {host} host and {device} device values")]
    CopyLengths {
        /// Values on the host side.
        host: usize,
        /// Values on the device side.
        device: usize,
    },
    /// Pinned memory for no values was asked for.
    #[error("pinned host memory for no values")]
    EmptyPinned,
    /// Pinned memory of more bytes than the address space was asked for.
    #[error("pinned host memory larger than the address space")]
    PinnedTooLarge,
    /// Host values of the wrong precision or length for the device values.
    #[error("{element} device values need {len} {} host values", .host.to_lowercase())]
    HostValues {
        /// The device element type.
        element: &'static str,
        /// Values needed.
        len: usize,
        /// The host storage they need (`F32`, `F64`).
        host: &'static str,
    },
    /// A transform size beyond cuFFT's 32-bit plans.
    #[error("FFT size {0} exceeds cuFFT's 32-bit plans")]
    FftTooLarge(usize),
    /// A plan run before its work area was attached.
    #[error("cuFFT plan run without its work area")]
    FftWithoutWorkArea,
    /// A plan of a kind that has no forward transform here.
    #[error("no forward transform of kind {0:?}")]
    FftKind(cufftType),
    /// Transform buffers that do not hold the plan's values.
    #[error("FFT of {values} values on buffers of {input} and {output}")]
    FftBuffers {
        /// Values the plan transforms.
        values: usize,
        /// Values in the input buffer.
        input: usize,
        /// Values in the output buffer.
        output: usize,
    },
    /// A matrix size beyond cuBLAS's 32-bit sizes.
    #[error("matrix size {0} exceeds cuBLAS's 32-bit sizes")]
    MatrixTooLarge(usize),
    /// A product on values of another size than its dtype's.
    #[error("{} matrix product on {bytes}-byte values", .dtype.name())]
    GemmValues {
        /// The precision of the product.
        dtype: Dtype,
        /// Bytes per value of the buffers.
        bytes: usize,
    },
    /// Product buffers that do not hold its matrices.
    #[error("{m}x{k} by {k}x{n} product on buffers of {a}, {b} and {c}")]
    GemmBuffers {
        /// Rows of A and C.
        m: usize,
        /// Columns of B and C.
        n: usize,
        /// Columns of A, rows of B.
        k: usize,
        /// Values in A.
        a: usize,
        /// Values in B.
        b: usize,
        /// Values in C.
        c: usize,
    },
    /// Add kernel buffers of different lengths.
    #[error("{kernel}: inputs of {x} and {y} values for {out} outputs")]
    AddLengths {
        /// The kernel's name.
        kernel: &'static str,
        /// Values in x.
        x: usize,
        /// Values in y.
        y: usize,
        /// Values in the output.
        out: usize,
    },
    /// Too few partial sums for a reduction's blocks, or no output.
    #[error("{kernel}: {partials} partials for {blocks} blocks")]
    Partials {
        /// The kernel's name.
        kernel: &'static str,
        /// Partial sums the buffer holds.
        partials: usize,
        /// Blocks the first pass launches.
        blocks: u32,
    },
    /// im2col buffers that do not hold the convolution's values.
    #[error("{kernel}: buffers of {input} and {columns} values")]
    Im2colBuffers {
        /// The kernel's name.
        kernel: &'static str,
        /// Values in the input buffer.
        input: usize,
        /// Values in the columns buffer.
        columns: usize,
    },
    /// An unfolded input too large for im2col's 32-bit indices.
    #[error("{kernel}: {total} unfolded values are too many for its 32-bit indices")]
    Im2colTooLarge {
        /// The kernel's name.
        kernel: &'static str,
        /// Unfolded values.
        total: usize,
    },
    /// An operation run with fewer inputs than it takes.
    #[error("the case has {inputs} inputs, not {wanted}")]
    MissingInput {
        /// Inputs given.
        inputs: usize,
        /// Inputs the operation reads.
        wanted: usize,
    },
    /// An operation that needs scratch run without it.
    #[error("the case's scratch buffer is missing")]
    MissingScratch,
    /// The repeat policy timed nothing.
    #[error(transparent)]
    NoTiming(#[from] NoTiming),
}

/// A library status that can say what went wrong.
pub(super) trait Status: Sized {
    /// `CUDA_ERROR_OUT_OF_MEMORY (2): out of memory` and the like.
    fn describe(&self) -> String;

    /// The error of this status met while doing `what`.
    fn during(self, what: String) -> CudaError;
}

impl Status for DriverError {
    fn describe(&self) -> String {
        gpuwise_probe::cuda::describe_result(self.0)
    }

    fn during(self, what: String) -> CudaError {
        CudaError::Driver { what, status: self }
    }
}

impl Status for CublasError {
    fn describe(&self) -> String {
        format!("{:?} ({})", self.0, self.0 as i32)
    }

    fn during(self, what: String) -> CudaError {
        CudaError::Cublas { what, status: self }
    }
}

impl Status for CufftError {
    fn describe(&self) -> String {
        format!("{:?} ({})", self.0, self.0 as i32)
    }

    fn during(self, what: String) -> CudaError {
        CudaError::Cufft { what, status: self }
    }
}

/// Adds what was being done to a library error.
pub(super) trait Context<T> {
    /// The status as a [`CudaError`] whose message is `{what}: {status}`.
    fn context(self, what: impl Into<String>) -> Result<T, CudaError>;
}

impl<T, E: Status> Context<T> for Result<T, E> {
    fn context(self, what: impl Into<String>) -> Result<T, CudaError> {
        self.map_err(|err| err.during(what.into()))
    }
}

/// Runs `body`, turning a panic (cudarc panics when a library or symbol cannot be loaded, and
/// on a few internal assertions) into [`CudaError::Panicked`] doing `what`.
pub(super) fn guard<T>(what: &str, body: impl FnOnce() -> Result<T, CudaError>) -> Result<T, CudaError> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        Err(CudaError::Panicked { what: what.to_string(), message })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors() {
        let err = guard("running the case", || -> Result<(), CudaError> { panic!("Missing symbol cublasGemmEx") });
        assert_eq!(
            err.unwrap_err().to_string(),
            "running the case: a CUDA library call failed: Missing symbol cublasGemmEx"
        );
        let formatted = guard("x", || -> Result<(), CudaError> { panic!("{} {}", "a", 1) });
        assert!(formatted.unwrap_err().to_string().ends_with("a 1"));
        assert_eq!(guard("x", || Ok(3)), Ok(3));
    }

    #[test]
    fn library_statuses_are_named() {
        use cudarc::cublas::sys::cublasStatus_t;
        let err: Result<(), _> = Err(CublasError(cublasStatus_t::CUBLAS_STATUS_ALLOC_FAILED));
        assert_eq!(
            err.context("cublasCreate").unwrap_err().to_string(),
            "cublasCreate: CUBLAS_STATUS_ALLOC_FAILED (3)"
        );
        let gemm = CudaError::Gemm {
            dtype: Dtype::Bf16,
            m: 2,
            n: 3,
            k: 4,
            status: CublasError(cublasStatus_t::CUBLAS_STATUS_NOT_SUPPORTED),
        };
        assert_eq!(gemm.to_string(), "cublasGemmEx (bf16 2x3x4): CUBLAS_STATUS_NOT_SUPPORTED (15)");
    }

    #[test]
    fn messages_carry_their_numbers() {
        let device = CudaError::NoDevice { ordinal: 3, count: 1, visible: Some("0".into()) };
        assert_eq!(
            device.to_string(),
            "there is no CUDA device 3: the driver sees 1 device(s) with CUDA_VISIBLE_DEVICES=0"
        );
        let unset = CudaError::NoDevice { ordinal: 1, count: 0, visible: None };
        assert_eq!(unset.to_string(), "there is no CUDA device 1: the driver sees 0 device(s)");
        let values = CudaError::HostValues { element: "bf16", len: 4, host: "F32" };
        assert_eq!(values.to_string(), "bf16 device values need 4 f32 host values");
        assert_eq!(CudaError::FftKind(cufftType::CUFFT_R2C).to_string(), "no forward transform of kind CUFFT_R2C");
    }
}
