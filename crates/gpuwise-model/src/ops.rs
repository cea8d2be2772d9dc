//! The operations the estimator knows, and the work each one is: FLOPs, the least device-memory
//! traffic, the bytes that cross the host link, and the GPU memory it needs.

use serde::Serialize;

use crate::error::{Input, InputError, Limit, ModelError, Problem, TooLarge};
use crate::{Activation, Dtype, OpName};

/// Most bytes one operation's data may take: 64 TiB. The largest single machines hold about
/// 48 TB of memory (HPE's 32-socket Superdome Flex, nextplatform.com, 2017-11-06); beyond that a
/// size is a typo, not a workload.
const MOST_BYTES: f64 = (64u64 << 40) as f64;

/// One operation with its sizes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Operation {
    /// `batch` products of an m x k by a k x n matrix.
    Matmul {
        /// Independent products.
        batch: u64,
        /// Rows of the result.
        m: u64,
        /// Columns of the result.
        n: u64,
        /// The shared dimension.
        k: u64,
    },
    /// A fully connected layer: `batch x inputs` times `inputs x outputs`, plus bias and activation.
    Dense {
        /// Rows (samples).
        batch: u64,
        /// Input features.
        inputs: u64,
        /// Output features.
        outputs: u64,
        /// FLOPs of the activation per output element (relu 1, gelu 8).
        activation_flops: u64,
    },
    /// A 2-D convolution, NCHW input, K filters of C x R x S.
    Conv2d {
        /// Batch.
        n: u64,
        /// Input channels.
        c: u64,
        /// Input height.
        h: u64,
        /// Input width.
        w: u64,
        /// Output channels (filters).
        k: u64,
        /// Filter height.
        r: u64,
        /// Filter width.
        s: u64,
        /// Stride (both directions).
        stride: u64,
        /// Zero padding (each side, both directions).
        padding: u64,
    },
    /// A batch of 1-D or 2-D FFTs, complex-to-complex or real-to-complex.
    Fft {
        /// Transforms.
        batch: u64,
        /// Length of each dimension.
        dims: Vec<u64>,
        /// Real input (half the work and output).
        real: bool,
    },
    /// A unary or binary elementwise operation.
    Elementwise {
        /// Elements of the result.
        elements: u64,
        /// Input arrays (1 or 2).
        inputs: u64,
        /// FLOPs per element.
        flops_per_element: f64,
    },
    /// A sum (or max) of all elements to one value.
    Reduction {
        /// Elements reduced.
        elements: u64,
    },
    /// Work described directly.
    Custom {
        /// FLOPs.
        flops: f64,
        /// Bytes read from the host (and from device memory).
        bytes_in: u64,
        /// Bytes written back.
        bytes_out: u64,
    },
}

/// What an operation costs, independent of the hardware.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Work {
    /// Floating-point operations (a fused multiply-add is 2).
    pub flops: f64,
    /// The least device-memory traffic: every input read once, every output written once.
    pub device_bytes: f64,
    /// Bytes copied host to device (the inputs).
    pub h2d_bytes: f64,
    /// Bytes copied device to host (the outputs).
    pub d2h_bytes: f64,
    /// GPU memory the inputs and outputs occupy.
    pub memory_bytes: f64,
    /// How the time is modelled.
    pub kind: Kind,
}

/// The family an operation's time model comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A matrix product (tiles of the m x n result spread over the multiprocessors).
    Gemm {
        /// Result rows.
        m: u64,
        /// Result columns.
        n: u64,
        /// Shared dimension.
        k: u64,
        /// Independent products.
        batch: u64,
        /// A separate elementwise pass over the result (bias and activation) follows.
        epilogue: bool,
        /// A convolution computed as an implicit GEMM.
        convolution: bool,
    },
    /// An FFT: passes over memory, each reading and writing the data.
    Fft {
        /// Passes over device memory.
        passes: u64,
        /// Bytes one transform reads and writes.
        transform_bytes: f64,
        /// Bytes of one line of its longest dimension (complex).
        line_bytes: f64,
    },
    /// Streaming through memory (elementwise, reductions, custom work).
    Stream {
        /// Many values folded into few (a sum): calibrated apart from elementwise work, whose
        /// share of the memory bandwidth differs.
        reduction: bool,
        /// Passes over memory: an expression evaluated one operation at a time (as numpy and
        /// eager frameworks do) makes one per operation, each writing a temporary.
        passes: u64,
    },
}

