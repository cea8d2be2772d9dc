//! A whole run: open the GPU (or say why not), measure the machine's copies and launch latency,
//! then every case on the CPU and the GPU, check each output, and put the estimator's
//! prediction beside each measurement.

use gpuwise_model::{CpuProfile, Dtype, GpuProfile, Kind, cpu_call, gpu_call};

use crate::cpu;
use crate::cuda::{Direction, Gpu, Memory};
use crate::data::Values;
use crate::error::{BenchError, GpuSkipped};
use crate::host_memory;
use crate::workload::Workload;
use gpuwise_bench_results::check;
use gpuwise_bench_results::comparison;
use gpuwise_bench_results::plan::{self, BenchOp, Case, Mode};
use gpuwise_bench_results::report::{
    Backend, BenchReport, Element, Failure, GpuInfo, MachineOp, Measured, Measurement, Variant,
};
use gpuwise_bench_results::stats::Summary;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Quick or full.
    pub mode: Mode,
    /// Operations to run; all when empty.
    pub ops: Vec<BenchOp>,
    /// The most of the GPU's free memory a case may take (0 to 1), for the report.
    pub memory_fraction: f64,
}

/// The profiles the estimator predicts each side with (`None`: no prediction on that side).
#[derive(Debug, Clone, Default)]
pub struct Predictors {
    /// This machine's CPU.
    pub cpu: Option<CpuProfile>,
    /// The GPU measured, when the built-in table knows it.
    pub gpu: Option<GpuProfile>,
}

/// Progress: `(done, total, label of the case starting)`.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize, &str);

/// Runs everything `options` asks for on the CPU, multiplying matrices with `cpu`'s library, and
/// on `gpu` (opened with [`Gpu::open`] before anything else in the process initialises CUDA, so
/// that the device ordinal means what `CUDA_VISIBLE_DEVICES` makes it mean), or says why the GPU
/// side was skipped.
pub fn run(
    options: &Options,
    gpu: Result<Gpu, GpuSkipped>,
    cpu: &cpu::Chosen,
    predictors: &Predictors,
    progress: Progress<'_>,
) -> BenchReport {
    let (mut gpu, gpu_skipped) = match gpu {
        Ok(gpu) => (Some(gpu), None),
        Err(why) => (None, Some(why.to_string())),
    };
    let cpu_name = predictors.cpu.as_ref().map(|c| c.display.clone()).unwrap_or_else(|| "unknown CPU".into());
    let mut report = BenchReport {
        cpu_gemm: cpu.library.describe(),
        cpu_gemm_skipped: cpu.skipped.clone(),
        gpu: gpu.as_ref().map(|g| GpuInfo {
            name: g.name().into(),
            uuid: g.uuid().into(),
            free_bytes: g.free_bytes(),
            memory_fraction: options.memory_fraction,
        }),
        gpu_skipped,
        ..BenchReport::new(options.mode.name(), cpu_name, rayon::current_num_threads())
    };
    let wanted = |op| plan::wants(&options.ops, op);
    let cases = plan::cases(options.mode, &options.ops, gpu.is_some());
    let copy_sizes = if gpu.is_some() && wanted(BenchOp::Copy) { options.mode.copy_sizes() } else { Vec::new() };
    let launches = usize::from(gpu.is_some() && wanted(BenchOp::Launch));
    let total = cases.len() + copy_sizes.len() + launches;
    let mut done = 0;
    let repeats = options.mode.repeats();

    if let Some(gpu) = gpu.as_mut() {
        for &bytes in &copy_sizes {
            progress(done, total, &format!("copies of {}", bytes_label(bytes)));
            machine_copies(gpu, bytes, repeats, &mut report);
            done += 1;
        }
        if launches > 0 {
            progress(done, total, "kernel launch latency");
            match gpu.launch(repeats) {
                Ok(l) => report.results.extend([
                    Measurement::machine(MachineOp::Launch, Some(Variant::Queued), 0, l.queued),
                    Measurement::machine(MachineOp::Launch, Some(Variant::Synchronized), 0, l.synchronized),
                ]),
                Err(err) => report.failures.push(machine_failure(MachineOp::Launch, 0, &BenchError::from(err))),
            }
            done += 1;
        }
    }

    for (index, case) in cases.iter().enumerate() {
        progress(done, total, &label(case));
        measure_case(case, index as u64, gpu.as_mut(), &cpu.library, predictors, options.mode, &mut report);
        done += 1;
    }
    progress(done, total, "done");
    report.break_even = comparison::break_even(&report);
    report
}

/// Host-device copies of `bytes` both ways from pinned and pageable memory, and a device copy.
fn machine_copies(gpu: &mut Gpu, bytes: u64, repeats: plan::Repeats, report: &mut BenchReport) {
    let room = host_memory::check(bytes);
    for direction in Direction::ALL {
        let (op, memory) = (direction.op(), direction.memory().map(Memory::variant));
        let copied = room.clone().map_err(BenchError::from).and_then(|()| Ok(gpu.copy(direction, bytes, repeats)?));
        match copied {
            Ok(c) => report.results.push(Measurement::machine(op, memory, bytes, c.summary)),
            Err(err) => report.failures.push(machine_failure(op, bytes, &err)),
        }
    }
}

