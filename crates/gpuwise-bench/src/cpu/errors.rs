//! The CPU backend's errors: a BLAS library that cannot be used, a matrix product that cannot
//! be called, an unusable `--cpu-gemm`, and a case the CPU cannot run.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::error::{FilterTooLarge, NoTiming};

/// Why a BLAS library cannot be used (see [`super::Blas::open`]). Each message starts with the
/// library's path.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BlasError {
    /// The dynamic loader could not open it.
    #[error("{}", loader_words(.path, .detail))]
    Load {
        /// The file, or the name the loader searched for.
        path: PathBuf,
        /// The loader's own words (no such file, wrong ELF class), as `dlerror` gives them.
        detail: String,
    },
    /// It exports no CBLAS `sgemm` and `dgemm` under any spelling.
    #[error("{}: no CBLAS sgemm and dgemm in it (not a BLAS library)", .path.display())]
    NotBlas {
        /// The library.
        path: PathBuf,
    },
    /// Its unsuffixed CBLAS does not say which integers it takes.
    #[error(
        "{}: cannot tell whether its BLAS takes 32- or 64-bit integers (not OpenBLAS, MKL or BLIS)",
        .path.display()
    )]
    UnknownIntegers {
        /// The library.
        path: PathBuf,
    },
    /// Its `?gemm` symbols were found but could not be loaded.
    #[error("{}: its ?gemm symbols could not be loaded", .path.display())]
    MissingGemm {
        /// The library.
        path: PathBuf,
    },
}

/// The loader's words, prefixed with `path` unless they already name it.
fn loader_words(path: &Path, detail: &str) -> String {
    let named = path.display().to_string();
    if detail.contains(&named) { detail.to_string() } else { format!("{named}: {detail}") }
}

/// Why a matrix product cannot be called (see [`super::GemmLibrary::multiply`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum GemmError {
    /// An operand slice is shorter than its matrix.
    #[error("operands smaller than a {m}x{n}x{k} product")]
    ShortOperands {
        /// Rows of A and C.
        m: usize,
        /// Columns of B and C.
        n: usize,
        /// Columns of A, rows of B.
        k: usize,
    },
    /// A dimension does not fit the library's integer type.
    #[error("{m}x{n}x{k} is too large for this BLAS's integers")]
    TooLarge {
        /// Rows of A and C.
        m: usize,
        /// Columns of B and C.
        n: usize,
        /// Columns of A, rows of B.
        k: usize,
    },
}

/// What is wrong with `--cpu-gemm` (see [`super::GemmChoice`] and [`super::choose`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GemmChoiceError {
    /// It was given empty.
    #[error("give auto, faer, or the path of a BLAS library")]
    Empty,
    /// The library it names cannot be used.
    #[error("--cpu-gemm {0}")]
    Unusable(BlasError),
}

/// Why a case cannot run on the CPU (see [`super::run`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CpuError {
    /// The inputs are not all stored in one precision.
    #[error("inputs of mixed precision")]
    MixedPrecision,
    /// The convolution has no output.
    #[error(transparent)]
    FilterTooLarge(#[from] FilterTooLarge),
    /// An operation the CPU backend does not implement.
    #[error("the CPU backend has no {op} kernel")]
    NoKernel {
        /// The operation's name.
        op: &'static str,
    },
    /// A matrix product could not be called.
    #[error(transparent)]
    Gemm(#[from] GemmError),
    /// The repeat policy timed nothing.
    #[error(transparent)]
    NoTiming(#[from] NoTiming),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loaders_words_name_the_library_once() {
        let load = |detail: &str| BlasError::Load { path: "/opt/libblas.so".into(), detail: detail.into() }.to_string();
        assert_eq!(
            load("/opt/libblas.so: cannot open shared object file"),
            "/opt/libblas.so: cannot open shared object file"
        );
        assert_eq!(load("invalid ELF header"), "/opt/libblas.so: invalid ELF header");
        let unusable = GemmChoiceError::Unusable(BlasError::MissingGemm { path: "libx.so".into() });
        assert_eq!(unusable.to_string(), "--cpu-gemm libx.so: its ?gemm symbols could not be loaded");
    }
}
