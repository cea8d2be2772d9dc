//! How much of the machine other processes took while a run measured: from two readings of the
//! kernel's CPU accounting, the cores others kept busy and the share the hypervisor stole, and
//! whether that was enough to slow the measurements (the reading itself is the I/O crate's).

use serde::Serialize;

use crate::report::{Backend, Measurement};

/// Others' average use, in cores, from which a window counts as disturbed (together with
/// [`BUSY_SHARE`]). The CPU side runs one thread per core and matrix libraries split the work
/// evenly between them, so a thread that loses its core to another process holds up the whole
/// call: half a core taken already stretches every call it hits. Below that, the kernel's own
/// threads and a desktop's background stay out of the warnings.
pub const BUSY_CORES: f64 = 0.5;

/// Others' average use, as a share of the machine's cores, from which a window counts as
/// disturbed (together with [`BUSY_CORES`]): on a large machine, daemons that add up to a few
/// cores are spread thin over many and slow each thread little.
pub const BUSY_SHARE: f64 = 0.1;

/// The share of the CPUs' time a hypervisor gave to other guests (steal) from which a window
/// counts as disturbed. On the two-core development machine (a shared virtual machine),
/// measurements during bursts of 7-11% steal took 0.96-1.7 times what the same cases took in an
/// earlier idle run, inside the 0.4-2.2 times by which cases varied between two idle full sweeps
/// (benches/results/bench-interference-2026-11-30.md); a fifth of the time stolen is beyond that.
pub const BUSY_STEAL: f64 = 0.2;

/// How many times the readings' own rounding what others or the hypervisor took must reach to
/// count. Each reading truncates every CPU's count to a whole tick, and this process's to
/// another, so a difference can hold up to `cores + 1` ticks nobody took: three ticks of a
/// 40 ms window on two cores read as 0.75 of a core for a measurement that ran no slower.
pub const ROUNDING_MARGIN: f64 = 2.0;

/// How many times the estimated time a CPU result must take, in a disturbed window, to be
/// flagged. On the idle two-core development machine the quick sweep came within 2x of the
/// estimate (its worst: the f32 sum of 2^20 values, 2.0x; benches/results/bench-quick-2026-11-23.txt),
/// so 3x is more than the model's own error explains.
pub const SLOW_FACTOR: f64 = 3.0;

/// Seconds a run waits, doing nothing, before its first measurement, to see what others use
/// before it adds its own load: 100 clock ticks on each of two cores, so one busy tick of
/// another process moves the figure by 1% of a core.
pub const BEFORE_SECONDS: f64 = 0.5;

/// The kernel's CPU accounting at one moment (Linux: the `cpu` line of `/proc/stat`, this
/// process's own time from `/proc/self/stat`, `/proc/loadavg`), in clock ticks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuSample {
    /// Ticks all CPUs spent running anything: user, nice, system, irq and softirq (guests'
    /// time is counted in user).
    pub busy: u64,
    /// Ticks all CPUs spent idle or waiting for I/O.
    pub idle: u64,
    /// Ticks the hypervisor ran other guests while this machine's CPUs wanted to run (steal).
    pub steal: u64,
    /// Ticks this process ran, user and system, all its threads.
    pub own: u64,
    /// The CPUs the kernel counts (online logical CPUs).
    pub cpus: usize,
    /// Clock ticks per second (`USER_HZ`).
    pub ticks_per_second: u64,
    /// The one-minute load average.
    pub load_average: f64,
}

/// Others' use of the machine between two samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Usage {
    /// The machine's cores (logical CPUs, as the kernel counts them).
    pub cores: usize,
    /// Seconds between the samples, by the kernel's accounting.
    pub seconds: f64,
    /// Cores other processes kept busy, on average (their CPU seconds per second).
    pub others_cores: f64,
    /// `others_cores` over the machine's cores.
    pub others_fraction: f64,
    /// The share of the CPUs' time the hypervisor gave to other guests.
    pub steal_fraction: f64,
    /// The one-minute load average at the end (runnable and waiting tasks, this run's included).
    pub load_average: f64,
    /// True when others or the hypervisor took enough to slow the measurements
    /// ([`BUSY_CORES`], [`BUSY_SHARE`], [`BUSY_STEAL`]), beyond what the readings' rounding can
    /// make up ([`ROUNDING_MARGIN`]).
    pub disturbed: bool,
}

