//! A whole run: open the GPU (or say why not), say how long the run will take, see what other
//! processes use, measure the machine's copies and launch latency, then every case on the CPU
//! and the GPU, check each output, and put the estimator's prediction beside each measurement
//! and other processes' use of the machine while it ran.

use gpuwise_model::{CpuProfile, Dtype, GpuProfile, Kind, cpu_call, gpu_call};

use crate::cpu;
use crate::cuda::{Direction, Gpu, Memory};
use crate::data::Values;
use crate::error::{BenchError, GpuSkipped};
use crate::host_memory;
use crate::interference;
use crate::workload::Workload;
use gpuwise_bench_results::check;
use gpuwise_bench_results::comparison;
use gpuwise_bench_results::duration::{self, Planned, Sides};
use gpuwise_bench_results::interference::{Interference, Usage};
use gpuwise_bench_results::plan::{self, BenchOp, Case, Mode, Step};
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

/// What a run tells its caller while it goes.
pub trait Watcher {
    /// Before anything is measured: the steps and about how long they will take here.
    fn planned(&mut self, plan: &Planned);
    /// Other processes (or the hypervisor) kept the machine busy while the run waited to start.
    fn busy(&mut self, before: &Usage);
    /// Step `done + 1` of `total`, `label`, starts; `done == total` when the run is over.
    fn progress(&mut self, done: usize, total: usize, label: &str);
}

/// Runs everything `options` asks for on the CPU, multiplying matrices with `cpu`'s library, and
/// on `gpu` (opened with [`Gpu::open`] before anything else in the process initialises CUDA, so
/// that the device ordinal means what `CUDA_VISIBLE_DEVICES` makes it mean), or says why the GPU
/// side was skipped. Before the first measurement it tells `watcher` the plan, then waits a
/// moment to see what other processes use, and reads the machine's CPU accounting around every
/// measurement after that.
pub fn run(
    options: &Options,
    gpu: Result<Gpu, GpuSkipped>,
    cpu: &cpu::Chosen,
    predictors: &Predictors,
    watcher: &mut dyn Watcher,
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
    let steps = plan::steps(options.mode, &options.ops, gpu.is_some());
    if steps.is_empty() {
        return report;
    }
    let sides = Sides { cpu: predictors.cpu.as_ref(), gpu: gpu.is_some(), gpu_profile: predictors.gpu.as_ref() };
    watcher.planned(&duration::plan(options.mode, &options.ops, sides));
    let before = interference::while_waiting();
    if let Some(busy) = before.filter(|b| b.disturbed) {
        watcher.busy(&busy);
    }
    let start = interference::sample();
    let total = steps.len();
    for (index, step) in steps.iter().enumerate() {
        watcher.progress(index, total, &label(step));
        match (step, gpu.as_mut()) {
            (Step::Copies(bytes), Some(gpu)) => machine_copies(gpu, *bytes, options.mode.repeats(), &mut report),
            (Step::Launch, Some(gpu)) => launches(gpu, options.mode.repeats(), &mut report),
            (Step::Case(case), gpu) => {
                measure_case(case, index as u64, gpu, &cpu.library, predictors, options.mode, &mut report);
            }
            // Copies and launches are planned only with a GPU.
            (Step::Copies(_) | Step::Launch, None) => {}
        }
    }
    watcher.progress(total, total, "done");
    report.break_even = comparison::break_even(&report);
    let end = interference::sample();
    let during = start.zip(end).and_then(|(start, end)| Usage::between(&start, &end));
    if let (Some(before), Some(during)) = (before, during) {
        report.interference = Some(Interference::of(before, during, &report.results));
    }
    report
}

/// Kernel launch latency, queued and synchronised.
fn launches(gpu: &mut Gpu, repeats: plan::Repeats, report: &mut BenchReport) {
    let (launched, usage) = interference::during(|| gpu.launch(repeats));
    match launched {
        Ok(l) => report.results.extend([
            Measurement {
                interference: usage,
                ..Measurement::machine(MachineOp::Launch, Some(Variant::Queued), 0, l.queued)
            },
            Measurement {
                interference: usage,
                ..Measurement::machine(MachineOp::Launch, Some(Variant::Synchronized), 0, l.synchronized)
            },
        ]),
        Err(err) => report.failures.push(machine_failure(MachineOp::Launch, 0, &BenchError::from(err))),
    }
}

/// Host-device copies of `bytes` both ways from pinned and pageable memory, and a device copy.
fn machine_copies(gpu: &mut Gpu, bytes: u64, repeats: plan::Repeats, report: &mut BenchReport) {
    let room = host_memory::check(bytes);
    for direction in Direction::ALL {
        let (op, memory) = (direction.op(), direction.memory().map(Memory::variant));
        let (copied, usage) = interference::during(|| {
            room.clone().map_err(BenchError::from).and_then(|()| Ok(gpu.copy(direction, bytes, repeats)?))
        });
        match copied {
            Ok(c) => {
                report
                    .results
                    .push(Measurement { interference: usage, ..Measurement::machine(op, memory, bytes, c.summary) });
            }
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
    let computes_in = plan::computes_in(case.dtype);
    let reused = (computes_in != case.dtype)
        .then(|| report.find_case(&case.operation, computes_in, Backend::Cpu).cloned())
        .flatten();
    let cpu_result = match reused {
        Some(found) => Ok(Measurement { dtype: Element::Of(case.dtype), computed_in: found.dtype.dtype(), ..found }),
        None => {
            let (measured, usage) = interference::during(|| cpu::run(&workload, repeats, cpu_gemm));
            measured.map_err(BenchError::from).and_then(|measured| {
                let mut m = checked(case, computes_in, &workload, &measured.output, Backend::Cpu, measured.summary)?;
                m.computed_in = (computes_in != case.dtype).then_some(computes_in);
                m.interference = usage;
                if let Some(profile) = &predictors.cpu {
                    predict_cpu(&mut m, case, profile);
                }
                Ok(m)
            })
        }
    };
    let mut record = |backend, result: Result<Measurement, BenchError>| match result {
        Ok(m) => report.results.push(m),
        Err(err) => report.failures.push(failure(backend, err)),
    };
    record(Backend::Cpu, cpu_result);
    let Some(gpu) = gpu else { return };
    let (measured, usage) = interference::during(|| gpu.run(&workload, repeats));
    let gpu_result = measured.map_err(BenchError::from).and_then(|measured| {
        let mut m = checked(case, case.dtype, &workload, &measured.output, Backend::Cuda, measured.compute)?;
        m.interference = usage;
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

/// `matmul 1024x1024x1024 f32`, `copies of 4 KiB`, `kernel launch latency`: a step, for the
/// progress line.
pub fn label(step: &Step) -> String {
    match step {
        Step::Copies(bytes) => format!("copies of {}", bytes_label(*bytes)),
        Step::Launch => "kernel launch latency".into(),
        Step::Case(case) => {
            let shape: Vec<String> = case.operation.shape().iter().map(u64::to_string).collect();
            format!("{} {} {}", case.operation.name(), shape.join("x"), case.dtype.name())
        }
    }
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
