//! 2-D convolution as an implicit GEMM made explicit: unfold the input (im2col), then one
//! matrix product with the filters.

use faer::{MatMut, MatRef};
use rayon::prelude::*;

use super::{Real, gemm};
use crate::workload::ConvShape;

/// Convolves NCHW `input` with KCRS `filters` into NPQK `output`, unfolding into `columns`
/// (pixels x taps).
pub fn forward<T: Real>(shape: &ConvShape, input: &[T], filters: &[T], columns: &mut [T], output: &mut [T]) {
    let taps = shape.taps();
    columns.par_chunks_mut(taps).enumerate().for_each(|(pixel, row)| unfold_pixel(shape, input, pixel, row));
    let unfolded = MatRef::from_row_major_slice(columns, shape.pixels(), taps);
    let filters = MatRef::from_row_major_slice(filters, shape.k, taps);
    gemm::product(MatMut::from_row_major_slice_mut(output, shape.pixels(), shape.k), unfolded, filters.transpose());
}

/// The input values under every filter tap for one output pixel (0 in the padding).
fn unfold_pixel<T: Real>(shape: &ConvShape, input: &[T], pixel: usize, row: &mut [T]) {
    for (tap, slot) in row.iter_mut().enumerate() {
        *slot = shape.source(pixel, tap).map_or(T::zero(), |at| input[at]);
    }
}
