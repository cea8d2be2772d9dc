//! The calculator's inputs, read from a query string with the model's own parsers (those the
//! command line's options use), so the page accepts and refuses what `gpuwise estimate` does.
//! The keys are the command line's option names (`shape`, `dtype`, `repeats`,
//! `flops_per_element`, ...); `shape` may be given once (`4096,4096,4096`) or once per size.

use gpuwise_model::{Activation, Dtype, Extras, Input, InputError, OpName, Problem, Scenario};
use gpuwise_service::doctor::Machine;
use gpuwise_service::estimate::{EstimateSettings, Part, SeedSettings};

use crate::query::Query;

/// What the calculator was asked.
#[derive(Debug, Clone)]
pub(crate) struct Calculator {
    /// The estimate.
    pub(crate) settings: EstimateSettings,
    /// Other GPUs to put beside it (built-in table names).
    pub(crate) compare: Vec<String>,
}

/// The inputs `query` gives, with `machine` as "this machine"; `Err` names the first input the
/// model cannot use.
pub(crate) fn read(query: &Query, machine: Machine) -> Result<Calculator, InputError> {
    let op = match query.get("op") {
        Some(name) => OpName::from_name(name)?,
        None => {
            let expected = "one of matmul, dense, conv2d, fft, elementwise, reduction or custom";
            return Err(InputError::new(Input::Op, Problem::Expected { expected, got: "nothing".into() }));
        }
    };
    let defaults = Extras::default();
    let scenario = Scenario {
        resident: query.flag("resident"),
        pinned: !query.flag("pageable"),
        repeats: count(query, Input::Repeats)?.unwrap_or(Scenario::default().repeats),
    };
    let bytes_in = count(query, Input::BytesIn)?;
    let bytes_out = count(query, Input::BytesOut)?;
    let extras = Extras {
        batch: count(query, Input::Batch)?.unwrap_or(defaults.batch),
        stride: count(query, Input::Stride)?.unwrap_or(defaults.stride),
        padding: count(query, Input::Padding)?.unwrap_or(defaults.padding),
        real: query.flag("real"),
        inputs: count(query, Input::Inputs)?.unwrap_or(defaults.inputs),
        flops_per_element: number(query, Input::FlopsPerElement)?.unwrap_or(defaults.flops_per_element),
        activation: match query.get(Input::Activation.name()) {
            Some(name) => Activation::from_name(name)?,
            None => defaults.activation,
        },
        custom: match (number(query, Input::Flops)?, bytes_in, bytes_out) {
            (Some(flops), Some(bytes_in), Some(bytes_out)) => Some((flops, bytes_in, bytes_out)),
            _ => None,
        },
    };
    let seed = query.flag("rule_of_thumb").then_some(());
    let seed = match seed {
        Some(()) => Some(SeedSettings {
            size: number(query, Input::Size)?,
            gpu_cores: number(query, Input::GpuCores)?,
            cpu_factor: number(query, Input::CpuFactor)?.unwrap_or(1.0),
            bandwidth: number(query, Input::Bandwidth)?,
            overhead_ms: number(query, Input::OverheadMs)?,
        }),
        None => None,
    };
    let settings = EstimateSettings {
        op,
        shape: shape(query)?,
        dtype: query.get("dtype").unwrap_or("f32").parse::<Dtype>()?,
        gpu: Part::parse(query.get("gpu").unwrap_or("auto")),
        cpu: Part::parse(query.get("cpu").unwrap_or("auto")),
        machine,
        scenario,
        extras,
        // A profile is a file on the server: the page uses the default one, as `auto` does.
        profile: None,
        seed,
    };
    let compare = query.all("compare").into_iter().filter(|name| !name.trim().is_empty()).map(str::to_string);
    let compare: Vec<String> = compare.collect();
    for name in &compare {
        gpuwise_model::gpu(name)?;
    }
    Ok(Calculator { settings, compare })
}

/// True when `key=value` reads as leaving `key` out does (`repeats=1`, `dtype=float32`,
/// `gpu=auto`): judged by [`read`] itself, so the defaults live in one place.
pub(crate) fn is_default(key: &str, value: &str) -> bool {
    // Required, or read only all three together (a custom operation's work): never left out.
    if matches!(key, "op" | "flops" | "bytes_in" | "bytes_out") {
        return false;
    }
    let base = "op=matmul&rule_of_thumb=on";
    let pair = form_urlencoded::Serializer::new(String::new()).append_pair(key, value).finish();
    let without = read(&Query::parse(base), Machine::This);
    let with = read(&Query::parse(&format!("{base}&{pair}")), Machine::This);
    matches!((without, with), (Ok(a), Ok(b)) if a.settings == b.settings)
}

/// The sizes: every `shape` value, joined, read as `--shape` reads them; none is an empty shape
/// (which the operation refuses unless it takes none).
fn shape(query: &Query) -> Result<Vec<u64>, InputError> {
    let given = query.all("shape");
    // A blank size before a given one would shift the sizes after it into other dimensions.
    let last = given.iter().rposition(|part| !part.trim().is_empty());
    if let Some(blank) = given.iter().take(last.unwrap_or(0)).position(|part| part.trim().is_empty()) {
        let expected = "given in order, with no blank before the last one";
        return Err(InputError::new(
            Input::Shape,
            Problem::Expected { expected, got: format!("size {} blank", blank + 1) },
        ));
    }
    let parts: Vec<&str> = given.into_iter().filter(|part| !part.trim().is_empty()).collect();
    if parts.is_empty() { Ok(Vec::new()) } else { gpuwise_model::parse_sizes(&parts.join(",")) }
}

