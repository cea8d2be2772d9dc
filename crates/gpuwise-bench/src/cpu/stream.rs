//! Memory-bound kernels on rayon: an elementwise sum and a reduction.

use rayon::prelude::*;

use super::Real;

/// Elements per rayon task: large enough that scheduling costs nothing next to the memory traffic.
const CHUNK: usize = 1 << 15;

/// `out = x + y`.
pub fn add<T: Real>(x: &[T], y: &[T], out: &mut [T]) {
    out.par_chunks_mut(CHUNK).zip(x.par_chunks(CHUNK)).zip(y.par_chunks(CHUNK)).for_each(|((o, x), y)| {
        for ((o, &x), &y) in o.iter_mut().zip(x).zip(y) {
            *o = x + y;
        }
    });
}

/// The sum of `x`: per-task partial sums in 16 independent lanes (so the compiler can keep them
/// in vector registers), then the partials summed.
pub fn sum<T: Real>(x: &[T]) -> T {
    x.par_chunks(CHUNK)
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
