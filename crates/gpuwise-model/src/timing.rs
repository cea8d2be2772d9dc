//! Time on each side for one call of an operation: a roofline (compute or memory, whichever is
//! slower) at achievable rather than peak rates, plus fixed costs; and the host-link copies.

use serde::Serialize;

use crate::Family;
use crate::calibration::{self, Calibration};
use crate::error::ModelError;
use crate::{CpuProfile, Dtype, GpuProfile, Kind, Work, constants};

/// One call's time on one side, with its parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CallTime {
    /// The whole call, seconds.
    pub seconds: f64,
    /// Arithmetic at the achievable rate, seconds.
    pub compute_seconds: f64,
    /// Memory traffic at the achievable bandwidth, seconds.
    pub memory_seconds: f64,
    /// Fixed costs (kernel launches, library call), seconds.
    pub fixed_seconds: f64,
    /// The achievable rate for this shape, FLOP/s.
    pub rate: f64,
    /// The peak rate it is derived from, FLOP/s.
    pub peak: f64,
}

/// One call on `gpu`; `Err` when the part cannot compute in `dtype` for this operation.
pub fn gpu_call(work: &Work, dtype: Dtype, gpu: &GpuProfile) -> Result<CallTime, ModelError> {
    let c = constants();
    let lacks = |units| ModelError::NoUnits { gpu: gpu.display.clone(), dtype, units };
    let bandwidth = gpu.memory_bandwidth_bytes_per_s * gpu.memory_efficiency();
    let (peak, rate, passes, launches) = match work.kind {
        Kind::Gemm { m, n, batch, epilogue, convolution, .. } => {
            let peak = gpu.peak(dtype, true).ok_or_else(|| lacks("matrix units"))?;
            let conv = if convolution { c.conv_efficiency.value } else { 1.0 };
            let share = if dtype == Dtype::F32 { gpu.f32_gemm_share() } else { 1.0 };
            let sustained = c.gemm_efficiency.value * gpu.clock_factor() * share * tiling(m, n, batch, gpu.sms) * conv;
            (peak, peak * sustained, 1.0, if epilogue { 2.0 } else { 1.0 })
        }
        Kind::Fft { passes, .. } => {
            if matches!(dtype, Dtype::Tf32 | Dtype::Bf16 | Dtype::Fp8) {
                return Err(ModelError::NoFft(dtype));
            }
            let peak = vector_peak(gpu, dtype).ok_or_else(|| lacks("units"))?;
            (peak, peak * c.vector_efficiency.value, passes as f64, 1.0)
        }
        Kind::Stream { passes, .. } => {
            let peak = vector_peak(gpu, dtype).ok_or_else(|| lacks("units"))?;
            // Device bytes already count every pass; each pass is its own kernel.
            (peak, peak * c.vector_efficiency.value, 1.0, passes as f64)
        }
    };
    let fixed = launches * c.launch_seconds.value;
    let model = roofline(work.flops, passes * work.device_bytes, rate, peak, bandwidth, fixed);
    Ok(calibrated(model, work, dtype, gpu.calibration.as_deref()))
}

/// The share of the multiprocessors' rate an `m x n` result (`batch` of them) keeps busy: the
/// library tiles the result, one tile per multiprocessor at a time, and the last wave of tiles
/// may leave some idle. When full-size tiles leave many idle, libraries switch to half-size
/// ones; the better of the two.
fn tiling(m: u64, n: u64, batch: u64, sms: u32) -> f64 {
    let sms = f64::from(sms.max(1));
    let busy = |tile: f64| {
        let tiles = (m as f64 / tile).ceil() * (n as f64 / tile).ceil() * batch as f64;
        tiles / ((tiles / sms).ceil() * sms)
    };
    let tile = constants().gemm_tile.value;
    busy(tile).max(busy(tile / 2.0))
}

