//! An estimate: both sides' times for the user's operation, transfers, the speedup and its band,
//! what bounds the GPU, memory fit, the break-even size and the curve the chart draws.

use serde::Serialize;

use crate::error::{Limit, ModelError};
use crate::timing::{CallTime, copy_rate, cpu_call, gpu_call, transfers};
use crate::{CpuProfile, Dtype, GpuProfile, OpName, Operation, Work, constants};

/// How the data and the calls are arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scenario {
    /// The data is already on the GPU and stays there: no copies.
    pub resident: bool,
    /// Host buffers are pinned (page-locked).
    pub pinned: bool,
    /// Calls on the same data: copies happen once, the computation every time.
    pub repeats: u64,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario { resident: false, pinned: true, repeats: 1 }
    }
}

/// The CPU side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CpuSide {
    /// The profile's id (`auto` for this machine).
    pub name: String,
    /// The CPU.
    pub display: String,
    /// All calls, seconds.
    pub seconds: f64,
    /// One call.
    pub call: CallTime,
}

/// The GPU side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GpuSide {
    /// The profile's id.
    pub name: String,
    /// The GPU.
    pub display: String,
    /// All calls' kernels (launches included), seconds.
    pub compute_seconds: f64,
    /// Host-to-device plus device-to-host copies, seconds.
    pub transfer_seconds: f64,
    /// Copies host to device, seconds.
    pub h2d_seconds: f64,
    /// Copies device to host, seconds.
    pub d2h_seconds: f64,
    /// Compute plus transfers, seconds.
    pub total_seconds: f64,
    /// One call's kernels.
    pub call: CallTime,
}

/// What bounds the GPU's total time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bound {
    /// Arithmetic.
    Compute,
    /// Device-memory bandwidth.
    Memory,
    /// Copies over the host link.
    Transfer,
    /// Kernel launch and synchronisation.
    Launch,
}

/// Seed 004's decision bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// More than 5x.
    WorthIt,
    /// 2x to 5x.
    Noticeable,
    /// 1x to 2x.
    Marginal,
    /// Below 1x.
    Slower,
}

impl Band {
    /// The band of `speedup`.
    pub fn of(speedup: f64) -> Band {
        match speedup {
            s if s > 5.0 => Band::WorthIt,
            s if s >= 2.0 => Band::Noticeable,
            s if s >= 1.0 => Band::Marginal,
            _ => Band::Slower,
        }
    }

    /// In words, for views.
    pub fn describe(self) -> &'static str {
        match self {
            Band::WorthIt => "worth it (> 5x)",
            Band::Noticeable => "noticeable (2-5x): weigh the effort of moving to the GPU",
            Band::Marginal => "marginal (< 2x): transfers and setup may outweigh it",
            Band::Slower => "keep it on the CPU (< 1x)",
        }
    }
}

/// Whether the data fits in GPU memory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MemoryFit {
    /// Bytes the inputs and outputs need.
    pub needed_bytes: f64,
    /// Bytes available to data (the GPU's memory less the context's).
    pub available_bytes: f64,
    /// Available minus needed (negative when it does not fit).
    pub headroom_bytes: f64,
}

/// The smallest size at which the GPU wins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakEven {
    /// That size, as `--shape` takes it.
    pub shape: Vec<u64>,
    /// Its size knob's value (as the chart's axis measures it).
    pub size: f64,
    /// Its FLOPs.
    pub flops: f64,
    /// True when the GPU already wins at the smallest size (every size is past break-even).
    pub always: bool,
}

/// One point of the time-against-size curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// The size knob's value (matrix edge, batch, points, elements, FLOPs).
    pub size: f64,
    /// The shape at that size.
    pub shape: Vec<u64>,
    /// CPU seconds.
    pub cpu_seconds: f64,
    /// GPU seconds, transfers included.
    pub gpu_seconds: f64,
}

