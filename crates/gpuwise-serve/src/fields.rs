//! The calculator's form: a tab per operation (plain links, so switching works without
//! JavaScript), the operation's own size fields with their meaning and unit, its options, the
//! data, the hardware, GPUs to compare and the rule of thumb.

use gpuwise_model::{Input, OpName};
use maud::{Markup, html};

use crate::query::Query;

/// One size of an operation's shape, in `--shape` order.
struct Dim {
    /// The field's label.
    label: &'static str,
    /// What it measures.
    help: &'static str,
    /// The value a new page starts with; empty leaves the field blank (optional).
    default: &'static str,
}

/// The sizes `op` takes, in the order `--shape` lists them.
fn dims(op: OpName) -> &'static [Dim] {
    match op {
        OpName::Matmul => &[
            Dim { label: "M", help: "rows of A and of the product", default: "4096" },
            Dim { label: "N", help: "columns of B and of the product", default: "4096" },
            Dim { label: "K", help: "columns of A, rows of B", default: "4096" },
        ],
        OpName::Dense => &[
            Dim { label: "Batch", help: "rows per call", default: "1024" },
            Dim { label: "In", help: "input features", default: "4096" },
            Dim { label: "Out", help: "output features", default: "4096" },
        ],
        OpName::Conv2d => &[
            Dim { label: "N", help: "images per call", default: "32" },
            Dim { label: "C", help: "input channels", default: "64" },
            Dim { label: "H", help: "image height, pixels", default: "56" },
            Dim { label: "W", help: "image width, pixels", default: "56" },
            Dim { label: "K", help: "filters (output channels)", default: "64" },
            Dim { label: "R", help: "filter height", default: "3" },
            Dim { label: "S", help: "filter width", default: "3" },
        ],
        OpName::Fft => &[
            Dim { label: "NX", help: "points per transform", default: "1048576" },
            Dim { label: "NY", help: "second dimension (blank for 1-D)", default: "" },
        ],
        OpName::Elementwise | OpName::Reduction => {
            &[Dim { label: "Elements", help: "elements per array", default: "100000000" }]
        }
        OpName::Custom => &[],
    }
}

/// The options `op` takes beyond its sizes, with the values a new page starts with.
fn option_defaults(op: OpName) -> &'static [(&'static str, &'static str)] {
    match op {
        OpName::Conv2d => &[("padding", "1")],
        OpName::Custom => &[("flops", "1e12"), ("bytes_in", "1e9"), ("bytes_out", "1e9")],
        _ => &[],
    }
}

/// `query` with what a new page starts with where the user gave nothing: matmul, and the
/// operation's example sizes when none of them is given.
pub(crate) fn with_defaults(query: &Query) -> Query {
    let mut text = query.encode();
    let op = query.get("op").and_then(|name| OpName::from_name(name).ok());
    if query.get("op").is_none() {
        text = join(&text, "op=matmul");
    }
    let op = op.unwrap_or(OpName::Matmul);
    let given = |key: &str| !query.all(key).is_empty();
    if !given("shape") {
        for dim in dims(op).iter().filter(|d| !d.default.is_empty()) {
            text = join(&text, &format!("shape={}", dim.default));
        }
    }
    if option_defaults(op).iter().all(|(key, _)| !given(key)) {
        for (key, value) in option_defaults(op) {
            text = join(&text, &format!("{key}={value}"));
        }
    }
    Query::parse(&text)
}

fn join(text: &str, pair: &str) -> String {
    if text.is_empty() { pair.to_string() } else { format!("{text}&{pair}") }
}