/// `model` replaced by the measured time when `calibration` has this work's curve.
fn calibrated(model: CallTime, work: &Work, dtype: Dtype, calibration: Option<&Calibration>) -> CallTime {
    match calibration.and_then(|c| c.call(work, dtype, &model)) {
        Some(seconds) => calibration::rescale(model, seconds),
        None => model,
    }
}

/// One call on `cpu` as numpy makes it: matrix products in BLAS on every core; elementwise
/// work, reductions and FFTs (numpy's ufuncs and pocketfft) on one core.
pub fn cpu_call(work: &Work, dtype: Dtype, cpu: &CpuProfile) -> CallTime {
    let c = constants();
    let cores = f64::from(cpu.cores.max(1));
    let one_core = cpu.frequency_hz;
    let model = match work.kind {
        Kind::Gemm { m, n, k, convolution, .. } => {
            let peak = cpu.peak(dtype);
            // Small matrices keep the cores' pipelines and caches from filling.
            let smallest = m.min(n).min(k) as f64;
            let ramp = smallest / (smallest + 32.0);
            let conv = if convolution { c.conv_efficiency.value } else { 1.0 };
            let rate = peak * c.cpu_gemm_efficiency.value * ramp * conv;
            roofline(
                work.flops,
                work.device_bytes,
                rate,
                peak,
                cpu.memory_bandwidth_bytes_per_s,
                c.cpu_call_seconds.value,
            )
        }
        Kind::Fft { transform_bytes, line_bytes, .. } => {
            // pocketfft's rate depends on where the data lives: a transform held in the core's
            // cache, one whose lines are (each dimension in turn, strided between), or neither.
            let cache = c.cpu_cache_bytes.value;
            let per_cycle = if transform_bytes <= cache {
                c.cpu_fft_flops_per_cycle_in_cache.value
            } else if line_bytes <= cache {
                c.cpu_fft_flops_per_cycle_lines_in_cache.value
            } else {
                c.cpu_fft_flops_per_cycle_out_of_cache.value
            };
            let rate = per_cycle * one_core;
            roofline(work.flops, 0.0, rate, cpu.peak(dtype) / cores, cpu.core_bandwidth(), c.cpu_call_seconds.value)
        }
        Kind::Stream { passes, .. } => {
            // Each pass writes into a new array: the cache line is read before it is written, and
            // the kernel zeroes each new page first; later passes of an expression write in place.
            let writes = (c.cpu_write_factor.value - 1.0) * work.d2h_bytes;
            let peak = cpu.peak(dtype) / cores;
            let rate = peak * c.vector_efficiency.value;
            let fixed = passes as f64 * c.cpu_call_seconds.value;
            roofline(work.flops, work.device_bytes + writes, rate, peak, cpu.core_bandwidth(), fixed)
        }
    };
    calibrated(model, work, dtype, cpu.calibration.as_deref())
}

/// The slower of `flops` at `rate` and `bytes` at `bandwidth`, plus `fixed` seconds.
fn roofline(flops: f64, bytes: f64, rate: f64, peak: f64, bandwidth: f64, fixed: f64) -> CallTime {
    let compute_seconds = flops / rate;
    let memory_seconds = bytes / bandwidth;
    CallTime {
        seconds: fixed + compute_seconds.max(memory_seconds),
        compute_seconds,
        memory_seconds,
        fixed_seconds: fixed,
        rate,
        peak,
    }
}

/// The vector (non-tensor) rate that elementwise work and FFTs run at: FP64 at its own rate,
/// every other type at the FP32 rate (conservative for half types, which are memory-bound anyway).
fn vector_peak(gpu: &GpuProfile, dtype: Dtype) -> Option<f64> {
    match dtype {
        Dtype::F64 => gpu.peak_flops.f64,
        _ => gpu.peak_flops.f32,
    }
}

/// Bytes per second one copy over the GPU's host link reaches: the link's rate at the achievable
/// share, and the pageable share of that where pageable memory is staged.
pub(crate) fn copy_rate(gpu: &GpuProfile, pinned: bool) -> f64 {
    let c = constants();
    let staged = !pinned && gpu.host_link.stages_pageable();
    let factor = if staged { c.pageable_factor.value } else { 1.0 };
    gpu.host_link.bytes_per_second() * c.link_efficiency.value * factor
}

