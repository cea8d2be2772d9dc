//! What a run measures: the operations, dtypes and sizes of quick and full mode, and how long
//! each case is repeated.

use gpuwise_model::{Dtype, Extras, Operation};

/// How thorough a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A few sizes per operation, a few repeats: under 30 seconds on a two-core machine.
    Quick,
    /// The whole sweep.
    Full,
}

/// What a run can measure: estimate's operations, and the machine's own figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum BenchOp {
    /// Matrix products.
    Matmul,
    /// Fast Fourier transforms.
    Fft,
    /// `x * 2 + 1` over arrays.
    Elementwise,
    /// Sums of arrays.
    Reduction,
    /// 2-D convolutions.
    Conv2d,
    /// Host-device and device-device copy bandwidth.
    Copy,
    /// Kernel launch latency.
    Launch,
}

impl BenchOp {
    /// Every operation, in the order a run measures them.
    pub const ALL: [BenchOp; 7] = [
        BenchOp::Matmul,
        BenchOp::Fft,
        BenchOp::Elementwise,
        BenchOp::Reduction,
        BenchOp::Conv2d,
        BenchOp::Copy,
        BenchOp::Launch,
    ];

    /// The operation called `name`.
    pub fn from_name(name: &str) -> Result<BenchOp, UnknownOp> {
        let wanted = name.trim().to_ascii_lowercase();
        BenchOp::ALL.into_iter().find(|op| op.name() == wanted).ok_or_else(|| UnknownOp(name.to_string()))
    }

    /// Its name, as `--op` and the results spell it.
    pub fn name(self) -> &'static str {
        match self {
            BenchOp::Matmul => "matmul",
            BenchOp::Fft => "fft",
            BenchOp::Elementwise => "elementwise",
            BenchOp::Reduction => "reduction",
            BenchOp::Conv2d => "conv2d",
            BenchOp::Copy => "copy",
            BenchOp::Launch => "launch",
        }
    }
}

/// A name that is no [`BenchOp`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown `{0}`; use one of matmul, fft, elementwise, reduction, conv2d, copy, launch")]
pub struct UnknownOp(pub String);

/// One operation at one size in one dtype.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// What is computed.
    pub operation: Operation,
    /// In what precision.
    pub dtype: Dtype,
}

/// How often a case runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Repeats {
    /// Untimed runs first.
    pub warmup: usize,
    /// Timed runs at least.
    pub min: usize,
    /// Timed runs at most.
    pub max: usize,
    /// Keep repeating (up to `max`) until this much time was timed, seconds.
    pub seconds: f64,
}

impl Mode {
    /// The repeat policy of this mode.
    pub fn repeats(self) -> Repeats {
        match self {
            Mode::Quick => Repeats { warmup: 1, min: 3, max: 50, seconds: 0.1 },
            Mode::Full => Repeats { warmup: 2, min: 7, max: 500, seconds: 0.5 },
        }
    }

    /// The name used in output (`quick` or `full`).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Quick => "quick",
            Mode::Full => "full",
        }
    }

    /// Bytes per host-device copy to time.
    pub fn copy_sizes(self) -> Vec<u64> {
        match self {
            Mode::Quick => vec![4 << 10, 1 << 20, 64 << 20],
            Mode::Full => (0..=10).map(|i| 1u64 << (10 + 2 * i)).collect(),
        }
    }
}

/// The dtype the CPU computes `dtype` in: tf32, f16 and bf16 products run in f32 (as numpy and
/// PyTorch's CPU matrix products do), f64 and f32 in themselves.
pub fn computes_in(dtype: Dtype) -> Dtype {
    if dtype == Dtype::F64 { Dtype::F64 } else { Dtype::F32 }
}

/// One step of a run, in the order a run takes them.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Host-device and device copies of this many bytes (GPU only).
    Copies(u64),
    /// Kernel launch latency (GPU only).
    Launch,
    /// An operation at one size in one dtype, on the CPU and (when it runs) the GPU.
    Case(Case),
}

/// Every step of a run of `mode` over `ops` (all when empty), with or without a `gpu`: the GPU's
/// copies and launches first, then the [`cases`].
pub fn steps(mode: Mode, ops: &[BenchOp], gpu: bool) -> Vec<Step> {
    let mut steps = Vec::new();
    if gpu && wants(ops, BenchOp::Copy) {
        steps.extend(mode.copy_sizes().into_iter().map(Step::Copies));
    }
    if gpu && wants(ops, BenchOp::Launch) {
        steps.push(Step::Launch);
    }
    steps.extend(cases(mode, ops, gpu).into_iter().map(Step::Case));
    steps
}

/// True when `ops` (empty: all) includes `op`.
pub fn wants(ops: &[BenchOp], op: BenchOp) -> bool {
    ops.is_empty() || ops.contains(&op)
}

