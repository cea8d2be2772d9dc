//! The machine's copy bandwidths: host to device and back from pinned or pageable memory, and
//! device to device, each timed with events around one copy.

use std::sync::Arc;

use cudarc::driver::{CudaSlice, CudaStream};
use serde::Serialize;

use super::device::alloc;
use super::errors::{Context, CudaError};
use super::events::Stopwatch;
use super::gpu::Gpu;
use super::host::{Pinned, lengths};
use crate::data::copies_for;
use crate::timer;
use gpuwise_bench_results::plan::Repeats;
use gpuwise_bench_results::report::{MachineOp, Variant};
use gpuwise_bench_results::stats::Summary;

/// Which host memory a copy uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Memory {
    /// Page-locked (`cuMemHostAlloc`, flags 0): the DMA engine reads or writes it directly.
    Pinned,
    /// Ordinary memory (a `Vec`): the driver stages it through pinned buffers of its own.
    Pageable,
}

impl Memory {
    /// How results name it.
    pub fn variant(self) -> Variant {
        match self {
            Memory::Pinned => Variant::Pinned,
            Memory::Pageable => Variant::Pageable,
        }
    }
}

/// Which way a copy goes, and for host copies, from or into which host memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Direction {
    /// Host to device.
    HostToDevice(Memory),
    /// Device to host.
    DeviceToHost(Memory),
    /// Between two device buffers.
    DeviceToDevice,
}

impl Direction {
    /// Every copy the machine figures time.
    pub const ALL: [Direction; 5] = [
        Direction::HostToDevice(Memory::Pinned),
        Direction::HostToDevice(Memory::Pageable),
        Direction::DeviceToHost(Memory::Pinned),
        Direction::DeviceToHost(Memory::Pageable),
        Direction::DeviceToDevice,
    ];

    /// How results name it: `h2d`, `d2h` or `d2d`.
    pub fn op(self) -> MachineOp {
        match self {
            Direction::HostToDevice(_) => MachineOp::H2d,
            Direction::DeviceToHost(_) => MachineOp::D2h,
            Direction::DeviceToDevice => MachineOp::D2d,
        }
    }

    /// The host memory, for host copies.
    pub fn memory(self) -> Option<Memory> {
        match self {
            Direction::HostToDevice(memory) | Direction::DeviceToHost(memory) => Some(memory),
            Direction::DeviceToDevice => None,
        }
    }
}

/// A copy size timed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopyMeasured {
    /// Which way it went.
    pub direction: Direction,
    /// Bytes per copy. A device-to-device copy reads and writes each, moving twice this
    /// through device memory.
    pub bytes: u64,
    /// Seconds per copy, from CUDA events around it.
    pub summary: Summary,
}

/// The host end of a copy.
enum Host {
    Pinned(Pinned<u8>),
    Pageable(Vec<u8>),
}

impl Host {
    /// `values` in `memory`.
    fn new(stream: &Arc<CudaStream>, memory: Memory, values: Vec<u8>) -> Result<Host, CudaError> {
        Ok(match memory {
            Memory::Pinned => {
                let mut pinned = Pinned::new(stream, values.len())?;
                pinned.values_mut()?.copy_from_slice(&values);
                Host::Pinned(pinned)
            }
            Memory::Pageable => Host::Pageable(values),
        })
    }

    fn upload(&self, stream: &Arc<CudaStream>, device: &mut CudaSlice<u8>) -> Result<(), CudaError> {
        match self {
            Host::Pinned(pinned) => pinned.upload(device),
            Host::Pageable(values) => {
                lengths(values.len(), device.len())?;
                stream.memcpy_htod(values, device).context("copying host to device")
            }
        }
    }

    fn download(&mut self, stream: &Arc<CudaStream>, device: &CudaSlice<u8>) -> Result<(), CudaError> {
        match self {
            Host::Pinned(pinned) => pinned.download(device),
            Host::Pageable(values) => {
                lengths(values.len(), device.len())?;
                stream.memcpy_dtoh(device, values).context("copying device to host")
            }
        }
    }
}

/// A copy from or to the device buffer under test.
enum Transfer {
    /// From the host into it.
    Upload(Host),
    /// From it to the host.
    Download(Host),
    /// From it into other device buffers, one per source buffer.
    Device(Vec<CudaSlice<u8>>),
}

/// Times copies of `bytes` in `direction`. The bytes are a non-zero pattern; device buffers
/// count against the budget.
pub(super) fn measure(
    gpu: &Gpu,
    direction: Direction,
    bytes: u64,
    repeats: Repeats,
) -> Result<CopyMeasured, CudaError> {
    let len = usize::try_from(bytes).ok().filter(|&len| len > 0).ok_or(CudaError::EmptyCopy)?;
    // Device copies rotate through source and target pairs, as computing cases rotate their
    // inputs, so that small copies are not served from L2; host copies use one device buffer.
    let budget = gpu.budget()?;
    let pairs = if direction == Direction::DeviceToDevice {
        budget.copies(0, bytes.saturating_mul(2), copies_for(bytes.saturating_mul(2)))?
    } else {
        budget.check(bytes)?;
        1
    };
    let stream = &gpu.stream;
    let pattern: Vec<u8> = (0..len).map(|i| (i % 255) as u8 + 1).collect();
    let mut sources = Vec::with_capacity(pairs);
    for _ in 0..pairs {
        let mut device = alloc::<u8>(stream, len)?;
        stream.memcpy_htod(&pattern, &mut device).context("filling the device buffer")?;
        sources.push(device);
    }
    let mut copy = match direction {
        Direction::HostToDevice(memory) => Transfer::Upload(Host::new(stream, memory, pattern)?),
        Direction::DeviceToHost(memory) => Transfer::Download(Host::new(stream, memory, vec![0; len])?),
        Direction::DeviceToDevice => {
            Transfer::Device((0..pairs).map(|_| alloc::<u8>(stream, len)).collect::<Result<_, _>>()?)
        }
    };
    let watch = Stopwatch::new(stream.context())?;
    let summary = timer::repeat(repeats, |i| {
        let source = &mut sources[i % pairs];
        watch.time(stream, || match &mut copy {
            Transfer::Upload(host) => host.upload(stream, source),
            Transfer::Download(host) => host.download(stream, source),
            Transfer::Device(targets) => {
                stream.memcpy_dtod(source, &mut targets[i % pairs]).context("copying device to device")
            }
        })
    })?;
    Ok(CopyMeasured { direction, bytes, summary })
}
