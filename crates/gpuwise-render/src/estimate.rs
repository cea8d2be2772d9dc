//! Views of an estimate: the terminal (seed 004's four rows first), JSON, the GPU list, and the
//! seed formula beside the cost model.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use comfy_table::Table;
use comfy_table::presets::NOTHING;
use gpuwise_model::{Bound, Estimate, GpuProfile, SeedComparison};

pub use gpuwise_core::format_seconds as fmt_seconds;

/// `787 TFLOP/s`.
pub(crate) fn fmt_rate(flops: f64) -> String {
    let (value, unit) = match flops {
        f if f >= 1e15 => (f / 1e15, "PFLOP/s"),
        f if f >= 1e12 => (f / 1e12, "TFLOP/s"),
        f if f >= 1e9 => (f / 1e9, "GFLOP/s"),
        f => (f / 1e6, "MFLOP/s"),
    };
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$} {unit}")
}

/// A speedup to the precision the model has: `828x`, `41x`, `3.5x`, `0.35x`.
pub fn fmt_speedup(speedup: f64) -> String {
    if speedup >= 10.0 {
        format!("{speedup:.0}x")
    } else if speedup >= 1.0 {
        format!("{speedup:.1}x")
    } else {
        format!("{speedup:.2}x")
    }
}

/// The answer in words: `41x faster on the GPU` or `2.9x slower on the GPU`.
pub fn verdict(e: &Estimate) -> String {
    if e.speedup >= 1.0 {
        format!("{} faster on the GPU", fmt_speedup(e.speedup))
    } else {
        format!("{} slower on the GPU", fmt_speedup(1.0 / e.speedup))
    }
}

/// `8192x8192x8192`.
pub fn shape_text(shape: &[u64]) -> String {
    shape.iter().map(u64::to_string).collect::<Vec<_>>().join("x")
}

fn bytes(value: f64) -> String {
    gpuwise_core::format_bytes(value.max(0.0) as u64)
}

/// The estimate for a person at a terminal.
pub fn estimate_terminal(e: &Estimate, seed: Option<&SeedComparison>) -> String {
    let mut out = String::new();
    let good = e.speedup >= 1.0;
    let style = if good { AnsiColor::Green.on_default().bold() } else { AnsiColor::Red.on_default().bold() };
    let _ = writeln!(
        out,
        "{style}{}{style:#} {}",
        if good { "✓" } else { "✗" },
        bold(&format!("{} — {}", verdict(e), band_text(e)))
    );
    let repeats = if e.scenario.repeats > 1 { format!(", {} calls", e.scenario.repeats) } else { String::new() };
    let _ = writeln!(
        out,
        "  {} {} {}, {:.3e} FLOP{repeats}: {} vs {}\n",
        e.op,
        shape_text(&e.shape),
        e.dtype,
        e.flops,
        e.gpu.display,
        e.cpu.display
    );
    let mut table = Table::new();
    table.load_style(NOTHING);
    let efficiency =
        |rate: f64, peak: f64| format!("{} ({:.0}% of peak {})", fmt_rate(rate), rate / peak * 100.0, fmt_rate(peak));
    let gpu_rate = e.flops / e.gpu.call.seconds;
    let cpu_rate = e.flops / e.cpu.call.seconds;
    table.add_row(vec![
        "GPU computation".into(),
        fmt_seconds(e.gpu.compute_seconds),
        efficiency(gpu_rate, e.gpu.call.peak),
    ]);
    table.add_row(vec!["CPU computation".into(), fmt_seconds(e.cpu.seconds), efficiency(cpu_rate, e.cpu.call.peak)]);
    table.add_row(vec!["Total GPU (incl. transfer)".into(), fmt_seconds(e.gpu.total_seconds), transfer_text(e)]);
    table.add_row(vec!["Total CPU".into(), fmt_seconds(e.cpu.seconds), String::new()]);
    let _ = writeln!(out, "{table}\n");

    let mut facts = Table::new();
    facts.load_style(NOTHING);
    facts.add_row(vec!["Bound".to_string(), bound_text(e)]);
    facts.add_row(vec!["Memory".to_string(), memory_text(e)]);
    facts.add_row(vec!["Break-even".to_string(), break_even_text(e)]);
    let _ = writeln!(out, "{facts}");
    let _ = writeln!(out, "\n{}", dim("Assumes:"));
    for note in &e.assumptions {
        let _ = writeln!(out, "{}", dim(&format!("  - {note}")));
    }
    if let Some(seed) = seed {
        write_seed(&mut out, seed, e);
    }
    out
}

