//! Matrix products on cuBLAS (`cublasGemmEx`), in the precisions PyTorch's `torch.matmul` uses
//! by default for each dtype.
//!
//! cuBLAS is column major and the bench's matrices are row major. A row-major matrix read as
//! column major is its transpose, so row-major `C = A·B` is computed as column-major
//! `Cᵀ = Bᵀ·Aᵀ`: B is passed as cuBLAS's first operand and the sizes swap (m' = n, n' = m).

use std::ffi::{c_int, c_void};
use std::sync::Arc;

use cudarc::cublas::result;
use cudarc::cublas::sys::{
    cublasComputeType_t as Compute, cublasGemmAlgo_t, cublasHandle_t, cublasOperation_t, cudaDataType_t as Data,
};
use cudarc::driver::{CudaSlice, CudaStream, DevicePtr, DevicePtrMut};
use gpuwise_model::Dtype;

use super::errors::{Context, CudaError};
use super::libraries::{self, Library};

/// A row-major product `C (m x n) = A (m x k) · B`, where B is stored either as k x n or, with
/// `b_transposed`, as n x k and read transposed (the convolution's filters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Gemm {
    /// Rows of A and C.
    pub m: usize,
    /// Columns of B and C.
    pub n: usize,
    /// Columns of A, rows of B.
    pub k: usize,
    /// B is stored n x k.
    pub b_transposed: bool,
}

/// The arguments of `cublasGemmEx` for a [`Gemm`], with its first operand B and second A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ColumnMajor {
    /// Whether cuBLAS transposes its first operand (B).
    transpose_first: bool,
    m: c_int,
    n: c_int,
    k: c_int,
    /// Leading dimension of the first operand (B).
    lda: c_int,
    /// Leading dimension of the second operand (A).
    ldb: c_int,
    ldc: c_int,
}

impl Gemm {
    /// The column-major call computing `Cᵀ = op(B)ᵀ·Aᵀ`. Row-major A (m x k) is column-major
    /// Aᵀ (k x m, leading dimension k). Row-major B (k x n) is column-major Bᵀ (n x k, leading
    /// dimension n); stored n x k it is column-major B itself (leading dimension k), which
    /// cuBLAS transposes.
    fn column_major(&self) -> Result<ColumnMajor, CudaError> {
        let int = |v: usize| c_int::try_from(v).map_err(|_| CudaError::MatrixTooLarge(v));
        Ok(ColumnMajor {
            transpose_first: self.b_transposed,
            m: int(self.n)?,
            n: int(self.m)?,
            k: int(self.k)?,
            lda: int(if self.b_transposed { self.k } else { self.n })?,
            ldb: int(self.k)?,
            ldc: int(self.n)?,
        })
    }
}

/// Storage type and compute type per dtype, as `torch.matmul` runs them by default: f32 in full
/// f32 (no TF32: `allow_tf32` is off by default), tf32 as f32 data on TF32 tensor cores, f16 and
/// bf16 stored in their type and accumulated in f32.
fn types(dtype: Dtype) -> Result<(Data, Compute), CudaError> {
    Ok(match dtype {
        Dtype::F64 => (Data::CUDA_R_64F, Compute::CUBLAS_COMPUTE_64F),
        Dtype::F32 => (Data::CUDA_R_32F, Compute::CUBLAS_COMPUTE_32F),
        Dtype::Tf32 => (Data::CUDA_R_32F, Compute::CUBLAS_COMPUTE_32F_FAST_TF32),
        Dtype::F16 => (Data::CUDA_R_16F, Compute::CUBLAS_COMPUTE_32F),
        Dtype::Bf16 => (Data::CUDA_R_16BF, Compute::CUBLAS_COMPUTE_32F),
        Dtype::Fp8 => return Err(CudaError::NoFp8Product),
    })
}

/// A cuBLAS handle bound to the GPU's stream. (cudarc's `CudaBlas` panics in `drop` when
/// `cublasDestroy` fails, as it may after a device error, so the handle is kept here.)
pub(super) struct Blas {
    handle: cublasHandle_t,
    /// The stream the handle queues on, kept alive as long as the handle.
    stream: Arc<CudaStream>,
}

// SAFETY: a cuBLAS handle may be used from any thread, one at a time; the `Gpu` that owns this
// only uses it through `&mut self` methods, never from two threads at once.
unsafe impl Send for Blas {}

impl Blas {
    /// Loads cuBLAS (checked first) and creates a handle queuing on `stream`.
    pub fn new(stream: &Arc<CudaStream>) -> Result<Blas, CudaError> {
        libraries::require(Library::Cublas)?;
        stream.context().bind_to_thread().context("binding the CUDA context")?;
        let handle = result::create_handle().context("creating a cuBLAS handle")?;
        let blas = Blas { handle, stream: stream.clone() };
        // SAFETY: the handle was just created; the stream is alive as long as `blas`.
        unsafe { result::set_stream(handle, stream.cu_stream() as _) }.context("binding cuBLAS to the stream")?;
        Ok(blas)
    }