/// Knobs of the operations whose sizes are not in `--shape`.
#[derive(Debug, Clone, PartialEq)]
pub struct Extras {
    /// FFT batch; for matmul, a leading batch in the shape wins.
    pub batch: u64,
    /// Convolution stride.
    pub stride: u64,
    /// Convolution padding.
    pub padding: u64,
    /// Real-input FFT.
    pub real: bool,
    /// Elementwise inputs (1 or 2).
    pub inputs: u64,
    /// Elementwise FLOPs per element.
    pub flops_per_element: f64,
    /// Dense activation.
    pub activation: Activation,
    /// Custom: FLOPs, bytes in, bytes out.
    pub custom: Option<(f64, u64, u64)>,
}

impl Default for Extras {
    fn default() -> Self {
        Extras {
            batch: 1,
            stride: 1,
            padding: 0,
            real: false,
            inputs: 2,
            flops_per_element: 1.0,
            activation: Activation::Relu,
            custom: None,
        }
    }
}

impl Operation {
    /// Builds an operation from its name, sizes and the other inputs; `Err` names the input
    /// that cannot be used and why.
    pub fn parse(op: &str, shape: &[u64], extras: &Extras) -> Result<Operation, InputError> {
        Operation::new(OpName::from_name(op)?, shape, extras)
    }

    /// Builds `op` from its sizes and the other inputs; `Err` names the input that cannot be
    /// used and why.
    pub fn new(op: OpName, shape: &[u64], extras: &Extras) -> Result<Operation, InputError> {
        if let Some(zero) = shape.iter().position(|&d| d == 0) {
            return Err(InputError::new(Input::Shape, Problem::ZeroDimension(zero + 1)));
        }
        if shape.is_empty() && op != OpName::Custom {
            return Err(InputError::new(Input::Shape, Problem::Required(op.name())));
        }
        let want = |forms| InputError::new(Input::Shape, Problem::Sizes { op: op.name(), forms, got: shape.len() });
        let positive = |value: u64, input| {
            if value == 0 { Err(InputError::new(input, Problem::Zero)) } else { Ok(value) }
        };
        let operation = match op {
            OpName::Matmul => match *shape {
                [m, n, k] => Operation::Matmul { batch: positive(extras.batch, Input::Batch)?, m, n, k },
                [batch, m, n, k] => Operation::Matmul { batch, m, n, k },
                _ => return Err(want("M,N,K or BATCH,M,N,K")),
            },
            OpName::Dense => match *shape {
                [batch, inputs, outputs] => {
                    Operation::Dense { batch, inputs, outputs, activation_flops: extras.activation.flops() }
                }
                _ => return Err(want("BATCH,IN,OUT")),
            },
            OpName::Conv2d => match *shape {
                [n, c, h, w, k, r, s] => {
                    let stride = positive(extras.stride, Input::Stride)?;
                    let conv = Operation::Conv2d { n, c, h, w, k, r, s, stride, padding: extras.padding };
                    if conv.conv_output().is_none() {
                        let problem =
                            Problem::FilterTooLarge { filter: (r, s), image: (h, w), padding: extras.padding };
                        return Err(InputError::new(Input::Shape, problem));
                    }
                    conv
                }
                _ => return Err(want("N,C,H,W,K,R,S")),
            },
            OpName::Fft => match shape.len() {
                1 | 2 => Operation::Fft {
                    batch: positive(extras.batch, Input::Batch)?,
                    dims: shape.to_vec(),
                    real: extras.real,
                },
                _ => return Err(want("N (1-D) or NX,NY (2-D)")),
            },
            OpName::Elementwise => match *shape {
                [elements] => {
                    if !(1..=2).contains(&extras.inputs) {
                        let got = extras.inputs.to_string();
                        return Err(InputError::new(
                            Input::Inputs,
                            Problem::Expected { expected: "1 (unary) or 2 (binary)", got },
                        ));
                    }
                    if !(extras.flops_per_element.is_finite() && extras.flops_per_element >= 0.0) {
                        return Err(InputError::new(Input::FlopsPerElement, Problem::Negative));
                    }
                    Operation::Elementwise {
                        elements,
                        inputs: extras.inputs,
                        flops_per_element: extras.flops_per_element,
                    }
                }
                _ => return Err(want("ELEMENTS")),
            },
            OpName::Reduction => match *shape {
                [elements] => Operation::Reduction { elements },
                _ => return Err(want("ELEMENTS")),
            },
            OpName::Custom => {
                let Some((flops, bytes_in, bytes_out)) = extras.custom else {
                    let needs = vec![Input::Flops, Input::BytesIn, Input::BytesOut];
                    return Err(InputError::new(Input::Op, Problem::Needs("custom", needs)));
                };
                if !(flops.is_finite() && flops >= 0.0) {
                    return Err(InputError::new(Input::Flops, Problem::Negative));
                }
                Operation::Custom { flops, bytes_in, bytes_out }
            }
        };
        Ok(operation)
    }

