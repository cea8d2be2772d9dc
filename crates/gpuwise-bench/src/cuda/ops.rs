//! Each operation as the GPU computes it on device buffers: which library or kernel, what it
//! needs besides its inputs and output, and queuing one run.

use cudarc::driver::CudaSlice;
use gpuwise_model::{Dtype, Operation};

use super::blas::Gemm;
use super::element::Element;
use super::errors::CudaError;
use super::fft::Plan;
use super::gpu::Gpu;
use super::kernels::{Kernel, partials_for};
use crate::error::FilterTooLarge;
use crate::workload::{ConvShape, Workload};

/// One operation, ready to run on buffers of its element type.
pub(super) enum Op {
    /// A cuBLAS product of the two inputs, A (m x k) and B (k x n).
    Matmul {
        /// The precision it computes in.
        dtype: Dtype,
        /// Its sizes.
        gemm: Gemm,
    },
    /// cuFFT transforms of the one input.
    Fft(Plan),
    /// `out = x + y` of the two inputs.
    Add(Kernel),
    /// The sum of the one input.
    Sum {
        /// The partial-sum kernel.
        kernel: Kernel,
        /// Partial sums, the scratch it needs.
        partials: usize,
    },
    /// im2col of the input into scratch, then a cuBLAS product with the filters transposed.
    Conv {
        /// The precision the product computes in.
        dtype: Dtype,
        /// The convolution's sizes.
        shape: ConvShape,
        /// The im2col kernel.
        im2col: Kernel,
        /// The product: unfolded input (pixels x taps) by filters (K x taps, read transposed).
        gemm: Gemm,
    },
}

impl Op {
    /// What `workload` computes, on values of type `T`; `Err` for operations, shapes and types
    /// the GPU backend has no kernel for, or when a library it needs is missing.
    pub fn new<T: Element>(gpu: &Gpu, workload: &Workload) -> Result<Op, CudaError> {
        let dtype = workload.dtype();
        let missing = |kind: &'static str| CudaError::NoKernel { element: T::NAME, kind };
        let op = match &workload.case.operation {
            &Operation::Matmul { batch: 1, m, n, k } => {
                gpu.blas()?;
                Op::Matmul { dtype, gemm: Gemm { m: m as usize, n: n as usize, k: k as usize, b_transposed: false } }
            }
            Operation::Fft { batch, dims, real: false } if dims.len() == 1 => {
                let kind = T::FFT.ok_or_else(|| missing("FFT"))?;
                Op::Fft(Plan::new(&gpu.stream, kind, dims[0] as usize, *batch as usize)?)
            }
            Operation::Elementwise { inputs: 2, .. } => Op::Add(T::ADD.ok_or_else(|| missing("elementwise"))?),
            Operation::Reduction { elements } => Op::Sum {
                kernel: T::SUM.ok_or_else(|| missing("reduction"))?,
                partials: partials_for(*elements as usize),
            },
            op @ Operation::Conv2d { .. } => {
                let shape = ConvShape::of(op).ok_or(FilterTooLarge)?;
                let im2col = T::IM2COL.ok_or_else(|| missing("im2col"))?;
                gpu.blas()?;
                let gemm = Gemm { m: shape.pixels(), n: shape.k, k: shape.taps(), b_transposed: true };
                Op::Conv { dtype, shape, im2col, gemm }
            }
            other => return Err(CudaError::NoOperation { op: other.name(), shape: other.shape() }),
        };
        Ok(op)
    }

    /// Scratch values of the element type the op needs besides inputs and output.
    pub fn scratch_len(&self) -> usize {
        match self {
            Op::Sum { partials, .. } => *partials,
            Op::Conv { gemm, .. } => gemm.m * gemm.k,
            Op::Matmul { .. } | Op::Fft(_) | Op::Add(_) => 0,
        }
    }

    /// Device bytes a library needs on top (cuFFT's work area).
    pub fn work_bytes(&self) -> u64 {
        if let Op::Fft(plan) = self { plan.work_bytes() } else { 0 }
    }

    /// Allocates what a library needs on top (after the budget allowed it).
    pub fn prepare(&mut self) -> Result<(), CudaError> {
        if let Op::Fft(plan) = self { plan.attach_work_area() } else { Ok(()) }
    }

    /// Queues one run on `inputs` (in the workload's order) into `output`, using `scratch`
    /// ([`Op::scratch_len`] values, when that is not 0).
    pub fn enqueue<T: Element>(
        &self,
        gpu: &Gpu,
        inputs: &[CudaSlice<T>],
        scratch: Option<&mut CudaSlice<T>>,
        output: &mut CudaSlice<T>,
    ) -> Result<(), CudaError> {
        let input =
            |i: usize| inputs.get(i).ok_or_else(|| CudaError::MissingInput { inputs: inputs.len(), wanted: i + 1 });
        let scratch = || scratch.ok_or(CudaError::MissingScratch);
        let stream = &gpu.stream;
        match self {
            Op::Matmul { dtype, gemm } => gpu.blas()?.product(*dtype, gemm, input(0)?, input(1)?, output),
            Op::Fft(plan) => plan.forward(input(0)?, output),
            Op::Add(kernel) => gpu.kernels.add(stream, *kernel, input(0)?, input(1)?, output),
            Op::Sum { kernel, .. } => gpu.kernels.sum(stream, *kernel, input(0)?, scratch()?, output),
            Op::Conv { dtype, shape, im2col, gemm } => {
                let columns = scratch()?;
                gpu.kernels.im2col(stream, *im2col, shape, input(0)?, columns)?;
                gpu.blas()?.product(*dtype, gemm, columns, input(1)?, output)
            }
        }
    }
}