    /// Queues `c = a · b` (see [`Gemm`]) computed as `dtype` says, on buffers of a type of
    /// `dtype`'s size.
    pub fn product<T>(
        &self,
        dtype: Dtype,
        gemm: &Gemm,
        a: &CudaSlice<T>,
        b: &CudaSlice<T>,
        c: &mut CudaSlice<T>,
    ) -> Result<(), CudaError> {
        let (data, compute) = types(dtype)?;
        let call = gemm.column_major()?;
        if size_of::<T>() as u64 != dtype.bytes() {
            return Err(CudaError::GemmValues { dtype, bytes: size_of::<T>() });
        }
        let (m, n, k) = (gemm.m, gemm.n, gemm.k);
        if a.len() != m * k || b.len() != k * n || c.len() != m * n {
            return Err(CudaError::GemmBuffers { m, n, k, a: a.len(), b: b.len(), c: c.len() });
        }
        // alpha = 1, beta = 0 in the compute type's scalar type: f64 for 64F, f32 otherwise.
        let (double, single) = ([1.0f64, 0.0], [1.0f32, 0.0]);
        let scalar = |i: usize| -> *const c_void {
            if compute == Compute::CUBLAS_COMPUTE_64F {
                &double[i] as *const f64 as _
            } else {
                &single[i] as *const f32 as _
            }
        };
        let transpose =
            if call.transpose_first { cublasOperation_t::CUBLAS_OP_T } else { cublasOperation_t::CUBLAS_OP_N };
        let (a, _a) = a.device_ptr(&self.stream);
        let (b, _b) = b.device_ptr(&self.stream);
        let (c, _c) = c.device_ptr_mut(&self.stream);
        // SAFETY: the handle is alive and bound to the stream all three buffers belong to; their
        // lengths were checked against the sizes, so with the leading dimensions of
        // `column_major` cuBLAS stays inside them; the scalars live until the call returns
        // (host pointer mode, the default) and have the compute type's scalar type.
        unsafe {
            result::gemm_ex(
                self.handle,
                transpose,
                cublasOperation_t::CUBLAS_OP_N,
                call.m,
                call.n,
                call.k,
                scalar(0),
                b as *const c_void,
                data,
                call.lda,
                a as *const c_void,
                data,
                call.ldb,
                scalar(1),
                c as *mut c_void,
                data,
                call.ldc,
                compute,
                cublasGemmAlgo_t::CUBLAS_GEMM_DEFAULT,
            )
        }
        .map_err(|status| CudaError::Gemm { dtype, m, n, k, status })
    }
}

impl Drop for Blas {
    fn drop(&mut self) {
        // Errors are ignored: the handle is gone either way, and a failing device was reported
        // by the call that met it.
        let _ = self.stream.context().bind_to_thread();
        // SAFETY: the handle was created by `Blas::new` and is destroyed only here.
        let _ = unsafe { result::destroy_handle(self.handle) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What cuBLAS computes for `C = op(first) · second` (second never transposed), all column
    /// major with the given leading dimensions.
    fn column_major_gemm(call: &ColumnMajor, first: &[f64], second: &[f64]) -> Vec<f64> {
        let (m, n, k) = (call.m as usize, call.n as usize, call.k as usize);
        let (lda, ldb, ldc) = (call.lda as usize, call.ldb as usize, call.ldc as usize);
        let mut c = vec![0.0; ldc * n];
        for j in 0..n {
            for i in 0..m {
                c[i + j * ldc] = (0..k)
                    .map(|l| {
                        let a = if call.transpose_first { first[l + i * lda] } else { first[i + l * lda] };
                        a * second[l + j * ldb]
                    })
                    .sum();
            }
        }
        c
    }

    fn filled(len: usize, seed: f64) -> Vec<f64> {
        (0..len).map(|i| ((i as f64 + 1.0) * seed).sin()).collect()
    }

    #[test]
    fn row_major_products_through_column_major_calls() {
        let (m, n, k) = (3, 5, 4);
        let a = filled(m * k, 0.7);
        for b_transposed in [false, true] {
            let b = filled(k * n, 1.3);
            let b_at = |l: usize, j: usize| if b_transposed { b[j * k + l] } else { b[l * n + j] };
            let want: Vec<f64> =
                (0..m * n).map(|index| (0..k).map(|l| a[(index / n) * k + l] * b_at(l, index % n)).sum()).collect();
            let call = Gemm { m, n, k, b_transposed }.column_major().unwrap();
            let got = column_major_gemm(&call, &b, &a);
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-12, "b_transposed {b_transposed}: {got:?} vs {want:?}");
            }
        }
    }

    #[test]
    fn sizes_beyond_32_bits_and_fp8_are_refused() {
        let huge = Gemm { m: 1 << 31, n: 1, k: 1, b_transposed: false };
        assert_eq!(
            huge.column_major().unwrap_err().to_string(),
            "matrix size 2147483648 exceeds cuBLAS's 32-bit sizes"
        );
        assert_eq!(types(Dtype::Fp8), Err(CudaError::NoFp8Product));
        assert_eq!(types(Dtype::Tf32).unwrap().1, Compute::CUBLAS_COMPUTE_32F_FAST_TF32);
    }
}
