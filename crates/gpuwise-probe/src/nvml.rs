//! NVML (`libnvidia-ml.so.1`), the library nvidia-smi reads: driver, devices, memory, PCIe,
//! clocks, MIG, processes. Loaded at run time by nvml-wrapper, which reports a missing library
//! or symbol as an error rather than panicking; every per-device error is kept as a
//! [`FieldError`].

use gpuwise_core::{Clocks, Device, FieldError, GpuProcess, MigDevice, Pcie, ProbeStatus, Vendor};
use nvml_wrapper::Nvml;
use nvml_wrapper::enum_wrappers::device::Clock;
use nvml_wrapper::enums::device::UsedGpuMemory;
use nvml_wrapper::error::NvmlError;

/// What NVML answered.
#[derive(Debug, Default)]
pub struct NvmlProbe {
    /// Whether NVML could be loaded and initialised.
    pub status: ProbeStatus,
    /// `nvmlSystemGetDriverVersion`.
    pub driver_version: Option<String>,
    /// `nvmlSystemGetCudaDriverVersion_v2` as `major.minor`.
    pub cuda_version: Option<String>,
    /// Devices in NVML order.
    pub devices: Vec<Device>,
}

/// The NVML functions nvml-wrapper calls unchecked (when an `Nvml` is dropped): a library
/// without them would make it panic.
const REQUIRED_SYMBOLS: [&str; 2] = ["nvmlInit_v2", "nvmlShutdown"];

/// Loads NVML and reads every device. Never panics; a missing library is `Unavailable`.
pub fn probe() -> NvmlProbe {
    // Kept loaded while nvml-wrapper works, so its own load finds the library already there.
    let _checked = match checked_library() {
        Ok(library) => library,
        Err(missing) => {
            let error = format!("libnvidia-ml.so.1 lacks {missing}: the driver's NVML is damaged or not NVIDIA's");
            return NvmlProbe { status: ProbeStatus::Failed { error }, ..NvmlProbe::default() };
        }
    };
    let nvml = match Nvml::init() {
        Ok(nvml) => nvml,
        Err(err) => {
            let status = match err {
                NvmlError::LibloadingError(_) | NvmlError::LibraryNotFound => {
                    ProbeStatus::Unavailable { reason: "libnvidia-ml.so.1 not found".into() }
                }
                other => ProbeStatus::Failed { error: describe(&other) },
            };
            return NvmlProbe { status, ..NvmlProbe::default() };
        }
    };
    let count = nvml.device_count();
    let devices = match &count {
        Ok(count) if *count <= crate::MAX_DEVICES => (0..*count).map(|index| read_device(&nvml, index)).collect(),
        _ => Vec::new(),
    };
    NvmlProbe {
        status: match count {
            Ok(count) if count > crate::MAX_DEVICES => {
                ProbeStatus::Failed { error: crate::absurd_count("nvmlDeviceGetCount", count) }
            }
            Ok(count) => ProbeStatus::Available { detail: format!("libnvidia-ml.so.1, {count} device(s)") },
            Err(err) => ProbeStatus::Failed { error: format!("nvmlDeviceGetCount: {}", describe(&err)) },
        },
        driver_version: nvml.sys_driver_version().ok(),
        cuda_version: nvml.sys_cuda_driver_version().ok().and_then(cuda_version_string),
        devices,
    }
}

/// The NVML library nvml-wrapper would open, loaded (`None` when it does not open:
/// nvml-wrapper then reports that itself); `Err` names the first of [`REQUIRED_SYMBOLS`] it lacks.
fn checked_library() -> Result<Option<libloading::Library>, &'static str> {
    // SAFETY: loading libnvidia-ml runs its initialisers, as nvml-wrapper's own load would.
    let Ok(library) = (unsafe { libloading::Library::new("libnvidia-ml.so.1") }) else { return Ok(None) };
    match REQUIRED_SYMBOLS.into_iter().find(|name| !crate::cuda::has_symbol(&library, name)) {
        Some(missing) => Err(missing),
        None => Ok(Some(library)),
    }
}

/// Formats a CUDA version integer (`12040`) as `12.4`, or `None` for zero/negative values.
pub fn cuda_version_string(encoded: i32) -> Option<String> {
    (encoded > 0).then(|| format!("{}.{}", encoded / 1000, (encoded % 1000) / 10))
}

