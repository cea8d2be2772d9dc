//! CPU against GPU for each measured case, and the measured break-even size per operation and
//! dtype.

use serde::Serialize;

use crate::report::{Backend, BenchReport, Element, Measured, Measurement};

/// One case on both sides.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// The CPU measurement.
    pub cpu: &'a Measurement,
    /// The GPU measurement, when the GPU side ran it.
    pub gpu: Option<&'a Measurement>,
    /// What the host pays per GPU call beyond the events' span (launch and synchronisation).
    pub overhead: f64,
}

impl Row<'_> {
    /// GPU seconds as the caller sees them: the inputs copied in, the call with its launch and
    /// synchronisation, the output copied out.
    pub fn gpu_total(&self) -> Option<f64> {
        self.gpu.map(|g| g.seconds + self.overhead + self.transfer().unwrap_or(0.0))
    }

    /// Seconds copying inputs and output.
    pub fn transfer(&self) -> Option<f64> {
        self.gpu.map(|g| g.h2d_seconds.unwrap_or(0.0) + g.d2h_seconds.unwrap_or(0.0))
    }

    /// CPU time over GPU time with copies.
    pub fn speedup(&self) -> Option<f64> {
        self.gpu_total().map(|t| self.cpu.seconds / t)
    }
}

/// The rows of `report`, in the order the CPU measured them.
pub fn rows(report: &BenchReport) -> Vec<Row<'_>> {
    let overhead = report.call_overhead();
    report
        .results
        .iter()
        .filter(|m| m.backend == Backend::Cpu)
        .map(|cpu| Row { cpu, gpu: report.find(cpu, Backend::Cuda), overhead })
        .collect()
}

/// Where the GPU, copies included, starts to beat the CPU for one operation and dtype.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredBreakEven {
    /// The operation.
    pub op: Measured,
    /// The dtype.
    pub dtype: Element,
    /// Transforms per FFT call (1 for other operations): sizes of different batches are
    /// separate series.
    pub batch: u64,
    /// The size knob at the crossing, interpolated (log-log) between the two measured sizes around
    /// it; `None` when the GPU never won at the sizes measured.
    pub size: Option<f64>,
    /// The GPU already won at the smallest size measured (the crossing is at or below it).
    pub below_smallest: bool,
    /// The sizes measured, smallest to largest, with their speedups.
    pub points: Vec<(f64, f64)>,
}

/// Break-even per operation and dtype, for every series with GPU measurements.
pub fn break_even(report: &BenchReport) -> Vec<MeasuredBreakEven> {
    let rows = rows(report);
    let mut series: Vec<MeasuredBreakEven> = Vec::new();
    for row in &rows {
        let Some(speedup) = row.speedup() else { continue };
        let point = (row.cpu.size, speedup);
        match series.iter_mut().find(|s| s.op == row.cpu.op && s.dtype == row.cpu.dtype && s.batch == row.cpu.batch) {
            Some(s) => s.points.push(point),
            None => series.push(MeasuredBreakEven {
                op: row.cpu.op,
                dtype: row.cpu.dtype,
                batch: row.cpu.batch,
                size: None,
                below_smallest: false,
                points: vec![point],
            }),
        }
    }
    for s in &mut series {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let Some(first) = s.points.iter().position(|&(_, speedup)| speedup >= 1.0) else { continue };
        s.below_smallest = first == 0;
        s.size = Some(if first == 0 { s.points[0].0 } else { crossing(s.points[first - 1], s.points[first]) });
    }
    series
}

/// The size where speedup reaches 1 on the log-log line through two (size, speedup) points.
fn crossing((s0, x0): (f64, f64), (s1, x1): (f64, f64)) -> f64 {
    let t = (0.0 - x0.ln()) / (x1.ln() - x0.ln());
    (s0.ln() + t * (s1.ln() - s0.ln())).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Summary;
    use gpuwise_model::{Dtype, Extras, Operation};

    fn measured(n: u64, backend: Backend, seconds: f64, copies: f64) -> Measurement {
        let op = Operation::parse("matmul", &[n, n, n], &Extras::default()).unwrap();
        let timing = Summary { median: seconds, min: seconds, max: seconds, spread: 0.0, repeats: 3 };
        let mut m = Measurement::of(&op, Dtype::F32, backend, timing);
        if backend == Backend::Cuda {
            m.h2d_seconds = Some(copies / 2.0);
            m.d2h_seconds = Some(copies / 2.0);
        }
        m
    }

    fn report(results: Vec<Measurement>) -> BenchReport {
        BenchReport { gpu_skipped: None, results, ..BenchReport::new("quick", "test cpu".into(), 2) }
    }

    #[test]
    fn speedup_counts_copies_and_break_even_interpolates() {
        // n=100: CPU 1 s, GPU 1 + 3 s (speedup 0.25); n=1000: CPU 16 s, GPU 1 + 3 (4x).
        let r = report(vec![
            measured(100, Backend::Cpu, 1.0, 0.0),
            measured(100, Backend::Cuda, 1.0, 3.0),
            measured(1000, Backend::Cpu, 16.0, 0.0),
            measured(1000, Backend::Cuda, 1.0, 3.0),
        ]);
        let rows = rows(&r);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].speedup(), Some(0.25));
        let be = break_even(&r);
        assert_eq!(be.len(), 1);
        // Halfway in log speedup (0.25 -> 4) is halfway in log size: sqrt(100 * 1000).
        assert!((be[0].size.unwrap() / (100.0f64 * 1000.0).sqrt() - 1.0).abs() < 1e-9);
        assert!(!be[0].below_smallest);
    }

    #[test]
    fn never_and_always() {
        let never = report(vec![measured(100, Backend::Cpu, 1.0, 0.0), measured(100, Backend::Cuda, 2.0, 0.0)]);
        assert_eq!(break_even(&never)[0].size, None);
        let always = report(vec![measured(100, Backend::Cpu, 3.0, 0.0), measured(100, Backend::Cuda, 1.0, 0.0)]);
        assert!(break_even(&always)[0].below_smallest);
        let cpu_only = report(vec![measured(100, Backend::Cpu, 1.0, 0.0)]);
        assert!(break_even(&cpu_only).is_empty() && rows(&cpu_only)[0].speedup().is_none());
    }
}
