//! Batched complex FFTs with rustfft: one plan, the batch on one core, as numpy.fft runs.

use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};

use super::Real;

/// A forward transform of one length, applied to a batch of interleaved complex signals.
pub struct Batched<T: Real> {
    fft: Arc<dyn Fft<T>>,
    n: usize,
}

impl<T: Real> Batched<T> {
    /// Plans transforms of length `n`.
    pub fn new(n: usize) -> Batched<T> {
        Batched { fft: FftPlanner::new().plan_fft_forward(n), n }
    }

    /// Transforms each length-n signal of `input` (interleaved re, im) into `output`, leaving
    /// `input` as it was (out of place, as numpy.fft and cuFFT do).
    pub fn forward(&mut self, input: &[T], output: &mut [T]) {
        output.copy_from_slice(input);
        let signals = complex(output);
        let mut scratch = vec![Complex::new(T::zero(), T::zero()); self.fft.get_inplace_scratch_len()];
        for signal in signals.chunks_mut(self.n) {
            self.fft.process_with_scratch(signal, &mut scratch);
        }
    }
}

/// Interleaved (re, im) values seen as complex numbers.
fn complex<T: Real>(values: &mut [T]) -> &mut [Complex<T>] {
    assert!(values.len().is_multiple_of(2), "interleaved complex data has an even length");
    // SAFETY: Complex<T> is #[repr(C)] { re: T, im: T }, so 2·len values of T are len complex
    // values with the same alignment as T; the length is even and the borrow is carried over.
    unsafe { std::slice::from_raw_parts_mut(values.as_mut_ptr().cast::<Complex<T>>(), values.len() / 2) }
}