    /// Which operation it is.
    pub fn op(&self) -> OpName {
        match self {
            Operation::Matmul { .. } => OpName::Matmul,
            Operation::Dense { .. } => OpName::Dense,
            Operation::Conv2d { .. } => OpName::Conv2d,
            Operation::Fft { .. } => OpName::Fft,
            Operation::Elementwise { .. } => OpName::Elementwise,
            Operation::Reduction { .. } => OpName::Reduction,
            Operation::Custom { .. } => OpName::Custom,
        }
    }

    /// The operation's name.
    pub fn name(&self) -> &'static str {
        self.op().name()
    }

    /// The sizes as `--shape` takes them (and a leading batch for matmul when above 1).
    pub fn shape(&self) -> Vec<u64> {
        match self {
            Operation::Matmul { batch: 1, m, n, k } => vec![*m, *n, *k],
            Operation::Matmul { batch, m, n, k } => vec![*batch, *m, *n, *k],
            Operation::Dense { batch, inputs, outputs, .. } => vec![*batch, *inputs, *outputs],
            Operation::Conv2d { n, c, h, w, k, r, s, .. } => vec![*n, *c, *h, *w, *k, *r, *s],
            Operation::Fft { dims, .. } => dims.clone(),
            Operation::Elementwise { elements, .. } | Operation::Reduction { elements } => vec![*elements],
            Operation::Custom { bytes_in, bytes_out, .. } => vec![*bytes_in, *bytes_out],
        }
    }

    /// The size knob's value, for charts: the matrix edge (cube root of m·n·k), the batch (dense,
    /// conv2d), the points per transform (fft), elements, or FLOPs (custom).
    pub fn size(&self) -> f64 {
        match self {
            Operation::Matmul { m, n, k, .. } => (*m as f64 * *n as f64 * *k as f64).cbrt(),
            Operation::Dense { batch, .. } => *batch as f64,
            Operation::Conv2d { n, .. } => *n as f64,
            Operation::Fft { dims, .. } => dims.iter().map(|&d| d as f64).product(),
            Operation::Elementwise { elements, .. } | Operation::Reduction { elements } => *elements as f64,
            Operation::Custom { flops, .. } => *flops,
        }
    }

    /// Passes over memory an elementwise expression makes when evaluated one operation at a time,
    /// as numpy and eager frameworks do: one per FLOP per element (at least one, at most 64);
    /// every other operation makes one.
    pub fn passes(&self) -> u64 {
        match self {
            Operation::Elementwise { flops_per_element, .. } => flops_per_element.ceil().clamp(1.0, 64.0) as u64,
            _ => 1,
        }
    }

    /// What [`Operation::size`] measures, for axis labels.
    pub fn size_label(&self) -> &'static str {
        self.op().size_label()
    }

    /// Output height and width of a convolution; `None` when the filter does not fit.
    fn conv_output(&self) -> Option<(u64, u64)> {
        let Operation::Conv2d { h, w, r, s, stride, padding, .. } = *self else { return None };
        let out = |size: u64, filter: u64| {
            size.saturating_add(padding.saturating_mul(2)).checked_sub(filter).map(|d| d / stride + 1)
        };
        Some((out(h, r)?, out(w, s)?))
    }

    /// What the operation costs in `dtype`; `Err` when its sizes are absurd.
    pub fn work(&self, dtype: Dtype) -> Result<Work, ModelError> {
        let size = dtype.bytes() as f64;
        let work = match self {
            Operation::Matmul { batch, m, n, k } => {
                let (b, m_, n_, k_) = (*batch as f64, *m as f64, *n as f64, *k as f64);
                let inputs = b * (m_ * k_ + k_ * n_) * size;
                let output = b * m_ * n_ * size;
                Work {
                    flops: 2.0 * b * m_ * n_ * k_,
                    device_bytes: inputs + output,
                    h2d_bytes: inputs,
                    d2h_bytes: output,
                    memory_bytes: inputs + output,
                    kind: Kind::Gemm { m: *m, n: *n, k: *k, batch: *batch, epilogue: false, convolution: false },
                }
            }
            Operation::Dense { batch, inputs, outputs, activation_flops } => {
                let (b, i, o) = (*batch as f64, *inputs as f64, *outputs as f64);
                let input = (b * i + i * o + o) * size;
                let output = b * o * size;
                Work {
                    flops: 2.0 * b * i * o + b * o * (1.0 + *activation_flops as f64),
                    // The product writes the result; the epilogue reads it and the bias, writes it again.
                    device_bytes: input + 3.0 * output,
                    h2d_bytes: input,
                    d2h_bytes: output,
                    memory_bytes: input + output,
                    kind: Kind::Gemm {
                        m: *batch,
                        n: *outputs,
                        k: *inputs,
                        batch: 1,
                        epilogue: *activation_flops > 0,
                        convolution: false,
                    },
                }
            }
            Operation::Conv2d { n, c, h, w, k, r, s, padding, .. } => {
                let problem = Problem::FilterTooLarge { filter: (*r, *s), image: (*h, *w), padding: *padding };
                let (p, q) = self.conv_output().ok_or_else(|| InputError::new(Input::Shape, problem))?;
                let f = |values: &[u64]| values.iter().map(|&v| v as f64).product::<f64>();
                let input = f(&[*n, *c, *h, *w]) * size;
                let filters = f(&[*k, *c, *r, *s]) * size;
                let output = f(&[*n, *k, p, q]) * size;
                Work {
                    flops: 2.0 * f(&[*n, *k, p, q, *c, *r, *s]),
                    device_bytes: input + filters + output,
                    h2d_bytes: input + filters,
                    d2h_bytes: output,
                    memory_bytes: input + filters + output,
                    kind: Kind::Gemm {
                        m: n.saturating_mul(p).saturating_mul(q),
                        n: *k,
                        k: c.saturating_mul(*r).saturating_mul(*s),
                        batch: 1,
                        epilogue: false,
                        convolution: true,
                    },
                }
            }
            Operation::Fft { batch, dims, real } => {
                let points: f64 = dims.iter().map(|&d| d as f64).product();
                let complex = 2.0 * size;
                let per_transform = 5.0 * points * points.log2().max(1.0) * if *real { 0.5 } else { 1.0 };
                let (input, output) = if *real {
                    let last = *dims.last().unwrap_or(&1) as f64;
                    (points * size, points / last * (last / 2.0 + 1.0) * complex)
                } else {
                    (points * complex, points * complex)
                };
                let b = *batch as f64;
                // A pass transforms up to 8192 points in one multiprocessor's on-chip memory (64 KiB
                // of single-precision complex values); each dimension needs one.
                let passes = (points.log2() / 13.0).ceil().max(dims.len() as f64) as u64;
                // A real transform of n points is computed as a complex one of n/2.
                let (last, others) = dims.split_last().unwrap_or((&1, &[]));
                let last = last / if *real { 2 } else { 1 };
                let longest = others.iter().copied().chain([last]).max().unwrap_or(1) as f64;
                Work {
                    flops: b * per_transform,
                    device_bytes: b * (input + output),
                    h2d_bytes: b * input,
                    d2h_bytes: b * output,
                    memory_bytes: b * (input + output),
                    kind: Kind::Fft { passes, transform_bytes: input + output, line_bytes: longest * complex },
                }
            }
            Operation::Elementwise { elements, inputs, flops_per_element } => {
                let e = *elements as f64;
                let passes = self.passes();
                Work {
                    flops: e * flops_per_element,
                    // The first operation reads the inputs and writes a temporary; each later one
                    // reads the temporary and writes it again.
                    device_bytes: e * (*inputs as f64 + 1.0 + 2.0 * (passes - 1) as f64) * size,
                    h2d_bytes: e * *inputs as f64 * size,
                    d2h_bytes: e * size,
                    memory_bytes: e * (*inputs as f64 + 1.0) * size,
                    kind: Kind::Stream { reduction: false, passes },
                }
            }
            Operation::Reduction { elements } => {
                let e = *elements as f64;
                Work {
                    flops: e,
                    device_bytes: e * size + size,
                    h2d_bytes: e * size,
                    d2h_bytes: size,
                    memory_bytes: e * size + size,
                    kind: Kind::Stream { reduction: true, passes: 1 },
                }
            }
            Operation::Custom { flops, bytes_in, bytes_out } => {
                let (i, o) = (*bytes_in as f64, *bytes_out as f64);
                Work {
                    flops: *flops,
                    device_bytes: i + o,
                    h2d_bytes: i,
                    d2h_bytes: o,
                    memory_bytes: i + o,
                    kind: Kind::Stream { reduction: false, passes: 1 },
                }
            }
        };
        if work.memory_bytes > MOST_BYTES || !work.flops.is_finite() {
            return Err(self.too_large(dtype, Limit::Memory { bytes: work.memory_bytes }));
        }
        Ok(work)
    }

    /// The error for work of `dtype` past `limit`, naming the input that sets its size.
    pub fn too_large(&self, dtype: Dtype, limit: Limit) -> ModelError {
        let (input, work) = match self {
            Operation::Custom { flops, bytes_in, bytes_out } => {
                let input = match limit {
                    Limit::Time { .. } => Input::Flops,
                    Limit::Memory { .. } if bytes_out > bytes_in => Input::BytesOut,
                    Limit::Memory { .. } => Input::BytesIn,
                };
                (input, format!("custom work of {flops:.3e} FLOPs, {bytes_in} bytes in and {bytes_out} out"))
            }
            _ => {
                let shape: Vec<String> = self.shape().iter().map(u64::to_string).collect();
                (Input::Shape, format!("{} {} {dtype}", self.name(), shape.join("x")))
            }
        };
        ModelError::TooLarge(Box::new(TooLarge { input, work, limit }))
    }

    /// The factor [`Operation::scaled`] takes to bring the size knob from its value here to
    /// `size`: a matrix product's knob (its edge) grows as the cube root of the factor, as its
    /// three dimensions scale together; every other knob grows as the factor itself.
    pub fn factor_for(&self, size: f64) -> f64 {
        let ratio = size / self.size();
        match self {
            Operation::Matmul { .. } => ratio.powi(3),
            _ => ratio,
        }
    }

    /// The same operation with its work multiplied by `factor` (at least 1 in every
    /// dimension): matrix dimensions (each by the factor's cube root), the batch of layers and
    /// convolutions, FFT length, element count, custom work. Break-even sizes are searched
    /// along it.
    pub fn scaled(&self, factor: f64) -> Operation {
        let scale = |v: u64, f: f64| (v as f64 * f).round().clamp(1.0, 1e15) as u64;
        match self.clone() {
            Operation::Matmul { batch, m, n, k } => {
                let f = factor.cbrt();
                Operation::Matmul { batch, m: scale(m, f), n: scale(n, f), k: scale(k, f) }
            }
            Operation::Dense { batch, inputs, outputs, activation_flops } => {
                Operation::Dense { batch: scale(batch, factor), inputs, outputs, activation_flops }
            }
            Operation::Conv2d { n, c, h, w, k, r, s, stride, padding } => {
                Operation::Conv2d { n: scale(n, factor), c, h, w, k, r, s, stride, padding }
            }
            Operation::Fft { batch, dims, real } => {
                let f = factor.powf(1.0 / dims.len() as f64);
                Operation::Fft { batch, dims: dims.iter().map(|&d| scale(d, f)).collect(), real }
            }
            Operation::Elementwise { elements, inputs, flops_per_element } => {
                Operation::Elementwise { elements: scale(elements, factor), inputs, flops_per_element }
            }
            Operation::Reduction { elements } => Operation::Reduction { elements: scale(elements, factor) },
            Operation::Custom { flops, bytes_in, bytes_out } => Operation::Custom {
                flops: flops * factor,
                bytes_in: scale(bytes_in, factor),
                bytes_out: scale(bytes_out, factor),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(name: &str) -> String {
        format!("--{}", name.replace('_', "-"))
    }

    fn op(name: &str, shape: &[u64]) -> Operation {
        Operation::parse(name, shape, &Extras::default()).unwrap()
    }

    #[test]
    fn matmul_counts() {
        let work = op("matmul", &[8192, 8192, 8192]).work(Dtype::Bf16).unwrap();
        assert_eq!(work.flops, 2.0 * 8192f64.powi(3));
        assert_eq!(work.h2d_bytes, 2.0 * 8192.0 * 8192.0 * 2.0);
        assert_eq!(work.d2h_bytes, 8192.0 * 8192.0 * 2.0);
        let batched = op("matmul", &[4, 64, 64, 64]).work(Dtype::F32).unwrap();
        assert_eq!(batched.flops, 4.0 * 2.0 * 64f64.powi(3));
    }

    #[test]
    fn conv2d_is_an_implicit_gemm() {
        // ResNet-50's first layer: 224x224x3 input, 64 7x7 filters, stride 2, padding 3 -> 112x112.
        let extras = Extras { stride: 2, padding: 3, ..Extras::default() };
        let conv = Operation::parse("conv2d", &[32, 3, 224, 224, 64, 7, 7], &extras).unwrap();
        let work = conv.work(Dtype::F16).unwrap();
        assert_eq!(work.flops, 2.0 * 32.0 * 64.0 * 112.0 * 112.0 * 3.0 * 49.0);
        assert!(matches!(work.kind, Kind::Gemm { m, n: 64, k: 147, .. } if m == 32 * 112 * 112));
        let err = Operation::parse("conv2d", &[1, 3, 4, 4, 8, 7, 7], &Extras::default()).unwrap_err().to_string();
        assert!(err.contains("does not fit"), "{err}");
    }

    #[test]
    fn fft_is_five_n_log_n() {
        let work = op("fft", &[1 << 20]).work(Dtype::F32).unwrap();
        assert_eq!(work.flops, 5.0 * (1u64 << 20) as f64 * 20.0);
        assert_eq!(work.h2d_bytes, (1u64 << 20) as f64 * 8.0, "complex f32 in");
        let real = Operation::parse("fft", &[1024], &Extras { real: true, ..Extras::default() }).unwrap();
        let work = real.work(Dtype::F32).unwrap();
        assert_eq!(work.d2h_bytes, 513.0 * 8.0, "N/2+1 complex outputs");
        assert!(matches!(op("fft", &[4096, 4096]).work(Dtype::F32).unwrap().kind, Kind::Fft { passes: 2, .. }));
    }

    #[test]
    fn bad_sizes_are_named() {
        let e = Extras::default();
        assert!(Operation::parse("matmul", &[0, 4, 4], &e).unwrap_err().to_string().contains("dimension 1 is 0"));
        assert!(Operation::parse("matmul", &[4, 4], &e).unwrap_err().to_string().contains("M,N,K"));
        let unknown = Operation::parse("sort", &[4], &e).unwrap_err();
        assert_eq!(unknown.input, Input::Op);
        assert!(unknown.describe(flag).starts_with("--op: unknown `sort`; use one of matmul"), "{unknown}");
        let huge = op("matmul", &[u64::MAX, u64::MAX, u64::MAX]);
        let message = huge.work(Dtype::F32).unwrap_err().describe(flag);
        assert!(message.starts_with("--shape: matmul 18446744073709551615x"), "{message}");
        assert!(message.contains("the largest single machines hold about 48 TB"), "{message}");
        let custom = Operation::parse("custom", &[], &e).unwrap_err();
        assert_eq!(custom.describe(flag), "custom needs --flops, --bytes-in and --bytes-out");
        assert_eq!(custom.to_string(), "custom needs flops, bytes_in and bytes_out");
    }

    #[test]
    fn scaling_moves_the_size_knob() {
        assert_eq!(op("matmul", &[100, 100, 100]).scaled(8.0), op("matmul", &[200, 200, 200]));
        assert_eq!(op("elementwise", &[10]).scaled(0.01), op("elementwise", &[1]), "never below 1");
        assert_eq!(op("fft", &[64, 64]).scaled(4.0), op("fft", &[128, 128]));
    }

    #[test]
    fn factor_for_reaches_the_size_asked_for_on_every_operation() {
        let custom = Extras { custom: Some((1e9, 1 << 20, 1 << 10)), ..Extras::default() };
        let cases = [
            Operation::parse("matmul", &[512, 1024, 256], &Extras::default()).unwrap(),
            Operation::parse("dense", &[64, 1024, 1024], &Extras::default()).unwrap(),
            Operation::parse("conv2d", &[8, 64, 56, 56, 64, 3, 3], &Extras::default()).unwrap(),
            Operation::parse("fft", &[1024, 1024], &Extras::default()).unwrap(),
            Operation::parse("elementwise", &[1 << 20], &Extras::default()).unwrap(),
            Operation::parse("reduction", &[1 << 20], &Extras::default()).unwrap(),
            Operation::parse("custom", &[], &custom).unwrap(),
        ];
        for operation in cases {
            for size in [operation.size() * 37.0, operation.size() / 4.0] {
                let reached = operation.scaled(operation.factor_for(size)).size();
                assert!((reached / size - 1.0).abs() < 0.01, "{operation:?} to {size}: {reached}");
            }
        }
        assert_eq!(op("matmul", &[100, 100, 100]).factor_for(200.0), 8.0, "an edge twice as long is 8x the work");
    }
}
