//! One case made concrete: its random inputs, and a reference for (a sample of) its output
//! computed in f64 from the same inputs.

use gpuwise_model::{Dtype, Operation};
use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

use crate::data::Values;
use crate::error::{FilterTooLarge, WorkloadError};
use gpuwise_bench_results::plan::Case;

/// Most output values a reference covers: large outputs are checked at evenly spaced points.
const MAX_CHECKED: usize = 1 << 16;

/// Convolution outputs checked, each a sum over every filter tap.
const CHECKED_PIXELS: usize = 4096;

/// Rows of a matrix product checked in full.
const CHECKED_ROWS: usize = 8;

/// A case with inputs and the reference its outputs are checked against.
#[derive(Debug, Clone)]
pub struct Workload {
    /// What is computed.
    pub case: Case,
    /// The inputs, in the order each backend takes them (see [`Workload::new`]).
    pub inputs: Vec<Values>,
    /// Values in the output (complex values count as two).
    pub output_len: usize,
    /// (output index, expected value) pairs.
    pub reference: Vec<(usize, f64)>,
}

/// A convolution's sizes, output NPQK (channels last), input NCHW, filters KCRS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvShape {
    /// Batch.
    pub n: usize,
    /// Input channels.
    pub c: usize,
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Filters.
    pub k: usize,
    /// Filter height.
    pub r: usize,
    /// Filter width.
    pub s: usize,
    /// Stride.
    pub stride: usize,
    /// Zero padding on each side.
    pub padding: usize,
    /// Output height.
    pub p: usize,
    /// Output width.
    pub q: usize,
}

impl ConvShape {
    /// The sizes of a `Conv2d` operation; `None` for any other.
    pub fn of(op: &Operation) -> Option<ConvShape> {
        let Operation::Conv2d { n, c, h, w, k, r, s, stride, padding } = *op else { return None };
        let [n, c, h, w, k, r, s, stride, padding] = [n, c, h, w, k, r, s, stride, padding].map(|v| v as usize);
        let out = |size: usize, filter: usize| (size + 2 * padding).checked_sub(filter).map(|d| d / stride + 1);
        Some(ConvShape { n, c, h, w, k, r, s, stride, padding, p: out(h, r)?, q: out(w, s)? })
    }

    /// Columns of the unfolded input (one per filter tap): C x R x S.
    pub fn taps(&self) -> usize {
        self.c * self.r * self.s
    }

    /// Rows of the unfolded input (one per output pixel): N x P x Q.
    pub fn pixels(&self) -> usize {
        self.n * self.p * self.q
    }

    /// Where in the NCHW input filter tap `tap` of output pixel `pixel` reads; `None` in the
    /// zero padding.
    pub fn source(&self, pixel: usize, tap: usize) -> Option<usize> {
        let (image, rest) = (pixel / (self.p * self.q), pixel % (self.p * self.q));
        let (y, x) = (rest / self.q, rest % self.q);
        let (channel, rest) = (tap / (self.r * self.s), tap % (self.r * self.s));
        let (dy, dx) = (rest / self.s, rest % self.s);
        let iy = (y * self.stride + dy).checked_sub(self.padding).filter(|&v| v < self.h)?;
        let ix = (x * self.stride + dx).checked_sub(self.padding).filter(|&v| v < self.w)?;
        Some(((image * self.c + channel) * self.h + iy) * self.w + ix)
    }
}

impl Workload {
    /// Random inputs for `case` and the reference. Inputs: matmul A (m x k) and B (k x n), row
    /// major; fft the interleaved complex signals; elementwise x and y (the output is x + y);
    /// reduction x (the output is its sum); conv2d the NCHW input and KCRS filters.
    pub fn new(case: &Case, seed: u64) -> Result<Workload, WorkloadError> {
        let dtype = case.dtype;
        let random = |len: u64, salt: u64| -> Result<Values, WorkloadError> {
            let len = usize::try_from(len).map_err(|_| WorkloadError::TooLarge)?;
            Ok(Values::random(dtype, len, seed ^ salt))
        };
        let (inputs, output_len, reference) = match &case.operation {
            Operation::Matmul { batch: 1, m, n, k } => {
                let (a, b) = (random(m * k, 1)?, random(k * n, 2)?);
                let (m, n, k) = (*m as usize, *n as usize, *k as usize);
                let reference = matmul_rows(&a.to_f64(), &b.to_f64(), m, n, k);
                (vec![a, b], m * n, reference)
            }
            Operation::Fft { batch, dims, real: false } if dims.len() == 1 => {
                let signal = random(2 * batch * dims[0], 3)?;
                let reference = fft_sample(&signal, dims[0] as usize, *batch as usize);
                let len = signal.len();
                (vec![signal], len, reference)
            }
            Operation::Elementwise { elements, inputs: 2, .. } => {
                let (x, y) = (random(*elements, 4)?, random(*elements, 5)?);
                let reference = spaced(x.len(), MAX_CHECKED).map(|i| (i, x.get(i) + y.get(i))).collect();
                let len = x.len();
                (vec![x, y], len, reference)
            }
            Operation::Reduction { elements } => {
                let x = random(*elements, 6)?;
                let sum = (0..x.len()).map(|i| x.get(i)).sum();
                (vec![x], 1, vec![(0, sum)])
            }
            op @ Operation::Conv2d { .. } => {
                let shape = ConvShape::of(op).ok_or(FilterTooLarge)?;
                let input = random((shape.n * shape.c * shape.h * shape.w) as u64, 7)?;
                let filters = random((shape.k * shape.taps()) as u64, 8)?;
                let reference = conv_sample(&shape, &input.to_f64(), &filters.to_f64());
                (vec![input, filters], shape.pixels() * shape.k, reference)
            }
            other => return Err(WorkloadError::NoKernel { op: other.name(), shape: other.shape() }),
        };
        Ok(Workload { case: case.clone(), inputs, output_len, reference })
    }

