//! Whether a case's host buffers fit in what this process may still allocate. An allocation
//! that fails aborts a Rust program, so a case that would not fit is refused beforehand, with
//! the limit that stops it named: the address-space limit (`ulimit -v`), the cgroup's memory
//! limit (containers, Slurm jobs) or the machine's available memory.

use std::path::Path;

use crate::error::HostMemoryError;

/// What a case allocates besides its inputs and output, at most: rotation copies of its inputs
/// (up to 128 MiB together), f64 copies for the reference, the libraries' workspaces.
const CASE_OVERHEAD_BYTES: u64 = 192 << 20;

/// [`HostMemoryError`] naming the limit when `bytes` (a case's inputs and output) with their copies and
/// working space do not fit in what this process may still allocate.
pub fn check(bytes: u64) -> Result<(), HostMemoryError> {
    let needed = bytes.saturating_mul(3).saturating_add(CASE_OVERHEAD_BYTES);
    match headroom() {
        Some((left, limit)) if needed > left => Err(HostMemoryError { needed, left, limit }),
        _ => Ok(()),
    }
}

/// The least this process may still allocate under each limit, and which limit that is; `None`
/// when none can be read.
fn headroom() -> Option<(u64, &'static str)> {
    let limits = [
        address_space_left().map(|left| (left, "the address-space limit (ulimit -v)")),
        cgroup_left().map(|left| (left, "the cgroup's memory limit")),
        meminfo_available().map(|left| (left, "the machine's available memory")),
    ];
    limits.into_iter().flatten().min_by_key(|(left, _)| *left)
}

/// `RLIMIT_AS` less the address space this process already maps.
fn address_space_left() -> Option<u64> {
    let limit = rustix::process::getrlimit(rustix::process::Resource::As).current?;
    let statm = gpuwise_fs::read_text("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().next()?.parse().ok()?;
    Some(limit.saturating_sub(pages * rustix::param::page_size() as u64))
}

/// cgroup v2's `memory.max` less `memory.current` for this process's cgroup.
fn cgroup_left() -> Option<u64> {
    let membership = gpuwise_fs::read_text("/proc/self/cgroup").ok()?;
    let path = membership.lines().find_map(|line| line.strip_prefix("0::"))?;
    let dir = Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/'));
    let read = |name: &str| gpuwise_fs::read_text(dir.join(name)).ok()?.trim().parse::<u64>().ok();
    Some(read("memory.max")?.saturating_sub(read("memory.current")?))
}

/// `MemAvailable` from /proc/meminfo.
fn meminfo_available() -> Option<u64> {
    let text = gpuwise_fs::read_text("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_has_room_for_a_small_case_and_not_for_an_absurd_one() {
        assert!(check(1 << 20).is_ok());
        let err = check(u64::MAX / 4).unwrap_err().to_string();
        assert!(err.contains("needs about") && err.contains("leaves"), "{err}");
    }
}