/// A whole estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The operation and its sizes.
    pub operation: Operation,
    /// `matmul`, ...
    pub op: OpName,
    /// The sizes, as `--shape` takes them.
    pub shape: Vec<u64>,
    /// The dtype.
    pub dtype: Dtype,
    /// FLOPs of one call.
    pub flops: f64,
    /// One call's bytes.
    pub work: Work,
    /// How the data and calls are arranged.
    pub scenario: Scenario,
    /// The CPU side.
    pub cpu: CpuSide,
    /// The GPU side.
    pub gpu: GpuSide,
    /// CPU seconds over GPU total seconds.
    pub speedup: f64,
    /// Seed 004's band for the speedup.
    pub band: Band,
    /// What bounds the GPU's total time.
    pub bound: Bound,
    /// The smallest size at which the GPU wins, along the operation's size knob; `None` when it
    /// never does.
    pub break_even: Option<BreakEven>,
    /// Whether the data fits in GPU memory.
    pub fits_in_memory: bool,
    /// The sizes behind that.
    pub memory: MemoryFit,
    /// Times against size for the chart.
    pub curve: Vec<CurvePoint>,
    /// What the estimate assumes, in words.
    pub assumptions: Vec<String>,
}

/// Both sides of one operation at one size.
struct Sides {
    cpu: CallTime,
    gpu: CallTime,
    h2d: f64,
    d2h: f64,
    work: Work,
}

impl Sides {
    fn new(
        op: &Operation,
        dtype: Dtype,
        gpu: &GpuProfile,
        cpu: &CpuProfile,
        scenario: Scenario,
    ) -> Result<Sides, ModelError> {
        let work = op.work(dtype)?;
        let (h2d, d2h) = if scenario.resident { (0.0, 0.0) } else { transfers(&work, gpu, scenario.pinned) };
        Ok(Sides { cpu: cpu_call(&work, dtype, cpu), gpu: gpu_call(&work, dtype, gpu)?, h2d, d2h, work })
    }

    fn totals(&self, repeats: u64) -> (f64, f64) {
        let r = repeats as f64;
        (self.cpu.seconds * r, self.gpu.seconds * r + self.h2d + self.d2h)
    }
}

/// The longest one call may take on the faster side: 30 days. Batch systems cap jobs at days to
/// weeks, and no single library call runs for a month; past it, a size is a typo.
const MOST_CALL_SECONDS: f64 = 30.0 * 86_400.0;

/// Estimates `op` in `dtype` on `gpu` against `cpu`; `Err` when the GPU cannot run it or the
/// work is beyond any machine.
pub fn estimate(
    op: &Operation,
    dtype: Dtype,
    gpu: &GpuProfile,
    cpu: &CpuProfile,
    scenario: Scenario,
) -> Result<Estimate, ModelError> {
    let repeats = scenario.repeats.max(1);
    let scenario = Scenario { repeats, ..scenario };
    let sides = Sides::new(op, dtype, gpu, cpu, scenario)?;
    let (faster, fastest) = if sides.gpu.seconds < sides.cpu.seconds {
        (&gpu.display, sides.gpu.seconds)
    } else {
        (&cpu.display, sides.cpu.seconds)
    };
    if fastest > MOST_CALL_SECONDS {
        return Err(op.too_large(dtype, Limit::Time { seconds: fastest, faster: faster.clone() }));
    }
    let (cpu_seconds, gpu_total) = sides.totals(repeats);
    let r = repeats as f64;
    let transfer = sides.h2d + sides.d2h;
    let call = sides.gpu;
    let bound = if transfer >= call.seconds * r {
        Bound::Transfer
    } else if call.fixed_seconds >= call.compute_seconds.max(call.memory_seconds) {
        Bound::Launch
    } else if call.compute_seconds >= call.memory_seconds {
        Bound::Compute
    } else {
        Bound::Memory
    };
    let available = gpu.memory_bytes as f64 - constants().context_bytes.value;
    let memory = MemoryFit {
        needed_bytes: sides.work.memory_bytes,
        available_bytes: available,
        headroom_bytes: available - sides.work.memory_bytes,
    };
    let speedup = cpu_seconds / gpu_total;
    let solved = break_even(op, dtype, gpu, cpu, scenario);
    let crossing = solved.as_ref().filter(|(b, _)| !b.always).map(|(_, at)| at);
    let curve = curve(op, crossing, dtype, gpu, cpu, scenario);
    Ok(Estimate {
        operation: op.clone(),
        op: op.op(),
        shape: op.shape(),
        dtype,
        flops: sides.work.flops,
        work: sides.work,
        scenario,
        cpu: CpuSide { name: cpu.name.clone(), display: cpu.display.clone(), seconds: cpu_seconds, call: sides.cpu },
        gpu: GpuSide {
            name: gpu.name.clone(),
            display: gpu.display.clone(),
            compute_seconds: call.seconds * r,
            transfer_seconds: transfer,
            h2d_seconds: sides.h2d,
            d2h_seconds: sides.d2h,
            total_seconds: gpu_total,
            call,
        },
        speedup,
        band: Band::of(speedup),
        bound,
        break_even: solved.map(|(b, _)| b),
        fits_in_memory: memory.headroom_bytes >= 0.0,
        memory,
        curve,
        assumptions: assumptions(gpu, cpu, scenario),
    })
}

