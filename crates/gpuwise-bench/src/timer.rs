//! The repeat loop every measurement shares: warm-up runs, then timed runs until both the
//! minimum count and the minimum timed duration are reached (or the maximum count).

use gpuwise_bench_results::plan::Repeats;
use gpuwise_bench_results::stats::Summary;

use crate::error::NoTiming;

/// Runs `run(i)` for warm-up and timed iterations; `run` does iteration `i` (rotate inputs by
/// it) and returns the seconds that iteration took, or `Err` to stop the case. [`NoTiming`]
/// when `repeats` allowed no timed iteration.
pub fn repeat<E: From<NoTiming>>(repeats: Repeats, mut run: impl FnMut(usize) -> Result<f64, E>) -> Result<Summary, E> {
    for i in 0..repeats.warmup {
        run(i)?;
    }
    let mut samples = Vec::new();
    let mut timed = 0.0;
    while samples.len() < repeats.max && (samples.len() < repeats.min || timed < repeats.seconds) {
        let seconds = run(repeats.warmup + samples.len())?;
        timed += seconds;
        samples.push(seconds);
    }
    Summary::of(&samples).ok_or_else(|| NoTiming.into())
}

/// Wall-clock seconds `work` takes on this thread.
pub fn wall(work: impl FnOnce()) -> f64 {
    let start = std::time::Instant::now();
    work();
    start.elapsed().as_secs_f64()
}

/// Wall-clock seconds `work` takes on this thread, or its error (as the caller's error type).
pub fn wall_or_error<E, F: Into<E>>(work: impl FnOnce() -> Result<(), F>) -> Result<f64, E> {
    let mut outcome = Ok(());
    let seconds = wall(|| outcome = work());
    outcome.map(|()| seconds).map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a case's run may stop with, in these tests.
    #[derive(Debug, PartialEq)]
    enum Stop {
        DeviceLost,
        NoTiming,
    }

    impl From<NoTiming> for Stop {
        fn from(_: NoTiming) -> Stop {
            Stop::NoTiming
        }
    }

    #[test]
    fn warms_up_then_repeats_until_count_and_time() {
        let mut calls = Vec::new();
        let policy = Repeats { warmup: 2, min: 3, max: 10, seconds: 0.5 };
        let summary = repeat::<Stop>(policy, |i| {
            calls.push(i);
            Ok(0.1)
        })
        .unwrap();
        // 2 warm-up calls, then 0.1 s each until 0.5 s were timed.
        assert_eq!(calls, (0..7).collect::<Vec<_>>());
        assert_eq!(summary.repeats, 5);
        let capped = repeat::<Stop>(Repeats { warmup: 0, min: 1, max: 4, seconds: 100.0 }, |_| Ok(0.001)).unwrap();
        assert_eq!(capped.repeats, 4);
    }

    #[test]
    fn an_error_stops_the_case() {
        let err = repeat(Repeats { warmup: 1, min: 3, max: 3, seconds: 0.0 }, |i| {
            if i == 2 { Err(Stop::DeviceLost) } else { Ok(1.0) }
        });
        assert_eq!(err.unwrap_err(), Stop::DeviceLost);
        let untimed = repeat::<Stop>(Repeats { warmup: 1, min: 0, max: 0, seconds: 0.0 }, |_| Ok(1.0));
        assert_eq!(untimed.unwrap_err(), Stop::NoTiming);
        assert_eq!(NoTiming.to_string(), "no timing was recorded");
    }
}
