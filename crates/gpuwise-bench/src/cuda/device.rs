//! Device buffers: allocation on the stream, and poisoning outputs so an output a kernel never
//! wrote cannot pass the check by accident.

use std::sync::Arc;

use cudarc::driver::{CudaSlice, CudaStream, DevicePtrMut, DeviceRepr, result};

use super::budget::size;
use super::errors::{Context, CudaError};

/// `len` uninitialised values on `stream` (stream-ordered when the device has memory pools).
/// Every caller writes a buffer (an upload, a kernel, a copy) before anything reads it.
pub(super) fn alloc<T: DeviceRepr>(stream: &Arc<CudaStream>, len: usize) -> Result<CudaSlice<T>, CudaError> {
    let bytes = len.saturating_mul(size_of::<T>()) as u64;
    // SAFETY: the memory is left uninitialised, which is sound for device memory the host never
    // reads before something on the device or a copy has written it (see above).
    unsafe { stream.alloc::<T>(len) }.context(format!("allocating {} on the GPU", size(bytes)))
}

/// Sets every byte of `buffer` to 0xFF: NaN in f64, f32, f16 and bf16 alike, so values a kernel
/// failed to write fail the comparison with the reference (zeros could pass for some outputs).
pub(super) fn poison<T>(stream: &CudaStream, buffer: &mut CudaSlice<T>) -> Result<(), CudaError> {
    let bytes = buffer.num_bytes();
    let (start, _record) = buffer.device_ptr_mut(stream);
    // SAFETY: `start` points at the `bytes` bytes `buffer` owns; the set is queued on `stream`,
    // the stream every later use of the buffer is queued on, so it is ordered before them.
    unsafe { result::memset_d8_async(start, 0xFF, bytes, stream.cu_stream()) }.context("poisoning the output buffer")
}
