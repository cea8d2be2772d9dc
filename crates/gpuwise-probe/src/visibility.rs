//! `CUDA_VISIBLE_DEVICES` and `CUDA_DEVICE_ORDER`, exactly as CUDA applies them.
//!
//! The rules (CUDA Programming Guide, environment variables; PyTorch mirrors them in
//! `torch/cuda/__init__.py` `_parse_visible_devices` to count devices without initialising CUDA):
//! - unset: every device; set but empty: none.
//! - comma-separated entries, enumerated in the order given.
//! - the mode is set by the first entry: `GPU-` UUIDs, `MIG-` instances, or indices; an entry of
//!   another form ends the list.
//! - an index is read like C's `strtoul` after trimming spaces (`1gpu` is 1); a negative or
//!   empty entry, an index with no device, a UUID prefix that matches no device or more than one,
//!   ends the list: that entry and all later ones are ignored.
//! - naming a device twice makes CUDA show no device at all.
//! - indices count devices in `CUDA_DEVICE_ORDER` order: `FASTEST_FIRST` (default) or
//!   `PCI_BUS_ID` (nvidia-smi's order).
//! - only one MIG instance is enumerated per process.

use std::cmp::Reverse;

use gpuwise_core::{Device, EntryStatus, System, Visibility, VisibilityEntry, VisibleDevice};

use crate::Variables;

/// `CUDA_DEVICE_ORDER=PCI_BUS_ID`.
pub const PCI_BUS_ID: &str = "PCI_BUS_ID";
/// CUDA's default order.
pub const FASTEST_FIRST: &str = "FASTEST_FIRST";

/// A device CUDA can enumerate: a whole GPU, or one MIG instance of a MIG-enabled GPU.
#[derive(Debug, Clone)]
struct Candidate {
    uuid: String,
    parent_uuid: String,
    nvml_index: u32,
    name: String,
    mig: bool,
    /// (gpu instance, compute instance) for the `MIG-GPU-<uuid>/<gi>/<ci>` form.
    mig_ids: Option<(u32, u32)>,
}

/// Computes the devices a CUDA process started with `vars` would see on `system`.
pub fn resolve(system: &System, vars: &Variables) -> Visibility {
    let device_order = match vars.cuda_device_order.as_ref() {
        Some(v) if v.text == PCI_BUS_ID => PCI_BUS_ID,
        _ => FASTEST_FIRST,
    };
    let (ordered, order_inferred) = enumeration_order(&system.devices, device_order);
    let candidates = candidates(&ordered);
    let cuda_visible_devices = vars.cuda_visible_devices.as_ref().map(|v| v.text.clone());
    let (selected, mut entries) = match &cuda_visible_devices {
        None => ((0..candidates.len()).collect(), Vec::new()),
        Some(text) => select(text, &candidates),
    };
    let selected = keep_one_mig(selected, &candidates, &mut entries);
    let devices: Vec<VisibleDevice> = selected
        .iter()
        .enumerate()
        .map(|(cuda_index, &i)| {
            let c = &candidates[i];
            VisibleDevice {
                cuda_index: cuda_index as u32,
                nvml_index: c.nvml_index,
                uuid: c.uuid.clone(),
                name: c.name.clone(),
                mig: c.mig,
            }
        })
        .collect();
    Visibility {
        cuda_visible_devices,
        device_order: device_order.to_string(),
        visible: devices.iter().map(|d| d.uuid.clone()).collect(),
        devices,
        entries,
        order_inferred,
    }
}

/// Physical GPUs in the order CUDA numbers them, and whether that order had to be inferred.
fn enumeration_order(devices: &[Device], order: &str) -> (Vec<Device>, bool) {
    let mut ordered = devices.to_vec();
    ordered.sort_by_key(|d| d.index);
    if order == PCI_BUS_ID {
        return (ordered, false);
    }
    if ordered.iter().all(|d| d.cuda_default_index.is_some()) {
        ordered.sort_by_key(|d| d.cuda_default_index);
        return (ordered, false);
    }
    let mixed = ordered.windows(2).any(|w| w[0].name != w[1].name);
    if mixed {
        // CUDA does not document its heuristic; rank by estimated FP32 throughput, ties in PCI order.
        ordered.sort_by_key(|d| Reverse(estimated_fp32_rate(d)));
    }
    (ordered, mixed)
}

/// SMs x FP32 lanes per SM x highest SM clock (MHz): a relative speed for ordering only.
fn estimated_fp32_rate(device: &Device) -> u64 {
    let lanes = match device.compute_capability_pair() {
        Some((3, _)) => 192,
        Some((6, 0)) | Some((7, _)) | Some((8, 0)) => 64,
        Some(_) => 128,
        None => 0,
    };
    let sms = u64::from(device.multiprocessors.unwrap_or(0));
    let clock = u64::from(device.clocks.and_then(|c| c.max_sm_mhz).unwrap_or(1000));
    sms * lanes * clock
}

fn candidates(ordered: &[Device]) -> Vec<Candidate> {
    let mut list = Vec::new();
    for device in ordered {
        if device.mig {
            list.extend(device.mig_devices.iter().map(|m| Candidate {
                uuid: m.uuid.clone(),
                parent_uuid: device.uuid.clone(),
                nvml_index: device.index,
                name: match &m.name {
                    Some(name) if name.contains(&device.name) => name.clone(),
                    Some(name) => format!("{} MIG {name}", device.name),
                    None => format!("{} MIG instance", device.name),
                },
                mig: true,
                mig_ids: m.gpu_instance_id.zip(m.compute_instance_id),
            }));
        } else {
            list.push(Candidate {
                uuid: device.uuid.clone(),
                parent_uuid: device.uuid.clone(),
                nvml_index: device.index,
                name: device.name.clone(),
                mig: false,
                mig_ids: None,
            });
        }
    }
    list
}

