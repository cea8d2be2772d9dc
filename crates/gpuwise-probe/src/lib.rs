//! Reads a machine for gpuwise.
//!
//! Every source is optional: a missing driver, library, permission or file becomes data in the
//! returned [`System`] (a [`gpuwise_core::ProbeStatus`], a [`gpuwise_core::FieldError`], an empty
//! list), never a panic. Libraries (NVML, libcuda) are loaded at run time, so the binary starts
//! on any machine.
//!
//! ```no_run
//! let vars = gpuwise_core::Variables::capture();
//! let system = gpuwise_probe::probe_system(&vars);
//! let visibility = gpuwise_core::visibility::resolve(&system, &vars);
//! println!("{} GPU(s), {} visible to CUDA", system.devices.len(), visibility.visible.len());
//! ```

pub mod container;
pub mod cpu;
pub mod cuda;
pub mod nodes;
pub mod nvidia_proc;
pub mod nvml;
pub mod os;
pub mod pci;
pub mod snapshot;

use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use gpuwise_core::{Driver, ProbeStatus, System, Variables};

/// Probes this machine: OS, CPU, memory, PCI GPUs, device nodes, the kernel module, NVML and
/// the CUDA driver.
///
/// The CUDA driver sees the devices the process's own `CUDA_VISIBLE_DEVICES` leaves it; call
/// [`cuda::expose_all_devices`] first (as the `gpuwise` binary does) to describe every GPU.
pub fn probe_system(vars: &Variables) -> System {
    let roots = pci::SysRoots::default();
    let timeout = probe_timeout();
    let deadline = Instant::now() + timeout;
    let nvml = Pending::start("NVML", nvml::probe);
    let cuda = Pending::start("cuInit", cuda::probe);
    // The file-based probes run while the driver libraries initialise.
    let kernel_module_version = nvidia_proc::kernel_module_version(&roots.proc_driver_version());
    let mut system = System {
        os: os::probe(vars),
        cpu: cpu::probe(),
        memory_bytes: cpu::memory_bytes(),
        pci_gpus: pci::scan(&roots),
        device_nodes: nodes::scan(std::path::Path::new("/dev")),
        container_runtime: vars.container_runtime(),
        ..System::default()
    };
    let nvml = nvml.wait(deadline, timeout).unwrap_or_else(|why| nvml::NvmlProbe {
        status: ProbeStatus::Failed { error: why.to_string() },
        ..Default::default()
    });
    let cuda = cuda.wait(deadline, timeout).unwrap_or_else(|why| cuda::CudaProbe {
        status: ProbeStatus::Failed { error: why.to_string() },
        ..Default::default()
    });
    system.libraries.nvml = nvml.status.clone();
    system.libraries.cuda = cuda.status.clone();
    system.libraries.cuda_driver_version = cuda.driver_version.clone();
    system.libraries.cuda_init_error_code = cuda.init_error_code;
    system.devices = nvml.devices;
    cuda::merge_into(&mut system.devices, &cuda);
    system.driver = driver(nvml.driver_version, nvml.cuda_version, kernel_module_version, &cuda);
    system
}

/// How long the driver libraries may take to answer: `GPUWISE_PROBE_TIMEOUT` seconds, default 30
/// (initialising eight GPUs without persistence mode can take several seconds). A value
/// [`probe_timeout_setting`] refuses counts as unset here: the command line and the Python API
/// refuse it first, with its message.
pub fn probe_timeout() -> Duration {
    probe_timeout_setting(std::env::var("GPUWISE_PROBE_TIMEOUT").ok().as_deref()).unwrap_or(DEFAULT_PROBE_TIMEOUT)
}

/// The default of `GPUWISE_PROBE_TIMEOUT`.
const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// `GPUWISE_PROBE_TIMEOUT`'s value (`None`: unset) as a timeout: seconds, more than 0 and at
/// most 3600. `Err` names the variable, the value and what it takes.
pub fn probe_timeout_setting(value: Option<&str>) -> Result<Duration, BadTimeout> {
    let Some(value) = value else { return Ok(DEFAULT_PROBE_TIMEOUT) };
    match value.trim().parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0 => {
            Ok(Duration::from_secs_f64(seconds))
        }
        _ => Err(BadTimeout(value.to_string())),
    }
}

