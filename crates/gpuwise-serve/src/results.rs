//! The calculator's answer: the verdict, the rule of thumb's four rows on the cost model
//! (GPU and CPU computation, GPU total with transfers, CPU total), what bounds the GPU, memory
//! fit, the break-even size, the chart, other GPUs side by side, the rule of thumb when asked,
//! and the same estimate on the command line.

use std::path::Path;

use gpuwise_core::Variables;
use gpuwise_model::{Estimate, InputError, ModelError};
use gpuwise_render::{fmt_seconds, fmt_speedup};
use gpuwise_service::estimate::{self, EstimateError, EstimateSettings, Estimated, Part};
use maud::{Markup, PreEscaped, html};

use crate::form::{self, Calculator};
use crate::query::Query;

/// What the calculator computed for one request.
pub(crate) struct Answer {
    /// The estimate, or the message naming what is wrong.
    pub(crate) result: Result<Estimated, Failure>,
    /// The GPUs to compare, each with its estimate or why there is none.
    pub(crate) compared: Vec<(String, Result<Estimate, String>)>,
    /// Warnings (a default profile that cannot be read).
    pub(crate) warnings: Vec<String>,
}

/// Why there is no estimate, worded for the page.
pub(crate) struct Failure {
    /// The input at fault, when one is.
    pub(crate) input: Option<gpuwise_model::Input>,
    /// The message.
    pub(crate) message: String,
}

impl Failure {
    fn of_input(err: &InputError) -> Failure {
        Failure { input: Some(err.input), message: err.describe(form::label) }
    }

    fn of_estimate(err: &EstimateError) -> Failure {
        let input = match err {
            EstimateError::Model(ModelError::Input(input)) => Some(input.input),
            EstimateError::Model(ModelError::TooLarge(too_large)) => Some(too_large.input),
            EstimateError::NoVisibleGpu | EstimateError::Model(ModelError::NotInTable(_)) => {
                Some(gpuwise_model::Input::Gpu)
            }
            EstimateError::Model(ModelError::CpuFrequencyUnknown) => Some(gpuwise_model::Input::Cpu),
            _ => None,
        };
        Failure { input, message: err.describe(form::label) }
    }
}

/// Computes what `calculator` asks, or keeps the input error.
pub(crate) fn answer(calculator: Result<Calculator, InputError>, vars: &Variables) -> Answer {
    let calculator = match calculator {
        Ok(calculator) => calculator,
        Err(err) => return Answer { result: Err(Failure::of_input(&err)), compared: Vec::new(), warnings: Vec::new() },
    };
    let mut warnings = Vec::new();
    let result = estimate::estimate(&calculator.settings, vars, &mut |w| warnings.push(w));
    let result = result.map_err(|err| Failure::of_estimate(&err));
    let compared = match &result {
        Ok(_) => {
            calculator.compare.iter().map(|name| (name.clone(), compare(&calculator.settings, name, vars))).collect()
        }
        Err(_) => Vec::new(),
    };
    Answer { result, compared, warnings }
}

/// The estimate with the GPU `name` instead.
fn compare(settings: &EstimateSettings, name: &str, vars: &Variables) -> Result<Estimate, String> {
    let settings = EstimateSettings { gpu: Part::Named(name.to_string()), seed: None, ..settings.clone() };
    estimate::estimate(&settings, vars, &mut |_| {}).map(|e| e.estimate).map_err(|err| err.describe(form::label))
}

/// The answer as the page's results section; `query` is what the page was asked (for the
/// command line and JSON links), `system` the recorded system the server describes, if any.
pub(crate) fn section(answer: &Answer, query: &Query, system: Option<&Path>) -> Markup {
    html! {
        section #results aria-live="polite" aria-labelledby="results-h" {
            h2 #results-h .visually-hidden { "The answer" }
            @for warning in &answer.warnings { p.warn role="status" { "⚠ " (warning) } }
            @match &answer.result {
                Err(failure) => p #error .bad role="alert" data-input=[failure.input.map(|i| i.name())] { (failure.message) },
                Ok(estimated) => (estimate(estimated, &answer.compared, query, system)),
            }
        }
    }
}

