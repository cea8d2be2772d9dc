//! The CPU backend: every operation on all cores, on well-kept crates (faer for matrix products,
//! rustfft for transforms, rayon for the rest).

mod conv;
mod fft;
mod gemm;
mod real;
mod stream;

use gpuwise_model::{Dtype, Operation};

use crate::data::{Values, copies_for};
use crate::plan::Repeats;
use crate::stats::Summary;
use crate::workload::{ConvShape, Workload};

pub use real::Real;

/// A timed case and the output of its last run (for the check).
#[derive(Debug, Clone)]
pub struct Measured {
    /// The timings.
    pub summary: Summary,
    /// The output.
    pub output: Values,
}

/// The dtype the CPU computes `dtype` in: tf32, f16 and bf16 products run in f32 (as numpy and
/// PyTorch's CPU matrix products do), f64 and f32 in themselves.
pub fn computes_in(dtype: Dtype) -> Dtype {
    if dtype == Dtype::F64 { Dtype::F64 } else { Dtype::F32 }
}

/// Times `workload` on the CPU with `repeats`.
pub fn run(workload: &Workload, repeats: Repeats) -> Result<Measured, String> {
    match workload.inputs.first() {
        Some(Values::F64(_)) => typed::<f64>(workload, repeats),
        _ => typed::<f32>(workload, repeats),
    }
}

fn typed<T: Real>(workload: &Workload, repeats: Repeats) -> Result<Measured, String> {
    let inputs: Vec<&[T]> =
        workload.inputs.iter().map(T::slice).collect::<Option<_>>().ok_or("inputs of mixed precision")?;
    // Copies of the inputs to rotate through (see data::copies_for).
    let bytes: u64 = workload.inputs.iter().map(Values::host_bytes).sum();
    let sets: Vec<Vec<Vec<T>>> =
        (1..copies_for(bytes)).map(|_| inputs.iter().map(|input| input.to_vec()).collect()).collect();
    let set = |i: usize| -> Vec<&[T]> {
        match i % (sets.len() + 1) {
            0 => inputs.clone(),
            copy => sets[copy - 1].iter().map(Vec::as_slice).collect(),
        }
    };
    let mut output = vec![T::zero(); workload.output_len];
    let summary = match &workload.case.operation {
        Operation::Matmul { m, n, k, .. } => {
            let (m, n, k) = (*m as usize, *n as usize, *k as usize);
            crate::timer::repeat(repeats, |i| {
                let inputs = set(i);
                Ok(crate::timer::wall(|| gemm::matmul(inputs[0], inputs[1], &mut output, m, n, k)))
            })?
        }
        Operation::Fft { dims, .. } => {
            let mut fft = fft::Batched::new(dims[0] as usize);
            crate::timer::repeat(repeats, |i| Ok(crate::timer::wall(|| fft.forward(set(i)[0], &mut output))))?
        }
        Operation::Elementwise { .. } => crate::timer::repeat(repeats, |i| {
            let inputs = set(i);
            Ok(crate::timer::wall(|| stream::add(inputs[0], inputs[1], &mut output)))
        })?,
        Operation::Reduction { .. } => crate::timer::repeat(repeats, |i| {
            let inputs = set(i);
            Ok(crate::timer::wall(|| output[0] = stream::sum(inputs[0])))
        })?,
        op @ Operation::Conv2d { .. } => {
            let shape = ConvShape::of(op).ok_or("the filter is larger than the padded input")?;
            let mut columns = vec![T::zero(); shape.pixels() * shape.taps()];
            crate::timer::repeat(repeats, |i| {
                let inputs = set(i);
                Ok(crate::timer::wall(|| conv::forward(&shape, inputs[0], inputs[1], &mut columns, &mut output)))
            })?
        }
        other => return Err(format!("the CPU backend has no {} kernel", other.name())),
    };
    Ok(Measured { summary, output: T::values(output) })
}
