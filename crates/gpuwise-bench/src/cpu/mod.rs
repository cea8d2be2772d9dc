//! The CPU backend, as numpy runs each operation: matrix products (and the convolution's) on
//! every core, through the BLAS the user's numpy uses when one is found, else faer; transforms
//! (rustfft) and elementwise work and reductions on one core, as numpy's FFT and ufuncs run.

mod blas;
mod blas_search;
mod buffer;
mod conv;
mod errors;
mod fft;
mod gemm;
mod real;
mod stream;

use gpuwise_model::Operation;

use crate::data::{Values, copies_for};
use crate::error::FilterTooLarge;
use crate::workload::{ConvShape, Workload};
use gpuwise_bench_results::plan::Repeats;
use gpuwise_bench_results::stats::Summary;

pub use blas::{Blas, Element};
pub use blas_search::{Chosen, GemmChoice, choose};
pub use errors::{BlasError, CpuError, GemmChoiceError, GemmError};
pub use gemm::GemmLibrary;
pub use real::Real;

/// A timed case and the output of its last run (for the check).
#[derive(Debug, Clone)]
pub struct Measured {
    /// The timings.
    pub summary: Summary,
    /// The output.
    pub output: Values,
}

/// Times `workload` on the CPU with `repeats`, multiplying matrices with `gemm`.
pub fn run(workload: &Workload, repeats: Repeats, gemm: &GemmLibrary) -> Result<Measured, CpuError> {
    match workload.inputs.first() {
        Some(Values::F64(_)) => typed::<f64>(workload, repeats, gemm),
        _ => typed::<f32>(workload, repeats, gemm),
    }
}