impl Usage {
    /// Others' use from `start` to `end`; `None` when no time passed by the kernel's count, or
    /// the samples are not of one machine.
    pub fn between(start: &CpuSample, end: &CpuSample) -> Option<Usage> {
        if start.cpus != end.cpus || start.cpus == 0 || end.ticks_per_second == 0 {
            return None;
        }
        let delta = |a: u64, b: u64| b.saturating_sub(a) as f64;
        let busy = delta(start.busy, end.busy);
        let steal = delta(start.steal, end.steal);
        let total = busy + delta(start.idle, end.idle) + steal;
        if total <= 0.0 {
            return None;
        }
        let cpus = start.cpus as f64;
        // The readings' rounding can make this process's time exceed the machine's busy time,
        // never others' work negative.
        let others = (busy - delta(start.own, end.own)).max(0.0);
        let others_cores = others / total * cpus;
        let others_fraction = others_cores / cpus;
        let steal_fraction = steal / total;
        let beyond_rounding = |ticks: f64| ticks >= ROUNDING_MARGIN * (cpus + 1.0);
        let crowded = beyond_rounding(others) && others_cores >= BUSY_CORES && others_fraction >= BUSY_SHARE;
        let stolen = beyond_rounding(steal) && steal_fraction >= BUSY_STEAL;
        let disturbed = crowded || stolen;
        Some(Usage {
            cores: start.cpus,
            seconds: total / cpus / end.ticks_per_second as f64,
            others_cores,
            others_fraction,
            steal_fraction,
            load_average: end.load_average,
            disturbed,
        })
    }
}

/// Others' use of the machine just before a run and during it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interference {
    /// While the run waited, doing nothing, before its first measurement.
    pub before: Usage,
    /// From the first measurement to the last.
    pub during: Usage,
    /// True when the run's measurements were disturbed: during the whole run, or during any of
    /// its CPU measurements (each carries its own `interference`).
    pub disturbed: bool,
}

impl Interference {
    /// The figures of a run, judged with the windows of its `results`.
    pub fn of(before: Usage, during: Usage, results: &[Measurement]) -> Interference {
        let disturbed = during.disturbed || disturbed_cpu(results).next().is_some();
        Interference { before, during, disturbed }
    }

    /// The worst of the CPU measurements' windows that were disturbed (the most of the machine
    /// taken, by others and the hypervisor together), and how many were, when the run as a whole
    /// was not: a load that came and went.
    pub fn worst_case<'a>(&self, results: &'a [Measurement]) -> Option<(&'a Usage, usize)> {
        if self.during.disturbed {
            return None;
        }
        let disturbed: Vec<&Usage> = disturbed_cpu(results).collect();
        let taken = |u: &Usage| u.others_fraction + u.steal_fraction;
        let worst = disturbed.iter().copied().max_by(|a, b| taken(a).total_cmp(&taken(b)))?;
        Some((worst, disturbed.len()))
    }
}

/// The windows of the CPU measurements that were disturbed.
fn disturbed_cpu(results: &[Measurement]) -> impl Iterator<Item = &Usage> {
    results.iter().filter(|m| m.backend == Backend::Cpu).filter_map(|m| m.interference.as_ref()).filter(|u| u.disturbed)
}

