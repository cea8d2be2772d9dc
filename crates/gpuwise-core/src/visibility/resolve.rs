//! `CUDA_VISIBLE_DEVICES` and `CUDA_DEVICE_ORDER`, exactly as CUDA applies them.
//!
//! The rules (CUDA Programming Guide, environment variables; PyTorch mirrors them in
//! `torch/cuda/__init__.py` `_parse_visible_devices` to count devices without initialising CUDA):
//! - unset: every device; set but empty: none.
//! - comma-separated entries, enumerated in the order given.
//! - the mode is set by the first entry: `GPU-` UUIDs, `MIG-` instances, or indices; an entry of
//!   another form ends the list.
//! - an index is read like C's `strtoul` after trimming spaces (`1gpu` is 1); a negative or
//!   empty entry, an index with no device, a UUID prefix that matches no device or more than one
//!   (`GPU-` alone matches none: seen on an H200), ends the list: that entry and all later ones are ignored.
//! - naming a device twice makes CUDA show no device at all.
//! - indices count devices in `CUDA_DEVICE_ORDER` order: `FASTEST_FIRST` (default) or
//!   `PCI_BUS_ID` (nvidia-smi's order).
//! - only one MIG instance is enumerated per process.
//!
//! Confirmed against libcuda on a one-GPU H200 (validation/h200/2026-11-30, 26 cases). Not yet
//! confirmed on hardware: that index entries count MIG instances as devices in enumeration order,
//! and CUDA's FASTEST_FIRST heuristic among several GPUs, which is inferred from the devices'
//! figures when no CUDA order was recorded.

use std::cmp::Reverse;

use crate::{Device, DeviceOrder, EntryStatus, System, Visibility, VisibilityEntry, VisibleDevice};

use crate::Variables;

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
    // A value CUDA does not know leaves its default (GW207 says so).
    let device_order =
        vars.cuda_device_order.as_ref().and_then(|v| DeviceOrder::from_variable(&v.text)).unwrap_or_default();
    let (ordered, order_inferred) = enumeration_order(system, device_order);
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
        device_order,
        visible: devices.iter().map(|d| d.uuid.clone()).collect(),
        devices,
        entries,
        order_inferred,
        enumerable: candidates.len() as u32,
    }
}

