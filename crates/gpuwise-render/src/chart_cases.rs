//! The charts' test cases: estimates of every operation in several dtypes, tiny and huge sizes,
//! resident data and repeats, the break-even near, far, or absent because one side always wins;
//! bench runs of one operation and of all, quick and full, with and without a GPU (simulated from
//! the cost model, each measurement off the estimate by a few tens of percent, as on a machine).

use gpuwise_bench_results::comparison::break_even;
use gpuwise_bench_results::plan::{self, BenchOp, Mode};
use gpuwise_bench_results::report::{Backend, BenchReport, GpuInfo, MachineOp, Measurement, Variant};
use gpuwise_bench_results::stats::Summary;
use gpuwise_model::{Dtype, Estimate, Extras, Operation, Scenario, cpu, estimate, gpu};

/// `op` at `shape` in `dtype` on `gpu` against an EPYC 9654.
fn case(op: &str, shape: &[u64], extras: Extras, dtype: Dtype, gpu_name: &str, scenario: Scenario) -> Estimate {
    let operation = Operation::parse(op, shape, &extras).expect("a valid case");
    let (gpu, cpu) = (gpu(gpu_name).expect("a built-in GPU"), cpu("epyc-9654").expect("a CPU preset"));
    estimate(&operation, dtype, gpu, cpu, scenario).expect("the GPU runs it")
}

/// Every estimate case, named for its picture.
pub(crate) fn estimates() -> Vec<(&'static str, Estimate)> {
    let plain = Scenario::default();
    let resident = Scenario { resident: true, ..plain };
    let x = Extras::default;
    vec![
        ("matmul-f32-4096", case("matmul", &[4096, 4096, 4096], x(), Dtype::F32, "h100-sxm", plain)),
        ("matmul-f64-t4", case("matmul", &[1024, 1024, 1024], x(), Dtype::F64, "t4", plain)),
        ("matmul-f32-tiny", case("matmul", &[2, 2, 2], x(), Dtype::F32, "h100-sxm", plain)),
        ("matmul-bf16-huge", case("matmul", &[200_000, 200_000, 200_000], x(), Dtype::Bf16, "h100-sxm", plain)),
        ("matmul-fp8-batched-resident", case("matmul", &[64, 512, 512, 512], x(), Dtype::Fp8, "h100-sxm", resident)),
        ("matmul-tf32-skinny", case("matmul", &[8192, 8192, 1], x(), Dtype::Tf32, "a100-80gb", plain)),
        (
            "dense-f16-gelu",
            case(
                "dense",
                &[256, 4096, 4096],
                Extras { activation: gpuwise_model::Activation::Gelu, ..x() },
                Dtype::F16,
                "rtx-4090",
                plain,
            ),
        ),
        (
            "conv2d-f16-gpu-always-wins",
            case("conv2d", &[32, 64, 56, 56, 64, 3, 3], Extras { padding: 1, ..x() }, Dtype::F16, "h100-sxm", plain),
        ),
        (
            "conv2d-f32-batch-1",
            case(
                "conv2d",
                &[1, 3, 224, 224, 64, 7, 7],
                Extras { stride: 2, padding: 3, ..x() },
                Dtype::F32,
                "l4",
                plain,
            ),
        ),
        (
            "fft-real-2d-repeats",
            case(
                "fft",
                &[2048, 2048],
                Extras { real: true, ..x() },
                Dtype::F32,
                "h100-sxm",
                Scenario { repeats: 10, ..plain },
            ),
        ),
        ("fft-f64-cpu-always-wins", case("fft", &[1 << 20], x(), Dtype::F64, "rtx-3070", plain)),
        ("fft-f32-resident", case("fft", &[64, 64], x(), Dtype::F32, "h100-sxm", resident)),
        ("elementwise-resident-far-break-even", case("elementwise", &[1000], x(), Dtype::F32, "h100-sxm", resident)),
        (
            "elementwise-f32-cpu-always-wins",
            case("elementwise", &[1_000_000], x(), Dtype::F32, "v100", Scenario { pinned: false, ..plain }),
        ),
        ("elementwise-huge", case("elementwise", &[1 << 43], x(), Dtype::F16, "mi300x", resident)),
        (
            "reduction-f64-pageable",
            case("reduction", &[10_000_000], x(), Dtype::F64, "h100-sxm", Scenario { pinned: false, ..plain }),
        ),
        ("reduction-resident-tiny", case("reduction", &[1], x(), Dtype::F32, "h100-sxm", resident)),
        (
            "custom-teraflop",
            case(
                "custom",
                &[],
                Extras { custom: Some((1e12, 1_000_000_000, 1000)), ..x() },
                Dtype::F32,
                "h100-sxm",
                plain,
            ),
        ),
        (
            "custom-one-flop",
            case("custom", &[], Extras { custom: Some((1.0, 8, 8)), ..x() }, Dtype::F32, "h100-sxm", resident),
        ),
    ]
}

/// Timings around `median`.
fn timing(median: f64) -> Summary {
    Summary { median, min: median * 0.95, max: median * 1.1, spread: 0.03, repeats: 5 }
}

