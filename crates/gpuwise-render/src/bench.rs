//! Views of a bench run: per operation and dtype a table of sizes (CPU, GPU compute, copies,
//! GPU total, speedup, achieved rate and share of peak, the estimate beside each measurement),
//! the measured break-even, the machine's copy and launch figures, failures; JSON. Its chart is
//! in bench_chart.rs.

use std::fmt::Write as _;

use comfy_table::Table;
use comfy_table::presets::NOTHING;
use gpuwise_bench_results::calibrate::CalibrationError;
use gpuwise_bench_results::comparison::{self, Row};
use gpuwise_bench_results::report::{Backend, BenchReport, Element, Measured, Measurement, Variant};

use crate::bench_notes::{bench_interference_warning, load_line, slowed_note};
use crate::estimate::{bold, fmt_rate, fmt_seconds, fmt_speedup, shape_text};

/// The run for a person at a terminal.
pub fn bench_terminal(report: &BenchReport, calibration: Option<&CalibrationError>) -> String {
    let mut out = String::new();
    let gpu = match (&report.gpu, &report.gpu_skipped) {
        (Some(g), _) => format!("{} ({})", g.name, g.uuid),
        (None, Some(why)) => format!("skipped: {why}"),
        (None, None) => "none".into(),
    };
    let _ = writeln!(out, "{}", bold(&format!("gpuwise bench ({})", report.mode)));
    let _ = writeln!(out, "  CPU: {}, {} threads", report.cpu, report.cpu_threads);
    let _ = writeln!(out, "  CPU matrix products: {}", report.cpu_gemm);
    for skipped in &report.cpu_gemm_skipped {
        let _ = writeln!(out, "    passed over {skipped}");
    }
    let _ = writeln!(out, "  GPU: {gpu}");
    if let Some(interference) = &report.interference {
        let _ = writeln!(out, "  {}", load_line(interference));
    }
    let _ = writeln!(out);
    if let Some(warning) = bench_interference_warning(report) {
        let _ = writeln!(out, "{}\n", paint_yellow(&format!("⚠ {warning}")));
    }
    let rows = comparison::rows(report);
    let series = unique(rows.iter().map(|r| (r.cpu.op, r.cpu.dtype)));
    for (op, dtype) in series {
        let these: Vec<&Row<'_>> = rows.iter().filter(|r| r.cpu.op == op && r.cpu.dtype == dtype).collect();
        write_series(&mut out, report, op, dtype, &these);
    }
    write_machine(&mut out, report);
    if let Some(c) = calibration {
        let _ = writeln!(
            out,
            "{} {} curve points; leaving each out, the profile predicts it within {} (median), {} (worst)\n",
            bold("Calibration:"),
            c.points,
            c.leave_one_out_median.map_or("-".into(), percent),
            c.leave_one_out_max.map_or("-".into(), percent),
        );
    }
    for f in &report.failures {
        let _ = writeln!(
            out,
            "{} {} {} {} on the {}: {}",
            paint_red("✗ failed:"),
            f.op,
            shape_text(&f.shape),
            f.dtype,
            if f.backend == Backend::Cpu { "CPU" } else { "GPU" },
            f.message
        );
    }
    out
}

