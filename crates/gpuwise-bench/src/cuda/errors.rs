//! Errors in the words a user reads: CUDA, cuBLAS and cuFFT results by name (and the driver's
//! own text), and panics from cudarc turned into errors.

use std::panic::{AssertUnwindSafe, catch_unwind};

use cudarc::cublas::result::CublasError;
use cudarc::cufft::result::CufftError;
use cudarc::driver::DriverError;

/// A library result that can say what went wrong.
pub(super) trait Describe {
    /// `CUDA_ERROR_OUT_OF_MEMORY (2): out of memory` and the like.
    fn describe(&self) -> String;
}

impl Describe for DriverError {
    fn describe(&self) -> String {
        gpuwise_probe::cuda::describe_result(self.0)
    }
}

impl Describe for CublasError {
    fn describe(&self) -> String {
        format!("{:?} ({})", self.0, self.0 as i32)
    }
}

impl Describe for CufftError {
    fn describe(&self) -> String {
        format!("{:?} ({})", self.0, self.0 as i32)
    }
}

/// Adds what was being done to a library error.
pub(super) trait Context<T> {
    /// `Err("{what}: {error}")`.
    fn context(self, what: &str) -> Result<T, String>;
}

impl<T, E: Describe> Context<T> for Result<T, E> {
    fn context(self, what: &str) -> Result<T, String> {
        self.map_err(|err| format!("{what}: {}", err.describe()))
    }
}

/// Runs `body`, turning a panic (cudarc panics when a library or symbol cannot be loaded, and
/// on a few internal assertions) into `Err` prefixed with `what`.
pub(super) fn guard<T>(what: &str, body: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        Err(format!("{what}: a CUDA library call failed: {message}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors() {
        let err = guard("running the case", || -> Result<(), String> { panic!("Missing symbol cublasGemmEx") });
        assert_eq!(err.unwrap_err(), "running the case: a CUDA library call failed: Missing symbol cublasGemmEx");
        let formatted = guard("x", || -> Result<(), String> { panic!("{} {}", "a", 1) });
        assert!(formatted.unwrap_err().ends_with("a 1"));
        assert_eq!(guard("x", || Ok(3)), Ok(3));
    }

    #[test]
    fn library_statuses_are_named() {
        use cudarc::cublas::sys::cublasStatus_t;
        let err: Result<(), _> = Err(CublasError(cublasStatus_t::CUBLAS_STATUS_ALLOC_FAILED));
        assert_eq!(err.context("cublasCreate").unwrap_err(), "cublasCreate: CUBLAS_STATUS_ALLOC_FAILED (3)");
    }
}
