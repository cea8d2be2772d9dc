//! Which GPUs a CUDA process started now would see, and in which order: the result types, and
//! [`resolve`], which computes them exactly as CUDA does.

mod resolve;

use serde::{Deserialize, Serialize};

pub use resolve::resolve;

/// The devices a CUDA process would enumerate, computed from `CUDA_VISIBLE_DEVICES` and
/// `CUDA_DEVICE_ORDER` against the system's devices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Visibility {
    /// `CUDA_VISIBLE_DEVICES` as set (null when unset).
    pub cuda_visible_devices: Option<String>,
    /// `CUDA_DEVICE_ORDER` in effect: `FASTEST_FIRST` (CUDA's default) or `PCI_BUS_ID`.
    pub device_order: DeviceOrder,
    /// UUIDs of the visible devices, in CUDA order (CUDA device 0 first).
    pub visible: Vec<String>,
    /// The visible devices with their CUDA and nvidia-smi numbers.
    pub devices: Vec<VisibleDevice>,
    /// How each entry of `CUDA_VISIBLE_DEVICES` was understood, in order.
    pub entries: Vec<VisibilityEntry>,
    /// True when the FASTEST_FIRST order was inferred from the devices' figures rather than
    /// read from the CUDA driver.
    pub order_inferred: bool,
    /// How many devices (whole GPUs and MIG instances) CUDA could enumerate before
    /// `CUDA_VISIBLE_DEVICES` applies: valid indices run from 0 to this less one.
    pub enumerable: u32,
}

/// A device a CUDA process would see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VisibleDevice {
    /// The CUDA device index (`cuda:N` in PyTorch).
    pub cuda_index: u32,
    /// nvidia-smi's index of the physical GPU.
    pub nvml_index: u32,
    /// The GPU's UUID, or the MIG instance's.
    pub uuid: String,
    /// Product name.
    pub name: String,
    /// True when this is a MIG instance rather than a whole GPU.
    pub mig: bool,
}

/// How one comma-separated entry of `CUDA_VISIBLE_DEVICES` was understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisibilityEntry {
    /// The entry as written.
    pub text: String,
    /// What CUDA does with it.
    pub status: EntryStatus,
    /// The UUID it selected, for a `selected` entry.
    pub uuid: Option<String>,
}

/// What CUDA does with one entry of `CUDA_VISIBLE_DEVICES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// It names a device, which becomes visible.
    Selected,
    /// It is not a device index, UUID or MIG name: it and every entry after it are ignored.
    Invalid,
    /// An index with no such device: it and every later entry are ignored.
    OutOfRange,
    /// A UUID (or prefix) that matches no device: it and every later entry are ignored.
    NoMatch,
    /// A UUID prefix that matches more than one device: it and every later entry are ignored.
    Ambiguous,
    /// Names a device already listed: CUDA then shows no device at all.
    Duplicate,
    /// Comes after an entry that stopped the list, so it has no effect.
    Ignored,
    /// A further MIG instance: CUDA enumerates only one MIG instance per process.
    ExtraMig,
}

/// The order CUDA numbers devices in (`CUDA_DEVICE_ORDER`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeviceOrder {
    /// CUDA's default: the device it judges fastest first.
    #[default]
    #[serde(rename = "FASTEST_FIRST")]
    FastestFirst,
    /// nvidia-smi's order: by PCI bus.
    #[serde(rename = "PCI_BUS_ID")]
    PciBusId,
}

impl DeviceOrder {
    /// The value of `CUDA_DEVICE_ORDER` that selects it.
    pub fn name(self) -> &'static str {
        match self {
            DeviceOrder::FastestFirst => "FASTEST_FIRST",
            DeviceOrder::PciBusId => "PCI_BUS_ID",
        }
    }

    /// The order a value of `CUDA_DEVICE_ORDER` selects, when CUDA knows it (exactly as spelled).
    pub fn from_variable(value: &str) -> Option<DeviceOrder> {
        [DeviceOrder::FastestFirst, DeviceOrder::PciBusId].into_iter().find(|order| order.name() == value)
    }
}

impl std::fmt::Display for DeviceOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
