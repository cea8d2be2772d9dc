//! Batched forward complex-to-complex FFTs on cuFFT: one plan per case, made outside the timed
//! region, with its work area allocated by the backend so that it counts against the memory
//! budget. (cudarc's `CudaFft` lets cuFFT allocate the work area and panics in `drop` when
//! `cufftDestroy` fails, so the plan is kept here.)

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::Arc;

use cudarc::cufft::FftDirection;
use cudarc::cufft::result;
use cudarc::cufft::sys::{cufftComplex, cufftDoubleComplex, cufftHandle, cufftType};
use cudarc::driver::{CudaSlice, CudaStream, DevicePtr, DevicePtrMut};

use super::errors::{Context, CudaError};
use super::libraries::{self, Library};

/// A plan for `batch` forward transforms of length `n`, out of place, unnormalised, on
/// interleaved (re, im) values, queued on one stream.
pub(super) struct Plan {
    handle: cufftHandle,
    kind: cufftType,
    /// Values (not complex numbers) in the input and in the output.
    values: usize,
    /// Bytes of work area the plan needs.
    work_bytes: usize,
    /// The work area, once attached; freed after the plan is destroyed.
    work: Option<CudaSlice<u8>>,
    stream: Arc<CudaStream>,
}

impl Plan {
    /// Loads cuFFT (checked first) and plans `batch` transforms of length `n` of `kind`
    /// (`CUFFT_C2C` on f32 pairs, `CUFFT_Z2Z` on f64 pairs), without a work area yet.
    pub fn new(stream: &Arc<CudaStream>, kind: cufftType, n: usize, batch: usize) -> Result<Plan, CudaError> {
        libraries::require(Library::Cufft)?;
        let int = |v: usize| c_int::try_from(v).map_err(|_| CudaError::FftTooLarge(v));
        let (length, count) = (int(n)?, int(batch)?);
        stream.context().bind_to_thread().context("binding the CUDA context")?;
        let handle = result::create().context("cufftCreate")?;
        let values = 2 * n * batch;
        let mut plan = Plan { handle, kind, values, work_bytes: 0, work: None, stream: stream.clone() };
        // SAFETY: the handle was just created; turning auto-allocation off before the plan is
        // made is what cuFFT asks for when the caller provides the work area.
        unsafe { result::set_auto_allocation(handle, false) }.context("cufftSetAutoAllocation")?;
        let mut dims = [length];
        // SAFETY: `dims` holds rank (1) sizes and lives through the call; null embeds select
        // the basic contiguous layout, for which cuFFT ignores the strides and distances.
        plan.work_bytes = unsafe {
            result::make_plan_many(
                handle,
                1,
                dims.as_mut_ptr(),
                ptr::null_mut(),
                1,
                length,
                ptr::null_mut(),
                1,
                length,
                kind,
                count,
            )
        }
        .context(format!("planning {batch} FFTs of length {n} (cufftMakePlanMany)"))?;
        // SAFETY: the handle is a made plan; the stream lives as long as `plan`.
        unsafe { result::set_stream(handle, stream.cu_stream() as _) }.context("cufftSetStream")?;
        Ok(plan)
    }

    /// Bytes of work area [`Plan::attach_work_area`] will allocate.
    pub fn work_bytes(&self) -> u64 {
        self.work_bytes.max(1) as u64
    }

    /// Allocates the work area on the stream and hands it to the plan.
    pub fn attach_work_area(&mut self) -> Result<(), CudaError> {
        let bytes = self.work_bytes() as usize;
        // SAFETY: the work area is cuFFT's scratch: it is written before it is read.
        let mut work = unsafe { self.stream.alloc::<u8>(bytes) }
            .context(format!("allocating {bytes} bytes of cuFFT work area"))?;
        {
            let (area, _record) = work.device_ptr_mut(&self.stream);
            // SAFETY: `area` points at `bytes` >= the plan's work size bytes, kept alive in
            // `self.work` until after the plan is destroyed.
            unsafe { result::set_work_area(self.handle, area as *mut c_void) }.context("cufftSetWorkArea")?;
        }
        self.work = Some(work);
        Ok(())
    }

    /// Queues the forward transforms of `input` into `output`, each holding the plan's values
    /// of the type its kind transforms (f32 for C2C, f64 for Z2Z).
    pub fn forward<T>(&self, input: &CudaSlice<T>, output: &mut CudaSlice<T>) -> Result<(), CudaError> {
        if self.work.is_none() {
            return Err(CudaError::FftWithoutWorkArea);
        }
        let element = match self.kind {
            cufftType::CUFFT_C2C => size_of::<f32>(),
            cufftType::CUFFT_Z2Z => size_of::<f64>(),
            other => return Err(CudaError::FftKind(other)),
        };
        if input.len() != self.values || output.len() != self.values || size_of::<T>() != element {
            return Err(CudaError::FftBuffers { values: self.values, input: input.len(), output: output.len() });
        }
        let (from, _from) = input.device_ptr(&self.stream);
        let (to, _to) = output.device_ptr_mut(&self.stream);
        let forward = FftDirection::Forward as c_int;
        // SAFETY: the plan is made, has its work area and queues on the stream both buffers
        // belong to; each buffer holds exactly the plan's batch of transforms in the element
        // type of its kind (checked above). Out of place, so cuFFT only reads `input`.
        unsafe {
            if self.kind == cufftType::CUFFT_C2C {
                result::exec_c2c(self.handle, from as *mut cufftComplex, to as *mut cufftComplex, forward)
            } else {
                result::exec_z2z(self.handle, from as *mut cufftDoubleComplex, to as *mut cufftDoubleComplex, forward)
            }
        }
        .context("running the FFT")
    }
}

impl Drop for Plan {
    fn drop(&mut self) {
        // Errors are ignored: the plan is gone either way, and a failing device was reported by
        // the call that met it. The work area is freed after this, with the fields.
        let _ = self.stream.context().bind_to_thread();
        // SAFETY: the handle was created by `Plan::new` and is destroyed only here.
        let _ = unsafe { result::destroy(self.handle) };
    }
}