impl Measurement {
    /// How many times its estimated time a CPU measurement took, when that is at least
    /// [`SLOW_FACTOR`] and other processes or the hypervisor disturbed it: a result that says
    /// more about the load than about the machine.
    pub fn slowed_by_others(&self) -> Option<f64> {
        self.interference.as_ref().filter(|u| u.disturbed)?;
        let times = self.seconds / self.predicted_seconds.filter(|p| *p > 0.0)?;
        (self.backend == Backend::Cpu && times >= SLOW_FACTOR).then_some(times)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{full_report, usage};

    /// Readings of the two-core development machine (USER_HZ 100), one second apart, taken by a
    /// Python process reading the same three files (benches/results/bench-interference-2026-11-30.md).
    mod recorded {
        use super::CpuSample;

        const fn sample(busy: u64, idle: u64, own: u64, load_average: f64) -> CpuSample {
            CpuSample { busy, idle, steal: 13727, own, cpus: 2, ticks_per_second: 100, load_average }
        }

        /// Quiet: the reading process asleep, nothing else running (the load average still
        /// remembers builds of the minute before).
        pub const QUIET: [CpuSample; 2] = [sample(4241612, 1790111, 6, 3.43), sample(4241613, 1790310, 6, 3.43)];
        /// Two `while True: pass` loops beside the sleeping reading process.
        pub const TWO_HOGS: [CpuSample; 2] = [sample(4241892, 1790811, 5, 3.23), sample(4242093, 1790811, 5, 3.23)];
        /// The reading process spinning on one core while two builds ran: it got 0.47 of a core.
        pub const SPINNING_BESIDE_BUILDS: [CpuSample; 2] =
            [sample(4244366, 1790838, 6, 3.35), sample(4244566, 1790838, 53, 3.65)];
    }

    fn between(samples: [CpuSample; 2]) -> Usage {
        Usage::between(&samples[0], &samples[1]).unwrap()
    }

    #[test]
    fn a_quiet_machine_is_not_disturbed() {
        let quiet = between(recorded::QUIET);
        assert!((quiet.seconds - 1.0).abs() < 0.01, "{quiet:?}");
        assert!(quiet.others_cores < 0.02 && quiet.steal_fraction == 0.0, "{quiet:?}");
        assert!(!quiet.disturbed);
        assert_eq!(quiet.load_average, 3.43);
    }

    #[test]
    fn two_busy_loops_take_both_cores() {
        let hogs = between(recorded::TWO_HOGS);
        assert!((hogs.others_cores - 2.0).abs() < 0.01 && (hogs.others_fraction - 1.0).abs() < 0.01, "{hogs:?}");
        assert!(hogs.disturbed);
    }

    #[test]
    fn this_process_own_time_is_not_others() {
        let spinning = between(recorded::SPINNING_BESIDE_BUILDS);
        // 200 busy ticks over 2 cores in one second, 47 of them this process's.
        assert!((spinning.others_cores - 1.53).abs() < 0.01, "{spinning:?}");
        assert!(spinning.disturbed);
        // The same second with the process's own time as all of the machine's: nobody else.
        let [start, mut end] = recorded::SPINNING_BESIDE_BUILDS;
        end.own = start.own + (end.busy - start.busy);
        let alone = Usage::between(&start, &end).unwrap();
        assert_eq!(alone.others_cores, 0.0);
        assert!(!alone.disturbed);
        // More own time than the machine counted (tick sampling against exact accounting) is
        // still nobody else, never a negative figure.
        end.own += 3;
        assert_eq!(Usage::between(&start, &end).unwrap().others_cores, 0.0);
    }

    #[test]
    fn thresholds_in_cores_share_and_steal() {
        let window = |busy: u64, steal: u64, cpus: usize| {
            let start =
                CpuSample { busy: 0, idle: 0, steal: 0, own: 0, cpus, ticks_per_second: 100, load_average: 0.0 };
            let total = 100 * cpus as u64;
            Usage::between(&start, &CpuSample { busy, idle: total - busy - steal, steal, ..start }).unwrap()
        };
        // Two cores: 0.4 of a core is background, half a core is not.
        assert!(!window(40, 0, 2).disturbed && window(50, 0, 2).disturbed);
        // 64 cores: four busy cores are 6% of the machine, seven are 11%.
        assert!(!window(400, 0, 64).disturbed && window(700, 0, 64).disturbed);
        // Steal alone: 19% is not enough, 20% is.
        assert!(!window(0, 38, 2).disturbed && window(0, 40, 2).disturbed);
        assert!((window(0, 40, 2).steal_fraction - 0.2).abs() < 1e-12);
    }

    #[test]
    fn what_the_readings_rounding_can_make_up_does_not_count() {
        // A 40 ms window on two cores: 8 ticks, 3 of them nobody's but the rounding's.
        let start = CpuSample { busy: 0, idle: 0, steal: 0, own: 0, cpus: 2, ticks_per_second: 100, load_average: 0.0 };
        let short = Usage::between(&start, &CpuSample { busy: 8, own: 5, ..start }).unwrap();
        assert_eq!(short.others_cores, 0.75);
        assert!(!short.disturbed);
        // Six ticks (twice the rounding of two cores) in the same window are others' work.
        assert!(Usage::between(&start, &CpuSample { busy: 8, own: 2, ..start }).unwrap().disturbed);
        // And so is steal.
        assert!(!Usage::between(&start, &CpuSample { busy: 4, own: 4, steal: 3, idle: 1, ..start }).unwrap().disturbed);
        assert!(Usage::between(&start, &CpuSample { busy: 2, own: 2, steal: 6, ..start }).unwrap().disturbed);
    }

    #[test]
    fn samples_that_cannot_be_compared_give_no_figures() {
        let [start, end] = recorded::QUIET;
        assert_eq!(Usage::between(&start, &start), None, "no time passed");
        assert_eq!(Usage::between(&start, &CpuSample { cpus: 4, ..end }), None, "another machine");
        assert_eq!(Usage::between(&CpuSample { cpus: 0, ..start }, &CpuSample { cpus: 0, ..end }), None);
    }

    #[test]
    fn a_run_is_disturbed_as_a_whole_or_in_some_of_its_cpu_measurements() {
        let mut report = full_report();
        let quiet = (usage(0.5, 0.1), usage(12.5, 0.3));
        assert!(!Interference::of(quiet.0, quiet.1, &report.results).disturbed);
        // Whole: the run's figures say so.
        let busy = Interference::of(quiet.0, usage(12.5, 40.0), &report.results);
        assert!(busy.disturbed && busy.worst_case(&report.results).is_none());
        // A GPU measurement's window does not count: only CPU times suffer from a busy host.
        let gpu = report.results.iter().position(|m| m.backend == Backend::Cuda).unwrap();
        report.results[gpu].interference = Some(usage(0.1, 50.0));
        assert!(!Interference::of(quiet.0, quiet.1, &report.results).disturbed);
        // Some CPU measurements: the worst is named with their count.
        let cpu: Vec<usize> =
            (0..report.results.len()).filter(|&i| report.results[i].backend == Backend::Cpu).take(2).collect();
        report.results[cpu[0]].interference = Some(usage(0.1, 30.0));
        report.results[cpu[1]].interference = Some(usage(0.1, 60.0));
        let some = Interference::of(quiet.0, quiet.1, &report.results);
        assert!(some.disturbed);
        let (worst, count) = some.worst_case(&report.results).unwrap();
        assert_eq!((worst.others_cores, count), (60.0, 2));
    }

    #[test]
    fn only_slow_cpu_results_in_a_disturbed_window_are_flagged() {
        let report = full_report();
        let mut m = report.results.iter().find(|m| m.backend == Backend::Cpu).unwrap().clone();
        m.predicted_seconds = Some(m.seconds / 17.0);
        assert_eq!(m.slowed_by_others(), None, "slow, but the machine was quiet: the model's own error");
        m.interference = Some(usage(0.1, 60.0));
        assert!((m.slowed_by_others().unwrap() - 17.0).abs() < 1e-9);
        m.predicted_seconds = Some(m.seconds / 2.0);
        assert_eq!(m.slowed_by_others(), None, "twice the estimate is within the model's error");
        m.predicted_seconds = None;
        assert_eq!(m.slowed_by_others(), None);
        let mut gpu = report.results.iter().find(|m| m.backend == Backend::Cuda).unwrap().clone();
        gpu.interference = Some(usage(0.1, 60.0));
        gpu.predicted_seconds = Some(gpu.seconds / 17.0);
        assert_eq!(gpu.slowed_by_others(), None, "GPU times are the device's");
    }
}