fn estimate(
    estimated: &Estimated,
    compared: &[(String, Result<Estimate, String>)],
    query: &Query,
    system: Option<&Path>,
) -> Markup {
    let e = &estimated.estimate;
    let good = e.speedup >= 1.0;
    let repeats = if e.scenario.repeats > 1 { format!(", {} calls", e.scenario.repeats) } else { String::new() };
    let svg = gpuwise_render::svg(e);
    html! {
        p #verdict .verdict.(if good { "good" } else { "bad" }) {
            (if good { "✓ " } else { "✗ " }) (gpuwise_render::verdict(e)) " — " (gpuwise_render::band_text(e))
        }
        p.work {
            (e.op) " " (gpuwise_render::shape_text(&e.shape)) " " (e.dtype) ", " (format!("{:.3e}", e.flops)) " FLOP"
            (repeats) ": " strong { (e.gpu.display) } " vs " strong { (e.cpu.display) }
        }
        table #times {
            caption { "Time" }
            thead { tr { th scope="col" { "" } th scope="col" { "time" } th scope="col" { "" } } }
            tbody {
                tr { th scope="row" { "GPU computation" } td data-seconds=(e.gpu.compute_seconds) { (fmt_seconds(e.gpu.compute_seconds)) } td {} }
                tr { th scope="row" { "CPU computation" } td data-seconds=(e.cpu.seconds) { (fmt_seconds(e.cpu.seconds)) } td {} }
                tr { th scope="row" { "GPU total, with transfers" } td data-seconds=(e.gpu.total_seconds) { (fmt_seconds(e.gpu.total_seconds)) }
                    td { (gpuwise_render::transfer_text(e)) } }
                tr { th scope="row" { "CPU total" } td data-seconds=(e.cpu.seconds) { (fmt_seconds(e.cpu.seconds)) } td {} }
            }
        }
        dl.facts {
            dt { "Speedup" } dd #speedup data-speedup=(e.speedup) { (fmt_speedup(e.speedup)) }
            dt { "Bound" } dd { (gpuwise_render::bound_text(e)) }
            dt { "Memory" } dd { (gpuwise_render::memory_text(e)) }
            dt { "Break-even" } dd #break-even { (gpuwise_render::break_even_text(e)) }
        }
        figure.chart {
            @match &svg {
                Ok(svg) => div role="img" aria-label=(chart_label(e)) { (PreEscaped(svg)) },
                Err(err) => p.warn { "No chart: " (err) },
            }
            figcaption { "Time per call against size, your size and the break-even marked." }
        }
        @if !compared.is_empty() { (comparison(e, compared)) }
        @if let Some(seed) = &estimated.seed { (rule_of_thumb(seed, e)) }
        details.assumptions {
            summary { "What the estimate assumes" }
            ul { @for note in &e.assumptions { li { (note) } } }
        }
        p.same {
            "Same on the command line: " code #command { (command_line(query, system)) }
            " · " a href=(format!("api/estimate?{}", api_query(query))) { "JSON" }
        }
    }
}

/// What the chart shows, for screen readers.
fn chart_label(e: &Estimate) -> String {
    format!(
        "Chart of GPU and CPU time per call against {}; {}. Break-even: {}.",
        e.op.size_label(),
        gpuwise_render::verdict(e),
        gpuwise_render::break_even_text(e)
    )
}

