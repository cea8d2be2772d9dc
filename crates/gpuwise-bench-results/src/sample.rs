//! A bench run with every part of the results filled in, for the tests of this crate and of the
//! views (the `sample` feature).

use gpuwise_model::{Dtype, Extras, OpName, Operation};

use crate::check::Check;
use crate::comparison::break_even;
use crate::interference::{Interference, Usage};
use crate::report::{Backend, BenchReport, Element, Failure, GpuInfo, MachineOp, Measured, Measurement, Variant};
use crate::stats::Summary;

/// Five runs around `median`.
fn timing(median: f64) -> Summary {
    Summary { median, min: median * 0.9, max: median * 1.2, spread: 0.05, repeats: 5 }
}

/// Others' use of a 96-core machine: a quiet window of `seconds`, or one where others kept
/// `others_cores` busy.
pub fn usage(seconds: f64, others_cores: f64) -> Usage {
    let others_fraction = others_cores / 96.0;
    Usage {
        cores: 96,
        seconds,
        others_cores,
        others_fraction,
        steal_fraction: 0.0,
        load_average: 1.5,
        disturbed: others_fraction >= 0.1,
    }
}

/// A run with every part of the contract filled: CPU and GPU results with checks, predictions
/// and the machine's load while each ran, copies and launch, a failure, a break-even, and a
/// quiet machine before and during the run.
pub fn full_report() -> BenchReport {
    let mut report = BenchReport::new("quick", "AMD EPYC 9654 96-Core Processor".into(), 96);
    report.cpu_gemm = "OpenBLAS 0.3.27 (/usr/lib/libopenblas.so.0), 96 threads".into();
    report.cpu_gemm_skipped = vec!["/opt/mkl/libmkl_rt.so: no cblas_sgemm".into()];
    report.gpu = Some(GpuInfo {
        name: "NVIDIA H100 80GB HBM3".into(),
        uuid: "GPU-5f0e0c1e-0000-0000-0000-000000000000".into(),
        free_bytes: 84_000_000_000,
        memory_fraction: 0.5,
    });
    for (n, cpu, gpu) in [(256, 2e-4, 4e-4), (4096, 0.9, 3e-3)] {
        let op = Operation::parse("matmul", &[n, n, n], &Extras::default()).expect("a valid sample shape");
        let mut on_cpu = Measurement::of(&op, Dtype::F32, Backend::Cpu, timing(cpu));
        on_cpu.check = Some(Check { error: 1e-6, tolerance: 1e-4, compared: 4096 });
        on_cpu.predicted_seconds = Some(cpu * 1.1);
        let mut on_gpu = Measurement::of(&op, Dtype::F32, Backend::Cuda, timing(gpu));
        on_gpu.peak_fraction = Some(0.62);
        on_gpu.h2d_seconds = Some(1e-4 * n as f64 / 256.0);
        on_gpu.d2h_seconds = Some(5e-5 * n as f64 / 256.0);
        on_gpu.check = on_cpu.check;
        on_gpu.predicted_seconds = Some(gpu * 0.9);
        report.results.extend([on_cpu, on_gpu]);
    }
    let half = Operation::parse("elementwise", &[1 << 20], &Extras::default()).expect("a valid sample shape");
    let mut in_f32 = Measurement::of(&half, Dtype::F16, Backend::Cpu, timing(1e-3));
    in_f32.computed_in = Some(Dtype::F32);
    report.results.push(in_f32);
    report.results.push(Measurement::machine(MachineOp::H2d, Some(Variant::Pinned), 1 << 26, timing(2.6e-3)));
    report.results.push(Measurement::machine(MachineOp::Launch, Some(Variant::Synchronized), 0, timing(6e-6)));
    report.failures.push(Failure {
        op: Measured::Operation(OpName::Fft),
        shape: vec![1 << 20],
        dtype: Element::Of(Dtype::F16),
        backend: Backend::Cuda,
        message: "cuFFT supports half precision only for powers of two".into(),
    });
    for m in &mut report.results {
        m.interference = Some(usage(m.seconds * 10.0, 0.2));
    }
    report.break_even = break_even(&report);
    report.interference = Some(Interference::of(usage(0.5, 0.1), usage(12.5, 0.3), &report.results));
    report
}