/// Physical GPUs in the order CUDA numbers them, and whether that order had to be inferred.
///
/// When the CUDA driver's own default order was recorded (`cuda_default_index`, from a live
/// probe or a gpuwise snapshot), it is used, and a whole GPU that CUDA did not enumerate (lost,
/// or unusable) is left out. Otherwise, on machines with different models, it is inferred.
fn enumeration_order(system: &System, order: DeviceOrder) -> (Vec<Device>, bool) {
    let cuda_order_known = system.devices.iter().any(|d| d.cuda_default_index.is_some());
    let mut ordered: Vec<Device> = system
        .devices
        .iter()
        .filter(|d| !cuda_order_known || d.mig || d.cuda_default_index.is_some())
        .cloned()
        .collect();
    ordered.sort_by_key(|d| d.index);
    if order == DeviceOrder::PciBusId {
        return (ordered, false);
    }
    if cuda_order_known {
        ordered.sort_by_key(|d| (d.cuda_default_index.unwrap_or(u32::MAX), d.index));
        return (ordered, false);
    }
    let mut names: Vec<&str> = ordered.iter().map(|d| d.name.as_str()).filter(|n| !n.is_empty()).collect();
    names.sort_unstable();
    names.dedup();
    let mixed = names.len() > 1;
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

/// One entry that passed the syntax check, with what identifies it for the repeat check.
enum Token<'a> {
    Index(u64),
    Name(&'a str),
}

/// Applies a set `CUDA_VISIBLE_DEVICES` value: the selected candidates and each entry's fate.
///
/// Two passes, as CUDA (and PyTorch's copy of its rules) does: the syntax pass reads entries up
/// to the first of the wrong form, and any repeat among those hides every device; the resolve
/// pass then maps them to devices, stopping at the first that names none (or several), and a
/// device named twice under different spellings also hides every device.
fn select(text: &str, candidates: &[Candidate]) -> (Vec<usize>, Vec<VisibilityEntry>) {
    let raw: Vec<&str> = if text.is_empty() { Vec::new() } else { text.split(',').collect() };
    let mode = if text.starts_with("GPU-") {
        Mode::Uuid
    } else if text.starts_with("MIG-") {
        Mode::Mig
    } else {
        Mode::Index
    };
    let mut statuses: Vec<(EntryStatus, Option<usize>)> = vec![(EntryStatus::Ignored, None); raw.len()];
    let mut tokens: Vec<Token<'_>> = Vec::new();
    for (position, entry) in raw.iter().enumerate() {
        let token = match mode {
            Mode::Index => parse_index(entry).map(Token::Index),
            Mode::Uuid => entry.starts_with("GPU-").then_some(Token::Name(entry)),
            Mode::Mig => entry.starts_with("MIG-").then_some(Token::Name(entry)),
        };
        let Some(token) = token else {
            statuses[position].0 = EntryStatus::Invalid;
            break;
        };
        let repeated = tokens.iter().any(|seen| match (seen, &token) {
            (Token::Index(a), Token::Index(b)) => a == b,
            (Token::Name(a), Token::Name(b)) => a == b,
            _ => false,
        });
        if repeated {
            statuses[position].0 = EntryStatus::Duplicate;
            return (Vec::new(), entries(&raw, &statuses, candidates));
        }
        tokens.push(token);
    }
    let mut selected: Vec<usize> = Vec::new();
    for (position, token) in tokens.iter().enumerate() {
        let found = match token {
            Token::Index(index) if *index >= candidates.len() as u64 => Err(EntryStatus::OutOfRange),
            Token::Index(index) => Ok(vec![*index as usize]),
            Token::Name(name) if mode == Mode::Uuid => match_uuid(name, candidates),
            Token::Name(name) => match_mig(name, candidates),
        };
        match found {
            Err(status) => {
                statuses[position].0 = status;
                break;
            }
            Ok(found) if found.iter().any(|i| selected.contains(i)) => {
                statuses[position] = (EntryStatus::Duplicate, found.first().copied());
                return (Vec::new(), entries(&raw, &statuses, candidates));
            }
            Ok(found) => {
                statuses[position] = (EntryStatus::Selected, found.first().copied());
                selected.extend(found);
            }
        }
    }
    (selected, entries(&raw, &statuses, candidates))
}

fn entries(raw: &[&str], statuses: &[(EntryStatus, Option<usize>)], candidates: &[Candidate]) -> Vec<VisibilityEntry> {
    raw.iter()
        .zip(statuses)
        .map(|(text, (status, device))| VisibilityEntry {
            text: text.to_string(),
            status: *status,
            uuid: device.map(|i| candidates[i].uuid.clone()),
        })
        .collect()
}

/// Reads an index the way `strtoul` does: leading C whitespace skipped, an optional sign, then
/// leading digits; anything after the digits is ignored. `None` for an entry with no digits or
/// a negative number (`-0` is 0). Numbers too large for any machine read as `u64::MAX` (out of
/// range), as strtoul saturates.
fn parse_index(raw: &str) -> Option<u64> {
    let trimmed = raw.trim_start_matches([' ', '\t', '\n', '\x0B', '\x0C', '\r']);
    let (negative, unsigned) = match trimmed.as_bytes().first() {
        Some(b'+') => (false, &trimmed[1..]),
        Some(b'-') => (true, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let digits = &unsigned[..unsigned.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return None;
    }
    let value = digits.parse().unwrap_or(u64::MAX);
    (!negative || value == 0).then_some(value)
}

/// A `GPU-` UUID or unique prefix of one. A MIG-enabled GPU's UUID selects its instances.
/// `GPU-` alone is no prefix: CUDA shows no device for it, even on a one-GPU machine.
fn match_uuid(raw: &str, candidates: &[Candidate]) -> Result<Vec<usize>, EntryStatus> {
    if raw == "GPU-" {
        return Err(EntryStatus::Invalid);
    }
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
    if raw == "MIG-" {
        return Err(EntryStatus::Invalid);
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
