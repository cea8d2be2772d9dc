//! `CUresult` codes the rules explain (CUDA Driver API, error handling), as `cuInit` returns them
//! and the report records them (`libraries.cuda_init_error_code`).

/// `CUDA_ERROR_STUB_LIBRARY`: the toolkit's link-time stub `libcuda.so` was loaded instead
/// of the driver's.
pub const STUB_LIBRARY: i32 = 34;
/// `CUDA_ERROR_NO_DEVICE`.
pub const NO_DEVICE: i32 = 100;
/// `CUDA_ERROR_SYSTEM_DRIVER_MISMATCH`: kernel module and libcuda versions differ.
pub const SYSTEM_DRIVER_MISMATCH: i32 = 803;
/// `CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE`: a forward-compatibility libcuda on a GPU
/// that does not support it.
pub const COMPAT_NOT_SUPPORTED_ON_DEVICE: i32 = 804;
/// `CUDA_ERROR_UNKNOWN`.
pub const UNKNOWN: i32 = 999;
