//! `--calibrate`: a run's medians become this machine's profile, and how well the calibrated
//! estimator then reproduces what was measured.

use gpuwise_model::{Calibration, Curve, Dtype, Family, MachineProfile, PROFILE_SCHEMA_VERSION, ProfiledGpu};
use serde::Serialize;

use crate::report::{Backend, BenchReport, Measurement};

/// The profile `report` measured on a CPU the probe names `cpu_model`, dated `measured_unix`.
pub fn profile(report: &BenchReport, cpu_model: &str, measured_unix: u64) -> MachineProfile {
    MachineProfile {
        schema_version: PROFILE_SCHEMA_VERSION,
        measured_unix,
        cpu_model: cpu_model.into(),
        gpu: report.gpu.as_ref().map(|g| ProfiledGpu { name: g.name.clone(), uuid: g.uuid.clone() }),
        cpu: curves(report, Backend::Cpu),
        gpu_curves: curves(report, Backend::Cuda),
    }
}

/// One curve per family and dtype measured on `backend`, sized as the estimator sizes them
/// (FLOPs; bytes for streams and copies). GPU times include the host's launch and
/// synchronisation cost, which the estimator's times include too.
fn curves(report: &BenchReport, backend: Backend) -> Calibration {
    let overhead = if backend == Backend::Cuda { report.call_overhead() } else { 0.0 };
    let mut curves: Vec<Curve> = Vec::new();
    for m in report.results.iter().filter(|m| m.backend == backend) {
        let Some(family) = m.family.family() else { continue };
        let dtype: Option<Dtype> = m.dtype.dtype();
        let seconds = m.seconds + overhead;
        let point = [curve_size(m), seconds];
        let ratio = m.predicted_seconds.filter(|&p| p > 0.0).map(|p| [point[0], seconds / p]);
        let curve = match curves.iter().position(|c| c.family == family && c.dtype == dtype) {
            Some(at) => &mut curves[at],
            None => {
                curves.push(Curve { family, dtype, points: Vec::new(), ratios: Vec::new() });
                curves.last_mut().expect("just pushed")
            }
        };
        curve.points.push(point);
        curve.ratios.extend(ratio);
    }
    for curve in &mut curves {
        sorted_by_size(&mut curve.points);
        sorted_by_size(&mut curve.ratios);
    }
    Calibration { source: String::new(), curves }
}

/// Sorts (size, value) pairs by size; two of one size (an elementwise sum and a reduction
/// moving the same bytes) become their mean.
fn sorted_by_size(pairs: &mut Vec<[f64; 2]>) {
    pairs.sort_by(|a, b| a[0].total_cmp(&b[0]));
    pairs.dedup_by(|b, a| {
        let same = a[0] == b[0];
        if same {
            a[1] = (a[1] + b[1]) / 2.0;
        }
        same
    });
}

/// The size a measurement files under: FLOPs, or bytes for streaming work and copies.
fn curve_size(m: &Measurement) -> f64 {
    if m.family.family().is_some_and(Family::sized_in_bytes) || m.flops == 0.0 { m.bytes } else { m.flops }
}

/// How closely the calibrated profile reproduces the measurements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationError {
    /// Points predicted.
    pub points: usize,
    /// Median |predicted / measured - 1| with each point left out of its own curve: what to
    /// expect between the sizes measured.
    pub leave_one_out_median: Option<f64>,
    /// The largest of those.
    pub leave_one_out_max: Option<f64>,
}

/// Leave-one-out error of every curve in `profile` (points inside a curve's range only): the
/// ratio to the model where the curve has ratios (as the estimate uses it), else the time.
pub fn error(profile: &MachineProfile) -> CalibrationError {
    let mut errors: Vec<f64> = Vec::new();
    for curve in profile.cpu.curves.iter().chain(&profile.gpu_curves.curves) {
        let by_ratio = !curve.ratios.is_empty();
        let pairs = if by_ratio { &curve.ratios } else { &curve.points };
        for i in 1..pairs.len().saturating_sub(1) {
            let mut without = curve.clone();
            let [size, actual] = if by_ratio { without.ratios.remove(i) } else { without.points.remove(i) };
            let predicted = if by_ratio { without.ratio(size) } else { without.seconds(size) };
            if let Some(predicted) = predicted {
                errors.push((predicted / actual - 1.0).abs());
            }
        }
    }
    errors.sort_by(f64::total_cmp);
    CalibrationError {
        points: errors.len(),
        leave_one_out_median: (!errors.is_empty()).then(|| errors[errors.len() / 2]),
        leave_one_out_max: errors.last().copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Summary;
    use gpuwise_model::{Extras, Operation};

    fn measured(op: &str, n: u64, seconds: f64) -> Measurement {
        let op = Operation::parse(op, &[n, n, n][..if op == "matmul" { 3 } else { 1 }], &Extras::default()).unwrap();
        let timing = Summary { median: seconds, min: seconds, max: seconds, spread: 0.0, repeats: 3 };
        Measurement::of(&op, Dtype::F32, Backend::Cpu, timing)
    }

    #[test]
    fn a_profile_reproduces_its_points_and_files_them_by_family() {
        let results = vec![
            measured("matmul", 100, 1e-4),
            measured("matmul", 200, 8e-4),
            measured("matmul", 400, 6.4e-3),
            measured("elementwise", 1 << 20, 1e-3),
            measured("reduction", 1 << 20, 5e-4),
        ];
        let report = BenchReport {
            gpu_skipped: Some("--cpu-only".into()),
            results,
            ..BenchReport::new("quick", "test cpu".into(), 2)
        };
        let p = profile(&report, "test cpu", 0);
        assert!(p.gpu.is_none() && p.gpu_curves.curves.is_empty());
        let gemm = p.cpu.curves.iter().find(|c| c.family == Family::Gemm).unwrap();
        assert_eq!(gemm.points.len(), 3);
        assert!((gemm.seconds(2.0 * 200f64.powi(3)).unwrap() / 8e-4 - 1.0).abs() < 1e-9);
        // Elementwise (12 MiB moved) and reduction (4 MiB in, one value out) are sized in bytes,
        // on curves of their own: they use the memory bandwidth differently.
        let stream = p.cpu.curves.iter().find(|c| c.family == Family::Stream).unwrap();
        assert_eq!(stream.points, vec![[12.0 * f64::from(1 << 20), 1e-3]]);
        let reduction = p.cpu.curves.iter().find(|c| c.family == Family::Reduction).unwrap();
        assert_eq!(reduction.points, vec![[4.0 * f64::from(1 << 20) + 4.0, 5e-4]]);
        // A cubic curve is exactly log-log linear, so leaving the middle point out costs nothing.
        let e = error(&p);
        assert_eq!(e.points, 1);
        assert!(e.leave_one_out_median.unwrap() < 1e-9);
        // Without the model's predictions there are no ratios.
        assert!(gemm.ratios.is_empty());
    }

    #[test]
    fn ratios_to_the_model_are_kept() {
        let mut m = measured("matmul", 100, 1e-4);
        m.predicted_seconds = Some(5e-5);
        let report =
            BenchReport { gpu_skipped: None, results: vec![m], ..BenchReport::new("quick", "test cpu".into(), 2) };
        let p = profile(&report, "test cpu", 0);
        assert_eq!(p.cpu.curves[0].ratios, vec![[2e6, 2.0]]);
    }
}
