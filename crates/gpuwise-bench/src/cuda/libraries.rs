//! The shared libraries the CUDA backend loads at run time, checked before cudarc touches them:
//! cudarc (built with `dynamic-loading`) panics when a library is missing or lacks a symbol.
//!
//! A library counts as usable when one of the names cudarc tries opens and it exports every
//! symbol this module calls through cudarc (listed per library below; keep the lists in step
//! with the calls).

use cudarc::{cublas, cufft, driver};

use super::errors::CudaError;

/// A library the backend loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Library {
    /// The driver API, `libcuda.so.1`.
    Driver,
    /// cuBLAS, for matrix products and the convolution's GEMM.
    Cublas,
    /// cuFFT, for transforms.
    Cufft,
}

/// Every libcuda symbol cudarc calls on this backend's paths (context, stream, memory, copies,
/// events, module loading, launches, error texts).
const DRIVER_SYMBOLS: &[&str] = &[
    "cuInit",
    "cuGetErrorName",
    "cuGetErrorString",
    "cuDeviceGetCount",
    "cuDeviceGet",
    "cuDeviceGetAttribute",
    "cuDeviceGetName",
    "cuDeviceGetUuid",
    "cuDevicePrimaryCtxRetain",
    "cuDevicePrimaryCtxRelease_v2",
    "cuCtxGetCurrent",
    "cuCtxSetCurrent",
    "cuStreamCreate",
    "cuStreamDestroy_v2",
    "cuStreamSynchronize",
    "cuStreamWaitEvent",
    "cuMemGetInfo_v2",
    "cuMemAlloc_v2",
    "cuMemFree_v2",
    "cuMemAllocAsync",
    "cuMemFreeAsync",
    "cuMemHostAlloc",
    "cuMemFreeHost",
    "cuMemcpyHtoDAsync_v2",
    "cuMemcpyDtoHAsync_v2",
    "cuMemcpyDtoDAsync_v2",
    "cuMemsetD8Async",
    "cuEventCreate",
    "cuEventRecord",
    "cuEventSynchronize",
    "cuEventElapsedTime",
    "cuEventDestroy_v2",
    "cuModuleLoadData",
    "cuModuleGetFunction",
    "cuModuleUnload",
    "cuLaunchKernel",
];

/// Every cuBLAS symbol [`super::blas`] calls.
const CUBLAS_SYMBOLS: &[&str] = &["cublasCreate_v2", "cublasSetStream_v2", "cublasGemmEx", "cublasDestroy_v2"];

/// Every cuFFT symbol [`super::fft`] calls.
const CUFFT_SYMBOLS: &[&str] = &[
    "cufftCreate",
    "cufftSetAutoAllocation",
    "cufftMakePlanMany",
    "cufftSetWorkArea",
    "cufftSetStream",
    "cufftExecC2C",
    "cufftExecZ2Z",
    "cufftDestroy",
];

