//! What can go wrong in the cost model, as values: an input that cannot be used (named as the
//! model names it, so each front end can show it in its own terms: the command line as
//! `--flops-per-element`, Python as `flops_per_element`), an operation the GPU cannot run, and
//! a profile file that cannot be used.

use std::fmt;
use std::path::PathBuf;

use gpuwise_core::{format_bytes, format_seconds};

use crate::Dtype;

/// An input of the estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// The operation's name.
    Op,
    /// Its sizes.
    Shape,
    /// Number format.
    Dtype,
    /// The GPU's name.
    Gpu,
    /// The CPU's name.
    Cpu,
    /// Products (matmul) or transforms (fft) per call.
    Batch,
    /// Convolution stride.
    Stride,
    /// Convolution zero padding.
    Padding,
    /// Elementwise input arrays.
    Inputs,
    /// Elementwise FLOPs per element.
    FlopsPerElement,
    /// Dense layer activation.
    Activation,
    /// Custom FLOPs per call.
    Flops,
    /// Custom bytes in.
    BytesIn,
    /// Custom bytes out.
    BytesOut,
    /// Seed model: data size.
    Size,
    /// Seed model: GPU cores.
    GpuCores,
    /// Seed model: CPU factor.
    CpuFactor,
    /// Seed model: GPU memory bandwidth.
    Bandwidth,
    /// Seed model: transfer overhead.
    OverheadMs,
    /// Calls on the same data.
    Repeats,
}

impl Input {
    /// The model's name for it, as Python keyword arguments spell it: `flops_per_element`.
    pub fn name(self) -> &'static str {
        match self {
            Input::Op => "op",
            Input::Shape => "shape",
            Input::Dtype => "dtype",
            Input::Gpu => "gpu",
            Input::Cpu => "cpu",
            Input::Batch => "batch",
            Input::Stride => "stride",
            Input::Padding => "padding",
            Input::Inputs => "inputs",
            Input::FlopsPerElement => "flops_per_element",
            Input::Activation => "activation",
            Input::Flops => "flops",
            Input::BytesIn => "bytes_in",
            Input::BytesOut => "bytes_out",
            Input::Size => "size",
            Input::GpuCores => "gpu_cores",
            Input::CpuFactor => "cpu_factor",
            Input::Bandwidth => "bandwidth",
            Input::OverheadMs => "overhead_ms",
            Input::Repeats => "repeats",
        }
    }
}

/// How a front end names an input in messages, given its name (`flops_per_element`): the
/// command line as its option (`--flops-per-element`), Python as its keyword argument.
pub type Naming = fn(&str) -> String;

/// Names inputs as the model does: `flops_per_element`.
pub fn model_name(name: &str) -> String {
    name.to_string()
}

/// What is wrong with an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// It is 0 where only 1 or more makes sense.
    Zero,
    /// One of the sizes (numbered from 1) is 0.
    ZeroDimension(usize),
    /// The operation takes another number of sizes.
    Sizes {
        /// The operation.
        op: &'static str,
        /// The forms it takes, such as `M,N,K or BATCH,M,N,K`.
        forms: &'static str,
        /// How many were given.
        got: usize,
    },
    /// Not a finite number of 0 or more.
    Negative,
    /// A count or size written as a negative number (the text given).
    NegativeCount(String),
    /// Not a finite number above 0.
    NotPositive,
    /// Not among the values it takes.
    Unknown {
        /// What was given.
        got: String,
        /// What it takes.
        choices: Vec<String>,
    },
    /// Not among the names it takes (a long list, kept elsewhere).
    Unnamed {
        /// What was given.
        got: String,
        /// The nearest names.
        nearest: Vec<String>,
    },
    /// Outside what it takes, in words (`1 (unary) or 2 (binary)`).
    Expected {
        /// What it takes.
        expected: &'static str,
        /// What was given.
        got: String,
    },
    /// The operation needs these inputs too.
    Needs(&'static str, Vec<Input>),
    /// Not given, and the operation needs it.
    Required(&'static str),
    /// A convolution filter larger than its padded input.
    FilterTooLarge {
        /// Filter rows and columns.
        filter: (u64, u64),
        /// Input rows and columns.
        image: (u64, u64),
        /// Zero padding on each side.
        padding: u64,
    },
}

/// An input the model cannot use, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The input.
    pub input: Input,
    /// What is wrong with it.
    pub problem: Problem,
}

impl InputError {
    /// The error for `input`.
    pub fn new(input: Input, problem: Problem) -> Self {
        InputError { input, problem }
    }

