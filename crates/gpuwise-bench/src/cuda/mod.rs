//! The CUDA backend: every operation timed on one NVIDIA GPU through cudarc (cuBLAS for matrix
//! products and the convolution's GEMM, cuFFT for transforms, small PTX kernels for the rest),
//! plus the machine's copy bandwidths and kernel launch latency.
//!
//! Decisions, and why:
//!
//! - **Nothing is linked.** cudarc loads libcuda, cuBLAS and cuFFT at run time and *panics* when
//!   a library or a symbol is missing. So every library is checked before its first use: present
//!   under one of the names cudarc tries, and exporting every symbol this module calls
//!   (`libraries`). Absence becomes a [`CudaError`] that names the library and how to make it
//!   findable. Every public entry point also runs inside `catch_unwind`, so a panic that slips
//!   through becomes an `Err` too (the default panic hook still prints it to stderr).
//! - **Only the driver is required.** [`Gpu::open`] fails only without a usable driver and device.
//!   cuBLAS is loaded at open but its absence only fails the cases that need it (matmul,
//!   conv2d); cuFFT is loaded by the first FFT case. Copies, launches, elementwise and reduction
//!   cases need the driver alone.
//! - **PTX shipped in the binary, not NVRTC at run time.** Users' machines often have only the
//!   driver and a framework's pip wheels, with no NVRTC; the driver itself JIT-compiles PTX. The
//!   PTX is generated from `kernels.cu` by `scripts/ptx` for compute_70 with NVRTC 12.0, so any
//!   GPU from Volta on and any driver from CUDA 12.0 on can load it (`kernels`).
//! - **One stream, cudarc's event tracking off.** All work of a [`Gpu`] runs in order on one
//!   non-blocking stream, so cudarc's cross-stream tracking (an event wait and record around
//!   every launch, inside the timed region) buys nothing and is turned off. The price: cudarc no
//!   longer orders host reads of pinned memory after the stream, so `host::Pinned`
//!   synchronises the stream itself before the host touches its values or frees them.
//! - **Timing.** Compute and copies are timed with a pair of CUDA events around each call, after
//!   warm-up, synchronising on the end event every call (`events`); inputs rotate through
//!   copies as on the CPU ([`crate::data::copies_for`]). For calls of a few microseconds the pair
//!   also counts part of the launch's own submission, which [`Gpu::launch`] measures on its own.
//! - **Memory.** No case allocates more than the memory fraction of the device memory free when
//!   it starts; rotation copies are dropped first, then the case is refused (`budget`).
//!   Everything a case allocates is freed when it ends. Library workspaces that cuBLAS allocates
//!   itself (up to 32 MiB per handle) are outside the budget.

mod blas;
mod budget;
mod case;
mod copy;
mod device;
mod element;
mod errors;
mod events;
mod fft;
mod gpu;
mod host;
mod kernels;
mod launch;
mod libraries;
mod ops;

pub use case::GpuMeasured;
pub use copy::{CopyMeasured, Direction, Memory};
pub use errors::CudaError;
pub use gpu::Gpu;
pub use launch::LaunchMeasured;
pub use libraries::Library;