/// The form, filled from `query` (the user's text as typed, right or wrong); `invalid` is the
/// input a message is about, marked for screen readers.
pub(crate) fn form(query: &Query, op: OpName, invalid: Option<Input>) -> Markup {
    let bad = |input: Input| invalid == Some(input);
    html! {
        form #calculator method="get" action="" {
            nav.ops aria-label="Operation" {
                @for each in OpName::ALL {
                    a href=(switch_link(query, each)) aria-current=[(each == op).then_some("page")] { (each.name()) }
                }
            }
            input type="hidden" name="op" value=(op.name());
            @if !dims(op).is_empty() {
                fieldset.sizes {
                    legend { "Sizes of " (op.name()) " (elements; also 1e6, 4Ki, 4096x4096)" }
                    @let given = shape_values(query, dims(op).len());
                    @for (i, d) in dims(op).iter().enumerate() {
                        @let id = format!("shape-{i}");
                        div.field {
                            label for=(id) { (d.label) }
                            span.help id=(format!("help-{id}")) { (d.help) }
                            input #(id) name="shape" value=(given.get(i).map(String::as_str).unwrap_or_default())
                                inputmode="numeric" autocomplete="off" aria-invalid=[bad(Input::Shape).then_some("true")]
                                aria-describedby=[described(&id, d.help, bad(Input::Shape))];
                        }
                    }
                }
            }
            (options(query, op, &bad))
            fieldset {
                legend { "Data" }
                (select(query, "dtype", "Number format", &DTYPES, "f32", bad(Input::Dtype)))
                (text(query, "repeats", "Repeats", "calls on the same data: copies once, computes every time", "1", bad(Input::Repeats)))
                (check(query, "resident", "Data already on the GPU (no copies)"))
                (check(query, "pageable", "Host buffers are pageable (not pinned)"))
            }
            fieldset {
                legend { "Hardware" }
                (hardware(query, "gpu", "GPU", &gpu_choices(), bad(Input::Gpu)))
                (hardware(query, "cpu", "CPU", &cpu_choices(), bad(Input::Cpu)))
                (profile_note())
            }
            details open[!query.all("compare").is_empty()] {
                summary { "Compare GPUs side by side" }
                div.choices {
                    @for gpu in gpuwise_model::gpus() {
                        label.check {
                            input type="checkbox" name="compare" value=(gpu.name)
                                checked[query.all("compare").contains(&gpu.name.as_str())];
                            (gpu.display)
                        }
                    }
                }
            }
            details open[query.flag("rule_of_thumb")] {
                summary { "What the core-count rule of thumb says" }
                (check(query, "rule_of_thumb", "Show the rule of thumb online calculators use, beside the model"))
                (text(query, "size", "Data size", "elements (default: the operation's input elements)", "", bad(Input::Size)))
                (text(query, "gpu_cores", "GPU cores", "default: the GPU's multiprocessors x 64", "", bad(Input::GpuCores)))
                (text(query, "cpu_factor", "CPU factor", "1.0 = an average CPU", "1", bad(Input::CpuFactor)))
                (text(query, "bandwidth", "Bandwidth", "GPU memory, GB/s (default: the GPU's)", "", bad(Input::Bandwidth)))
                (text(query, "overhead_ms", "Transfer overhead", "ms (default: the model's transfer time)", "", bad(Input::OverheadMs)))
            }
            p { button type="submit" { "Estimate" } }
        }
    }
}

/// The options of `op` beyond its sizes.
fn options(query: &Query, op: OpName, bad: &dyn Fn(Input) -> bool) -> Markup {
    html! {
        @match op {
            OpName::Matmul => fieldset { legend { "Options" }
                (text(query, "batch", "Batch", "products per call", "1", bad(Input::Batch))) }
            OpName::Dense => fieldset { legend { "Options" }
                (select(query, "activation", "Activation", &["relu", "gelu", "silu", "sigmoid", "tanh", "none"], "relu", bad(Input::Activation))) }
            OpName::Conv2d => fieldset { legend { "Options" }
                (text(query, "stride", "Stride", "pixels", "1", bad(Input::Stride)))
                (text(query, "padding", "Padding", "zero pixels on each side", "0", bad(Input::Padding))) }
            OpName::Fft => fieldset { legend { "Options" }
                (text(query, "batch", "Batch", "transforms per call", "1", bad(Input::Batch)))
                (check(query, "real", "Real input (real-to-complex)")) }
            OpName::Elementwise => fieldset { legend { "Options" }
                (text(query, "inputs", "Input arrays", "1 (unary) or 2 (binary)", "2", bad(Input::Inputs)))
                (text(query, "flops_per_element", "FLOPs per element", "operations per output element, one pass over memory each", "1", bad(Input::FlopsPerElement))) }
            OpName::Reduction => {}
            OpName::Custom => fieldset { legend { "The work of one call" }
                (text(query, "flops", "FLOPs per call", "floating-point operations", "", bad(Input::Flops)))
                (text(query, "bytes_in", "Bytes in", "read, and copied to the GPU", "", bad(Input::BytesIn)))
                (text(query, "bytes_out", "Bytes out", "written, and copied back", "", bad(Input::BytesOut))) }
        }
    }
}

/// The dtypes the page offers, as `--dtype` names them.
const DTYPES: [&str; 6] = ["f64", "f32", "tf32", "bf16", "f16", "fp8"];

/// A link to `op` keeping the inputs every operation shares.
fn switch_link(query: &Query, op: OpName) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.append_pair("op", op.name());
    for key in ["dtype", "gpu", "cpu", "repeats", "resident", "pageable", "compare", "rule_of_thumb"] {
        for value in query.all(key).into_iter().filter(|v| !v.trim().is_empty()) {
            out.append_pair(key, value);
        }
    }
    format!("?{}", out.finish())
}

/// A labelled text field `key`, showing what the user typed.
fn text(query: &Query, key: &str, label: &str, help: &str, placeholder: &str, invalid: bool) -> Markup {
    html! {
        div.field {
            label for=(key) { (label) }
            span.help id=(format!("help-{key}")) { (help) }
            input #(key) name=(key) value=(query.get(key).unwrap_or_default()) placeholder=(placeholder) autocomplete="off"
                aria-invalid=[invalid.then_some("true")] aria-describedby=[described(key, help, invalid)];
        }
    }
}

