//! Matrix products on the CPU: through an optimised BLAS when one was found (see
//! [`super::blas_search`]), else with faer on all of rayon's threads.

use faer::linalg::matmul::matmul as faer_matmul;
use faer::{Accum, MatMut, MatRef, Par};

use super::Real;
use super::blas::{Blas, exact_operands};
use super::errors::GemmError;

/// The library that multiplies matrices on the CPU.
#[derive(Debug)]
pub enum GemmLibrary {
    /// faer, on all of rayon's threads.
    Faer,
    /// A BLAS loaded at run time.
    Blas {
        /// The opened library.
        blas: Blas,
        /// Where it was found: `numpy's wheel`, `the system`, `--cpu-gemm`...
        origin: String,
    },
}

impl GemmLibrary {
    /// `c = a x b` (or `a x bᵀ` when `b_transposed`), all row major: `a` is m x k, `b` k x n
    /// (n x k when transposed), `c` m x n. `Err` when a slice is shorter than its matrix or a
    /// dimension is too large for the library.
    pub fn multiply<T: Real>(
        &self,
        a: &[T],
        b: &[T],
        b_transposed: bool,
        c: &mut [T],
        (m, n, k): (usize, usize, usize),
    ) -> Result<(), GemmError> {
        match self {
            GemmLibrary::Blas { blas, .. } => blas.multiply(a, b, b_transposed, c, (m, n, k)),
            GemmLibrary::Faer => {
                let (a, b, c) = exact_operands(a, b, c, (m, n, k))?;
                let a = MatRef::from_row_major_slice(a, m, k);
                let b = if b_transposed {
                    MatRef::from_row_major_slice(b, n, k).transpose()
                } else {
                    MatRef::from_row_major_slice(b, k, n)
                };
                let c = MatMut::from_row_major_slice_mut(c, m, n);
                faer_matmul(c, Accum::Replace, a, b, T::one(), Par::rayon(0));
                Ok(())
            }
        }
    }

    /// `OpenBLAS 0.3.31 (Zen kernels), from numpy's wheel (/path/libscipy_openblas64_.so), 2
    /// threads` or `faer, 2 threads`.
    pub fn describe(&self) -> String {
        match self {
            GemmLibrary::Faer => format!("faer, {} threads", rayon::current_num_threads()),
            GemmLibrary::Blas { blas, origin } => {
                let threads = blas.threads.map(|t| format!(", {t} threads")).unwrap_or_default();
                format!("{}, from {origin} ({}){threads}", blas.name, blas.path.display())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// faer with the second operand transposed computes a x bᵀ.
    #[test]
    fn faer_multiplies_by_the_transpose() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]; // 2 x 3
        let b = [1.0, 0.0, -1.0, 2.0, 1.0, 0.0]; // 2 x 3, used as 3 x 2
        let mut c = [0.0f64; 4];
        GemmLibrary::Faer.multiply(&a, &b, true, &mut c, (2, 2, 3)).unwrap();
        assert_eq!(c, [-2.0, 4.0, -2.0, 13.0]);
    }

    #[test]
    fn short_operands_are_an_error_not_a_panic() {
        let mut c = [0.0f32; 4];
        let err = GemmLibrary::Faer.multiply(&[1.0; 5], &[1.0; 6], false, &mut c, (2, 2, 3)).unwrap_err();
        assert_eq!(err.to_string(), "operands smaller than a 2x2x3 product");
        assert!(GemmLibrary::Faer.multiply(&[1.0; 6], &[1.0; 6], false, &mut c, (usize::MAX, 2, 3)).is_err());
    }
}