impl Library {
    /// The name cudarc derives file names from (`lib{stem}.so`, `lib{stem}.so.12`, ...).
    fn stem(self) -> &'static str {
        match self {
            Library::Driver => "cuda",
            Library::Cublas => "cublas",
            Library::Cufft => "cufft",
        }
    }

    fn symbols(self) -> &'static [&'static str] {
        match self {
            Library::Driver => DRIVER_SYMBOLS,
            Library::Cublas => CUBLAS_SYMBOLS,
            Library::Cufft => CUFFT_SYMBOLS,
        }
    }

    /// What the library is, for messages.
    fn title(self) -> &'static str {
        match self {
            Library::Driver => "the NVIDIA driver's CUDA library (libcuda.so.1)",
            Library::Cublas => "cuBLAS (libcublas)",
            Library::Cufft => "cuFFT (libcufft)",
        }
    }

    /// True when one of the file names cudarc tries opens.
    pub(super) fn present(self) -> bool {
        // SAFETY: these only try to open the library by each name cudarc would use; loading it
        // runs its initialisers, which are made to run in any process, as cudarc's first call
        // would anyway.
        unsafe {
            match self {
                Library::Driver => driver::sys::is_culib_present(),
                Library::Cublas => cublas::sys::is_culib_present(),
                Library::Cufft => cufft::sys::is_culib_present(),
            }
        }
    }

    /// True when the loaded library exports `symbol`. Call only when [`Library::present`].
    fn exports(self, symbol: &str) -> bool {
        // SAFETY: the library is present, so `culib` opens it rather than panicking.
        let library = unsafe {
            match self {
                Library::Driver => driver::sys::culib(),
                Library::Cublas => cublas::sys::culib(),
                Library::Cufft => cufft::sys::culib(),
            }
        };
        gpuwise_probe::cuda::has_symbol(library, symbol)
    }

    /// The Linux file names cudarc tries, in its order.
    fn file_names(self) -> Vec<String> {
        let prefix = format!("lib{}.so", self.stem());
        let mut names: Vec<String> = Vec::new();
        for name in cudarc::get_lib_name_candidates(self.stem()) {
            if name.starts_with(&prefix) && !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// Why the library could not be found, and how to make it findable.
    pub(super) fn not_found(self) -> String {
        let looked = format!("{} was not found (looked for {})", self.title(), self.file_names().join(", "));
        match self {
            Library::Driver => format!(
                "{looked}: install the NVIDIA driver; in a container, start it with the NVIDIA Container \
                 Toolkit (docker run --gpus all) so that the driver's libraries are mounted"
            ),
            Library::Cublas => format!(
                "{looked}: {}. CUDA 13 names it libcublas.so.13, which is not among these names: there the \
                 toolkit's unversioned libcublas.so must be on the path (or a link named libcublas.so to \
                 libcublas.so.13 in a folder that is)",
                toolkit_hint("cublas")
            ),
            Library::Cufft => format!("{looked}: {}", toolkit_hint("cufft")),
        }
    }

    /// Why a library that loads cannot be used.
    pub(super) fn lacks(self, symbol: &str) -> String {
        let update = match self {
            Library::Driver => "the driver is older than gpuwise supports: update the NVIDIA driver",
            Library::Cublas | Library::Cufft => "it is older than gpuwise supports (CUDA 12 or newer is needed)",
        };
        format!("{} was found but does not export {symbol}: {update}", self.title())
    }
}

/// Where the CUDA math libraries live and how to point the loader at them.
fn toolkit_hint(stem: &str) -> String {
    format!(
        "put the folder that holds it on LD_LIBRARY_PATH: a CUDA toolkit's lib64 (/usr/local/cuda/lib64) or a \
         pip wheel's lib folder under site-packages/nvidia/ (nvidia/{stem}/lib for CUDA 12 wheels)"
    )
}

/// `Ok` when `library` can be used: it loads and exports every symbol the backend calls.
pub(super) fn require(library: Library) -> Result<(), CudaError> {
    if !library.present() {
        return Err(CudaError::NotFound(library));
    }
    match library.symbols().iter().find(|symbol| !library.exports(symbol)) {
        Some(&symbol) => Err(CudaError::TooOld { library, symbol }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_files_and_the_fix() {
        let cublas = Library::Cublas.not_found();
        assert!(cublas.contains("libcublas.so, ") && cublas.contains("libcublas.so.12"), "{cublas}");
        assert!(cublas.contains("LD_LIBRARY_PATH") && cublas.contains("libcublas.so.13"), "{cublas}");
        let driver = Library::Driver.not_found();
        assert!(driver.contains("libcuda.so.1") && driver.contains("install the NVIDIA driver"), "{driver}");
        assert!(Library::Cufft.not_found().contains("nvidia/cufft/lib"));
        let old = CudaError::TooOld { library: Library::Cufft, symbol: "cufftMakePlanMany" };
        assert_eq!(old.to_string(), Library::Cufft.lacks("cufftMakePlanMany"));
        assert!(old.to_string().contains("does not export cufftMakePlanMany"), "{old}");
    }

    #[test]
    fn file_names_are_unique_linux_names() {
        let names = Library::Driver.file_names();
        assert_eq!(names[0], "libcuda.so");
        assert!(names.contains(&"libcuda.so.1".to_string()));
        assert!(names.iter().all(|n| n.starts_with("libcuda.so")));
        let unique: std::collections::HashSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
    }

    #[test]
    fn a_missing_library_is_an_error_not_a_panic() {
        for library in [Library::Driver, Library::Cublas, Library::Cufft] {
            if !library.present() {
                let err = require(library).unwrap_err();
                assert_eq!(err, CudaError::NotFound(library));
                assert_eq!(err.to_string(), library.not_found());
            }
        }
    }
}