/// The speedup at `factor` times the operation's size knob, when the GPU can run it.
fn speedup_at(
    op: &Operation,
    factor: f64,
    dtype: Dtype,
    gpu: &GpuProfile,
    cpu: &CpuProfile,
    s: Scenario,
) -> Option<f64> {
    let sides = Sides::new(&op.scaled(factor), dtype, gpu, cpu, s).ok()?;
    let (cpu_seconds, gpu_seconds) = sides.totals(s.repeats);
    Some(cpu_seconds / gpu_seconds)
}

/// Solves for the smallest size knob at which the speedup reaches 1: scans factors from 1e-60 of
/// the given size (where every dimension has shrunk to 1, whatever the size given, so the answer
/// does not depend on where the user started) to 1e12, for the first crossing, then bisects it
/// (in log space) to 0.1%. The operation at that size comes with it.
fn break_even(
    op: &Operation,
    dtype: Dtype,
    gpu: &GpuProfile,
    cpu: &CpuProfile,
    s: Scenario,
) -> Option<(BreakEven, Operation)> {
    let wins = |log_factor: f64| speedup_at(op, 10f64.powf(log_factor), dtype, gpu, cpu, s).is_some_and(|x| x >= 1.0);
    let grid: Vec<f64> = (-240..=48).map(|i| f64::from(i) / 4.0).collect();
    let first = grid.iter().position(|&g| wins(g))?;
    let at = |log_factor: f64, always: bool| {
        let scaled = op.scaled(10f64.powf(log_factor));
        let flops = scaled.work(dtype).map(|w| w.flops).unwrap_or_default();
        (BreakEven { shape: scaled.shape(), size: scaled.size(), flops, always }, scaled)
    };
    if first == 0 {
        return Some(at(grid[0], true));
    }
    let (mut lo, mut hi) = (grid[first - 1], grid[first]);
    while hi - lo > 0.0004 {
        let mid = (lo + hi) / 2.0;
        if wins(mid) { hi = mid } else { lo = mid }
    }
    Some(at(hi, false))
}

/// Decades of the size knob the curve reaches beyond the user's size and the break-even,
/// whichever is outer, so that neither sits at the chart's edge.
const CURVE_MARGIN_DECADES: f64 = 0.5;
/// Decades of the size knob the curve spans at least (around the user's size, when the GPU never
/// or always wins, or the break-even is near).
const CURVE_MIN_DECADES: f64 = 2.0;
/// Sizes spaced evenly (in log) over the span, besides the user's and the break-even.
const CURVE_SAMPLES: u32 = 48;

/// Times against size for the chart: 49 sizes spaced evenly over a span of the size knob that
/// takes in the user's size and the `crossing` (the break-even's operation) with a margin, and
/// those two sizes themselves, in increasing size (fewer where the size cannot shrink below 1
/// or grow into absurd work).
fn curve(
    op: &Operation,
    crossing: Option<&Operation>,
    dtype: Dtype,
    gpu: &GpuProfile,
    cpu: &CpuProfile,
    s: Scenario,
) -> Vec<CurvePoint> {
    let mut sizes: Vec<Operation> = [op].into_iter().chain(crossing).cloned().collect();
    let least = op.scaled(0.0).size();
    if let Some((low, high)) = curve_span(op.size(), crossing.map(Operation::size), least) {
        let step = (high / low).log10() / f64::from(CURVE_SAMPLES);
        let at = |i: u32| low * 10f64.powf(step * f64::from(i));
        sizes.extend((0..=CURVE_SAMPLES).map(|i| op.scaled(op.factor_for(at(i)))));
    }
    let mut points: Vec<CurvePoint> = sizes
        .iter()
        .filter_map(|scaled| {
            let (cpu_seconds, gpu_seconds) = Sides::new(scaled, dtype, gpu, cpu, s).ok()?.totals(s.repeats);
            Some(CurvePoint { size: scaled.size(), shape: scaled.shape(), cpu_seconds, gpu_seconds })
        })
        .collect();
    // A stable sort: of equal sizes the user's own (first) is kept.
    points.sort_by(|a, b| a.size.total_cmp(&b.size));
    points.dedup_by(|later, kept| later.size == kept.size);
    points
}

