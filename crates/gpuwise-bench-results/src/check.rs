//! Result checks: every output compared with a reference computed in f64, with a tolerance fit
//! for the dtype it was computed in.

use gpuwise_model::Dtype;
use serde::Serialize;

/// How one output compared with its reference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Check {
    /// Largest absolute difference over the largest reference magnitude.
    pub error: f64,
    /// The most `error` may be.
    pub tolerance: f64,
    /// Values compared.
    pub compared: usize,
}

impl Check {
    /// True when the output is right.
    pub fn passed(&self) -> bool {
        self.error.is_finite() && self.error <= self.tolerance && self.compared > 0
    }
}

/// The largest relative error a right result in `dtype` may show against an f64 reference, for
/// inputs uniform in [-1, 1) and sums of up to a few thousand terms, relative to the largest
/// reference value: f64 and f32 a few hundred units in the last place (accumulation); tf32 rounds
/// the inputs to 10 mantissa bits (about 1e-4 of the result's scale once accumulated); f16 and
/// bf16 accumulate in f32 and round the output, at most half a unit in the last place of the
/// value (2^-11 and 2^-8), with a factor of two to spare. A product that drops one term of a
/// thousand is off by about 1e-2 of scale: bf16's bound is the loosest that still catches it.
pub fn tolerance(dtype: Dtype) -> f64 {
    match dtype {
        Dtype::F64 => 1e-10,
        Dtype::F32 => 1e-4,
        Dtype::Tf32 | Dtype::F16 => 2e-3,
        Dtype::Bf16 | Dtype::Fp8 => 8e-3,
    }
}

/// Compares `got(index)` with `reference`, a list of (index, value) pairs.
pub fn compare(dtype: Dtype, reference: &[(usize, f64)], got: impl Fn(usize) -> f64) -> Check {
    let scale = reference.iter().map(|(_, want)| want.abs()).fold(0.0, f64::max);
    let worst = reference
        .iter()
        .map(|&(i, want)| (got(i) - want).abs())
        .fold(0.0, |a: f64, d| if d.is_nan() { f64::NAN } else { a.max(d) });
    let error = if scale > 0.0 { worst / scale } else { worst };
    Check { error, tolerance: tolerance(dtype), compared: reference.len() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_within_tolerance_wrong_and_nan_fail() {
        let reference = [(0, 1.0), (1, -2.0), (2, 0.5)];
        let right = compare(Dtype::F32, &reference, |i| reference[i].1 * (1.0 + 1e-6));
        assert!(right.passed(), "{right:?}");
        let wrong = compare(Dtype::F32, &reference, |i| if i == 2 { 0.0 } else { reference[i].1 });
        assert!(!wrong.passed() && (wrong.error - 0.25).abs() < 1e-12);
        assert!(!compare(Dtype::F64, &reference, |_| f64::NAN).passed());
        assert!(!compare(Dtype::F64, &[], |_| 0.0).passed(), "nothing compared is not a pass");
    }

    #[test]
    fn lower_precision_allows_more() {
        assert!(tolerance(Dtype::F64) < tolerance(Dtype::F32));
        assert!(tolerance(Dtype::F32) < tolerance(Dtype::Tf32));
        assert!(tolerance(Dtype::F16) < tolerance(Dtype::Bf16));
    }
}
