//! The CUDA driver API (`libcuda.so.1`), what every framework initialises: the newest CUDA the
//! driver supports, and the device attributes NVML lacks (multiprocessors, L2 size, memory
//! bus width and clock).
//!
//! cudarc panics when libcuda cannot be loaded or lacks a symbol, and a panic must never reach
//! the user. So before any cudarc call this module opens the very library cudarc would open
//! (same candidate names, same order) and checks that every symbol it will call is exported.

use std::ffi::c_int;

use cudarc::driver::result::{self, DriverError};
use cudarc::driver::sys::{self, CUdevice_attribute as Attr};
use gpuwise_core::{Device, FieldError, ProbeStatus, Vendor};

use crate::nvml::{cuda_version_string, theoretical_bandwidth};

/// Every libcuda symbol this module calls (through cudarc).
const REQUIRED_SYMBOLS: [&str; 9] = [
    "cuInit",
    "cuDriverGetVersion",
    "cuGetErrorName",
    "cuGetErrorString",
    "cuDeviceGetCount",
    "cuDeviceGet",
    "cuDeviceGetAttribute",
    "cuDeviceGetName",
    "cuDeviceGetUuid",
];

/// What the CUDA driver answered.
#[derive(Debug, Default)]
pub struct CudaProbe {
    /// Whether libcuda loaded and `cuInit` succeeded.
    pub status: ProbeStatus,
    /// The numeric `CUresult` of a failed `cuInit`, for rules that key on it.
    pub init_error_code: Option<i32>,
    /// `cuDriverGetVersion` as `major.minor`.
    pub driver_version: Option<String>,
    /// Devices in the order this process's CUDA enumerates them.
    pub devices: Vec<CudaDevice>,
}

/// One device as CUDA enumerates it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CudaDevice {
    /// CUDA ordinal.
    pub ordinal: u32,
    /// `GPU-...` UUID (`cuDeviceGetUuid`; for a MIG instance, its parent GPU's).
    pub uuid: String,
    /// Product name.
    pub name: String,
    /// PCI address in NVML's spelling (`00000000:18:00.0`).
    pub pci_bus_id: String,
    /// Compute capability (`9.0`).
    pub compute_capability: Option<String>,
    /// Multiprocessor count.
    pub multiprocessors: Option<u32>,
    /// L2 cache, bytes.
    pub l2_cache_bytes: Option<u64>,
    /// Memory bus width, bits.
    pub memory_bus_width_bits: Option<u32>,
    /// Peak memory clock, MHz.
    pub memory_clock_mhz: Option<u32>,
    /// Attributes that could not be read.
    pub errors: Vec<FieldError>,
}

/// Removes `CUDA_VISIBLE_DEVICES` and `CUDA_DEVICE_ORDER` from this process's environment so
/// the CUDA probe describes every GPU in CUDA's default order. Capture [`gpuwise_core::Variables`]
/// first: visibility is computed from the captured values.
///
/// # Safety
/// Must be called before any other thread exists (environment mutation is not thread-safe)
/// and before CUDA is initialised in this process.
pub unsafe fn expose_all_devices() {
    // SAFETY: the caller guarantees no other thread reads or writes the environment.
    unsafe {
        std::env::remove_var("CUDA_VISIBLE_DEVICES");
        std::env::remove_var("CUDA_DEVICE_ORDER");
    }
}

/// Loads libcuda (checked first), initialises it and reads every device. Never panics.
pub fn probe() -> CudaProbe {
    let (library_name, library) = match open_library() {
        Some(found) => found,
        None => {
            return CudaProbe {
                status: ProbeStatus::Unavailable { reason: "libcuda.so.1 not found".into() },
                ..CudaProbe::default()
            };
        }
    };
    if let Some(missing) = REQUIRED_SYMBOLS.iter().find(|name| !has_symbol(&library, name)) {
        return CudaProbe {
            status: ProbeStatus::Failed {
                error: format!("{library_name} lacks {missing}: the driver is older than gpuwise can read"),
            },
            ..CudaProbe::default()
        };
    }
    let driver_version = read_driver_version();
    if let Err(err) = result::init() {
        return CudaProbe {
            status: ProbeStatus::Failed { error: format!("cuInit: {}", describe(err)) },
            init_error_code: Some(err.0 as i32),
            driver_version,
            devices: Vec::new(),
        };
    }
    let count = result::device::get_count().unwrap_or(0).max(0);
    if count as u32 > crate::MAX_DEVICES {
        return CudaProbe {
            status: ProbeStatus::Failed { error: crate::absurd_count("cuDeviceGetCount", count as u32) },
            driver_version,
            ..CudaProbe::default()
        };
    }
    let devices: Vec<CudaDevice> = (0..count).map(read_device).collect();
    CudaProbe {
        status: ProbeStatus::Available { detail: format!("{library_name}, {} device(s)", devices.len()) },
        init_error_code: None,
        driver_version,
        devices,
    }
}