/// A count or size for `input`, as the command line's value parser reads it.
fn count(query: &Query, input: Input) -> Result<Option<u64>, InputError> {
    query.get(input.name()).map(|text| gpuwise_model::parse_count(text, input)).transpose()
}

/// A number for `input` (FLOPs, a factor, milliseconds).
fn number(query: &Query, input: Input) -> Result<Option<f64>, InputError> {
    let Some(text) = query.get(input.name()) else { return Ok(None) };
    let trimmed = text.trim();
    match trimmed.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(Some(value)),
        _ => Err(InputError::new(input, Problem::Expected { expected: "a number", got: format!("`{trimmed}`") })),
    }
}

/// How the page names an input: by the label its field carries.
pub(crate) fn label(name: &str) -> String {
    let label = match name {
        "op" => "Operation",
        "shape" => "Sizes",
        "dtype" => "Number format",
        "gpu" => "GPU",
        "cpu" => "CPU",
        "batch" => "Batch",
        "stride" => "Stride",
        "padding" => "Padding",
        "inputs" => "Input arrays",
        "flops_per_element" => "FLOPs per element",
        "activation" => "Activation",
        "flops" => "FLOPs per call",
        "bytes_in" => "Bytes in",
        "bytes_out" => "Bytes out",
        "size" => "Data size",
        "gpu_cores" => "GPU cores",
        "cpu_factor" => "CPU factor",
        "bandwidth" => "Bandwidth",
        "overhead_ms" => "Transfer overhead",
        "repeats" => "Repeats",
        other => other,
    };
    label.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<Calculator, String> {
        read(&Query::parse(text), Machine::This).map_err(|err| err.describe(label))
    }

    #[test]
    fn the_command_lines_option_names_and_forms_are_read() {
        let c = read_text("op=conv2d&shape=32&shape=64&shape=56x56&shape=64,3,3&stride=2&padding=1&dtype=bf16&gpu=h100-sxm&repeats=1e3&resident=on")
            .unwrap();
        let s = &c.settings;
        assert_eq!((s.op, s.shape.clone(), s.dtype), (OpName::Conv2d, vec![32, 64, 56, 56, 64, 3, 3], Dtype::Bf16));
        assert_eq!((s.extras.stride, s.extras.padding, s.scenario.repeats), (2, 1, 1000));
        assert!(s.scenario.resident && s.scenario.pinned && s.seed.is_none());
        assert_eq!(s.gpu, Part::Named("h100-sxm".into()));
        assert_eq!(s.cpu, Part::Auto);
    }

    #[test]
    fn mistakes_are_named_by_the_fields_label_in_the_models_words() {
        assert_eq!(read_text("op=matmul&shape=8&repeats=-1").unwrap_err(), "Repeats cannot be negative, got `-1`");
        assert_eq!(
            read_text("op=matmul&shape=8,8,ab").unwrap_err(),
            "Sizes must be a whole number such as 1024, 1e6 or 4Ki, got `ab`"
        );
        assert!(read_text("op=matmu&shape=8").unwrap_err().starts_with("Operation: unknown `matmu`; use one of"));
        assert_eq!(
            read_text("op=elementwise&shape=8&flops_per_element=lots").unwrap_err(),
            "FLOPs per element must be a number, got `lots`"
        );
        assert!(
            read_text("op=matmul&shape=8,8,8&compare=h100-sxm&compare=not-a-gpu")
                .unwrap_err()
                .starts_with("GPU: unknown")
        );
        assert!(read_text("shape=8").unwrap_err().starts_with("Operation must be one of matmul"));
        assert_eq!(
            read_text("op=fft&shape=&shape=1024").unwrap_err(),
            "Sizes must be given in order, with no blank before the last one, got size 1 blank"
        );
        assert!(read_text("op=fft&shape=1024&shape=").is_ok(), "a blank last size is a 1-D FFT");
    }

    #[test]
    fn defaults_are_what_leaving_an_input_out_gives() {
        for (key, value) in
            [("repeats", "1"), ("dtype", "float32"), ("gpu", "AUTO"), ("flops_per_element", "1.0"), ("cpu_factor", "1")]
        {
            assert!(is_default(key, value), "{key}={value}");
        }
        for (key, value) in [
            ("op", "matmul"),
            ("repeats", "2"),
            ("dtype", "bf16"),
            ("gpu", "h100-sxm"),
            ("repeats", "-1"),
            ("shape", "8"),
        ] {
            assert!(!is_default(key, value), "{key}={value}");
        }
    }

    #[test]
    fn the_rule_of_thumb_reads_its_inputs_only_when_asked() {
        let c = read_text("op=matmul&shape=8,8,8&size=junk").unwrap();
        assert!(c.settings.seed.is_none());
        let c = read_text("op=matmul&shape=8,8,8&rule_of_thumb=on&size=1e7&cpu_factor=2").unwrap();
        let seed = c.settings.seed.unwrap();
        assert_eq!((seed.size, seed.cpu_factor, seed.gpu_cores), (Some(1e7), 2.0, None));
    }
}
