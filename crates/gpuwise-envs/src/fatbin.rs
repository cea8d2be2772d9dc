//! The GPU architectures compiled into a CUDA library: the entries of its ELF `.nv_fatbin` section.
//!
//! The section is a run of fat-binary containers, each a 16-byte header (u32 magic `0xBA55ED50`,
//! u16 version, u16 header size, u64 payload size) followed by entries: u16 kind (1 PTX, 2 SASS),
//! u16 version, u32 header size, u64 payload size, ..., u32 SM number at byte 28. Entry headers
//! stay readable when payloads are compressed, so only headers are touched: the file is mapped,
//! and a 1 GB libtorch_cuda.so costs a few page reads.

use std::collections::BTreeSet;
use std::path::Path;

use object::{Object, ObjectSection};

use crate::elf::LibraryError;

const MAGIC: u32 = 0xBA55_ED50;
const KIND_PTX: u16 = 1;
const KIND_SASS: u16 = 2;

/// Architectures in the library's `.nv_fatbin` section, as `sm_80` (SASS) and `compute_90`
/// (PTX), sorted by number. `Ok(None)` when the file has no such section.
pub fn architectures(library: &Path) -> Result<Option<Vec<String>>, LibraryError> {
    let map = crate::elf::map(library)?;
    let elf = crate::elf::parse(library, &map)?;
    let Some(section) = elf.section_by_name(".nv_fatbin") else { return Ok(None) };
    let data = section.data().map_err(LibraryError::section(library, ".nv_fatbin"))?;
    Ok(Some(entries(data)))
}

/// Walks the containers of a `.nv_fatbin` section.
fn entries(data: &[u8]) -> Vec<String> {
    let u16_at = |at: usize| data.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |at: usize| data.get(at..at + 4).map(|b| u32::from_le_bytes(b.try_into().unwrap_or_default()));
    let u64_at = |at: usize| data.get(at..at + 8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()));
    // (sm, is PTX): machine code sorts before PTX of the same architecture.
    let mut found: BTreeSet<(u32, bool)> = BTreeSet::new();
    let mut at = 0usize;
    while at + 16 <= data.len() {
        if u32_at(at) != Some(MAGIC) {
            at += 8; // containers start 8-byte aligned; skip padding
            continue;
        }
        let header = usize::from(u16_at(at + 6).unwrap_or(16));
        let size = u64_at(at + 8).and_then(|s| usize::try_from(s).ok()).unwrap_or(usize::MAX);
        let end = (at + header).saturating_add(size).min(data.len());
        let mut entry = at + header;
        while entry + 32 <= end {
            let (Some(kind), Some(entry_header), Some(payload), Some(sm)) =
                (u16_at(entry), u32_at(entry + 4), u64_at(entry + 8), u32_at(entry + 28))
            else {
                break;
            };
            if matches!(kind, KIND_PTX | KIND_SASS) {
                found.insert((sm, kind == KIND_PTX));
            }
            let step = usize::try_from(u64::from(entry_header).saturating_add(payload)).unwrap_or(usize::MAX);
            if step == 0 {
                break;
            }
            entry = entry.saturating_add(step);
        }
        at = end.max(at + 8).next_multiple_of(8);
    }
    found.into_iter().map(|(sm, ptx)| if ptx { format!("compute_{sm}") } else { format!("sm_{sm}") }).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fat-binary container with one entry per `(kind, sm, payload bytes)`.
    pub fn container(entries: &[(u16, u32, usize)]) -> Vec<u8> {
        let mut body = Vec::new();
        for &(kind, sm, payload) in entries {
            let mut header = vec![0u8; 64];
            header[0..2].copy_from_slice(&kind.to_le_bytes());
            header[2..4].copy_from_slice(&0x0101u16.to_le_bytes());
            header[4..8].copy_from_slice(&64u32.to_le_bytes());
            header[8..16].copy_from_slice(&(payload as u64).to_le_bytes());
            header[28..32].copy_from_slice(&sm.to_le_bytes());
            body.extend(header);
            body.extend((0..payload).map(|i| (i * 7 + 1) as u8));
        }
        let mut out = Vec::new();
        out.extend(MAGIC.to_le_bytes());
        out.extend(1u16.to_le_bytes());
        out.extend(16u16.to_le_bytes());
        out.extend((body.len() as u64).to_le_bytes());
        out.extend(body);
        while out.len() % 8 != 0 {
            out.push(0);
        }
        out
    }

    #[test]
    fn lists_sass_and_ptx_across_containers() {
        let mut data = container(&[(2, 80, 100), (2, 90, 13), (1, 90, 40)]);
        data.extend([0u8; 16]); // padding between containers
        data.extend(container(&[(2, 120, 5), (2, 80, 3)]));
        assert_eq!(entries(&data), ["sm_80", "sm_90", "compute_90", "sm_120"]);
    }

    #[test]
    fn truncated_or_random_bytes_never_panic() {
        let data = container(&[(2, 80, 100), (1, 90, 40)]);
        for cut in 0..data.len() {
            let _ = entries(&data[..cut]);
        }
        let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let _ = entries(&noise);
    }

    #[test]
    fn files_that_are_not_libraries_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("libtorch_cuda.so");
        std::fs::write(&text, "not an ELF file").unwrap();
        assert!(architectures(&text).unwrap_err().to_string().contains("is not an ELF library"));
        assert!(architectures(&dir.path().join("missing.so")).is_err());
    }
}