/// The span of the size knob the curve covers: `here` and `crossing` with
/// [`CURVE_MARGIN_DECADES`] beyond them, widened evenly to [`CURVE_MIN_DECADES`], and moved up
/// where it would start below `least` (the smallest size the operation takes) so that it keeps
/// its width; `None` when the size is not a positive number (custom work of 0 FLOPs), which has
/// no span on a log axis.
fn curve_span(here: f64, crossing: Option<f64>, least: f64) -> Option<(f64, f64)> {
    let positive = |size: f64| size.is_finite() && size > 0.0;
    if !positive(here) {
        return None;
    }
    let (low, high) = crossing.filter(|&c| positive(c)).map_or((here, here), |c| (here.min(c), here.max(c)));
    let (low, high) = (low.log10() - CURVE_MARGIN_DECADES, high.log10() + CURVE_MARGIN_DECADES);
    let widen = ((CURVE_MIN_DECADES - (high - low)) / 2.0).max(0.0);
    let (low, high) = (low - widen, high + widen);
    let up = if positive(least) { (least.log10() - low).max(0.0) } else { 0.0 };
    Some((10f64.powf(low + up), 10f64.powf(high + up)))
}

fn assumptions(gpu: &GpuProfile, cpu: &CpuProfile, s: Scenario) -> Vec<String> {
    let c = constants();
    let mut notes = vec![
        format!("GPU: {} ({})", gpu.display, gpu.source.split(';').next().unwrap_or_default()),
        format!("CPU: {} ({})", cpu.display, cpu.source),
        format!(
            "large GEMMs reach {:.0}% of this GPU's peak, less when the {}x{} output tiles do not fill its {} multiprocessors",
            c.gemm_efficiency.value * gpu.clock_factor() * 100.0,
            c.gemm_tile.value,
            c.gemm_tile.value,
            gpu.sms
        ),
        format!("each GPU call costs {:.1} us of launch and synchronisation", c.launch_seconds.value * 1e6),
        "numpy on the CPU: matrix products on every core, elementwise work, reductions and FFTs on one".into(),
    ];
    for calibration in [&gpu.calibration, &cpu.calibration].into_iter().flatten() {
        notes.push(format!("times {}: they replace the model where a curve was measured", calibration.source));
    }
    notes.push(if s.resident {
        "the data is already on the GPU and stays there: no copies".into()
    } else {
        format!(
            "copies over {} at {:.1} GB/s ({}), once for {} call(s)",
            gpu.host_link.describe(),
            copy_rate(gpu, s.pinned) / 1e9,
            if s.pinned { "pinned" } else { "pageable" },
            s.repeats
        )
    });
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Extras, cpu, gpu};

    fn run(op: &str, shape: &[u64], dtype: Dtype, scenario: Scenario) -> Estimate {
        let op = Operation::parse(op, shape, &Extras::default()).unwrap();
        estimate(&op, dtype, gpu("h100-sxm").unwrap(), cpu("epyc-9654").unwrap(), scenario).unwrap()
    }

    #[test]
    fn big_gemms_are_compute_bound_and_worth_it() {
        let e = run("matmul", &[8192, 8192, 8192], Dtype::Bf16, Scenario::default());
        assert_eq!(e.bound, Bound::Transfer, "400 MB over PCIe takes longer than 1.1 PFLOP on an H100");
        assert_eq!(e.band, Band::WorthIt);
        let resident =
            run("matmul", &[8192, 8192, 8192], Dtype::Bf16, Scenario { resident: true, ..Scenario::default() });
        assert_eq!(resident.bound, Bound::Compute);
        assert!(e.fits_in_memory);
        assert!((e.gpu.total_seconds - e.gpu.compute_seconds - e.gpu.transfer_seconds).abs() < 1e-12);
    }

    #[test]
    fn tiny_work_is_launch_or_transfer_bound_and_slower() {
        let e = run("elementwise", &[1000], Dtype::F32, Scenario::default());
        assert_eq!(e.bound, Bound::Transfer);
        assert_eq!(e.band, Band::Slower);
        let resident = run("elementwise", &[1000], Dtype::F32, Scenario { resident: true, ..Scenario::default() });
        assert_eq!(resident.bound, Bound::Launch);
        assert_eq!(resident.gpu.transfer_seconds, 0.0);
    }

    #[test]
    fn break_even_does_not_depend_on_the_size_given() {
        let at = |n: u64| run("matmul", &[n, n, n], Dtype::F32, Scenario::default()).break_even.expect("matmuls win");
        let small = at(64);
        for n in [1, 1000, 100_000, 1_000_000] {
            assert_eq!(at(n).shape, small.shape, "from {n}");
            assert!(!at(n).always, "from {n}");
        }
    }

    #[test]
    fn work_beyond_any_machine_is_refused_with_the_reason() {
        let h100 = gpu("h100-sxm").unwrap();
        let epyc = cpu("epyc-9654").unwrap();
        let refused = |op: &str, shape: &[u64], extras: &Extras| {
            let op = Operation::parse(op, shape, extras).unwrap();
            estimate(&op, Dtype::F32, h100, epyc, Scenario::default()).unwrap_err().describe(crate::model_name)
        };
        let memory = refused("matmul", &[100_000_000; 3], &Extras::default());
        assert_eq!(
            memory,
            "shape: matmul 100000000x100000000x100000000 f32 needs 106.6 PiB of memory, and the largest single \
             machines hold about 48 TB: check the sizes"
        );
        let forever = Extras { custom: Some((1e25, 1024, 1024)), ..Extras::default() };
        let time = refused("custom", &[], &forever);
        assert!(time.starts_with("flops: one call of custom work of 1.000e25 FLOPs"), "{time}");
        assert!(time.contains("years even on the NVIDIA H100"), "{time}");
        // The largest work that fits a big machine is still estimated.
        let big = Operation::parse("matmul", &[1_000_000; 3], &Extras::default()).unwrap();
        assert!(estimate(&big, Dtype::F32, h100, epyc, Scenario::default()).is_ok());
    }

    #[test]
    fn break_even_is_solved_where_the_curves_cross() {
        let e = run("matmul", &[64, 64, 64], Dtype::F32, Scenario::default());
        let be = e.break_even.clone().expect("large matmuls win");
        assert!(!be.always);
        let at = Operation::parse("matmul", &be.shape, &Extras::default()).unwrap();
        let cpu_profile = cpu("epyc-9654").unwrap();
        let h100 = gpu("h100-sxm").unwrap();
        let speedup =
            |op: &Operation| estimate(op, Dtype::F32, h100, cpu_profile, Scenario::default()).unwrap().speedup;
        assert!(speedup(&at) >= 1.0, "the GPU wins at the break-even size");
        let below = at.scaled(0.9);
        assert!(speedup(&below) < 1.0, "and not 10% below it: {:?}", be.shape);
    }

    #[test]
    fn repeats_amortise_transfers() {
        let once = run("elementwise", &[1 << 26], Dtype::F32, Scenario::default());
        let many = run("elementwise", &[1 << 26], Dtype::F32, Scenario { repeats: 100, ..Scenario::default() });
        assert!(many.speedup > once.speedup * 5.0, "{} vs {}", many.speedup, once.speedup);
        assert_eq!(many.gpu.transfer_seconds, once.gpu.transfer_seconds, "copies happen once");
    }

    #[test]
    fn memory_fit_and_headroom() {
        let e = run("matmul", &[200_000, 200_000, 200_000], Dtype::F32, Scenario::default());
        assert!(!e.fits_in_memory);
        assert!(e.memory.headroom_bytes < 0.0);
    }

    #[test]
    fn the_curve_rises_with_size() {
        let e = run("fft", &[1 << 16], Dtype::F32, Scenario::default());
        assert!(e.curve.len() > 20);
        assert!(e.curve.windows(2).all(|w| w[0].size < w[1].size && w[0].cpu_seconds <= w[1].cpu_seconds));
    }

    /// Decades of the size knob from `a` to `b`.
    fn decades(a: f64, b: f64) -> f64 {
        (b / a).log10()
    }

    #[test]
    fn the_curve_spans_the_size_and_the_break_even_with_a_margin() {
        let resident = Scenario { resident: true, ..Scenario::default() };
        let cases = [
            run("matmul", &[4096, 4096, 4096], Dtype::F32, Scenario::default()),
            run("matmul", &[16, 16, 16], Dtype::Bf16, resident),
            run("elementwise", &[100_000_000], Dtype::F32, resident),
            run("fft", &[64, 64], Dtype::F32, resident),
        ];
        for e in cases {
            let be = e.break_even.as_ref().filter(|b| !b.always).expect("these cross");
            let (first, last) = (e.curve.first().unwrap(), e.curve.last().unwrap());
            let (low, high) = (e.operation.size().min(be.size), e.operation.size().max(be.size));
            assert!(decades(first.size, low) >= CURVE_MARGIN_DECADES * 0.9, "{} from {}", e.op, first.size);
            assert!(decades(high, last.size) >= CURVE_MARGIN_DECADES * 0.9, "{} to {}", e.op, last.size);
            let here = e.curve.iter().find(|p| p.shape == e.shape).expect("the user's own size is a point");
            assert_eq!((here.cpu_seconds, here.gpu_seconds), (e.cpu.seconds, e.gpu.total_seconds));
            assert!(e.curve.iter().any(|p| p.shape == be.shape), "the break-even is a point: {:?}", be.shape);
            assert!(e.curve.windows(2).all(|w| w[0].size < w[1].size));
            assert!(e.curve.len() > 40, "{}: {} points", e.op, e.curve.len());
        }
    }

    #[test]
    fn without_a_crossing_the_curve_spans_two_decades_around_the_size() {
        let op = Operation::parse("elementwise", &[1_000_000], &Extras::default()).unwrap();
        let pageable = Scenario { pinned: false, ..Scenario::default() };
        let e = estimate(&op, Dtype::F32, gpu("v100").unwrap(), cpu("epyc-9654").unwrap(), pageable).unwrap();
        assert_eq!(e.break_even, None, "pageable copies over PCIe Gen3 never beat one core's memory");
        let (first, last) = (e.curve.first().unwrap(), e.curve.last().unwrap());
        assert!((decades(first.size, e.operation.size()) - 1.0).abs() < 0.01, "{}", first.size);
        assert!((decades(e.operation.size(), last.size) - 1.0).abs() < 0.01, "{}", last.size);
    }

    #[test]
    fn the_curve_starts_where_sizes_cannot_shrink_and_keeps_its_width() {
        let e = run("matmul", &[2, 2, 2], Dtype::F32, Scenario::default());
        assert_eq!(e.curve.first().map(|p| p.size), Some(1.0), "1x1x1 is the smallest product");
        assert!(e.curve.iter().any(|p| p.size == 2.0));
        let single = run("conv2d", &[1, 3, 224, 224, 64, 7, 7], Dtype::F32, Scenario::default());
        let (first, last) = (single.curve.first().unwrap(), single.curve.last().unwrap());
        assert_eq!(first.size, 1.0, "a batch of one is the smallest");
        assert!(decades(first.size, last.size) >= CURVE_MIN_DECADES - 0.01, "{}", last.size);
        let none = Operation::parse("custom", &[], &Extras { custom: Some((0.0, 8, 8)), ..Extras::default() });
        let e = estimate(
            &none.unwrap(),
            Dtype::F32,
            gpu("h100-sxm").unwrap(),
            cpu("epyc-9654").unwrap(),
            Scenario::default(),
        )
        .unwrap();
        assert_eq!(e.curve.len(), 1, "work of 0 FLOPs has no span to chart along FLOPs");
    }
}
