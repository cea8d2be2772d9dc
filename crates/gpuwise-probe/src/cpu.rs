//! Host CPU and memory.

use gpuwise_core::Cpu;
use sysinfo::{CpuRefreshKind, System};

/// Model, core counts, vector instruction sets and frequency of the host CPU.
pub fn probe() -> Cpu {
    let mut cpu = Cpu { simd: simd_features(), ..Cpu::default() };
    if let Ok(mut sys) = System::new() {
        sys.refresh_cpu_list(CpuRefreshKind::nothing().with_frequency());
        cpu.logical_cores = u32::try_from(sys.cpus().len()).unwrap_or(u32::MAX);
        if let Some(first) = sys.cpus().first() {
            cpu.model = first.brand().trim().to_string();
            cpu.frequency_mhz = Some(first.frequency()).filter(|mhz| *mhz > 0);
        }
    }
    cpu.physical_cores =
        System::physical_core_count().ok().and_then(|n| u32::try_from(n).ok()).unwrap_or(cpu.logical_cores);
    if cpu.logical_cores == 0 {
        cpu.logical_cores = std::thread::available_parallelism().map_or(0, |n| n.get() as u32);
    }
    cpu
}

/// Memory this process can use, bytes: the machine's, or its cgroup limit when lower.
pub fn memory_bytes() -> u64 {
    let Ok(mut sys) = System::new() else {
        return 0;
    };
    sys.refresh_memory();
    let total = sys.total_memory();
    match sys.cgroup_limits() {
        Some(limits) if limits.total_memory > 0 && limits.total_memory < total => limits.total_memory,
        _ => total,
    }
}

/// The vector instruction sets that matter for numeric throughput, as detected at run time.
fn simd_features() -> Vec<String> {
    let mut found = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        macro_rules! detect {
            ($($name:tt),*) => {
                $(if std::arch::is_x86_feature_detected!($name) { found.push($name.to_string()); })*
            };
        }
        detect!(
            "sse2",
            "sse4.2",
            "avx",
            "avx2",
            "fma",
            "avx512f",
            "avx512bw",
            "avx512vl",
            "avx512vnni",
            "avx512bf16",
            "avx512fp16"
        );
    }
    #[cfg(target_arch = "aarch64")]
    {
        macro_rules! detect {
            ($($name:tt),*) => {
                $(if std::arch::is_aarch64_feature_detected!($name) { found.push($name.to_string()); })*
            };
        }
        detect!("neon", "fp16", "bf16", "i8mm", "sve", "sve2");
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_cpu_is_described() {
        let cpu = probe();
        assert!(cpu.logical_cores >= 1);
        assert!(cpu.physical_cores >= 1 && cpu.physical_cores <= cpu.logical_cores);
        #[cfg(target_arch = "x86_64")]
        assert!(cpu.simd.iter().any(|f| f == "sse2"), "x86-64 always has SSE2: {:?}", cpu.simd);
        assert!(memory_bytes() > 0);
    }
}
