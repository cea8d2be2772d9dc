//! Whose process gpuwise runs in, which decides whether it may change the process environment.

use gpuwise_core::{System, Variables};

/// Whose process gpuwise runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Host(Kind);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Program,
    Embedded,
}

impl Host {
    /// Another program's process (Python, a notebook): its environment is never changed, so the
    /// CUDA driver describes the GPUs that process's own variables leave it.
    pub const EMBEDDED: Host = Host(Kind::Embedded);

    /// The `gpuwise` program: before probing, doctor and verify clear `CUDA_VISIBLE_DEVICES`
    /// and `CUDA_DEVICE_ORDER` in the process so the CUDA driver describes every GPU
    /// (visibility is computed from the variables captured before).
    ///
    /// # Safety
    /// While this host is in use, no thread may exist besides the caller's and those gpuwise
    /// starts itself, and CUDA must not be initialised in the process: call it first thing in
    /// `main`.
    pub unsafe fn program() -> Host {
        Host(Kind::Program)
    }

    /// Probes this machine; as the program, with every GPU exposed to the CUDA driver first.
    pub fn probe(self, vars: &Variables) -> System {
        if self.0 == Kind::Program {
            // SAFETY: `Host::program`'s caller guarantees that no other thread exists and that
            // CUDA is not initialised; the probe's own threads start after this call.
            unsafe { gpuwise_probe::cuda::expose_all_devices() };
        }
        gpuwise_probe::probe_system(vars)
    }
}