/// The failure of a machine measurement (copies, launches) of `bytes`.
fn machine_failure(op: MachineOp, bytes: u64, err: &BenchError) -> Failure {
    let op = Measured::Machine(op);
    Failure { op, shape: vec![bytes], dtype: Element::Bytes, backend: Backend::Cuda, message: err.to_string() }
}

/// One case on the CPU (or reused from the f32 case of the same shape when the CPU computes this
/// dtype in f32) and on the GPU.
fn measure_case(
    case: &Case,
    seed: u64,
    gpu: Option<&mut Gpu>,
    cpu_gemm: &cpu::GemmLibrary,
    predictors: &Predictors,
    mode: Mode,
    report: &mut BenchReport,
) {
    let failure = |backend, err: BenchError| Failure {
        op: Measured::Operation(case.operation.op()),
        shape: case.operation.shape(),
        dtype: Element::Of(case.dtype),
        backend,
        message: err.to_string(),
    };
    let workload = match workload(case, seed) {
        Ok(w) => w,
        Err(err) => return report.failures.push(failure(Backend::Cpu, err)),
    };
    let repeats = mode.repeats();
    let computes_in = cpu::computes_in(case.dtype);
    let reused = (computes_in != case.dtype)
        .then(|| report.find_case(&case.operation, computes_in, Backend::Cpu).cloned())
        .flatten();
    let cpu_result = match reused {
        Some(found) => Ok(Measurement { dtype: Element::Of(case.dtype), computed_in: found.dtype.dtype(), ..found }),
        None => cpu::run(&workload, repeats, cpu_gemm).map_err(BenchError::from).and_then(|measured| {
            let mut m = checked(case, computes_in, &workload, &measured.output, Backend::Cpu, measured.summary)?;
            m.computed_in = (computes_in != case.dtype).then_some(computes_in);
            if let Some(profile) = &predictors.cpu {
                predict_cpu(&mut m, case, profile);
            }
            Ok(m)
        }),
    };
    let mut record = |backend, result: Result<Measurement, BenchError>| match result {
        Ok(m) => report.results.push(m),
        Err(err) => report.failures.push(failure(backend, err)),
    };
    record(Backend::Cpu, cpu_result);
    let Some(gpu) = gpu else { return };
    let gpu_result = gpu.run(&workload, repeats).map_err(BenchError::from).and_then(|measured| {
        let mut m = checked(case, case.dtype, &workload, &measured.output, Backend::Cuda, measured.compute)?;
        m.h2d_seconds = Some(measured.h2d.median);
        m.d2h_seconds = Some(measured.d2h.median);
        if let Some(profile) = &predictors.gpu {
            predict_gpu(&mut m, case, profile);
        }
        Ok(m)
    });
    record(Backend::Cuda, gpu_result);
}

/// The workload of `case` from `seed`, when its host buffers fit.
fn workload(case: &Case, seed: u64) -> Result<Workload, BenchError> {
    host_memory::check(case.operation.work(case.dtype).map_or(0, |w| w.memory_bytes as u64))?;
    Ok(Workload::new(case, seed)?)
}

/// The measurement of `case` on `backend` with its check, when `output` (computed in `dtype`)
/// matches the reference; [`BenchError::WrongResult`] with the numbers when it does not.
fn checked(
    case: &Case,
    dtype: Dtype,
    workload: &Workload,
    output: &Values,
    backend: Backend,
    summary: Summary,
) -> Result<Measurement, BenchError> {
    let check = check::compare(dtype, &workload.reference, |i| output.get(i));
    if !check.passed() {
        return Err(BenchError::WrongResult(check));
    }
    let mut m = Measurement::of(&case.operation, case.dtype, backend, summary);
    m.check = Some(check);
    Ok(m)
}

/// The estimator's CPU time and the achieved share of peak.
fn predict_cpu(m: &mut Measurement, case: &Case, cpu: &CpuProfile) {
    let Ok(work) = case.operation.work(case.dtype) else { return };
    m.predicted_seconds = Some(cpu_call(&work, case.dtype, cpu).seconds);
    m.peak_fraction = Some(match work.kind {
        Kind::Stream { .. } => m.bandwidth_bytes_per_s / cpu.memory_bandwidth_bytes_per_s,
        _ => m.rate_flops_per_s / cpu.peak(case.dtype),
    });
}

/// The estimator's GPU time and the achieved share of peak.
fn predict_gpu(m: &mut Measurement, case: &Case, gpu: &GpuProfile) {
    let Ok(work) = case.operation.work(case.dtype) else { return };
    let Ok(call) = gpu_call(&work, case.dtype, gpu) else { return };
    m.predicted_seconds = Some(call.seconds);
    m.peak_fraction = Some(match work.kind {
        Kind::Stream { .. } => m.bandwidth_bytes_per_s / gpu.memory_bandwidth_bytes_per_s,
        _ => m.rate_flops_per_s / call.peak,
    });
}

/// `matmul 1024x1024x1024 f32` and the like, for the progress line.
pub fn label(case: &Case) -> String {
    let shape: Vec<String> = case.operation.shape().iter().map(u64::to_string).collect();
    format!("{} {} {}", case.operation.name(), shape.join("x"), case.dtype.name())
}

/// Bytes in binary units: `4 KiB`, `64 MiB`.
pub fn bytes_label(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value.fract() == 0.0 { format!("{value} {}", UNITS[unit]) } else { format!("{value:.1} {}", UNITS[unit]) }
}