/// The copies in a call: `transfer 3.57 ms (to GPU 2.38 ms, back 1.19 ms)`, or none.
pub fn transfer_text(e: &Estimate) -> String {
    if e.scenario.resident {
        "no copies (--resident)".to_string()
    } else {
        format!(
            "transfer {} (to GPU {}, back {})",
            fmt_seconds(e.gpu.transfer_seconds),
            fmt_seconds(e.gpu.h2d_seconds),
            fmt_seconds(e.gpu.d2h_seconds)
        )
    }
}

/// What bounds the GPU's time, and what to do about it, in a sentence.
pub fn bound_text(e: &Estimate) -> String {
    match e.bound {
        Bound::Compute => "compute: arithmetic at the achievable rate decides the GPU's time".to_string(),
        Bound::Memory => "memory: device-memory bandwidth decides the GPU's time".to_string(),
        Bound::Transfer => "transfer: the copies take longer than the computation (keep data on the GPU: --resident, or amortise with --repeats)".to_string(),
        Bound::Launch => "launch: the work is too small to cover a kernel launch".to_string(),
    }
}

/// Whether the data fits in the GPU's memory, with the sizes.
pub fn memory_text(e: &Estimate) -> String {
    if e.fits_in_memory {
        format!(
            "needs {} of {} available: fits, {} headroom",
            bytes(e.memory.needed_bytes),
            bytes(e.memory.available_bytes),
            bytes(e.memory.headroom_bytes)
        )
    } else {
        format!(
            "needs {} but only {} is available: does not fit — split it into batches",
            bytes(e.memory.needed_bytes),
            bytes(e.memory.available_bytes)
        )
    }
}

/// The smallest size at which the GPU wins, in words.
pub fn break_even_text(e: &Estimate) -> String {
    match &e.break_even {
        Some(b) if b.always => "the GPU wins at every size".to_string(),
        Some(b) => format!("{} {} ({:.3e} FLOP): the GPU wins from there up", e.op, shape_text(&b.shape), b.flops),
        None => "none: the CPU wins at every size up to 10^12 times this one".to_string(),
    }
}

/// The headline after the verdict: the speedup's band, and batches when the data does not fit.
pub fn band_text(e: &Estimate) -> String {
    format!("{}{}", e.band.describe(), in_batches(e))
}

/// What the headline adds when the data does not fit in the GPU's memory.
fn in_batches(e: &Estimate) -> String {
    if e.fits_in_memory {
        return String::new();
    }
    format!(
        ", in batches: the data needs {} and the GPU has {}",
        bytes(e.memory.needed_bytes),
        bytes(e.memory.available_bytes)
    )
}

/// The rule of thumb's answer beside the cost model's, row by row: what, its value, the model's.
pub fn seed_rows(seed: &SeedComparison, e: &Estimate) -> [[String; 3]; 5] {
    let a = &seed.answer;
    let ms = |v: f64| fmt_seconds(v / 1e3);
    [
        ["GPU computation".into(), ms(a.gpu_ms), fmt_seconds(e.gpu.compute_seconds)],
        ["CPU computation".into(), ms(a.cpu_ms), fmt_seconds(e.cpu.seconds)],
        ["Data transfer".into(), ms(a.transfer_ms), fmt_seconds(e.gpu.transfer_seconds)],
        ["Total GPU".into(), ms(a.total_gpu_ms), fmt_seconds(e.gpu.total_seconds)],
        ["Speedup".into(), fmt_speedup(a.speedup), fmt_speedup(e.speedup)],
    ]
}

