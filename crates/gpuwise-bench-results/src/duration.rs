//! How long a run will take, said before it starts: each step's calls at the estimator's
//! predicted time, repeated as the mode's policy repeats them, plus what every case costs
//! besides its timed calls (its inputs, their copies, the reference and the check).

use gpuwise_model::{CpuProfile, GpuProfile, Operation, constants, cpu_call, gpu_call, transfers};

use crate::interference::BEFORE_SECONDS;
use crate::plan::{BenchOp, Case, Mode, Repeats, Step, computes_in, steps};

/// Seconds each case costs besides its timed calls, whatever its size (allocating its inputs,
/// the f64 reference, the check), fit with [`CASE_BYTES_PER_SECOND`] to `gpuwise bench
/// --cpu-only` on the idle two-core development machine: the quick sweep took 4.5 s against
/// 4.6 s planned, the full one 53.7 s against 56.2 s
/// (benches/results/bench-interference-2026-11-30.md).
pub const CASE_SECONDS: f64 = 0.04;

/// Bytes per second a case's inputs and outputs are made at (random values on one thread, the
/// copies it rotates through, zeroed outputs), fit with [`CASE_SECONDS`].
pub const CASE_BYTES_PER_SECOND: f64 = 500e6;

/// What a run is about to do, said before its first measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Planned {
    /// Steps (cases, copy sizes, launch latency) it will measure.
    pub steps: usize,
    /// About how long they will take here, seconds.
    pub seconds: f64,
    /// About how long the quick mode would take instead, when this run is the full one.
    pub quick_seconds: Option<f64>,
}

/// The sides a run measures, with the estimator's profile of each where it has one (without
/// one, each repeat loop is assumed to take its mode's minimum timed duration).
#[derive(Debug, Clone, Copy)]
pub struct Sides<'a> {
    /// This machine's CPU.
    pub cpu: Option<&'a CpuProfile>,
    /// Whether the run measures a GPU.
    pub gpu: bool,
    /// The GPU's profile, when the estimator knows it.
    pub gpu_profile: Option<&'a GpuProfile>,
}

/// The plan of a run of `mode` over `ops` (all when empty) on `sides`.
pub fn plan(mode: Mode, ops: &[BenchOp], sides: Sides<'_>) -> Planned {
    let planned = steps(mode, ops, sides.gpu);
    let quick = (mode == Mode::Full).then(|| seconds(&steps(Mode::Quick, ops, sides.gpu), Mode::Quick, sides));
    Planned { steps: planned.len(), seconds: seconds(&planned, mode, sides), quick_seconds: quick }
}

/// About how long `steps` take in `mode` on `sides`, with the wait before the first one.
pub fn seconds(steps: &[Step], mode: Mode, sides: Sides<'_>) -> f64 {
    if steps.is_empty() {
        return 0.0;
    }
    let repeats = mode.repeats();
    let loops = |calls: &[Option<f64>]| calls.iter().map(|&call| repeat_loop(call, repeats)).sum::<f64>();
    let gpu = sides.gpu_profile;
    let step = |step: &Step| match step {
        Step::Copies(bytes) => loops(&copies(*bytes, gpu)),
        Step::Launch => loops(&[gpu.map(|_| constants().launch_seconds.value); 2]),
        Step::Case(case) => {
            let Ok(work) = case.operation.work(case.dtype) else { return CASE_SECONDS };
            let setup = CASE_SECONDS + work.memory_bytes / CASE_BYTES_PER_SECOND;
            let cpu = if reused_on_cpu(case, steps) {
                0.0
            } else {
                loops(&[sides.cpu.map(|c| cpu_call(&work, case.dtype, c).seconds)])
            };
            let on_gpu = match gpu {
                _ if !sides.gpu => 0.0,
                None => loops(&[None; 3]),
                Some(g) => {
                    let (h2d, d2h) = transfers(&work, g, true);
                    loops(&[Some(h2d), gpu_call(&work, case.dtype, g).ok().map(|c| c.seconds), Some(d2h)])
                }
            };
            setup + cpu + on_gpu
        }
    };
    BEFORE_SECONDS + steps.iter().map(step).sum::<f64>()
}

/// True when the CPU side of `case` reuses another step's measurement: the case the CPU
/// computes it in (a half type's f32 case).
fn reused_on_cpu(case: &Case, steps: &[Step]) -> bool {
    let dtype = computes_in(case.dtype);
    dtype != case.dtype
        && steps.iter().any(|s| matches!(s, Step::Case(c) if c.dtype == dtype && c.operation == case.operation))
}