/// The form of the list, set by its first entry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Uuid,
    Mig,
    Index,
}

/// Applies a set `CUDA_VISIBLE_DEVICES` value: the selected candidates and each entry's fate.
fn select(text: &str, candidates: &[Candidate]) -> (Vec<usize>, Vec<VisibilityEntry>) {
    let mut entries = Vec::new();
    let mut selected: Vec<usize> = Vec::new();
    if text.is_empty() {
        return (selected, entries);
    }
    let mode = if text.starts_with("GPU-") {
        Mode::Uuid
    } else if text.starts_with("MIG-") {
        Mode::Mig
    } else {
        Mode::Index
    };
    let mut stopped = false;
    let mut duplicate = false;
    for raw in text.split(',') {
        let entry = |status, uuid: Option<String>| VisibilityEntry { text: raw.to_string(), status, uuid };
        if stopped || duplicate {
            entries.push(entry(EntryStatus::Ignored, None));
            continue;
        }
        let outcome = match mode {
            Mode::Index => match parse_index(raw) {
                None => Err(EntryStatus::Invalid),
                Some(index) if index >= candidates.len() as u64 => Err(EntryStatus::OutOfRange),
                Some(index) => Ok(vec![index as usize]),
            },
            Mode::Uuid if raw.starts_with("GPU-") => match_uuid(raw, candidates),
            Mode::Mig if raw.starts_with("MIG-") => match_mig(raw, candidates),
            Mode::Uuid | Mode::Mig => Err(EntryStatus::Invalid),
        };
        match outcome {
            Err(status) => {
                stopped = true;
                entries.push(entry(status, None));
            }
            Ok(found) => {
                let uuid = found.first().map(|&i| candidates[i].uuid.clone());
                if found.iter().any(|i| selected.contains(i)) {
                    duplicate = true;
                    entries.push(entry(EntryStatus::Duplicate, uuid));
                } else {
                    selected.extend(found);
                    entries.push(entry(EntryStatus::Selected, uuid));
                }
            }
        }
    }
    if duplicate {
        selected.clear();
    }
    (selected, entries)
}

/// Reads an index the way `strtoul` does after trimming: optional `+`, then leading digits;
/// anything after the digits is ignored. `None` for empty, negative or digit-less entries.
/// Numbers too large for any machine read as `u64::MAX` (out of range), as strtoul saturates.
fn parse_index(raw: &str) -> Option<u64> {
    let trimmed = raw.trim();
    let unsigned = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let digits: &str = &unsigned[..unsigned.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return None;
    }
    Some(digits.parse().unwrap_or(u64::MAX))
}

/// A `GPU-` UUID or unique prefix of one. A MIG-enabled GPU's UUID selects its instances.
fn match_uuid(raw: &str, candidates: &[Candidate]) -> Result<Vec<usize>, EntryStatus> {
    let mut parents: Vec<&str> =
        candidates.iter().map(|c| c.parent_uuid.as_str()).filter(|uuid| uuid.starts_with(raw)).collect();
    parents.dedup();
    match parents.as_slice() {
        [] => Err(EntryStatus::NoMatch),
        [parent] => Ok((0..candidates.len()).filter(|&i| candidates[i].parent_uuid == *parent).collect()),
        _ => Err(EntryStatus::Ambiguous),
    }
}

/// `MIG-<uuid>` (or a unique prefix), or the older `MIG-GPU-<uuid>/<gi>/<ci>`.
fn match_mig(raw: &str, candidates: &[Candidate]) -> Result<Vec<usize>, EntryStatus> {
    if let Some(rest) = raw.strip_prefix("MIG-GPU-") {
        let mut parts = rest.split('/');
        let parent = format!("GPU-{}", parts.next().unwrap_or_default());
        let ids = (parts.next().and_then(|p| p.parse().ok()), parts.next().and_then(|p| p.parse().ok()));
        let (Some(gi), Some(ci)) = ids else {
            return Err(EntryStatus::Invalid);
        };
        return candidates
            .iter()
            .position(|c| c.mig && c.parent_uuid == parent && c.mig_ids == Some((gi, ci)))
            .map(|i| vec![i])
            .ok_or(EntryStatus::NoMatch);
    }
    let found: Vec<usize> =
        (0..candidates.len()).filter(|&i| candidates[i].mig && candidates[i].uuid.starts_with(raw)).collect();
    match found.len() {
        0 => Err(EntryStatus::NoMatch),
        1 => Ok(found),
        _ => Err(EntryStatus::Ambiguous),
    }
}

/// CUDA enumerates one MIG instance per process: later ones are dropped (and marked when they
/// came from an explicit entry).
fn keep_one_mig(selected: Vec<usize>, candidates: &[Candidate], entries: &mut [VisibilityEntry]) -> Vec<usize> {
    let mut seen_mig = false;
    let mut kept = Vec::new();
    for i in selected {
        if candidates[i].mig {
            if seen_mig {
                if let Some(entry) = entries.iter_mut().find(|e| e.uuid.as_deref() == Some(&candidates[i].uuid)) {
                    entry.status = EntryStatus::ExtraMig;
                }
                continue;
            }
            seen_mig = true;
        }
        kept.push(i);
    }
    kept
}

#[cfg(test)]
mod tests;