/// The computing cases of `mode` for the operations in `ops` (all when empty), smallest first
/// within each operation and dtype. With `gpu` false the dtypes only a GPU adds (tf32, f16, bf16
/// matrix products, whose CPU side computes in f32) are left out.
pub fn cases(mode: Mode, ops: &[BenchOp], gpu: bool) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |op: BenchOp, dtypes: &[Dtype], shapes: &[Vec<u64>], extras: &Extras| {
        if !wants(ops, op) {
            return;
        }
        for &dtype in dtypes {
            for shape in shapes {
                let operation = Operation::parse(op.name(), shape, extras).expect("built-in bench shapes are valid");
                cases.push(Case { operation, dtype });
            }
        }
    };
    let quick = mode == Mode::Quick;
    let matmul_dtypes: &[Dtype] =
        if gpu { &[Dtype::F32, Dtype::F64, Dtype::Tf32, Dtype::F16, Dtype::Bf16] } else { &[Dtype::F32, Dtype::F64] };
    let edges: &[u64] = if quick { &[256, 1024] } else { &[128, 256, 512, 1024, 2048, 4096] };
    let cubes: Vec<Vec<u64>> = edges.iter().map(|&n| vec![n, n, n]).collect();
    add(BenchOp::Matmul, matmul_dtypes, &cubes, &Extras::default());

    let ffts: &[(u64, u64)] = if quick {
        &[(4096, 256), (1 << 20, 1)]
    } else {
        &[(256, 4096), (4096, 256), (1 << 16, 16), (1 << 20, 1), (1 << 22, 1)]
    };
    for &(n, batch) in ffts {
        add(BenchOp::Fft, &[Dtype::F32, Dtype::F64], &[vec![n]], &Extras { batch, ..Extras::default() });
    }

    let lengths: Vec<Vec<u64>> =
        if quick { vec![vec![1 << 20], vec![1 << 24]] } else { (8..=13).map(|i| vec![1u64 << (2 * i)]).collect() };
    for op in [BenchOp::Elementwise, BenchOp::Reduction] {
        add(op, &[Dtype::F32, Dtype::F64], &lengths, &Extras::default());
    }

    let batches: &[u64] = if quick { &[8] } else { &[1, 8, 32] };
    let convs: Vec<Vec<u64>> = batches.iter().map(|&n| vec![n, 64, 56, 56, 64, 3, 3]).collect();
    add(BenchOp::Conv2d, &[Dtype::F32], &convs, &Extras { padding: 1, ..Extras::default() });
    cases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_has_work_in_its_dtype() {
        for mode in [Mode::Quick, Mode::Full] {
            for case in cases(mode, &[], true) {
                assert!(case.operation.work(case.dtype).is_ok(), "{case:?}");
            }
        }
    }

    #[test]
    fn ops_are_found_by_name_and_the_message_lists_them_all() {
        assert_eq!(BenchOp::from_name(" FFT "), Ok(BenchOp::Fft));
        let message = BenchOp::from_name("gemv").unwrap_err().to_string();
        assert!(BenchOp::ALL.iter().all(|op| message.contains(op.name())), "{message}");
    }

    #[test]
    fn half_types_run_on_the_cpu_in_f32() {
        assert_eq!(computes_in(Dtype::Bf16), Dtype::F32);
        assert_eq!(computes_in(Dtype::Tf32), Dtype::F32);
        assert_eq!(computes_in(Dtype::F64), Dtype::F64);
    }

    #[test]
    fn the_gpu_adds_copies_and_launches_before_the_cases() {
        let with_gpu = steps(Mode::Quick, &[], true);
        assert_eq!(with_gpu[..4], [Step::Copies(4 << 10), Step::Copies(1 << 20), Step::Copies(64 << 20), Step::Launch]);
        assert_eq!(with_gpu.len(), 4 + cases(Mode::Quick, &[], true).len());
        let cpu = steps(Mode::Quick, &[BenchOp::Copy, BenchOp::Reduction], false);
        assert!(cpu.iter().all(|s| matches!(s, Step::Case(c) if c.operation.name() == "reduction")), "{cpu:?}");
        assert_eq!(cpu.len(), 4);
    }

    #[test]
    fn op_filter_and_cpu_only_dtypes() {
        let only = cases(Mode::Quick, &[BenchOp::Matmul], false);
        assert!(only.iter().all(|c| c.operation.name() == "matmul" && matches!(c.dtype, Dtype::F32 | Dtype::F64)));
        assert!(cases(Mode::Quick, &[BenchOp::Fft], true).iter().all(|c| c.operation.name() == "fft"));
        assert!(cases(Mode::Full, &[], true).len() > cases(Mode::Quick, &[], true).len());
    }
}