/// Opens the first library cudarc's own loader would open.
fn open_library() -> Option<(String, libloading::Library)> {
    ["cuda", "nvcuda"].iter().flat_map(|name| cudarc::get_lib_name_candidates(name)).find_map(|candidate| {
        // SAFETY: loading libcuda runs its initialisers, which are designed to be loaded
        // into any process; this is exactly what cudarc does next.
        let library = unsafe { libloading::Library::new(&candidate) }.ok()?;
        Some((candidate, library))
    })
}

/// True when the loaded `library` exports `name` (looked up, never called).
pub fn has_symbol(library: &libloading::Library, name: &str) -> bool {
    // SAFETY: the symbol is only looked up, never called, so its type does not matter.
    unsafe { library.get::<*const ()>(name.as_bytes()) }.is_ok()
}

fn read_driver_version() -> Option<String> {
    let mut version: c_int = 0;
    // SAFETY: the symbol was checked present; the pointer is valid for one c_int write.
    let status = unsafe { sys::cuDriverGetVersion(&mut version) };
    status.result().ok().and_then(|()| cuda_version_string(version))
}

/// `CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected`.
fn describe(err: DriverError) -> String {
    describe_result(err.0)
}

/// A `CUresult` in words: its name and the driver's text, as far as the driver gives them (a
/// driver that answers with no string, or a NULL one, leaves the number alone).
pub fn describe_result(code: sys::CUresult) -> String {
    let read = |get: unsafe fn(sys::CUresult, *mut *const std::ffi::c_char) -> sys::CUresult| {
        let mut text: *const std::ffi::c_char = std::ptr::null();
        // SAFETY: the symbol was checked present before any call; `text` is a valid pointer
        // for one write, and it is read only when the call succeeded and wrote a non-NULL
        // pointer, which the driver documents as a static NUL-terminated string.
        unsafe {
            (get(code, &mut text) == sys::CUresult::CUDA_SUCCESS && !text.is_null())
                .then(|| std::ffi::CStr::from_ptr(text).to_string_lossy().into_owned())
        }
    };
    let name = read(sys::cuGetErrorName).unwrap_or_else(|| "CUDA error".into());
    let text = read(sys::cuGetErrorString).unwrap_or_default();
    format!("{name} ({}): {text}", code as i32)
}