/// A `GPUWISE_PROBE_TIMEOUT` that is not a timeout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "GPUWISE_PROBE_TIMEOUT={0:?} is not a timeout: give seconds, more than 0 and at most 3600 \
     (such as 30 or 2.5), or unset it for the default of 30"
)]
pub struct BadTimeout(pub String);

/// More devices than any machine holds: a driver library that reports more is not believed
/// (reading each would take hours, or exhaust memory).
pub const MAX_DEVICES: u32 = 1024;

/// The message for a device count past [`MAX_DEVICES`].
fn absurd_count(call: &str, count: u32) -> String {
    format!(
        "{call} reported {count} devices, more than any machine holds: the driver library is damaged or not NVIDIA's"
    )
}

/// A call into a driver library running on a thread of its own, so a wedged driver cannot hang
/// gpuwise: the caller stops waiting at its deadline, and the thread ends with the process.
pub struct Pending<T> {
    call: &'static str,
    receiver: Receiver<T>,
}

impl<T: Send + 'static> Pending<T> {
    /// Starts `work`, named `call` in messages (`cuInit`, `NVML`).
    pub fn start(call: &'static str, work: impl FnOnce() -> T + Send + 'static) -> Self {
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            let _ = sender.send(work());
        });
        Pending { call, receiver }
    }

    /// Its answer, waited for until `deadline`; `Err` says that it did not answer within
    /// `timeout` (the driver may be hung) or that it stopped inside the library.
    pub fn wait(self, deadline: Instant, timeout: Duration) -> Result<T, Unanswered> {
        let call = self.call;
        self.receiver.recv_timeout(deadline.saturating_duration_since(Instant::now())).map_err(|why| match why {
            RecvTimeoutError::Timeout => Unanswered::TimedOut { call, timeout },
            RecvTimeoutError::Disconnected => Unanswered::Died { call },
        })
    }
}

/// Why a driver call gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unanswered {
    /// It did not answer before the deadline.
    #[error("{call} did not answer within {timeout:?}: the driver may be hung (check `sudo dmesg | grep -i nvrm`)")]
    TimedOut {
        /// The call (`cuInit`, `NVML`).
        call: &'static str,
        /// How long it was given.
        timeout: Duration,
    },
    /// Its thread ended without an answer.
    #[error("{call} failed inside the driver library without an answer: the library may be damaged")]
    Died {
        /// The call.
        call: &'static str,
    },
}

/// Assembles the driver description from whichever sources answered.
fn driver(
    nvml_version: Option<String>,
    nvml_cuda: Option<String>,
    kernel_module_version: Option<String>,
    cuda: &cuda::CudaProbe,
) -> Option<Driver> {
    let version = nvml_version
        .or_else(|| kernel_module_version.clone())
        .or_else(|| cuda.status.is_available().then(|| "unknown".to_string()))?;
    Some(Driver {
        vendor: "nvidia".into(),
        version,
        cuda_version: nvml_cuda.or_else(|| cuda.driver_version.clone()),
        kernel_module_version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_timeout_takes_positive_seconds_and_names_a_bad_value() {
        assert_eq!(probe_timeout_setting(None), Ok(Duration::from_secs(30)));
        assert_eq!(probe_timeout_setting(Some(" 2.5 ")), Ok(Duration::from_millis(2500)));
        assert_eq!(probe_timeout_setting(Some("3600")), Ok(Duration::from_secs(3600)));
        for bad in ["0", "abc", "", "-1", "inf", "NaN", "3601", "1e400"] {
            let err = probe_timeout_setting(Some(bad)).unwrap_err().to_string();
            assert!(err.starts_with("GPUWISE_PROBE_TIMEOUT=") && err.contains(bad), "{bad}: {err}");
        }
    }
}