/// The inputs the rule of thumb was given, in a line.
pub fn seed_inputs_text(seed: &SeedComparison) -> String {
    let i = &seed.inputs;
    format!(
        "its inputs: size {:.3e}, {} GPU cores, CPU factor {}, {} GB/s, overhead {:.2} ms",
        i.size, i.gpu_cores, i.cpu_factor, i.bandwidth_gb_s, i.overhead_ms
    )
}

fn write_seed(out: &mut String, seed: &SeedComparison, e: &Estimate) {
    let _ = writeln!(out, "\n{}", bold("The core-count rule of thumb beside the cost model"));
    let mut table = Table::new();
    table.load_style(NOTHING);
    table.set_header(vec!["", "rule of thumb", "cost model"]);
    for row in seed_rows(seed, e) {
        table.add_row(row.to_vec());
    }
    let _ = writeln!(out, "{table}");
    let _ = writeln!(out, "{}", dim(&format!("  {}", seed_inputs_text(seed))));
    let _ = writeln!(out, "Why they differ:");
    for why in &seed.why {
        let _ = writeln!(out, "  - {why}");
    }
}

pub(crate) fn bold(text: &str) -> String {
    let style = Style::new().bold();
    format!("{style}{text}{style:#}")
}

fn dim(text: &str) -> String {
    let style = Style::new().dimmed();
    format!("{style}{text}{style:#}")
}

/// The estimate as JSON: the model's fields, `schema_version`, and the seed comparison when asked.
pub fn estimate_json(e: &Estimate, seed: Option<&SeedComparison>) -> String {
    let mut value = serde_json::to_value(e).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("schema_version".into(), 1.into());
        if let Some(cpu) = object.get_mut("cpu").and_then(|c| c.as_object_mut()) {
            cpu.insert("rate_flops_per_s".into(), (e.flops / e.cpu.call.seconds).into());
        }
        if let Some(gpu) = object.get_mut("gpu").and_then(|g| g.as_object_mut()) {
            gpu.insert("rate_flops_per_s".into(), (e.flops / e.gpu.call.seconds).into());
        }
        if let Some(seed) = seed {
            object.insert("seed_model".into(), serde_json::to_value(seed).unwrap_or_default());
        }
    }
    crate::json::pretty(&value)
}

/// The built-in GPUs with every figure and its source, as JSON.
pub fn gpu_list_json(gpus: &[GpuProfile]) -> String {
    crate::json::pretty(&serde_json::json!({ "schema_version": 1, "gpus": gpus }))
}

/// The built-in GPUs, one per line.
pub fn gpu_list(gpus: &[GpuProfile]) -> String {
    let mut table = Table::new();
    table.load_style(NOTHING);
    table.set_header(vec!["name", "GPU", "memory", "bandwidth", "FP32", "BF16", "FP8", "host link"]);
    let rate = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{:.1} TF", r / 1e12));
    for g in gpus {
        table.add_row(vec![
            g.name.clone(),
            g.display.clone(),
            gpuwise_core::format_bytes(g.memory_bytes),
            format!("{:.0} GB/s", g.memory_bandwidth_bytes_per_s / 1e9),
            rate(g.peak_flops.f32),
            rate(g.peak_flops.bf16),
            rate(g.peak_flops.fp8),
            format!("PCIe Gen{} x{}", g.host_link.pcie_gen, g.host_link.pcie_lanes),
        ]);
    }
    format!(
        "{table}\n\nUse a name with `gpuwise estimate --gpu NAME`; `gpuwise estimate --list-gpus --json` gives every figure with its source.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(fmt_seconds(0.001385), "1.39 ms");
        assert_eq!(fmt_seconds(12e-6), "12.0 us");
        assert_eq!(fmt_seconds(2.75), "2.75 s");
        assert_eq!(fmt_seconds(250.0), "250 s");
    }
}