/// What describes the control `id`: its help, and the message while one is about it.
fn described(id: &str, help: &str, invalid: bool) -> Option<String> {
    let help = (!help.is_empty()).then(|| format!("help-{id}"));
    let ids: Vec<String> = help.into_iter().chain(invalid.then(|| "error".to_string())).collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The size fields' values: each `shape` value, or the parts of a single one written whole
/// (`4096,4096,4096`, as shared links and the command line write it) when it has several.
fn shape_values(query: &Query, fields: usize) -> Vec<String> {
    let given = query.all("shape");
    if let [whole] = given.as_slice() {
        let parts: Vec<String> = gpuwise_model::split_sizes(whole).into_iter().map(str::to_string).collect();
        if (2..=fields).contains(&parts.len()) {
            return parts;
        }
    }
    given.into_iter().map(str::to_string).collect()
}

/// A checkbox `key`.
fn check(query: &Query, key: &str, label: &str) -> Markup {
    html! { label.check { input type="checkbox" name=(key) checked[query.flag(key)]; (label) } }
}

/// A choice among `choices` for `key`.
fn select(query: &Query, key: &str, label: &str, choices: &[&str], default: &str, invalid: bool) -> Markup {
    let chosen = query.get(key).unwrap_or(default).to_ascii_lowercase();
    html! {
        div.field {
            label for=(key) { (label) }
            select #(key) name=(key) aria-invalid=[invalid.then_some("true")] aria-describedby=[invalid.then_some("error")] {
                @for choice in choices { option value=(choice) selected[chosen == *choice] { (choice) } }
                @if !choices.contains(&chosen.as_str()) { option value=(chosen) selected { (chosen) } }
            }
        }
    }
}

/// A choice of GPU or CPU: this machine, or a row of the built-in table (id and name).
fn hardware(query: &Query, key: &str, label: &str, choices: &[(String, String)], invalid: bool) -> Markup {
    let chosen = query.get(key).unwrap_or("auto").trim().to_string();
    let known = chosen == "auto" || choices.iter().any(|(id, _)| id.eq_ignore_ascii_case(&chosen));
    html! {
        div.field {
            label for=(key) { (label) }
            select #(key) name=(key) aria-invalid=[invalid.then_some("true")] aria-describedby=[invalid.then_some("error")] {
                option value="auto" selected[chosen == "auto"] { "This machine's" }
                @for (id, name) in choices { option value=(id) selected[id.eq_ignore_ascii_case(&chosen)] { (name) } }
                @if !known { option value=(chosen) selected { (chosen) } }
            }
        }
    }
}

/// Whether "this machine's" GPU and CPU use a measured profile, and how to make one.
fn profile_note() -> Markup {
    match gpuwise_model::MachineProfile::default_path().filter(|path| path.exists()) {
        Some(path) => html! {
            p.note { "Calibrated here: \"This machine's\" uses the times measured in " code { (path.display()) } "." }
        },
        None => html! {
            p.note { "Not calibrated: " code { "gpuwise bench --calibrate" } " measures this machine, and \"This machine's\" then uses its times." }
        },
    }
}

fn gpu_choices() -> Vec<(String, String)> {
    gpuwise_model::gpus().iter().map(|g| (g.name.clone(), g.display.clone())).collect()
}

fn cpu_choices() -> Vec<(String, String)> {
    gpuwise_model::cpus().iter().map(|c| (c.name.clone(), c.display.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_page_starts_from_each_operations_example_and_keeps_what_was_given() {
        assert_eq!(with_defaults(&Query::default()).encode(), "op=matmul&shape=4096&shape=4096&shape=4096");
        assert_eq!(with_defaults(&Query::parse("op=fft")).encode(), "op=fft&shape=1048576");
        assert_eq!(
            with_defaults(&Query::parse("op=custom")).encode(),
            "op=custom&flops=1e12&bytes_in=1e9&bytes_out=1e9"
        );
        let given = Query::parse("op=conv2d&shape=1,2,3,4,5,1,1&padding=0");
        assert_eq!(with_defaults(&given), given, "what the user gave stays as it is");
    }

    #[test]
    fn every_dimension_list_matches_the_shape_the_model_takes() {
        for op in OpName::ALL {
            let shape: Vec<u64> =
                dims(op).iter().filter(|d| !d.default.is_empty()).map(|d| d.default.parse().unwrap()).collect();
            let mut extras = gpuwise_model::Extras::default();
            if op == OpName::Custom {
                extras.custom = Some((1e12, 1_000_000_000, 1_000_000_000));
            }
            gpuwise_model::Operation::new(op, &shape, &extras).unwrap_or_else(|e| panic!("{op}: {e}"));
        }
    }
}