/// A run of `mode` over `ops` on a Ryzen 7950X and, with `with_gpu`, an RTX 4090: each case's
/// time the model's, off by up to 30% as measurements are, with the model's as the prediction.
fn simulated(mode: Mode, ops: &[BenchOp], with_gpu: bool) -> BenchReport {
    let (gpu, cpu) = (gpu("rtx-4090").expect("a built-in GPU"), cpu("ryzen-7950x").expect("a CPU preset"));
    let mut report = BenchReport::new(mode.name(), "AMD Ryzen 9 7950X 16-Core Processor".into(), 32);
    let off = |i: usize| 1.0 + 0.3 * (i as f64 * 1.7).sin();
    for (i, case) in plan::cases(mode, ops, with_gpu).into_iter().enumerate() {
        let e = estimate(&case.operation, case.dtype, gpu, cpu, Scenario::default()).expect("bench cases run");
        let mut on_cpu = Measurement::of(&case.operation, case.dtype, Backend::Cpu, timing(e.cpu.seconds * off(i)));
        on_cpu.predicted_seconds = Some(e.cpu.seconds);
        on_cpu.computed_in = matches!(case.dtype, Dtype::Tf32 | Dtype::F16 | Dtype::Bf16).then_some(Dtype::F32);
        report.results.push(on_cpu);
        if with_gpu {
            let seconds = e.gpu.compute_seconds * off(i + 7);
            let mut on_gpu = Measurement::of(&case.operation, case.dtype, Backend::Cuda, timing(seconds));
            on_gpu.predicted_seconds = Some(e.gpu.compute_seconds);
            on_gpu.h2d_seconds = Some(e.gpu.h2d_seconds);
            on_gpu.d2h_seconds = Some(e.gpu.d2h_seconds);
            report.results.push(on_gpu);
        }
    }
    if with_gpu && plan::wants(ops, BenchOp::Copy) {
        let kinds = [
            (MachineOp::H2d, Some(Variant::Pinned), 25e9),
            (MachineOp::H2d, Some(Variant::Pageable), 12e9),
            (MachineOp::D2h, Some(Variant::Pinned), 26e9),
            (MachineOp::D2h, Some(Variant::Pageable), 11e9),
            (MachineOp::D2d, None, 900e9),
        ];
        for (op, variant, bandwidth) in kinds {
            for bytes in mode.copy_sizes() {
                let seconds = 8e-6 + bytes as f64 / bandwidth;
                report.results.push(Measurement::machine(op, variant, bytes, timing(seconds)));
            }
        }
    }
    if with_gpu {
        report.results.push(Measurement::machine(MachineOp::Launch, Some(Variant::Synchronized), 0, timing(6e-6)));
        let uuid = "GPU-00000000-0000-0000-0000-000000000000".into();
        report.gpu = Some(GpuInfo { name: gpu.display.clone(), uuid, free_bytes: 23 << 30, memory_fraction: 0.5 });
    } else {
        report.gpu_skipped = Some("--cpu-only".into());
    }
    report.break_even = break_even(&report);
    report
}

/// Every bench run, named for its picture.
pub(crate) fn bench_runs() -> Vec<(&'static str, BenchReport)> {
    vec![
        ("bench-sample-gpu", gpuwise_bench_results::sample::full_report()),
        ("bench-quick-cpu-all", simulated(Mode::Quick, &[], false)),
        ("bench-quick-cpu-matmul", simulated(Mode::Quick, &[BenchOp::Matmul], false)),
        ("bench-quick-cpu-conv2d", simulated(Mode::Quick, &[BenchOp::Conv2d], false)),
        ("bench-quick-gpu-all", simulated(Mode::Quick, &[], true)),
        ("bench-full-gpu-matmul-copy", simulated(Mode::Full, &[BenchOp::Matmul, BenchOp::Copy], true)),
        ("bench-full-gpu-fft", simulated(Mode::Full, &[BenchOp::Fft], true)),
    ]
}

/// A text element of a chart's SVG.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SvgText {
    /// What it says.
    pub text: String,
    /// Where its baseline is, pixels from the top.
    pub y: f64,
    /// Written upwards (an axis title on the left).
    pub rotated: bool,
}

/// Every text of `svg`.
pub(crate) fn texts(svg: &str) -> Vec<SvgText> {
    let doc = roxmltree::Document::parse(svg).expect("the chart is well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| SvgText {
            text: n.text().unwrap_or_default().trim().to_string(),
            y: n.attribute("y").and_then(|y| y.parse().ok()).unwrap_or_default(),
            rotated: n.attribute("transform").is_some_and(|t| t.starts_with("rotate(270")),
        })
        .collect()
}

/// True when `text` writes a number in exponent notation (`1e3`, `2.5E-6`).
pub(crate) fn has_exponent(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or(' ');
    (0..chars.len()).any(|i| {
        let signed = matches!(at(i + 2), '+' | '-') && at(i + 3).is_ascii_digit();
        at(i).is_ascii_digit() && matches!(at(i + 1), 'e' | 'E') && (at(i + 2).is_ascii_digit() || signed)
    })
}

#[test]
fn exponents_are_recognised() {
    assert!(has_exponent("1e3") && has_exponent("at 2.5E-6 s") && has_exponent("1e+9"));
    assert!(
        !has_exponent("1 ms")
            && !has_exponent("2e-")
            && !has_exponent("Zen 4")
            && !has_exponent("epyc-9654")
            && !has_exponent("4k")
    );
}
