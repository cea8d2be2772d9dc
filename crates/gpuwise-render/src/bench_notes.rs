//! What a bench run says besides its tables: how long it will take, said before it starts, and
//! how much of the machine other processes took, with a warning when that slowed the CPU times.

use gpuwise_bench_results::duration::Planned;
use gpuwise_bench_results::interference::{Interference, Usage};
use gpuwise_bench_results::report::{BenchReport, Measurement};

use crate::estimate::shape_text;

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

/// The warning when other processes keep the machine busy as a run starts (before its first
/// measurement).
pub fn bench_busy(before: &Usage) -> String {
    format!(
        "other processes are using {} as the run starts ({}): CPU times will likely be slow; stop them or {RERUN}",
        cores(before),
        steal(before)
    )
}

/// The warning of a run whose CPU times other processes (or the hypervisor) slowed: during the
/// whole run, or during some of its measurements; `None` for a quiet run or one without figures.
pub fn bench_interference_warning(report: &BenchReport) -> Option<String> {
    let interference = report.interference.as_ref().filter(|i| i.disturbed)?;
    let during = &interference.during;
    Some(match interference.worst_case(&report.results) {
        None => format!(
            "Other processes used {} during the run ({}): CPU times are likely slow; {RERUN}.",
            cores(during),
            steal(during)
        ),
        Some((worst, count)) => format!(
            "Other processes used up to {} during {count} of the {} CPU measurements ({}): those CPU times are likely slow; {RERUN}.",
            cores(worst),
            cpu_measurements(report),
            steal(worst)
        ),
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
/// cores`, for a result the load slowed far below the estimate (the steal when there was some).
pub(crate) fn slowed_note(m: &Measurement) -> Option<String> {
    let times = m.slowed_by_others()?;
    let usage = m.interference.as_ref()?;
    let stolen = if usage.steal_fraction >= 0.005 { format!(" ({})", steal(usage)) } else { String::new() };
    Some(format!(
        "{}: {times:.0}x the estimated time, measured while other processes used {}{stolen}",
        shape_text(&m.shape),
        cores(usage),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
