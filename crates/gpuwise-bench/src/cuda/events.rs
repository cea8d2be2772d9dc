//! GPU-side timing: a pair of CUDA events recorded around the work of one call.

use std::sync::Arc;

use cudarc::driver::sys::CUevent_flags;
use cudarc::driver::{CudaContext, CudaEvent, CudaStream};

use super::errors::{Context, CudaError};

/// Two timing events, reused for every call so that creating them stays out of the timed span.
pub(super) struct Stopwatch {
    start: CudaEvent,
    end: CudaEvent,
}

impl Stopwatch {
    /// Events with timing on (`CU_EVENT_DEFAULT`; the host spins on them rather than sleeping,
    /// for the quickest wake-up).
    pub fn new(ctx: &Arc<CudaContext>) -> Result<Stopwatch, CudaError> {
        let event = || ctx.new_event(Some(CUevent_flags::CU_EVENT_DEFAULT)).context("creating a timing event");
        Ok(Stopwatch { start: event()?, end: event()? })
    }

    /// Seconds the work `enqueue` queues on `stream` takes on the GPU: events recorded before
    /// and after it, waiting for the end event. The start event fires as soon as the stream is
    /// idle, so a call shorter than its own launch also counts part of the launch.
    pub fn time(&self, stream: &CudaStream, enqueue: impl FnOnce() -> Result<(), CudaError>) -> Result<f64, CudaError> {
        self.start.record(stream).context("recording the start event")?;
        enqueue()?;
        self.end.record(stream).context("recording the end event")?;
        self.end.synchronize().context("waiting for the timed work")?;
        let milliseconds = self.start.elapsed_ms(&self.end).context("reading the events' elapsed time")?;
        Ok(f64::from(milliseconds) / 1e3)
    }
}