/// The estimate on each GPU asked for, this one first.
fn comparison(e: &Estimate, compared: &[(String, Result<Estimate, String>)]) -> Markup {
    let rows =
        std::iter::once((e.gpu.name.clone(), Ok(e))).chain(compared.iter().map(|(n, r)| (n.clone(), r.as_ref())));
    html! {
        table #compare {
            caption { "GPUs side by side" }
            thead { tr {
                th scope="col" { "GPU" } th scope="col" { "GPU total" } th scope="col" { "speedup" }
                th scope="col" { "bound" } th scope="col" { "fits in memory" } th scope="col" { "break-even" }
            } }
            tbody {
                @for (name, row) in rows {
                    @match row {
                        Ok(g) => tr data-gpu=(name) {
                            th scope="row" { (g.gpu.display) }
                            td data-seconds=(g.gpu.total_seconds) { (fmt_seconds(g.gpu.total_seconds)) }
                            td data-speedup=(g.speedup) { (gpuwise_render::verdict(g)) }
                            td { (bound_word(g)) }
                            td { (if g.fits_in_memory { "yes" } else { "no: in batches" }) }
                            td { (break_even_short(g)) }
                        },
                        Err(message) => tr data-gpu=(name) { th scope="row" { (name) } td colspan="5" { (message) } },
                    }
                }
            }
        }
    }
}

fn bound_word(e: &Estimate) -> &'static str {
    match e.bound {
        gpuwise_model::Bound::Compute => "compute",
        gpuwise_model::Bound::Memory => "memory",
        gpuwise_model::Bound::Transfer => "transfer",
        gpuwise_model::Bound::Launch => "launch",
    }
}

fn break_even_short(e: &Estimate) -> String {
    match &e.break_even {
        Some(b) if b.always => "every size".to_string(),
        Some(b) => gpuwise_render::shape_text(&b.shape),
        None => "none".to_string(),
    }
}

/// The rule of thumb's answer beside the model's, and why they differ.
fn rule_of_thumb(seed: &gpuwise_model::SeedComparison, e: &Estimate) -> Markup {
    html! {
        table #rule-of-thumb {
            caption { "The core-count rule of thumb beside the cost model" }
            thead { tr { th scope="col" { "" } th scope="col" { "rule of thumb" } th scope="col" { "cost model" } } }
            tbody { @for (i, [what, seed_value, model]) in gpuwise_render::seed_rows(seed, e).into_iter().enumerate() {
                @let (key, seed_raw, model_raw) = raw_seed_row(seed, e, i);
                tr { th scope="row" { (what) }
                    td data-seed=(key) data-value=(seed_raw) { (seed_value) }
                    td data-model=(key) data-value=(model_raw) { (model) } }
            } }
        }
        p.note { (gpuwise_render::seed_inputs_text(seed)) }
        p { "Why they differ:" }
        ul { @for why in &seed.why { li { (why) } } }
    }
}

/// Row `i` of [`gpuwise_render::seed_rows`] as numbers: what it measures (`seconds` or
/// `speedup`), the rule of thumb's value and the model's.
fn raw_seed_row(seed: &gpuwise_model::SeedComparison, e: &Estimate, i: usize) -> (&'static str, f64, f64) {
    let a = &seed.answer;
    match i {
        0 => ("seconds", a.gpu_ms / 1e3, e.gpu.compute_seconds),
        1 => ("seconds", a.cpu_ms / 1e3, e.cpu.seconds),
        2 => ("seconds", a.transfer_ms / 1e3, e.gpu.transfer_seconds),
        3 => ("seconds", a.total_gpu_ms / 1e3, e.gpu.total_seconds),
        _ => ("speedup", a.speedup, e.speedup),
    }
}

/// The keys `gpuwise estimate` takes, in the order its help lists them.
const OPTIONS: [&str; 25] = [
    "op",
    "shape",
    "dtype",
    "gpu",
    "cpu",
    "resident",
    "pageable",
    "repeats",
    "batch",
    "stride",
    "padding",
    "real",
    "inputs",
    "flops_per_element",
    "activation",
    "flops",
    "bytes_in",
    "bytes_out",
    "rule_of_thumb",
    "size",
    "gpu_cores",
    "cpu_factor",
    "bandwidth",
    "overhead_ms",
    "compare",
];

