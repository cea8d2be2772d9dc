//! The repeat loop every measurement shares: warm-up runs, then timed runs until both the
//! minimum count and the minimum timed duration are reached (or the maximum count).

use gpuwise_bench_results::plan::Repeats;
use gpuwise_bench_results::stats::Summary;

/// Runs `run(i)` for warm-up and timed iterations; `run` does iteration `i` (rotate inputs by
/// it) and returns the seconds that iteration took, or `Err` to stop the case.
pub fn repeat(repeats: Repeats, mut run: impl FnMut(usize) -> Result<f64, String>) -> Result<Summary, String> {
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
    Summary::of(&samples).ok_or_else(|| "no timing was recorded".to_string())
}

/// Wall-clock seconds `work` takes on this thread.
pub fn wall(work: impl FnOnce()) -> f64 {
    let start = std::time::Instant::now();
    work();
    start.elapsed().as_secs_f64()
}

/// Wall-clock seconds `work` takes on this thread, or its error.
pub fn wall_or_error(work: impl FnOnce() -> Result<(), String>) -> Result<f64, String> {
    let mut outcome = Ok(());
    let seconds = wall(|| outcome = work());
    outcome.map(|()| seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warms_up_then_repeats_until_count_and_time() {
        let mut calls = Vec::new();
        let policy = Repeats { warmup: 2, min: 3, max: 10, seconds: 0.5 };
        let summary = repeat(policy, |i| {
            calls.push(i);
            Ok(0.1)
        })
        .unwrap();
        // 2 warm-up calls, then 0.1 s each until 0.5 s were timed.
        assert_eq!(calls, (0..7).collect::<Vec<_>>());
        assert_eq!(summary.repeats, 5);
        let capped = repeat(Repeats { warmup: 0, min: 1, max: 4, seconds: 100.0 }, |_| Ok(0.001)).unwrap();
        assert_eq!(capped.repeats, 4);
    }

    #[test]
    fn an_error_stops_the_case() {
        let err = repeat(Repeats { warmup: 1, min: 3, max: 3, seconds: 0.0 }, |i| {
            if i == 2 { Err("device lost".to_string()) } else { Ok(1.0) }
        });
        assert_eq!(err.unwrap_err(), "device lost");
    }
}