/// Host-to-device and device-to-host copy times for `work` over the GPU's host link (measured
/// ones when the GPU's calibration has them).
pub fn transfers(work: &Work, gpu: &GpuProfile, pinned: bool) -> (f64, f64) {
    let c = constants();
    let rate = copy_rate(gpu, pinned);
    let copy = |to_device: bool, bytes: f64| {
        if bytes <= 0.0 {
            return 0.0;
        }
        let family = Family::Copy { to_device, pinned };
        let measured = gpu.calibration.as_deref().and_then(|cal| cal.seconds(family, None, bytes));
        measured.unwrap_or(c.transfer_latency_seconds.value + bytes / rate)
    };
    (copy(true, work.h2d_bytes), copy(false, work.d2h_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Extras, Operation, gpu};

    fn matmul(n: u64, dtype: Dtype, name: &str) -> f64 {
        let work = Operation::parse("matmul", &[n, n, n], &Extras::default()).unwrap().work(dtype).unwrap();
        work.flops / gpu_call(&work, dtype, gpu(name).unwrap()).unwrap().seconds
    }

    fn within(got: f64, want: f64, tolerance: f64) -> bool {
        (got / want - 1.0).abs() <= tolerance
    }

    /// Large products on the parts the GEMM efficiency was fit on (knowledge/hardware.md) within
    /// 10%; every other figure is in benches/figures/gpu.json and docs/ESTIMATE.md.
    #[test]
    fn gemm_rates_match_measured_figures() {
        let cases = [
            (8192, Dtype::Bf16, "h100-sxm", 798e12),
            (8192, Dtype::Bf16, "h200", 788e12),
            (4096, Dtype::F16, "h100-sxm", 760e12),
            (4096, Dtype::Tf32, "h100-sxm", 402e12),
            (4096, Dtype::F32, "h100-sxm", 51.9e12),
        ];
        for (n, dtype, name, measured) in cases {
            let predicted = matmul(n, dtype, name);
            assert!(within(predicted, measured, 0.1), "{name} {dtype} {n}^3: {predicted:.3e} vs {measured:.3e}");
        }
    }

    /// Tiles fill whole waves of multiprocessors or leave some idle; half-size tiles are used when
    /// they leave fewer idle.
    #[test]
    fn tiles_fill_waves() {
        assert_eq!(tiling(8192, 8192, 1, 128), 1.0, "4096 tiles of 128x128 fill 32 waves of 128");
        // 1024^2 in 128x128 tiles is 64 tiles on 132 SMs (0.48); 64x64 tiles give 256 (0.97).
        assert!((tiling(1024, 1024, 1, 132) - 256.0 / 264.0).abs() < 1e-12);
        // 1152^2 on 108 SMs: 81 tiles of 128 fill 0.75 of a wave; 324 tiles of 64 fill exactly 3.
        assert_eq!(tiling(1152, 1152, 1, 108), 1.0);
        assert!((tiling(128, 128, 1, 132) - 4.0 / 132.0).abs() < 1e-12, "one small product keeps 4 SMs busy");
    }

    /// numpy's side: BLAS on every core; elementwise work on one core, paying for the bytes it
    /// writes into a new array; FFTs slower per FLOP once the data leaves the cache.
    #[test]
    fn the_cpu_side_is_numpy() {
        let cpu = crate::cpu("epyc-9654").unwrap();
        let work = |op: &str, shape: &[u64]| {
            Operation::parse(op, shape, &Extras::default()).unwrap().work(Dtype::F32).unwrap()
        };
        let gemm = cpu_call(&work("matmul", &[8192, 8192, 8192]), Dtype::F32, cpu);
        assert!(gemm.rate > cpu.peak(Dtype::F32) / 2.0, "every core");
        let add = work("elementwise", &[1 << 26]);
        let seconds = cpu_call(&add, Dtype::F32, cpu).memory_seconds;
        let c = constants();
        let traffic = add.device_bytes + (c.cpu_write_factor.value - 1.0) * add.d2h_bytes;
        assert!((seconds - traffic / c.cpu_memory_bandwidth_per_core.value).abs() < 1e-12, "one core's bandwidth");
        let per_flop = |shape: &[u64]| {
            let w = work("fft", shape);
            cpu_call(&w, Dtype::F32, cpu).seconds / w.flops
        };
        assert!(per_flop(&[1 << 22]) > 2.0 * per_flop(&[1 << 12]), "out of cache");
    }

    /// The part's class shapes its rate: desktop GeForce cards boost past their rated clock,
    /// 72 W parts fall below it, and SGEMM on graphics dies uses part of the doubled FP32 peak.
    #[test]
    fn classes_shape_the_rate() {
        let share = |name: &str, dtype| matmul(8192, dtype, name) / gpu(name).unwrap().peak(dtype, true).unwrap();
        assert!(share("rtx-4090", Dtype::Bf16) > share("h100-sxm", Dtype::Bf16));
        assert!(share("l4", Dtype::Bf16) < share("h100-sxm", Dtype::Bf16));
        assert!(share("rtx-4090", Dtype::F32) < share("rtx-4090", Dtype::Bf16));
        assert!(
            share("rtx-4060-laptop", Dtype::Bf16) < share("rtx-4060", Dtype::Bf16),
            "laptops hold their rated clock"
        );
        assert!(
            within(share("h100-sxm", Dtype::F32), share("h100-sxm", Dtype::Bf16), 0.01),
            "compute dies use their whole FP32 peak"
        );
    }

    #[test]
    fn device_copy_bandwidth_matches() {
        for (name, measured) in [("h100-sxm", 3.0e12), ("h200", 4.3e12)] {
            let copy = Work {
                flops: 0.0,
                device_bytes: 2.0 * (1u64 << 30) as f64,
                h2d_bytes: 0.0,
                d2h_bytes: 0.0,
                memory_bytes: 0.0,
                kind: Kind::Stream { reduction: false, passes: 1 },
            };
            let time = gpu_call(&copy, Dtype::F32, gpu(name).unwrap()).unwrap();
            assert!(within(copy.device_bytes / time.seconds, measured, 0.2), "{name}");
        }
    }

    #[test]
    fn parts_without_a_dtype_say_so() {
        let work = Operation::parse("matmul", &[64, 64, 64], &Extras::default()).unwrap().work(Dtype::Fp8).unwrap();
        let err = gpu_call(&work, Dtype::Fp8, gpu("v100").unwrap()).unwrap_err().to_string();
        assert!(err.contains("has no fp8"), "{err}");
    }

    /// Pinned copies at the rates nvbandwidth and bandwidthTest measure (52 GB/s on Gen5 x16),
    /// pageable ones staged through a pinned buffer, except over NVLink-C2C.
    #[test]
    fn pinned_copies_beat_pageable_ones() {
        let work = Operation::parse("elementwise", &[1 << 28], &Extras::default()).unwrap().work(Dtype::F32).unwrap();
        let h100 = gpu("h100-sxm").unwrap();
        let (pinned, _) = transfers(&work, h100, true);
        let (pageable, _) = transfers(&work, h100, false);
        assert!(within(work.h2d_bytes / pinned, 52e9, 0.05), "Gen5 x16 pinned ~52 GB/s");
        assert!(pageable > 3.0 * pinned);
        let gh200 = gpu("gh200").unwrap();
        let (pinned, _) = transfers(&work, gh200, true);
        assert_eq!(transfers(&work, gh200, false).0, pinned, "the GPU reads pageable memory over NVLink-C2C");
        assert!(within(work.h2d_bytes / pinned, 374e9, 0.05), "NVLink-C2C: 450 GB/s each way");
    }
}
