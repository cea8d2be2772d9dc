//! Matrix products with faer, on all of rayon's threads.

use faer::linalg::matmul::matmul as faer_matmul;
use faer::{Accum, MatMut, MatRef, Par};

use super::Real;

/// `c = a x b`, all row major: `a` is m x k, `b` k x n, `c` m x n.
pub fn matmul<T: Real>(a: &[T], b: &[T], c: &mut [T], m: usize, n: usize, k: usize) {
    let a = MatRef::from_row_major_slice(a, m, k);
    let b = MatRef::from_row_major_slice(b, k, n);
    product(MatMut::from_row_major_slice_mut(c, m, n), a, b);
}

/// `c = a x b` for faer views.
pub fn product<T: Real>(c: MatMut<'_, T>, a: MatRef<'_, T>, b: MatRef<'_, T>) {
    faer_matmul(c, Accum::Replace, a, b, T::one(), Par::rayon(0));
}