    /// The message, with inputs named by `naming`.
    pub fn describe(&self, naming: Naming) -> String {
        let name = naming(self.input.name());
        match &self.problem {
            Problem::Zero => format!("{name} must be at least 1"),
            Problem::Required(op) => format!("{name} is required for {op}"),
            Problem::ZeroDimension(n) => format!("{name}: dimension {n} is 0; every size must be at least 1"),
            Problem::Sizes { op, forms, got } => format!("{name} for {op} takes {forms}, got {got} number(s)"),
            Problem::Negative => format!("{name} must be a number >= 0"),
            Problem::NegativeCount(got) => format!("{name} cannot be negative, got `{got}`"),
            Problem::NotPositive => format!("{name} must be a number above 0"),
            Problem::Unknown { got, choices } => format!("{name}: unknown `{got}`; use one of {}", choices.join(", ")),
            Problem::Unnamed { got, nearest } => {
                format!("{name}: unknown `{got}`; did you mean {}?", nearest.join(", "))
            }
            Problem::Expected { expected, got } => format!("{name} must be {expected}, got {got}"),
            Problem::Needs(op, inputs) => {
                let names: Vec<String> = inputs.iter().map(|i| naming(i.name())).collect();
                match names.split_last() {
                    Some((last, [])) => format!("{op} needs {last}"),
                    Some((last, rest)) => format!("{op} needs {} and {last}", rest.join(", ")),
                    None => format!("{op} needs more inputs"),
                }
            }
            Problem::FilterTooLarge { filter: (r, s), image: (h, w), padding } => {
                format!("{name}: a {r}x{s} filter does not fit a {h}x{w} input padded by {padding}")
            }
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(model_name))
    }
}

impl std::error::Error for InputError {}

/// Why the model gives no estimate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// An input cannot be used.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The GPU has no units for this dtype.
    #[error("the {gpu} has no {dtype} {units}")]
    NoUnits {
        /// The GPU as shown.
        gpu: String,
        /// The dtype.
        dtype: Dtype,
        /// `matrix units` or `units`.
        units: &'static str,
    },
    /// cuFFT offers no transforms in this dtype.
    #[error("cuFFT has no {0} transforms: use f64, f32 or f16")]
    NoFft(Dtype),
    /// The sizes describe more than any machine could hold or run: a typo, not a workload.
    #[error("{}", .0.describe(model_name))]
    TooLarge(Box<TooLarge>),
    /// This machine's GPU matches no row of the built-in table.
    #[error("{0} is not in the built-in table: name the closest part instead of auto")]
    NotInTable(String),
    /// The probe could not tell the CPU's frequency.
    #[error("the CPU's frequency is unknown on this machine")]
    CpuFrequencyUnknown,
}

impl ModelError {
    /// The message, with inputs named by `naming`.
    pub fn describe(&self, naming: Naming) -> String {
        match self {
            ModelError::Input(input) => input.describe(naming),
            ModelError::TooLarge(too_large) => too_large.describe(naming),
            other => other.to_string(),
        }
    }
}

/// Work beyond what any machine could hold or run.
#[derive(Debug, Clone, PartialEq)]
pub struct TooLarge {
    /// The input to check: the sizes, or a custom operation's FLOPs or bytes.
    pub input: Input,
    /// The operation and sizes in words (`matmul 100000000x100000000x100000000 f32`).
    pub work: String,
    /// The limit it passes.
    pub limit: Limit,
}

/// A limit no real workload passes.
#[derive(Debug, Clone, PartialEq)]
pub enum Limit {
    /// Its data takes more memory than the largest single machines hold.
    Memory {
        /// Bytes its data takes.
        bytes: f64,
    },
    /// One call takes longer than anyone runs one call, even on the faster side.
    Time {
        /// Seconds on the faster side.
        seconds: f64,
        /// The faster side, as shown.
        faster: String,
    },
}

impl TooLarge {
    /// The message, with the input at fault named by `naming`.
    pub fn describe(&self, naming: Naming) -> String {
        let (name, work) = (naming(self.input.name()), &self.work);
        match &self.limit {
            Limit::Memory { bytes } => format!(
                "{name}: {work} needs {} of memory, and the largest single machines hold about 48 TB: check the sizes",
                format_bytes(*bytes as u64)
            ),
            Limit::Time { seconds, faster } => format!(
                "{name}: one call of {work} would take {} even on the {faster}: check the sizes",
                format_seconds(*seconds)
            ),
        }
    }
}

/// Why a machine profile cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file cannot be read.
    #[error("cannot read the profile {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a profile.
    #[error("{} is not a gpuwise profile (`gpuwise bench --calibrate` writes one): {source}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// A profile of another schema.
    #[error("{} has profile schema {found}, this gpuwise reads {expected}: run `gpuwise bench --calibrate` again", path.display())]
    Schema {
        /// The file.
        path: PathBuf,
        /// Its schema.
        found: u32,
        /// The schema this build reads.
        expected: u32,
    },
    /// A curve holds a point no measurement could have produced.
    #[error("{} cannot be used: {problem}", path.display())]
    Curve {
        /// The file.
        path: PathBuf,
        /// The curve and point, in words.
        problem: CurveError,
    },
}

/// A curve point no measurement could have produced.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{curve}: point {point} has {what} {value:e}: {rule}")]
pub struct CurveError {
    /// The curve (`the GPU curve gemm f32`).
    pub curve: String,
    /// The point's number.
    pub point: usize,
    /// `size`, `seconds` or `ratio to the model`.
    pub what: &'static str,
    /// Its value.
    pub value: f64,
    /// The rule it breaks.
    pub rule: String,
}