fn write_series(out: &mut String, report: &BenchReport, op: Measured, dtype: Element, rows: &[&Row<'_>]) {
    let computed = rows.first().and_then(|r| r.cpu.computed_in);
    let note = computed.map(|c| format!(" (CPU computes in {c})")).unwrap_or_default();
    let _ = writeln!(out, "{}", bold(&format!("{op} {dtype}{note}")));
    let gpu = rows.iter().any(|r| r.gpu.is_some());
    let mut table = Table::new();
    table.load_style(NOTHING);
    let mut header = vec!["size", "CPU", "CPU rate (% peak)", "est. CPU (err)"];
    if gpu {
        header.extend(["GPU compute", "copies", "GPU total", "speedup", "GPU rate (% peak)", "est. GPU (err)"]);
    }
    table.set_header(header);
    for row in rows {
        let flag = if row.cpu.slowed_by_others().is_some() { " ⚠" } else { "" };
        let cpu_predicted = format!("{}{flag}", predicted(row.cpu));
        let mut cells = vec![size_text(row.cpu), fmt_seconds(row.cpu.seconds), rate_text(row.cpu), cpu_predicted];
        if let Some(g) = row.gpu {
            cells.extend([
                fmt_seconds(g.seconds),
                row.transfer().map_or("-".into(), fmt_seconds),
                row.gpu_total().map_or("-".into(), fmt_seconds),
                row.speedup().map_or("-".into(), fmt_speedup),
                rate_text(g),
                predicted(g),
            ]);
        } else if gpu {
            cells.extend(std::iter::repeat_n("-".to_string(), 6));
        }
        table.add_row(cells);
    }
    let _ = writeln!(out, "{table}");
    for note in rows.iter().filter_map(|row| slowed_note(row.cpu)) {
        let _ = writeln!(out, "  {}", paint_yellow(&format!("⚠ {note}")));
    }
    for b in report.break_even.iter().filter(|b| b.op == op && b.dtype == dtype) {
        let batch = if b.batch > 1 { format!(" (batches of {})", b.batch) } else { String::new() };
        let text = match b.size {
            Some(_) if b.below_smallest => "the GPU (copies included) wins at every size measured".to_string(),
            Some(size) => format!("the GPU (copies included) starts to win at size ≈ {size:.0}"),
            None => "the CPU wins at every size measured".to_string(),
        };
        let _ = writeln!(out, "  break-even{batch}: {text}");
    }
    let _ = writeln!(out);
}

/// Copies and launch latency, one line each.
fn write_machine(out: &mut String, report: &BenchReport) {
    let machine: Vec<&Measurement> =
        report.results.iter().filter(|m| m.backend == Backend::Cuda && m.flops == 0.0).collect();
    if machine.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", bold("Copies and launches"));
    let mut table = Table::new();
    table.load_style(NOTHING);
    table.set_header(vec!["what", "size", "median", "bandwidth", "spread"]);
    for m in machine {
        let what = format!("{} {}", m.op, m.variant.map_or("", Variant::name));
        let size = m.shape.first().map_or("-".into(), |&b| gpuwise_core::format_bytes(b));
        let bandwidth = if m.bytes > 0.0 { format!("{:.2} GB/s", m.bandwidth_bytes_per_s / 1e9) } else { "-".into() };
        table.add_row(vec![what, size, fmt_seconds(m.seconds), bandwidth, percent(m.timing.spread)]);
    }
    let _ = writeln!(out, "{table}\n");
}

/// The distinct items, in the order they first appear.
fn unique<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

/// `1024x1024x1024`, `4096 x256` (a batch of transforms).
pub(crate) fn size_text(m: &Measurement) -> String {
    let shape = shape_text(&m.shape);
    if m.batch > 1 { format!("{shape} x{}", m.batch) } else { shape }
}

fn rate_text(m: &Measurement) -> String {
    let rate = if m.family.family().is_some_and(gpuwise_model::Family::sized_in_bytes) {
        format!("{:.1} GB/s", m.bandwidth_bytes_per_s / 1e9)
    } else {
        fmt_rate(m.rate_flops_per_s)
    };
    match m.peak_fraction {
        Some(f) => format!("{rate} ({:.0}%)", f * 100.0),
        None => rate,
    }
}

fn predicted(m: &Measurement) -> String {
    match (m.predicted_seconds, m.prediction_error()) {
        (Some(p), Some(e)) => format!("{} ({:+.0}%)", fmt_seconds(p), e * 100.0),
        _ => "-".into(),
    }
}

fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

fn paint_red(text: &str) -> String {
    let style = anstyle::AnsiColor::Red.on_default().bold();
    format!("{style}{text}{style:#}")
}

fn paint_yellow(text: &str) -> String {
    let style = anstyle::AnsiColor::Yellow.on_default().bold();
    format!("{style}{text}{style:#}")
}

/// The run as JSON: the report (`schema_version`, `results[]`, `failures[]`, `break_even[]`, ...)
/// and the calibration error when `--calibrate` ran.
pub fn bench_json(report: &BenchReport, calibration: Option<&CalibrationError>) -> String {
    let mut value = serde_json::to_value(report).unwrap_or_default();
    if let (Some(object), Some(c)) = (value.as_object_mut(), calibration) {
        object.insert("calibration_error".into(), serde_json::to_value(c).unwrap_or_default());
    }
    crate::json::pretty(&value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_bench_results::interference::Interference;
    use gpuwise_bench_results::sample::full_report as run;

    #[test]
    fn terminal_view_of_a_gpu_run() {
        let text = anstream::adapter::strip_str(&bench_terminal(&run(), None)).to_string();
        insta::assert_snapshot!(text);
    }

    /// The sample run with other processes on 60 of its 96 cores during its first CPU
    /// measurement, which took 17 times the estimate.
    fn disturbed_run() -> BenchReport {
        let mut report = run();
        let first = report.results.iter_mut().find(|m| m.backend == Backend::Cpu).unwrap();
        first.predicted_seconds = Some(first.seconds / 17.0);
        first.interference = Some(gpuwise_bench_results::sample::usage(0.1, 60.0));
        let (before, during) = report.interference.map(|i| (i.before, i.during)).unwrap();
        report.interference = Some(Interference::of(before, during, &report.results));
        report
    }

    #[test]
    fn a_disturbed_run_warns_and_flags_what_the_load_slowed() {
        let text = anstream::adapter::strip_str(&bench_terminal(&disturbed_run(), None)).to_string();
        insta::assert_snapshot!(text);
        let quiet = anstream::adapter::strip_str(&bench_terminal(&run(), None)).to_string();
        assert!(!quiet.contains('⚠'), "no warning on a quiet machine:\n{quiet}");
        assert_eq!(bench_interference_warning(&run()), None);
    }

    #[test]
    fn a_load_over_the_whole_run_is_said_once_for_the_run() {
        let mut report = run();
        let before = report.interference.unwrap().before;
        let during = gpuwise_bench_results::sample::usage(12.5, 80.0);
        report.interference = Some(Interference::of(before, during, &report.results));
        assert_eq!(
            bench_interference_warning(&report).unwrap(),
            "Other processes used 80.0 of 96 cores during the run (steal 0%): CPU times are likely slow; rerun on an idle machine."
        );
        // No result is far from its estimate: none is flagged.
        let text = bench_terminal(&report, None);
        assert_eq!(text.matches('⚠').count(), 1, "{text}");
    }
}