/// The words a user should see for an NVML error.
pub fn describe(err: &NvmlError) -> String {
    match err {
        NvmlError::NotSupported => "not supported".into(),
        NvmlError::NoPermission => "no permission".into(),
        NvmlError::GpuLost => "GPU is lost (fell off the bus)".into(),
        NvmlError::DriverNotLoaded => "NVIDIA driver is not loaded".into(),
        NvmlError::LibRmVersionMismatch => "Driver/library version mismatch".into(),
        NvmlError::ResetRequired => "GPU requires a reset".into(),
        NvmlError::FailedToLoadSymbol(symbol) => format!("this driver lacks {symbol}"),
        other => other.to_string(),
    }
}

/// Collects per-field failures while a device is read.
struct Reader {
    errors: Vec<FieldError>,
}

impl Reader {
    fn take<T>(&mut self, field: &str, result: Result<T, NvmlError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                if !self.errors.iter().any(|e| e.field == field) {
                    self.errors.push(FieldError { field: field.into(), error: describe(&err) });
                }
                None
            }
        }
    }
}

fn read_device(nvml: &Nvml, index: u32) -> Device {
    let mut reader = Reader { errors: Vec::new() };
    let mut device = Device { index, vendor: Vendor::Nvidia, ..Device::default() };
    let Some(handle) = reader.take("handle", nvml.device_by_index(index)) else {
        device.errors = reader.errors;
        return device;
    };
    device.uuid = reader.take("uuid", handle.uuid()).unwrap_or_default();
    device.name = reader.take("name", handle.name()).unwrap_or_default();
    device.compute_capability = reader
        .take("compute_capability", handle.cuda_compute_capability())
        .map(|cc| format!("{}.{}", cc.major, cc.minor));
    if let Some(memory) = reader.take("memory", handle.memory_info()) {
        device.memory_total_bytes = Some(memory.total);
        device.memory_free_bytes = Some(memory.free);
        device.memory_used_bytes = Some(memory.used);
    }
    device.pci_bus_id = reader.take("pci_bus_id", handle.pci_info()).map(|p| p.bus_id).unwrap_or_default();
    device.minor_number = reader.take("minor_number", handle.minor_number());
    device.pcie = Some(Pcie {
        generation: reader.take("pcie", handle.current_pcie_link_gen()),
        width: reader.take("pcie", handle.current_pcie_link_width()),
        max_generation: reader.take("pcie", handle.max_pcie_link_gen()),
        max_width: reader.take("pcie", handle.max_pcie_link_width()),
    });
    device.clocks = Some(Clocks {
        graphics_mhz: reader.take("clocks", handle.clock_info(Clock::Graphics)),
        sm_mhz: reader.take("clocks", handle.clock_info(Clock::SM)),
        memory_mhz: reader.take("clocks", handle.clock_info(Clock::Memory)),
        max_graphics_mhz: reader.take("clocks", handle.max_clock_info(Clock::Graphics)),
        max_sm_mhz: reader.take("clocks", handle.max_clock_info(Clock::SM)),
        max_memory_mhz: reader.take("clocks", handle.max_clock_info(Clock::Memory)),
    });
    device.memory_bus_width_bits = reader.take("memory_bus_width", handle.memory_bus_width());
    device.memory_bandwidth_bytes_per_second =
        theoretical_bandwidth(device.memory_bus_width_bits, device.clocks.and_then(|c| c.max_memory_mhz));
    device.persistence_mode = reader.take("persistence_mode", handle.is_in_persistent_mode());
    device.mig = reader.take("mig", handle.mig_mode()).is_some_and(|mode| mode.current == 1);
    if device.mig {
        device.mig_devices = read_mig_devices(nvml, &handle, &mut reader);
    }
    device.processes = reader.take("processes", handle.running_compute_processes()).map(|list| {
        list.into_iter()
            .map(|p| GpuProcess {
                pid: p.pid,
                name: nvml.sys_process_name(p.pid, 64).ok(),
                used_memory_bytes: match p.used_gpu_memory {
                    UsedGpuMemory::Used(bytes) => Some(bytes),
                    UsedGpuMemory::Unavailable => None,
                },
            })
            .collect()
    });
    device.errors = reader.errors;
    device
}

