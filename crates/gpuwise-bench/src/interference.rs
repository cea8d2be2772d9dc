//! The kernel's CPU accounting, read for the figures of what other processes take from a run
//! (Linux: `/proc/stat`, `/proc/self/stat`, `/proc/loadavg`, read through gpuwise-fs and
//! parsed by procfs-core). Where the kernel keeps none of it (other systems, `/proc` not
//! mounted), there is no sample and the run reports no figures: never an error.

use std::time::Duration;

#[cfg(not(target_os = "linux"))]
use gpuwise_bench_results::interference::CpuSample;
use gpuwise_bench_results::interference::{BEFORE_SECONDS, Usage};

#[cfg(target_os = "linux")]
pub use linux::sample;

/// The machine's CPU accounting now: none, the kernel here does not report it.
#[cfg(not(target_os = "linux"))]
pub fn sample() -> Option<CpuSample> {
    None
}

/// Others' use of the machine while this thread waits [`BEFORE_SECONDS`], doing nothing; `None`
/// (without waiting) where the kernel does not report it.
pub fn while_waiting() -> Option<Usage> {
    let start = sample()?;
    std::thread::sleep(Duration::from_secs_f64(BEFORE_SECONDS));
    Usage::between(&start, &sample()?)
}

/// Runs `work` and returns its result with others' use of the machine meanwhile.
pub fn during<T>(work: impl FnOnce() -> T) -> (T, Option<Usage>) {
    let start = sample();
    let result = work();
    let usage = start.zip(sample()).and_then(|(start, end)| Usage::between(&start, &end));
    (result, usage)
}

#[cfg(target_os = "linux")]
mod linux {
    use gpuwise_bench_results::interference::CpuSample;
    use procfs_core::process::Stat;
    use procfs_core::{ExplicitSystemInfo, FromRead, FromReadSI, KernelStats, LoadAverage};

    /// The machine's CPU accounting now; `None` where the kernel does not report it (`/proc` not
    /// mounted, or unreadable).
    pub fn sample() -> Option<CpuSample> {
        let read = |path| gpuwise_fs::read(path).ok();
        let ticks = rustix::param::clock_ticks_per_second();
        parse(&read("/proc/stat")?, &read("/proc/self/stat")?, &read("/proc/loadavg")?, ticks)
    }

    /// The sample that `/proc/stat`, `/proc/self/stat` and `/proc/loadavg` hold, counted in
    /// `ticks_per_second`; `None` when any of them is not what the kernel writes.
    pub fn parse(stat: &[u8], own: &[u8], loadavg: &[u8], ticks_per_second: u64) -> Option<CpuSample> {
        // Only the tick rate is used in parsing these files.
        let system =
            ExplicitSystemInfo { boot_time_secs: 0, ticks_per_second, page_size: 4096, is_little_endian: true };
        let machine = KernelStats::from_read(stat, &system).ok()?;
        let own = Stat::from_read(own).ok()?;
        let load = LoadAverage::from_read(loadavg).ok()?;
        let t = &machine.total;
        let optional = |ticks: Option<u64>| ticks.unwrap_or(0);
        Some(CpuSample {
            busy: t.user + t.nice + t.system + optional(t.irq) + optional(t.softirq),
            idle: t.idle + optional(t.iowait),
            steal: optional(t.steal),
            own: own.utime + own.stime,
            cpus: machine.cpu_time.len(),
            ticks_per_second,
            load_average: f64::from(load.one),
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// `/proc/stat`, `/proc/self/stat` and `/proc/loadavg` of the two-core development
        /// machine (trimmed after the cpu lines; the parser needs ctxt, btime and processes).
        const STAT: &str = "cpu  2553781 3520 530172 4521394 18423 0 22416 9871 0 0
cpu0 1276811 1753 265180 2260813 9235 0 11362 4931 0 0
cpu1 1276970 1767 264992 2260581 9188 0 11054 4940 0 0
intr 1 0
ctxt 563120933
btime 1764460000
processes 1420322
procs_running 3
procs_blocked 0
";
        const OWN: &str = "29634 (gpuwise) R 29633 29633 1 0 -1 4194304 9000 0 0 0 731 42 0 0 20 0 3 0 2950000 \
            90000000 6000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0";
        const LOADAVG: &str = "1.27 1.43 1.72 4/122 29634\n";

        #[test]
        fn the_kernels_files_make_a_sample() {
            let sample = parse(STAT.as_bytes(), OWN.as_bytes(), LOADAVG.as_bytes(), 100).unwrap();
            assert_eq!(
                sample,
                CpuSample {
                    busy: 2553781 + 3520 + 530172 + 22416,
                    idle: 4521394 + 18423,
                    steal: 9871,
                    own: 731 + 42,
                    cpus: 2,
                    ticks_per_second: 100,
                    load_average: f64::from(1.27f32),
                }
            );
        }

        #[test]
        fn what_the_kernel_does_not_write_makes_none() {
            assert_eq!(parse(b"", OWN.as_bytes(), LOADAVG.as_bytes(), 100), None);
            assert_eq!(parse(STAT.as_bytes(), b"29634 (gpuwise", LOADAVG.as_bytes(), 100), None);
            assert_eq!(parse(STAT.as_bytes(), OWN.as_bytes(), b"high", 100), None);
        }

        #[test]
        fn this_machine_is_sampled_and_its_own_time_counted() {
            let (spun, usage) = super::super::during(|| {
                let start = std::time::Instant::now();
                let mut spins = 0u64;
                while start.elapsed().as_secs_f64() < 0.2 {
                    spins = std::hint::black_box(spins + 1);
                }
                spins
            });
            assert!(spun > 0);
            let usage = usage.expect("Linux keeps CPU accounting in /proc");
            assert!(usage.seconds > 0.1, "{usage:?}");
            assert!(usage.others_cores >= 0.0 && usage.others_fraction <= 1.0 && usage.steal_fraction >= 0.0);
            let before = sample().unwrap();
            assert!(before.cpus >= 1 && before.ticks_per_second > 0 && before.own > 0, "{before:?}");
        }
    }
}
