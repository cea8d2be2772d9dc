//! Page-locked host memory, where copies to and from the device run at full speed.
//!
//! Allocated with `cuMemHostAlloc` and flags 0 (through cudarc's `alloc_pinned_with_flags`):
//! cudarc's plain `alloc_pinned` asks for write-combined memory, which the host reads back very
//! slowly and which is not what frameworks pin (PyTorch's `pin_memory` uses flags 0 too).

use std::sync::Arc;

use cudarc::driver::{CudaSlice, CudaStream, DeviceRepr, PinnedHostSlice, ValidAsZeroBits};

use super::element::Element;
use super::errors::{Context, CudaError};
use crate::data::Values;

/// Pinned host values whose copies run on one stream.
///
/// With cudarc's event tracking off (see the module docs) cudarc does not order host access to
/// pinned memory after the stream's copies, so this does: [`Pinned::values`] and dropping wait
/// for the stream first.
pub(super) struct Pinned<T> {
    memory: PinnedHostSlice<T>,
    stream: Arc<CudaStream>,
}

impl<T: DeviceRepr + ValidAsZeroBits> Pinned<T> {
    /// `len` values, zeroed, for copies on `stream`.
    pub fn new(stream: &Arc<CudaStream>, len: usize) -> Result<Pinned<T>, CudaError> {
        if len == 0 {
            return Err(CudaError::EmptyPinned);
        }
        let bytes = len.checked_mul(size_of::<T>()).ok_or(CudaError::PinnedTooLarge)?;
        let what = format!("allocating {bytes} bytes of pinned host memory");
        // SAFETY: flags 0 are valid flags for cuMemHostAlloc. The memory starts uninitialised;
        // it is zeroed below through its raw pointer before any slice of it is made.
        let mut memory = unsafe { stream.context().alloc_pinned_with_flags::<T>(len, 0) }.context(what.clone())?;
        let start = memory.as_mut_ptr().context(what)?;
        // SAFETY: `start` points at `len` values of T just allocated and not yet shared; all-zero
        // bits are a valid T (ValidAsZeroBits).
        unsafe { start.write_bytes(0, len) };
        Ok(Pinned { memory, stream: stream.clone() })
    }

    /// The values, once every copy queued on the stream has finished.
    pub fn values(&self) -> Result<&[T], CudaError> {
        self.stream.synchronize().context("waiting for copies into pinned memory")?;
        self.memory.as_slice().context("reading pinned memory")
    }

    /// The values to write, once every copy queued on the stream has finished.
    pub fn values_mut(&mut self) -> Result<&mut [T], CudaError> {
        self.stream.synchronize().context("waiting for copies from pinned memory")?;
        self.memory.as_mut_slice().context("writing pinned memory")
    }

    /// How many values.
    pub fn len(&self) -> usize {
        self.memory.len()
    }

    /// Queues a copy of all values into `device`, which holds as many.
    pub fn upload(&self, device: &mut CudaSlice<T>) -> Result<(), CudaError> {
        lengths(self.len(), device.len())?;
        self.stream.memcpy_htod(&self.memory, device).context("copying host to device")
    }

    /// Queues a copy of `device`, which holds as many values, into these.
    pub fn download(&mut self, device: &CudaSlice<T>) -> Result<(), CudaError> {
        lengths(self.len(), device.len())?;
        self.stream.memcpy_dtoh(device, &mut self.memory).context("copying device to host")
    }
}

impl<T: Element> Pinned<T> {
    /// Host `values` rounded to `T`, pinned.
    pub fn of(stream: &Arc<CudaStream>, values: &Values) -> Result<Pinned<T>, CudaError> {
        let mut pinned = Pinned::new(stream, values.len())?;
        T::narrow(values, pinned.values_mut()?)?;
        Ok(pinned)
    }
}

/// `Err` unless host and device sides hold as many values (cudarc asserts this).
pub(super) fn lengths(host: usize, device: usize) -> Result<(), CudaError> {
    if host == device { Ok(()) } else { Err(CudaError::CopyLengths { host, device }) }
}

impl<T> Drop for Pinned<T> {
    fn drop(&mut self) {
        // A copy still queued must not find its memory freed; an error here was (or will be)
        // reported by the call that queued the copy.
        let _ = self.stream.synchronize();
    }
}