fn read_mig_devices(nvml: &Nvml, parent: &nvml_wrapper::Device<'_>, reader: &mut Reader) -> Vec<MigDevice> {
    let count = reader.take("mig_devices", parent.mig_device_count()).unwrap_or(0);
    let mut found = Vec::new();
    for slot in 0..count {
        let mig = match parent.mig_device_by_index(slot) {
            Ok(mig) => mig,
            Err(NvmlError::NotFound) => continue, // an empty slot
            Err(err) => {
                reader.take::<()>("mig_devices", Err(err));
                continue;
            }
        };
        let attributes = mig.attributes().ok();
        found.push(MigDevice {
            uuid: mig.uuid().unwrap_or_default(),
            name: mig.name().ok(),
            gpu_instance_id: instance_id(nvml, &mig, InstanceKind::Gpu),
            compute_instance_id: instance_id(nvml, &mig, InstanceKind::Compute),
            memory_total_bytes: attributes.as_ref().map(|a| a.memory_size_mb * 1024 * 1024),
            multiprocessors: attributes.map(|a| a.multiprocessor_count),
        });
    }
    found
}

/// Which MIG instance id to read.
enum InstanceKind {
    Gpu,
    Compute,
}

/// `nvmlDeviceGetGpuInstanceId` / `nvmlDeviceGetComputeInstanceId`, which nvml-wrapper does not
/// wrap: called through its loaded symbol table, only when the driver exports the symbol.
fn instance_id(nvml: &Nvml, mig: &nvml_wrapper::Device<'_>, kind: InstanceKind) -> Option<u32> {
    let lib = nvml.lib();
    let symbol = match kind {
        InstanceKind::Gpu => lib.nvmlDeviceGetGpuInstanceId.as_ref().ok()?,
        InstanceKind::Compute => lib.nvmlDeviceGetComputeInstanceId.as_ref().ok()?,
    };
    let mut id = 0;
    // SAFETY: the symbol was loaded from NVML with this signature; the handle is a live MIG
    // device handle from this NVML session; `id` is valid for one write.
    let status = unsafe { symbol(mig.handle(), &mut id) };
    (status == 0).then_some(id)
}

/// Peak memory bandwidth in bytes/s from bus width (bits) and the highest memory clock (MHz).
///
/// NVML and CUDA both report the memory clock such that two transfers happen per cycle, for
/// HBM and GDDR alike: an H100 SXM's 5120 bits at 2619 MHz give 3.35 TB/s, an RTX 4090's 384 bits
/// at 10501 MHz give 1.008 TB/s, matching the datasheets.
pub fn theoretical_bandwidth(bus_width_bits: Option<u32>, max_memory_mhz: Option<u32>) -> Option<u64> {
    let bytes_per_transfer = u64::from(bus_width_bits?) / 8;
    let transfers_per_second = u64::from(max_memory_mhz?) * 1_000_000 * 2;
    Some(bytes_per_transfer * transfers_per_second).filter(|bw| *bw > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bandwidth_matches_datasheets() {
        let h100 = theoretical_bandwidth(Some(5120), Some(2619)).unwrap();
        assert!((h100 as f64 / 3.35e12 - 1.0).abs() < 0.01, "{h100}");
        let rtx4090 = theoretical_bandwidth(Some(384), Some(10501)).unwrap();
        assert!((rtx4090 as f64 / 1.008e12 - 1.0).abs() < 0.01, "{rtx4090}");
        assert_eq!(theoretical_bandwidth(None, Some(1)), None);
        assert_eq!(theoretical_bandwidth(Some(0), Some(1)), None);
    }

    #[test]
    fn cuda_versions_decode() {
        assert_eq!(cuda_version_string(12040).as_deref(), Some("12.4"));
        assert_eq!(cuda_version_string(13000).as_deref(), Some("13.0"));
        assert_eq!(cuda_version_string(11080).as_deref(), Some("11.8"));
        assert_eq!(cuda_version_string(0), None);
    }

    #[test]
    fn probing_never_panics_here() {
        // On machines without NVIDIA's library this is Unavailable; with it, Available or Failed.
        let probe = probe();
        assert_ne!(probe.status, ProbeStatus::NotProbed);
    }
}
