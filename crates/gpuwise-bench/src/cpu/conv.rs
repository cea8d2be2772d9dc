//! 2-D convolution as an implicit GEMM made explicit: unfold the input (im2col), then one
//! matrix product with the filters.

use rayon::prelude::*;

use super::errors::GemmError;
use super::{GemmLibrary, Real};
use crate::workload::ConvShape;

/// Convolves NCHW `input` with KCRS `filters` into NPQK `output`, unfolding into `columns`
/// (pixels x taps), multiplying with `gemm`.
pub fn forward<T: Real>(
    gemm: &GemmLibrary,
    shape: &ConvShape,
    input: &[T],
    filters: &[T],
    columns: &mut [T],
    output: &mut [T],
) -> Result<(), GemmError> {
    let taps = shape.taps();
    columns.par_chunks_mut(taps).enumerate().for_each(|(pixel, row)| unfold_pixel(shape, input, pixel, row));
    gemm.multiply(columns, filters, true, output, (shape.pixels(), shape.k, taps))
}

/// The input values under every filter tap for one output pixel (0 in the padding), walking
/// channels, rows and columns of the filter in KCRS order (the reference computes the same
/// values through `ConvShape::source`, independently).
fn unfold_pixel<T: Real>(shape: &ConvShape, input: &[T], pixel: usize, row: &mut [T]) {
    let (image, rest) = (pixel / (shape.p * shape.q), pixel % (shape.p * shape.q));
    let (y, x) = (rest / shape.q, rest % shape.q);
    let inside = |at: usize, size: usize| at.checked_sub(shape.padding).filter(|&v| v < size);
    let mut taps = row.iter_mut();
    for channel in 0..shape.c {
        let plane = &input[(image * shape.c + channel) * shape.h * shape.w..][..shape.h * shape.w];
        for dy in 0..shape.r {
            let iy = inside(y * shape.stride + dy, shape.h);
            for dx in 0..shape.s {
                let ix = inside(x * shape.stride + dx, shape.w);
                if let Some(slot) = taps.next() {
                    *slot = match (iy, ix) {
                        (Some(iy), Some(ix)) => plane[iy * shape.w + ix],
                        _ => T::zero(),
                    };
                }
            }
        }
    }
}