fn typed<T: Real>(workload: &Workload, repeats: Repeats, gemm: &GemmLibrary) -> Result<Measured, CpuError> {
    let inputs: Vec<&[T]> =
        workload.inputs.iter().map(T::slice).collect::<Option<_>>().ok_or(CpuError::MixedPrecision)?;
    // Copies of the inputs to rotate through (see data::copies_for), in huge-page memory as
    // numpy's arrays are (see buffer).
    let bytes: u64 = workload.inputs.iter().map(Values::host_bytes).sum();
    let sets: Vec<Vec<Vec<T>>> =
        (0..copies_for(bytes)).map(|_| inputs.iter().map(|input| buffer::copy_of(input)).collect()).collect();
    let set = |i: usize| -> Vec<&[T]> { sets[i % sets.len()].iter().map(Vec::as_slice).collect() };
    let mut output = buffer::zeroed(workload.output_len);
    let summary: Result<Summary, CpuError> = match &workload.case.operation {
        Operation::Matmul { m, n, k, .. } => {
            let (m, n, k) = (*m as usize, *n as usize, *k as usize);
            crate::timer::repeat(repeats, |i| {
                let inputs = set(i);
                crate::timer::wall_or_error(|| gemm.multiply(inputs[0], inputs[1], false, &mut output, (m, n, k)))
            })
        }
        Operation::Fft { dims, .. } => {
            let mut fft = fft::Batched::new(dims[0] as usize);
            crate::timer::repeat(repeats, |i| {
                let inputs = set(i);
                Ok(crate::timer::wall(|| fft.forward(inputs[0], &mut output)))
            })
        }
        Operation::Elementwise { .. } => crate::timer::repeat(repeats, |i| {
            let inputs = set(i);
            Ok(crate::timer::wall(|| stream::add(inputs[0], inputs[1], &mut output)))
        }),
        Operation::Reduction { .. } => crate::timer::repeat(repeats, |i| {
            let inputs = set(i);
            Ok(crate::timer::wall(|| output[0] = stream::sum(inputs[0])))
        }),
        op @ Operation::Conv2d { .. } => {
            let shape = ConvShape::of(op).ok_or(FilterTooLarge)?;
            let mut columns = buffer::zeroed(shape.pixels() * shape.taps());
            crate::timer::repeat(repeats, |i| {
                let inputs = set(i);
                crate::timer::wall_or_error(|| {
                    conv::forward(gemm, &shape, inputs[0], inputs[1], &mut columns, &mut output)
                })
            })
        }
        other => Err(CpuError::NoKernel { op: other.name() }),
    };
    Ok(Measured { summary: summary?, output: T::values(output) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_bench_results::check;
    use gpuwise_bench_results::plan::Case;
    use gpuwise_model::{Dtype, Extras};

    /// Every CPU kernel, in both precisions, at small and odd sizes, agrees with its reference
    /// when matrices are multiplied with `gemm`.
    fn kernels_match_their_references(gemm: &GemmLibrary) {
        let padded = Extras { padding: 1, stride: 2, ..Extras::default() };
        let cases: [(&str, &[u64], Extras); 6] = [
            ("matmul", &[37, 19, 53], Extras::default()),
            ("fft", &[100], Extras { batch: 3, ..Extras::default() }),
            ("elementwise", &[100_003], Extras::default()),
            ("reduction", &[100_003], Extras::default()),
            ("conv2d", &[2, 3, 9, 7, 4, 3, 3], padded),
            ("conv2d", &[1, 2, 5, 5, 3, 1, 1], Extras::default()),
        ];
        let once = Repeats { warmup: 0, min: 1, max: 1, seconds: 0.0 };
        for (op, shape, extras) in cases {
            for dtype in [Dtype::F32, Dtype::F64] {
                let case = Case { operation: Operation::parse(op, shape, &extras).unwrap(), dtype };
                let workload = Workload::new(&case, 11).unwrap();
                let measured = run(&workload, once, gemm).unwrap();
                let result = check::compare(dtype, &workload.reference, |i| measured.output.get(i));
                assert!(result.passed(), "{op} {shape:?} {dtype} with {}: {result:?}", gemm.describe());
                assert!(measured.summary.median > 0.0);
            }
        }
    }

    #[test]
    fn every_kernel_matches_its_reference_with_faer() {
        kernels_match_their_references(&GemmLibrary::Faer);
    }

    /// The OpenBLAS a real numpy wheel ships (64-bit integers, `scipy_cblas_dgemm64_`), found in
    /// its site directory, and the one scipy's wheel ships (32-bit integers, told apart by its
    /// configuration string), named by path, both multiply correctly, transposed operands
    /// included. The environments are the ones scripts/test builds.
    #[test]
    #[ignore = "needs scripts/test-envs' real environments (GPUWISE_TEST_VENVS); scripts/test runs it"]
    fn real_wheels_blas_computes_every_kernel_right() {
        let venvs = std::env::var_os("GPUWISE_TEST_VENVS").expect("GPUWISE_TEST_VENVS names scripts/test-envs' output");
        let sites = |env: &str| -> Vec<std::path::PathBuf> {
            let lib = std::path::Path::new(&venvs).join(env).join("lib");
            std::fs::read_dir(lib).unwrap().map(|e| e.unwrap().path().join("site-packages")).collect()
        };
        let numpy = choose(&GemmChoice::Auto, &sites("numba")).unwrap();
        let description = numpy.library.describe();
        assert!(description.starts_with("OpenBLAS") && description.contains("numpy's wheel"), "{description}");
        assert!(matches!(&numpy.library, GemmLibrary::Blas { blas, .. } if blas.threads.is_some()));
        kernels_match_their_references(&numpy.library);

        let scipy_libs = sites("jax-cpu")[0].join("scipy.libs");
        let scipy = std::fs::read_dir(&scipy_libs)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("libscipy_openblas-"))
            .unwrap_or_else(|| panic!("no 32-bit scipy-openblas in {}", scipy_libs.display()));
        let scipy = choose(&GemmChoice::Library(scipy), &[]).unwrap();
        kernels_match_their_references(&scipy.library);
    }
}
