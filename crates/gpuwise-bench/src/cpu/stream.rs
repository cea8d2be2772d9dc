//! Memory-bound kernels on one core, as numpy's ufuncs run: an elementwise sum and a reduction.

use super::Real;

/// Elements per partial sum: blocks summed apart keep the rounding error of a long sum small, as
/// numpy's pairwise summation does.
const CHUNK: usize = 1 << 15;

/// `out = x + y`.
pub fn add<T: Real>(x: &[T], y: &[T], out: &mut [T]) {
    for ((o, &x), &y) in out.iter_mut().zip(x).zip(y) {
        *o = x + y;
    }
}

/// The sum of `x`: per-block partial sums in 16 independent lanes (so the compiler can keep them
/// in vector registers), then the partials summed.
pub fn sum<T: Real>(x: &[T]) -> T {
    x.chunks(CHUNK)
        .map(|chunk| {
            let mut lanes = [T::zero(); 16];
            let mut blocks = chunk.chunks_exact(16);
            for block in &mut blocks {
                for (lane, &v) in lanes.iter_mut().zip(block) {
                    *lane += v;
                }
            }
            blocks.remainder().iter().copied().sum::<T>() + lanes.into_iter().sum::<T>()
        })
        .sum()
}