    /// The dtype the case computes in.
    pub fn dtype(&self) -> Dtype {
        self.case.dtype
    }
}

/// Up to `cap` evenly spaced indices below `len` (one more: the last is always included).
fn spaced(len: usize, cap: usize) -> impl Iterator<Item = usize> {
    let step = len.div_ceil(cap.max(1)).max(1);
    (0..len).step_by(step).chain((len > 0 && !(len - 1).is_multiple_of(step)).then(|| len - 1))
}

/// Whole rows of A x B (row major) at evenly spaced row indices.
fn matmul_rows(a: &[f64], b: &[f64], m: usize, n: usize, k: usize) -> Vec<(usize, f64)> {
    let rows: Vec<usize> = (0..CHECKED_ROWS.min(m)).map(|i| i * (m - 1) / (CHECKED_ROWS.min(m) - 1).max(1)).collect();
    let mut reference = Vec::with_capacity(rows.len() * n);
    for row in rows {
        let mut out = vec![0.0; n];
        for (kk, &left) in a[row * k..(row + 1) * k].iter().enumerate() {
            for (o, &right) in out.iter_mut().zip(&b[kk * n..(kk + 1) * n]) {
                *o += left * right;
            }
        }
        reference.extend(out.into_iter().enumerate().map(|(j, v)| (row * n + j, v)));
    }
    reference
}

/// The forward transforms (unnormalised, as cuFFT, numpy and rustfft compute them) of the first
/// and last signal in the batch, at evenly spaced output points.
fn fft_sample(signal: &Values, n: usize, batch: usize) -> Vec<(usize, f64)> {
    let fft = FftPlanner::<f64>::new().plan_fft_forward(n);
    let mut reference = Vec::new();
    let transforms: &[usize] = if batch > 1 { &[0, batch - 1] } else { &[0] };
    for &t in transforms {
        let mut data: Vec<Complex<f64>> =
            (0..n).map(|j| Complex::new(signal.get(2 * (t * n + j)), signal.get(2 * (t * n + j) + 1))).collect();
        fft.process(&mut data);
        for j in spaced(n, MAX_CHECKED / transforms.len()) {
            let at = 2 * (t * n + j);
            reference.push((at, data[j].re));
            reference.push((at + 1, data[j].im));
        }
    }
    reference
}

/// Output values (NPQK) at evenly spaced points, each from its definition.
fn conv_sample(shape: &ConvShape, input: &[f64], filters: &[f64]) -> Vec<(usize, f64)> {
    let taps = shape.taps();
    spaced(shape.pixels() * shape.k, CHECKED_PIXELS)
        .map(|index| {
            let (pixel, filter) = (index / shape.k, index % shape.k);
            let value = (0..taps)
                .filter_map(|tap| shape.source(pixel, tap).map(|at| input[at] * filters[filter * taps + tap]))
                .sum();
            (index, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpuwise_model::Extras;

    fn case(op: &str, shape: &[u64], dtype: Dtype, extras: Extras) -> Case {
        Case { operation: Operation::parse(op, shape, &extras).unwrap(), dtype }
    }

    #[test]
    fn matmul_reference_rows_are_products() {
        let w = Workload::new(&case("matmul", &[3, 2, 4], Dtype::F64, Extras::default()), 1).unwrap();
        let (a, b) = (w.inputs[0].to_f64(), w.inputs[1].to_f64());
        assert_eq!(w.reference.len(), 3 * 2);
        for &(index, value) in &w.reference {
            let (i, j) = (index / 2, index % 2);
            let want: f64 = (0..4).map(|k| a[i * 4 + k] * b[k * 2 + j]).sum();
            assert!((value - want).abs() < 1e-12);
        }
    }

    #[test]
    fn fft_reference_of_a_known_signal() {
        // DFT of [1, 0, 0, 0] is all ones; check through the same sampler on a real workload.
        let mut w = Workload::new(&case("fft", &[4], Dtype::F64, Extras::default()), 1).unwrap();
        w.inputs[0] = Values::F64(vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let reference = fft_sample(&w.inputs[0], 4, 1);
        assert_eq!(reference.len(), 8);
        assert!(reference.iter().all(|&(i, v)| (v - if i % 2 == 0 { 1.0 } else { 0.0 }).abs() < 1e-12));
    }

    #[test]
    fn conv_reference_handles_padding() {
        let extras = Extras { padding: 1, ..Extras::default() };
        let w = Workload::new(&case("conv2d", &[1, 1, 2, 2, 1, 3, 3], Dtype::F64, extras), 3).unwrap();
        let (x, f) = (w.inputs[0].to_f64(), w.inputs[1].to_f64());
        // Output pixel (0, 0) sees input (0,0),(0,1),(1,0),(1,1) under taps 4, 5, 7, 8.
        let want = x[0] * f[4] + x[1] * f[5] + x[2] * f[7] + x[3] * f[8];
        assert_eq!(w.output_len, 4);
        assert!((w.reference[0].1 - want).abs() < 1e-12);
    }

    #[test]
    fn spaced_covers_ends() {
        assert_eq!(spaced(3, 10).collect::<Vec<_>>(), vec![0, 1, 2]);
        let many: Vec<usize> = spaced(1_000_003, 100).collect();
        assert!(many.len() <= 101 && many[0] == 0 && *many.last().unwrap() == 1_000_002);
        // The samples reach the end of the range, not just its start.
        assert!(many[many.len() - 2] > 980_000);
    }
}
