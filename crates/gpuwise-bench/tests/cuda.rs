//! The CUDA backend on a real GPU: every operation in every dtype it supports at small sizes,
//! checked against the f64 reference, plus copies, launches and the errors it must return
//! rather than panic.
//!
//! They are ignored by default: run them with `--ignored` (libtest) or `--run-ignored only`
//! (nextest) on a machine with an NVIDIA GPU whose driver, cuBLAS and cuFFT can be loaded (with a
//! CUDA 13 toolkit: `LD_LIBRARY_PATH=/usr/local/cuda/lib64`), as validation/run-on-gpu.sh does.

use gpuwise_bench::cuda::{CudaError, Direction, Gpu};
use gpuwise_bench::workload::Workload;
use gpuwise_bench_results::check;
use gpuwise_bench_results::plan::{Case, Repeats};
use gpuwise_model::{Dtype, Extras, Operation};

/// More timed runs than the 64 input copies small cases rotate through, so every copy is
/// reused: an operation that overwrote its input would fail the check.
const REPEATS: Repeats = Repeats { warmup: 2, min: 70, max: 70, seconds: 0.0 };

/// The GPU; a test that asks for it fails when it does not open.
fn gpu() -> Gpu {
    Gpu::open(0, 0.5).unwrap_or_else(|err| panic!("the GPU tests need a GPU, and it does not open: {err}"))
}

fn workload(op: &str, shape: &[u64], dtype: Dtype, extras: Extras) -> Workload {
    let case = Case { operation: Operation::parse(op, shape, &extras).unwrap(), dtype };
    Workload::new(&case, 11).unwrap()
}

fn padded(padding: u64, stride: u64) -> Extras {
    Extras { padding, stride, ..Extras::default() }
}

/// Runs `w` and asserts the output passes the check and every time is positive.
fn assert_right(gpu: &mut Gpu, w: &Workload) {
    let label = format!("{} {:?} {}", w.case.operation.name(), w.case.operation.shape(), w.dtype().name());
    let measured = gpu.run(w, REPEATS).unwrap_or_else(|err| panic!("{label}: {err}"));
    assert_eq!(measured.output.len(), w.output_len, "{label}");
    assert_eq!(matches!(measured.output, gpuwise_bench::data::Values::F64(_)), w.dtype() == Dtype::F64, "{label}");
    let check = check::compare(w.dtype(), &w.reference, |i| measured.output.get(i));
    assert!(check.passed(), "{label}: {check:?}");
    for (what, summary) in [("compute", measured.compute), ("h2d", measured.h2d), ("d2h", measured.d2h)] {
        assert!(summary.min > 0.0 && summary.median.is_finite(), "{label} {what}: {summary:?}");
        assert_eq!(summary.repeats, REPEATS.min, "{label} {what}");
    }
}

#[test]
#[ignore = "needs an NVIDIA GPU with cuBLAS and cuFFT (validation/run-on-gpu.sh runs it)"]
fn matrix_products_in_every_dtype() {
    let mut gpu = gpu();
    for dtype in [Dtype::F64, Dtype::F32, Dtype::Tf32, Dtype::F16, Dtype::Bf16] {
        // Not square, so a swapped dimension or leading dimension cannot pass.
        assert_right(&mut gpu, &workload("matmul", &[33, 17, 65], dtype, Extras::default()));
    }
}

#[test]
#[ignore = "needs an NVIDIA GPU with cuBLAS and cuFFT (validation/run-on-gpu.sh runs it)"]
fn ffts_elementwise_and_reductions() {
    let mut gpu = gpu();
    for dtype in [Dtype::F64, Dtype::F32] {
        assert_right(&mut gpu, &workload("fft", &[256], dtype, Extras { batch: 3, ..Extras::default() }));
        assert_right(&mut gpu, &workload("fft", &[100], dtype, Extras { batch: 2, ..Extras::default() }));
        assert_right(&mut gpu, &workload("elementwise", &[1003], dtype, Extras::default()));
        // One block; many blocks with a remainder; more blocks than the grid's cap.
        for n in [5, 100_003, 3 << 20] {
            assert_right(&mut gpu, &workload("reduction", &[n], dtype, Extras::default()));
        }
    }
}

#[test]
#[ignore = "needs an NVIDIA GPU with cuBLAS and cuFFT (validation/run-on-gpu.sh runs it)"]
fn convolutions_with_padding_and_stride() {
    let mut gpu = gpu();
    for dtype in [Dtype::F32, Dtype::Tf32] {
        assert_right(&mut gpu, &workload("conv2d", &[2, 3, 9, 7, 4, 3, 3], dtype, padded(1, 1)));
        assert_right(&mut gpu, &workload("conv2d", &[1, 2, 8, 8, 3, 3, 3], dtype, padded(0, 2)));
    }
}

#[test]
#[ignore = "needs an NVIDIA GPU with cuBLAS and cuFFT (validation/run-on-gpu.sh runs it)"]
fn unsupported_cases_and_the_budget_are_errors_and_the_gpu_stays_usable() {
    let mut gpu = gpu();
    let half = workload("elementwise", &[64], Dtype::F16, Extras::default());
    let err = gpu.run(&half, REPEATS).unwrap_err().to_string();
    assert!(err.contains("no f16 elementwise kernel"), "{err}");
    let f64_conv = workload("conv2d", &[1, 1, 4, 4, 1, 3, 3], Dtype::F64, padded(1, 1));
    assert!(gpu.run(&f64_conv, REPEATS).unwrap_err().to_string().contains("im2col"));
    assert_right(&mut gpu, &workload("elementwise", &[64], Dtype::F32, Extras::default()));

    let mut tiny = Gpu::open(0, 1e-12).unwrap();
    let err = tiny.run(&workload("matmul", &[64, 64, 64], Dtype::F32, Extras::default()), REPEATS).unwrap_err();
    assert!(matches!(err, CudaError::OverBudget { .. }), "{err:?}");
    let err = err.to_string();
    assert!(err.contains("needs") && err.contains("may use"), "{err}");
    assert!(tiny.copy(Direction::DeviceToDevice, 1 << 20, REPEATS).unwrap_err().to_string().contains("may use"));
}

#[test]
#[ignore = "needs an NVIDIA GPU with cuBLAS and cuFFT (validation/run-on-gpu.sh runs it)"]
fn copies_and_launches_take_time() {
    let mut gpu = gpu();
    assert!(!gpu.name().is_empty() && gpu.uuid().starts_with("GPU-") && gpu.free_bytes() > 0, "{gpu:?}");
    let repeats = Repeats { warmup: 1, min: 5, max: 5, seconds: 0.0 };
    for direction in Direction::ALL {
        let copy = gpu.copy(direction, 1 << 20, repeats).unwrap_or_else(|err| panic!("{direction:?}: {err}"));
        assert_eq!((copy.direction, copy.bytes), (direction, 1 << 20));
        assert!(copy.summary.min > 0.0, "{direction:?}: {:?}", copy.summary);
    }
    let empty = gpu.copy(Direction::DeviceToDevice, 0, repeats).unwrap_err();
    assert_eq!(empty, CudaError::EmptyCopy);
    assert_eq!(empty.to_string(), "copies need at least one byte");
    let launch = gpu.launch(repeats).unwrap();
    // Positive and finite; how fast is the bench's record to say, not a test's.
    assert!(launch.queued.min > 0.0 && launch.synchronized.min > 0.0, "{launch:?}");
    assert!(launch.queued.max.is_finite() && launch.synchronized.max.is_finite(), "{launch:?}");
}
