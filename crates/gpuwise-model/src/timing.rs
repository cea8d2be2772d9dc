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
    let bandwidth = gpu.memory_bandwidth_bytes_per_s * c.memory_efficiency.value;
    let (peak, rate, passes, launches) = match work.kind {
        Kind::Gemm { m, n, batch, epilogue, convolution, .. } => {
            let peak = gpu.peak(dtype, true).ok_or_else(|| lacks("matrix units"))?;
            let tile = c.gemm_tile.value;
            let tiles = (m as f64 / tile).ceil() * (n as f64 / tile).ceil() * batch as f64;
            let sms = f64::from(gpu.sms.max(1));
            let wave_efficiency = tiles / ((tiles / sms).ceil() * sms);
            let conv = if convolution { c.conv_efficiency.value } else { 1.0 };
            (peak, peak * c.gemm_efficiency.value * wave_efficiency * conv, 1.0, if epilogue { 2.0 } else { 1.0 })
        }
        Kind::Fft { passes } => {
            if matches!(dtype, Dtype::Tf32 | Dtype::Bf16 | Dtype::Fp8) {
                return Err(ModelError::NoFft(dtype));
            }
            let peak = vector_peak(gpu, dtype).ok_or_else(|| lacks("units"))?;
            (peak, peak * c.vector_efficiency.value, passes as f64, 1.0)
        }
        Kind::Stream { .. } => {
            let peak = vector_peak(gpu, dtype).ok_or_else(|| lacks("units"))?;
            (peak, peak * c.vector_efficiency.value, 1.0, 1.0)
        }
    };
    let model = roofline(work, rate, peak, bandwidth, passes, launches * c.launch_seconds.value);
    Ok(calibrated(model, work, dtype, gpu.calibration.as_deref()))
}

/// `model` replaced by the measured time when `calibration` has this work's curve.
fn calibrated(model: CallTime, work: &Work, dtype: Dtype, calibration: Option<&Calibration>) -> CallTime {
    match calibration.and_then(|c| c.call(work, dtype, &model)) {
        Some(seconds) => calibration::rescale(model, seconds),
        None => model,
    }
}

/// One call on `cpu`, all cores.
pub fn cpu_call(work: &Work, dtype: Dtype, cpu: &CpuProfile) -> CallTime {
    let c = constants();
    let peak = cpu.peak(dtype);
    let (rate, passes) = match work.kind {
        Kind::Gemm { m, n, k, convolution, .. } => {
            // Small matrices keep the cores' pipelines and caches from filling.
            let smallest = m.min(n).min(k) as f64;
            let ramp = smallest / (smallest + 32.0);
            let conv = if convolution { c.conv_efficiency.value } else { 1.0 };
            (peak * c.cpu_gemm_efficiency.value * ramp * conv, 1.0)
        }
        Kind::Fft { passes } => (peak * c.cpu_fft_efficiency.value, passes as f64),
        Kind::Stream { .. } => (peak * c.vector_efficiency.value, 1.0),
    };
    let model = roofline(work, rate, peak, cpu.memory_bandwidth_bytes_per_s, passes, c.cpu_call_seconds.value);
    calibrated(model, work, dtype, cpu.calibration.as_deref())
}

fn roofline(work: &Work, rate: f64, peak: f64, bandwidth: f64, passes: f64, fixed: f64) -> CallTime {
    let compute_seconds = work.flops / rate;
    let memory_seconds = passes * work.device_bytes / bandwidth;
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

/// Host-to-device and device-to-host copy times for `work` over the GPU's host link (measured
/// ones when the GPU's calibration has them).
pub fn transfers(work: &Work, gpu: &GpuProfile, pinned: bool) -> (f64, f64) {
    let c = constants();
    let factor = if pinned { 1.0 } else { c.pageable_factor.value };
    let rate = gpu.host_link.bytes_per_second() * c.link_efficiency.value * factor;
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

    /// Every measured GEMM figure of knowledge/hardware.md within 20% (docs/ESTIMATE.md has the table).
    #[test]
    fn gemm_rates_match_measured_figures() {
        let cases = [
            (8192, Dtype::Bf16, "h100-sxm", 798e12),
            (8192, Dtype::Bf16, "h200", 788e12),
            (4096, Dtype::F16, "h100-sxm", 760e12),
            (4096, Dtype::Tf32, "h100-sxm", 402e12),
            (4096, Dtype::F32, "h100-sxm", 51.9e12),
            (1024, Dtype::Bf16, "h100-sxm", 177e12),
            (1024, Dtype::Tf32, "h100-sxm", 120e12),
        ];
        for (n, dtype, name, measured) in cases {
            let predicted = matmul(n, dtype, name);
            assert!(within(predicted, measured, 0.2), "{name} {dtype} {n}^3: {predicted:.3e} vs {measured:.3e}");
        }
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
                kind: Kind::Stream { reduction: false },
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

    #[test]
    fn pinned_copies_beat_pageable_ones() {
        let work = Operation::parse("elementwise", &[1 << 28], &Extras::default()).unwrap().work(Dtype::F32).unwrap();
        let h100 = gpu("h100-sxm").unwrap();
        let (pinned, _) = transfers(&work, h100, true);
        let (pageable, _) = transfers(&work, h100, false);
        assert!(within(work.h2d_bytes / pinned, 57e9, 0.05), "Gen5 x16 pinned ~57 GB/s");
        assert!(pageable > 1.9 * pinned);
    }
}
