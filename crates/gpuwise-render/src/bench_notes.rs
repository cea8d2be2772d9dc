//! What a bench run says besides its tables: how long it will take, said before it starts, and
//! how much of the machine other processes took, with a warning when that slowed the CPU times.

use gpuwise_bench_results::duration::Planned;
use gpuwise_bench_results::interference::{BUSY_CORES, BUSY_SHARE, BUSY_STEAL, Interference, Usage};
use gpuwise_bench_results::report::{BenchReport, Measurement};

use crate::bench::size_text;

/// What to do about a disturbed run.
const RERUN: &str = "rerun on an idle machine";

/// `Measuring 34 cases, about 2 min (--quick: about 15 s)`: a run's plan, said before it
/// starts; `quick` is how the caller spells the quick mode (`--quick`, `quick=True`).
pub fn bench_plan(plan: &Planned, quick: &str) -> String {
    let cases = if plan.steps == 1 { "1 case".to_string() } else { format!("{} cases", plan.steps) };
    let alternative = plan.quick_seconds.map(|q| format!(" ({quick}: {})", about(q))).unwrap_or_default();
    format!("Measuring {cases}, {}{alternative}", about(plan.seconds))
}

/// `about 15 s`, `about 2 min`, `about 1 h 10 min`: rounded as far as an estimate deserves.
fn about(seconds: f64) -> String {
    let seconds = seconds.max(1.0);
    if seconds < 10.0 {
        format!("about {} s", seconds.round())
    } else if seconds < 60.0 {
        format!("about {} s", (seconds / 5.0).round() * 5.0)
    } else if seconds < 3600.0 {
        format!("about {} min", (seconds / 60.0).round())
    } else {
        let minutes = (seconds / 60.0).round() as u64;
        format!("about {} h {} min", minutes / 60, minutes % 60)
    }
}

/// `1.7 of 2 cores`.
fn cores(usage: &Usage) -> String {
    format!("{:.1} of {} cores", usage.others_cores, usage.cores)
}

/// `steal 0%`.
fn steal(usage: &Usage) -> String {
    format!("steal {:.0}%", usage.steal_fraction * 100.0)
}

/// True when the hypervisor, not other processes, disturbed `usage`.
fn stolen(usage: &Usage) -> bool {
    usage.steal_fraction >= BUSY_STEAL && !(usage.others_cores >= BUSY_CORES && usage.others_fraction >= BUSY_SHARE)
}

/// Who took what from a disturbed window `when` (`up to` the worst of several): `Other
/// processes used 1.7 of 2 cores during the run (steal 0%)`, or `The hypervisor took 23% of
/// this machine's CPU time during the run (steal; other processes used 0.1 of 2 cores)`.
fn taken(usage: &Usage, up_to: &str, when: &str) -> String {
    if stolen(usage) {
        format!(
            "The hypervisor took {up_to}{:.0}% of this machine's CPU time {when} (steal; other processes used {})",
            usage.steal_fraction * 100.0,
            cores(usage)
        )
    } else {
        format!("Other processes used {up_to}{} {when} ({})", cores(usage), steal(usage))
    }
}

/// The warning when other processes (or the hypervisor) keep the machine busy as a run starts
/// (before its first measurement).
pub fn bench_busy(before: &Usage) -> String {
    if stolen(before) {
        format!(
            "the hypervisor is taking {:.0}% of this machine's CPU time as the run starts (steal; other processes are using {}): CPU times will likely be slow; rerun later or on another machine",
            before.steal_fraction * 100.0,
            cores(before)
        )
    } else {
        format!(
            "other processes are using {} as the run starts ({}): CPU times will likely be slow; stop them or {RERUN}",
            cores(before),
            steal(before)
        )
    }
}

/// The warning of a run whose CPU times other processes (or the hypervisor) slowed: during the
/// whole run, or during some of its measurements; `None` for a quiet run or one without figures.
pub fn bench_interference_warning(report: &BenchReport) -> Option<String> {
    let interference = report.interference.as_ref().filter(|i| i.disturbed)?;
    let during = &interference.during;
    Some(match interference.worst_case(&report.results) {
        None => format!("{}: CPU times are likely slow; {RERUN}.", taken(during, "", "during the run")),
        Some((worst, count)) => {
            let when = format!("during {count} of the {} CPU measurements", cpu_measurements(report));
            format!("{}: those CPU times are likely slow; {RERUN}.", taken(worst, "up to ", &when))
        }
    })
}

