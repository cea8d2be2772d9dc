//! Timing statistics: the median of repeated runs and how far they spread.

use serde::Serialize;

/// Repeated timings of one case, summarised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// The median, seconds.
    pub median: f64,
    /// The fastest run, seconds.
    pub min: f64,
    /// The slowest run, seconds.
    pub max: f64,
    /// The interquartile range over the median: 0.02 means the middle half of the runs lie
    /// within 2% of the median's size.
    pub spread: f64,
    /// Timed runs (after warm-up).
    pub repeats: usize,
}

impl Summary {
    /// Summarises `samples` (seconds); `None` when there are none.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|s| s.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let median = quantile(&sorted, 0.5);
        let spread = if median > 0.0 { (quantile(&sorted, 0.75) - quantile(&sorted, 0.25)) / median } else { 0.0 };
        Some(Summary { median, min: sorted[0], max: sorted[sorted.len() - 1], spread, repeats: sorted.len() })
    }
}

/// Linear interpolation between the closest ranks of sorted `values`.
fn quantile(values: &[f64], q: f64) -> f64 {
    let position = q * (values.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    values[low] + (values[high] - values[low]) * (position - low as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread_of_odd_and_even_counts() {
        let s = Summary::of(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.repeats), (3.0, 1.0, 5.0, 3));
        let s = Summary::of(&[4.0, 1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.median, 2.5);
        assert!((s.spread - 1.5 / 2.5).abs() < 1e-12);
    }

    #[test]
    fn outliers_move_the_extremes_not_the_median() {
        let s = Summary::of(&[1.0, 1.0, 1.0, 1.0, 100.0]).unwrap();
        assert_eq!((s.median, s.max, s.spread), (1.0, 100.0, 0.0));
    }

    #[test]
    fn nothing_to_summarise() {
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(Summary::of(&[f64::NAN]), None);
    }
}