/// Seconds per call of the five copies of `bytes` a copy step times (pinned and pageable, each
/// way, then on the device), where the GPU's profile says.
fn copies(bytes: u64, gpu: Option<&GpuProfile>) -> [Option<f64>; 5] {
    let Some(gpu) = gpu else { return [None; 5] };
    let Ok(work) =
        (Operation::Custom { flops: 0.0, bytes_in: bytes, bytes_out: bytes }).work(gpuwise_model::Dtype::F32)
    else {
        return [None; 5];
    };
    let (pinned_in, pinned_out) = transfers(&work, gpu, true);
    let (pageable_in, pageable_out) = transfers(&work, gpu, false);
    let on_device = 2.0 * bytes as f64 / gpu.memory_bandwidth_bytes_per_s;
    [Some(pinned_in), Some(pageable_in), Some(pinned_out), Some(pageable_out), Some(on_device)]
}

/// Seconds one repeat loop takes for calls of `call` seconds (warm-up, then timed calls until the
/// count and duration are reached); an unknown call time counts as the loop's minimum duration.
fn repeat_loop(call: Option<f64>, repeats: Repeats) -> f64 {
    match call.filter(|t| t.is_finite() && *t > 0.0) {
        Some(t) => {
            let timed = (repeats.seconds / t).ceil().clamp(repeats.min as f64, repeats.max as f64);
            (repeats.warmup as f64 + timed) * t
        }
        None => repeats.seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_model::{cpu, gpu};

    fn sides<'a>(cpu: &'a CpuProfile, gpu: Option<&'a GpuProfile>) -> Sides<'a> {
        Sides { cpu: Some(cpu), gpu: gpu.is_some(), gpu_profile: gpu }
    }

    #[test]
    fn a_loop_repeats_until_its_count_and_duration() {
        let quick = Mode::Quick.repeats();
        // 25 ms calls: one warm-up, then four timed to reach 0.1 s.
        assert!((repeat_loop(Some(0.025), quick) - 0.125).abs() < 1e-9);
        // 1 s calls: one warm-up and the minimum of three.
        assert!((repeat_loop(Some(1.0), quick) - 4.0).abs() < 1e-9);
        // 1 ms calls stop at the most repeats, 50.
        assert!((repeat_loop(Some(1e-3), quick) - 0.051).abs() < 1e-9);
        assert_eq!(repeat_loop(None, quick), quick.seconds);
    }

    #[test]
    fn the_full_sweep_takes_longer_and_says_what_quick_would() {
        let epyc = cpu("epyc-9654").unwrap();
        let full = plan(Mode::Full, &[], sides(epyc, None));
        let quick = plan(Mode::Quick, &[], sides(epyc, None));
        assert_eq!(full.steps, steps(Mode::Full, &[], false).len());
        assert_eq!(full.quick_seconds, Some(quick.seconds));
        assert_eq!(quick.quick_seconds, None);
        assert!(full.seconds > 2.0 * quick.seconds, "{full:?} {quick:?}");
        assert!(quick.seconds > BEFORE_SECONDS + quick.steps as f64 * CASE_SECONDS);
    }

    #[test]
    fn a_gpu_adds_its_steps_known_or_not() {
        let epyc = cpu("epyc-9654").unwrap();
        let h100 = gpu("h100-sxm").unwrap();
        let cpu_only = plan(Mode::Quick, &[], sides(epyc, None));
        let known = plan(Mode::Quick, &[], sides(epyc, Some(h100)));
        let unknown = plan(Mode::Quick, &[], Sides { cpu: Some(epyc), gpu: true, gpu_profile: None });
        assert!(known.steps > cpu_only.steps && known.seconds > cpu_only.seconds);
        // Unknown GPU loops count their minimum duration each: three per case, five per copy size.
        assert!(unknown.seconds > known.seconds * 0.5 && unknown.seconds > cpu_only.seconds, "{unknown:?} {known:?}");
    }

    #[test]
    fn half_types_cost_the_cpu_nothing_more() {
        let epyc = cpu("epyc-9654").unwrap();
        let h100 = gpu("h100-sxm").unwrap();
        let all = steps(Mode::Quick, &[BenchOp::Matmul], true);
        let half: Vec<Step> = all
            .iter()
            .filter(|s| matches!(s, Step::Case(c) if c.dtype == gpuwise_model::Dtype::Bf16))
            .cloned()
            .collect();
        let f32: Vec<Step> = all
            .iter()
            .filter(|s| matches!(s, Step::Case(c) if c.dtype == gpuwise_model::Dtype::F32))
            .cloned()
            .collect();
        let with_f32 = [f32.clone(), half.clone()].concat();
        let both = seconds(&with_f32, Mode::Quick, sides(epyc, Some(h100)));
        let alone = seconds(&f32, Mode::Quick, sides(epyc, Some(h100)))
            + seconds(&half, Mode::Quick, sides(epyc, Some(h100)))
            - BEFORE_SECONDS;
        assert!(both < alone, "the bf16 cases reuse the f32 CPU times: {both} vs {alone}");
        assert_eq!(seconds(&[], Mode::Quick, sides(epyc, None)), 0.0);
    }
}
