//! Inputs and outputs: random values (never zeros, which run faster and hide unwritten
//! outputs), rounded to the case's dtype, and copies to rotate through when one set fits in cache.

use gpuwise_model::Dtype;
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

/// Bytes that stay in a large last-level cache (an H100's L2 is 50 MiB; server L3 slices are
/// 32 MiB and up): inputs are copied until the copies together are twice this.
pub const CACHE_BYTES: u64 = 64 << 20;

/// Most copies of one input set (4 KiB sets reach the total at this many).
const MAX_COPIES: u64 = 32768;

/// Host values in the precision they are stored in: f64 for f64 cases, f32 for every other
/// dtype (f16 and bf16 values are rounded to their type first, so both sides see the same numbers).
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Single precision storage.
    F32(Vec<f32>),
    /// Double precision storage.
    F64(Vec<f64>),
}

impl Values {
    /// `len` values uniform in [-1, 1), reproducible from `seed`, rounded to `dtype`.
    pub fn random(dtype: Dtype, len: usize, seed: u64) -> Values {
        match dtype {
            Dtype::F64 => Values::F64(fill(len, seed, |x| x)),
            _ => Values::F32(fill(len, seed, |x| round(dtype, x as f32))),
        }
    }

    /// How many values.
    pub fn len(&self) -> usize {
        match self {
            Values::F32(v) => v.len(),
            Values::F64(v) => v.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i`, widened.
    pub fn get(&self, i: usize) -> f64 {
        match self {
            Values::F32(v) => f64::from(v[i]),
            Values::F64(v) => v[i],
        }
    }

    /// All values, widened (for references computed in f64).
    pub fn to_f64(&self) -> Vec<f64> {
        match self {
            Values::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            Values::F64(v) => v.clone(),
        }
    }

    /// Bytes as stored on the host.
    pub fn host_bytes(&self) -> u64 {
        match self {
            Values::F32(v) => 4 * v.len() as u64,
            Values::F64(v) => 8 * v.len() as u64,
        }
    }
}

/// `len` random values in parallel chunks, each chunk from its own generator seeded from `seed`.
fn fill<T: Copy + Default + Send>(len: usize, seed: u64, convert: impl Fn(f64) -> T + Sync) -> Vec<T> {
    const CHUNK: usize = 1 << 16;
    let mut values = vec![T::default(); len];
    values.par_chunks_mut(CHUNK).enumerate().for_each(|(i, part)| {
        let mut rng = SmallRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i as u64);
        for slot in part {
            *slot = convert(rng.random_range(-1.0..1.0));
        }
    });
    values
}

/// `x` rounded to the nearest value of `dtype` (f16 and bf16; other types keep it).
pub fn round(dtype: Dtype, x: f32) -> f32 {
    match dtype {
        Dtype::F16 => half::f16::from_f32(x).to_f32(),
        Dtype::Bf16 => half::bf16::from_f32(x).to_f32(),
        _ => x,
    }
}

/// Copies of an input set of `bytes` to rotate through so that no run finds its inputs in a
/// cache the previous run warmed: enough for twice [`CACHE_BYTES`], at least 1.
pub fn copies_for(bytes: u64) -> usize {
    (2 * CACHE_BYTES).div_ceil(bytes.max(1)).clamp(1, MAX_COPIES) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_values_are_reproducible_nonzero_and_spread() {
        let a = Values::random(Dtype::F32, 200_000, 7);
        assert_eq!(a, Values::random(Dtype::F32, 200_000, 7));
        assert_ne!(a, Values::random(Dtype::F32, 200_000, 8));
        let v = a.to_f64();
        assert!(v.iter().all(|x| (-1.0..1.0).contains(x)));
        assert!(v.iter().filter(|&&x| x == 0.0).count() < 10);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        // Chunks are not copies of each other.
        assert_ne!(v[..100], v[1 << 16..(1 << 16) + 100]);
    }

    #[test]
    fn half_values_are_representable() {
        let Values::F32(v) = Values::random(Dtype::Bf16, 1000, 1) else { panic!("bf16 is stored as f32") };
        assert!(v.iter().all(|&x| half::bf16::from_f32(x).to_f32() == x));
        assert!(matches!(Values::random(Dtype::F64, 10, 1), Values::F64(_)));
    }

    #[test]
    fn small_inputs_rotate_large_ones_do_not() {
        assert_eq!(copies_for(1 << 12), 32768);
        assert_eq!(copies_for(4 << 20), 32);
        assert_eq!(copies_for(1 << 30), 1);
    }
}