fn read_device(ordinal: c_int) -> CudaDevice {
    let mut device = CudaDevice { ordinal: ordinal as u32, ..CudaDevice::default() };
    let handle = match result::device::get(ordinal) {
        Ok(handle) => handle,
        Err(err) => {
            device.errors.push(FieldError { field: "handle".into(), error: describe(err) });
            return device;
        }
    };
    let attribute = |attr: Attr| {
        // SAFETY: `handle` came from cuDeviceGet and the symbol was checked present.
        unsafe { result::device::get_attribute(handle, attr) }.ok()
    };
    device.name = read_name(handle).unwrap_or_default();
    device.uuid = result::device::get_uuid(handle).map(|u| format_uuid(&u.bytes)).unwrap_or_default();
    if let (Some(domain), Some(bus), Some(dev)) = (
        attribute(Attr::CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID),
        attribute(Attr::CU_DEVICE_ATTRIBUTE_PCI_BUS_ID),
        attribute(Attr::CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID),
    ) {
        device.pci_bus_id = format!("{domain:08X}:{bus:02X}:{dev:02X}.0");
    }
    if let (Some(major), Some(minor)) = (
        attribute(Attr::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
        attribute(Attr::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
    ) {
        device.compute_capability = Some(format!("{major}.{minor}"));
    }
    let positive = |v: i32| u32::try_from(v).ok().filter(|v| *v > 0);
    device.multiprocessors = attribute(Attr::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT).and_then(positive);
    device.l2_cache_bytes = attribute(Attr::CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE).and_then(positive).map(u64::from);
    device.memory_bus_width_bits = attribute(Attr::CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH).and_then(positive);
    device.memory_clock_mhz =
        attribute(Attr::CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE).and_then(positive).map(|khz| khz / 1000);
    device
}

fn read_name(handle: sys::CUdevice) -> Option<String> {
    let mut buffer = [0u8; 256];
    // SAFETY: the buffer is writable for its full length, which is what we pass.
    let status = unsafe { sys::cuDeviceGetName(buffer.as_mut_ptr().cast(), buffer.len() as c_int, handle) };
    status.result().ok()?;
    let end = buffer.iter().position(|b| *b == 0).unwrap_or(buffer.len());
    Some(String::from_utf8_lossy(&buffer[..end]).into_owned())
}

/// Formats CUDA's 16 UUID bytes the way nvidia-smi prints them: `GPU-8-4-4-4-12` hex digits.
pub fn format_uuid(bytes: &[std::ffi::c_char; 16]) -> String {
    let hex: Vec<String> = bytes.iter().map(|b| format!("{:02x}", *b as u8)).collect();
    format!(
        "GPU-{}-{}-{}-{}-{}",
        hex[0..4].concat(),
        hex[4..6].concat(),
        hex[6..8].concat(),
        hex[8..10].concat(),
        hex[10..16].concat()
    )
}

/// Adds what CUDA knows to the NVML devices, matched by UUID. A MIG-enabled GPU takes nothing:
/// CUDA's devices there are MIG instances, whose multiprocessors and L2 are a slice of the GPU's.
/// When NVML gave no devices (library missing), the CUDA devices become the list, in PCI order.
pub fn merge_into(devices: &mut Vec<Device>, cuda: &CudaProbe) {
    if devices.is_empty() {
        let mut sorted = cuda.devices.clone();
        sorted.sort_by_key(|d| normalise_bus_id(&d.pci_bus_id));
        for (index, found) in sorted.iter().enumerate() {
            devices.push(Device {
                index: index as u32,
                uuid: found.uuid.clone(),
                name: found.name.clone(),
                vendor: Vendor::Nvidia,
                pci_bus_id: found.pci_bus_id.clone(),
                ..Device::default()
            });
        }
    }
    for found in &cuda.devices {
        let Some(device) = devices.iter_mut().find(|d| d.uuid == found.uuid && !d.mig) else { continue };
        device.cuda_default_index = Some(found.ordinal);
        device.compute_capability = device.compute_capability.take().or(found.compute_capability.clone());
        device.multiprocessors = device.multiprocessors.or(found.multiprocessors);
        device.l2_cache_bytes = device.l2_cache_bytes.or(found.l2_cache_bytes);
        device.memory_bus_width_bits = device.memory_bus_width_bits.or(found.memory_bus_width_bits);
        device.memory_bandwidth_bytes_per_second = device
            .memory_bandwidth_bytes_per_second
            .or_else(|| theoretical_bandwidth(found.memory_bus_width_bits, found.memory_clock_mhz));
        device.errors.extend(found.errors.iter().cloned());
    }
}

/// `00000000:18:00.0` and `0000:18:00.0` name the same device.
pub fn normalise_bus_id(bus_id: &str) -> String {
    let lower = bus_id.to_ascii_lowercase();
    match lower.split_once(':') {
        Some((domain, rest)) => format!("{:04x}:{rest}", u32::from_str_radix(domain, 16).unwrap_or(0)),
        None => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_print_like_nvidia_smi() {
        let bytes: [std::ffi::c_char; 16] =
            [0x89u8 as _, 0x32, 0xf9u8 as _, 0x37, 0xd7u8 as _, 0x2b, 0x4c, 0x4e, 0, 1, 2, 3, 4, 5, 6, 0xffu8 as _];
        assert_eq!(format_uuid(&bytes), "GPU-8932f937-d72b-4c4e-0001-0203040506ff");
    }

    #[test]
    fn bus_ids_normalise() {
        assert_eq!(normalise_bus_id("00000000:18:00.0"), "0000:18:00.0");
        assert_eq!(normalise_bus_id("0000:3B:00.0"), "0000:3b:00.0");
    }

    #[test]
    fn cuda_fills_what_nvml_lacks_and_numbers_devices() {
        let mut devices = vec![Device { uuid: "GPU-a".into(), multiprocessors: None, ..Device::default() }];
        let cuda = CudaProbe {
            devices: vec![CudaDevice {
                ordinal: 1,
                uuid: "GPU-a".into(),
                multiprocessors: Some(132),
                l2_cache_bytes: Some(52_428_800),
                memory_bus_width_bits: Some(5120),
                memory_clock_mhz: Some(2619),
                ..CudaDevice::default()
            }],
            ..CudaProbe::default()
        };
        merge_into(&mut devices, &cuda);
        assert_eq!(devices[0].multiprocessors, Some(132));
        assert_eq!(devices[0].cuda_default_index, Some(1));
        assert!(devices[0].memory_bandwidth_bytes_per_second.unwrap() > 3_300_000_000_000);
    }

    #[test]
    fn cuda_devices_stand_in_when_nvml_is_missing() {
        let mut devices = Vec::new();
        let cuda = CudaProbe {
            devices: vec![
                CudaDevice {
                    ordinal: 0,
                    uuid: "GPU-b".into(),
                    pci_bus_id: "00000000:3B:00.0".into(),
                    ..CudaDevice::default()
                },
                CudaDevice {
                    ordinal: 1,
                    uuid: "GPU-a".into(),
                    pci_bus_id: "00000000:18:00.0".into(),
                    ..CudaDevice::default()
                },
            ],
            ..CudaProbe::default()
        };
        merge_into(&mut devices, &cuda);
        let order: Vec<_> = devices.iter().map(|d| (d.index, d.uuid.as_str(), d.cuda_default_index)).collect();
        assert_eq!(order, [(0, "GPU-a", Some(1)), (1, "GPU-b", Some(0))]);
    }

    #[test]
    fn probing_never_panics_here() {
        let probe = probe();
        assert_ne!(probe.status, ProbeStatus::NotProbed);
    }
}