/// The rule of thumb's inputs.
const SEED_INPUTS: [&str; 5] = ["size", "gpu_cores", "cpu_factor", "bandwidth", "overhead_ms"];

/// Flags (given without a value on the command line).
const FLAGS: [&str; 4] = ["resident", "pageable", "real", "rule_of_thumb"];

/// The same estimate as a `gpuwise estimate` command; with `--system FILE` when the server
/// describes a recorded system and the GPU or CPU is this machine's.
pub(crate) fn command_line(query: &Query, system: Option<&Path>) -> String {
    let mut words = vec!["gpuwise".to_string(), "estimate".to_string()];
    // The rule of thumb's own inputs count only when it is asked for (the command line refuses
    // them otherwise).
    let seed = query.flag("rule_of_thumb");
    let wanted = |key: &&&str| **key != "compare" && (seed || !SEED_INPUTS.contains(*key));
    for key in OPTIONS.iter().filter(wanted) {
        let option = format!("--{}", key.replace('_', "-"));
        if FLAGS.contains(key) {
            if query.flag(key) {
                words.push(option);
            }
            continue;
        }
        let values: Vec<&str> = query.all(key).into_iter().map(str::trim).filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            continue;
        }
        let value = if *key == "shape" { values.join(",") } else { values[values.len() - 1].to_string() };
        // The page's form sends every field; the command shows only what differs from leaving
        // the option out.
        if form::is_default(key, &value) {
            continue;
        }
        words.push(option);
        words.push(shell_word(&value));
    }
    let auto = |key| query.get(key).is_none_or(|v| v.trim().eq_ignore_ascii_case("auto"));
    if let Some(path) = system.filter(|_| auto("gpu") || auto("cpu")) {
        words.push("--system".to_string());
        words.push(shell_word(&path.display().to_string()));
    }
    words.join(" ")
}

/// `value` as a shell word: as it is when every character is safe in a shell (sizes such as
/// `4096,4096,4096` stay readable), quoted otherwise.
fn shell_word(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || ",._-+:/=@%".contains(c);
    if value.chars().all(safe) {
        return value.to_string();
    }
    shlex::try_quote(value).map_or_else(|_| format!("'{}'", value.replace('\'', "")), |q| q.into_owned())
}

/// The query for `/api/estimate`: the estimate's keys only.
fn api_query(query: &Query) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for key in OPTIONS.iter().filter(|k| **k != "compare") {
        for value in query.all(key).into_iter().filter(|v| !v.trim().is_empty()) {
            out.append_pair(key, value);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_repeats_the_pages_inputs() {
        let query = Query::parse(
            "op=matmul&shape=4096&shape=4096&shape=2048&dtype=bf16&resident=on&gpu=h100-sxm&compare=a100-sxm4&cpu=&real=",
        );
        assert_eq!(
            command_line(&query, None),
            "gpuwise estimate --op matmul --shape 4096,4096,2048 --dtype bf16 --gpu h100-sxm --resident"
        );
        let defaults = Query::parse("op=fft&shape=1Mi&dtype=f32&gpu=auto&cpu=auto&repeats=1&batch=1&size=1e6");
        let system = Path::new("/tmp/node 7.json");
        assert_eq!(
            command_line(&defaults, Some(system)),
            "gpuwise estimate --op fft --shape 1Mi --system '/tmp/node 7.json'"
        );
        assert_eq!(api_query(&query), "op=matmul&shape=4096&shape=4096&shape=2048&dtype=bf16&gpu=h100-sxm&resident=on");
        let odd = Query::parse("op=custom&flops=1e12 0");
        assert!(command_line(&odd, None).ends_with("--flops '1e12 0'"), "{}", command_line(&odd, None));
    }
}