/// The CPU measurements of `report`.
fn cpu_measurements(report: &BenchReport) -> usize {
    report.results.iter().filter(|m| m.backend == gpuwise_bench_results::report::Backend::Cpu).count()
}

/// `Other processes: 0.0 of 2 cores before the run, 0.1 during (steal 0%)`: the figures, quiet
/// or not.
pub(crate) fn load_line(interference: &Interference) -> String {
    let (before, during) = (&interference.before, &interference.during);
    format!("Other processes: {} before the run, {:.1} during ({})", cores(before), during.others_cores, steal(during))
}

/// `1024x1024x1024: 17x the estimated time, measured while other processes used 1.9 of 2
/// cores`, for a result the load slowed far below the estimate.
pub(crate) fn slowed_note(m: &Measurement) -> Option<String> {
    let times = m.slowed_by_others()?;
    let usage = m.interference.as_ref()?;
    let by = if stolen(usage) {
        format!("the hypervisor took {:.0}% of this machine's CPU time (steal)", usage.steal_fraction * 100.0)
    } else {
        format!("other processes used {}", cores(usage))
    };
    Some(format!("{}: {times:.0}x the estimated time, measured while {by}", size_text(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_start_names_who_takes_the_time() {
        let before = gpuwise_bench_results::sample::usage(0.5, 90.0);
        assert_eq!(
            bench_busy(&before),
            "other processes are using 90.0 of 96 cores as the run starts (steal 0%): CPU times will likely be slow; stop them or rerun on an idle machine"
        );
        let stolen = Usage { others_cores: 0.0, others_fraction: 0.0, steal_fraction: 0.3, ..before };
        assert!(bench_busy(&stolen).starts_with("the hypervisor is taking 30% of this machine's CPU time as the run starts (steal; other processes are using 0.0 of 96 cores)"));
    }

    #[test]
    fn the_hypervisor_is_named_when_it_took_the_time() {
        let mut report = gpuwise_bench_results::sample::full_report();
        let before = report.interference.unwrap().before;
        let during = Usage { steal_fraction: 0.23, disturbed: true, ..before };
        report.interference = Some(Interference::of(before, during, &report.results));
        assert_eq!(
            bench_interference_warning(&report).unwrap(),
            "The hypervisor took 23% of this machine's CPU time during the run (steal; other processes used 0.1 of 96 cores): CPU times are likely slow; rerun on an idle machine."
        );
        let m = report.results.iter_mut().find(|m| m.backend == gpuwise_bench_results::report::Backend::Cpu).unwrap();
        m.interference = Some(during);
        m.predicted_seconds = Some(m.seconds / 4.0);
        assert_eq!(
            slowed_note(m).unwrap(),
            "256x256x256: 4x the estimated time, measured while the hypervisor took 23% of this machine's CPU time (steal)"
        );
    }

    #[test]
    fn the_plan_is_rounded_as_an_estimate_deserves() {
        let plan = |steps, seconds, quick_seconds| bench_plan(&Planned { steps, seconds, quick_seconds }, "--quick");
        assert_eq!(plan(34, 118.0, Some(14.0)), "Measuring 34 cases, about 2 min (--quick: about 15 s)");
        assert_eq!(plan(4, 3.4, None), "Measuring 4 cases, about 3 s");
        assert_eq!(plan(1, 0.2, None), "Measuring 1 case, about 1 s");
        assert_eq!(plan(90, 4300.0, Some(31.0)), "Measuring 90 cases, about 1 h 12 min (--quick: about 30 s)");
        assert_eq!(
            bench_plan(&Planned { steps: 2, seconds: 61.0, quick_seconds: Some(9.6) }, "quick=True"),
            "Measuring 2 cases, about 1 min (quick=True: about 10 s)"
        );
    }
}
