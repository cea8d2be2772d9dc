//! Logarithmic chart axes with ticks people read: sizes as `128`, `1k`, `1M` (powers of two for
//! matrix edges, FFT lengths and bytes, where `1k` is 1024), times as `1 ms` or `2.78 h`; labelled
//! ticks at whole decades (or powers of two) when the span allows, at 1-2-5 steps when it is
//! short, and unlabelled light lines between them. Never exponent notation.

use std::ops::Range;

use gpuwise_model::OpName;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

/// Most labelled ticks an axis gets unless told fewer ([`LogAxis::at_most`]).
const MAX_TICKS: usize = 10;
/// Fewest decades an axis spans: a narrower range is widened around its middle.
const MIN_DECADES: f64 = 1.0;
/// Share of the span added at each end, so that no point sits on the frame.
const PAD: f64 = 0.05;

/// How an axis writes its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scale {
    /// Counts, ticks at powers of ten: `100`, `1k`, `10M`.
    Decimal,
    /// Counts people choose as powers of two, ticks at them: `256`, `1k` (1024), `16M`.
    Binary,
    /// Seconds: `10 µs`, `1 ms`, `2 s`, `16.7 min`.
    Time,
}

impl Scale {
    /// The scale of an operation's size knob: powers of two for matrix edges and FFT lengths.
    pub(crate) fn of_size(op: OpName) -> Scale {
        match op {
            OpName::Matmul | OpName::Fft => Scale::Binary,
            _ => Scale::Decimal,
        }
    }

    /// `value` as a tick label.
    pub(crate) fn label(self, value: f64) -> String {
        match self {
            Scale::Decimal => decimal(value),
            Scale::Binary => binary(value).unwrap_or_else(|| decimal(value)),
            Scale::Time => duration(value),
        }
    }
}

/// A logarithmic axis from `low` to `high` with its labelled and light ticks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogAxis {
    low: f64,
    high: f64,
    scale: Scale,
    /// Most labelled ticks.
    most: usize,
    ticks: Vec<f64>,
    light: Vec<f64>,
}

impl LogAxis {
    /// An axis spanning every positive, finite value of `values` with a little room at both
    /// ends (at least [`MIN_DECADES`] in all); `None` when there is no such value.
    pub(crate) fn spanning(values: impl IntoIterator<Item = f64>, scale: Scale) -> Option<LogAxis> {
        let logs = values.into_iter().filter(|v| v.is_finite() && *v > 0.0).map(f64::log10);
        let (low, high) = logs.fold(None, |span: Option<(f64, f64)>, v| match span {
            Some((low, high)) => Some((low.min(v), high.max(v))),
            None => Some((v, v)),
        })?;
        let widen = ((MIN_DECADES - (high - low)) / 2.0).max(0.0);
        let (low, high) = (low - widen, high + widen);
        let pad = (high - low) * PAD;
        Some(LogAxis::between(10f64.powf(low - pad), 10f64.powf(high + pad), scale, MAX_TICKS))
    }

    /// The same axis with `share` of its (log) span added above its values: room for labels
    /// over the data.
    pub(crate) fn with_headroom(&self, share: f64) -> LogAxis {
        let span = (self.high / self.low).log10();
        let high = self.high * 10f64.powf(span * share / (1.0 - share));
        LogAxis::between(self.low, high, self.scale, self.most)
    }

    /// The same axis with at most `most` labelled ticks (a short axis).
    pub(crate) fn at_most(&self, most: usize) -> LogAxis {
        LogAxis::between(self.low, self.high, self.scale, most)
    }

    fn between(low: f64, high: f64, scale: Scale, most: usize) -> LogAxis {
        let (ticks, light) = ticks(low, high, scale, most);
        LogAxis { low, high, scale, most, ticks, light }
    }

    /// The labelled ticks.
    #[cfg(test)]
    pub(crate) fn ticks(&self) -> &[f64] {
        &self.ticks
    }

    /// True when `value` lies on the axis.
    #[cfg(test)]
    pub(crate) fn contains(&self, value: f64) -> bool {
        (self.low..=self.high).contains(&value)
    }

    /// Where `value` lies along the axis, 0 at its start and 1 at its end.
    pub(crate) fn fraction(&self, value: f64) -> f64 {
        (value / self.low).log10() / (self.high / self.low).log10()
    }
}

impl Ranged for LogAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let pixels = f64::from(limit.1 - limit.0);
        limit.0 + (self.fraction(*value) * pixels).round() as i32
    }

    /// The labelled ticks for bold lines, the light ones for the rest.
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() { self.light.clone() } else { self.ticks.clone() }
    }

    fn range(&self) -> Range<f64> {
        self.low..self.high
    }
}

impl ValueFormatter<f64> for LogAxis {
    fn format_ext(&self, value: &f64) -> String {
        self.scale.label(*value)
    }
}

/// The labelled and the light ticks between `low` and `high`, at most `most` labelled: whole
/// decades (every second or third when there are many), else 1-2-5 steps, else 1-3 steps (two
/// decades and a bit), else every digit; for [`Scale::Binary`] powers of two first.
fn ticks(low: f64, high: f64, scale: Scale, most: usize) -> (Vec<f64>, Vec<f64>) {
    if scale == Scale::Binary {
        let powers = powers(2.0, low, high);
        if powers.len() >= 3 {
            return thinned(&powers, 2.0, most);
        }
    }
    let decades = powers(10.0, low, high);
    if decades.len() >= 3 {
        let (ticks, mut light) = thinned(&decades, 10.0, most);
        if ticks.len() == decades.len() && decades.len() <= 6 {
            light = steps(&[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], low, high);
        }
        return (ticks, light);
    }
    let one_two_five = steps(&[1.0, 2.0, 5.0], low, high);
    if (3..=most).contains(&one_two_five.len()) {
        return (one_two_five, steps(&[3.0, 4.0, 6.0, 7.0, 8.0, 9.0], low, high));
    }
    let one_three = steps(&[1.0, 3.0], low, high);
    if one_three.len() >= 3 {
        return (one_three, steps(&[2.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], low, high));
    }
    (steps(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], low, high), Vec::new())
}

/// The powers of `base` from `low` to `high`.
fn powers(base: f64, low: f64, high: f64) -> Vec<f64> {
    let first = low.log(base).ceil() as i32;
    let last = high.log(base).floor() as i32;
    (first..=last).map(|e| base.powi(e)).collect()
}

/// At most `most` of `powers` of `base` to label (those whose exponent is a multiple of the
/// step), the others as light lines.
fn thinned(powers: &[f64], base: f64, most: usize) -> (Vec<f64>, Vec<f64>) {
    let every = powers.len().div_ceil(most.max(1)).max(1) as i64;
    powers.iter().partition(|&&p| (p.log(base).round() as i64).rem_euclid(every) == 0)
}

/// Each of `mantissas` times each power of ten, from `low` to `high`.
fn steps(mantissas: &[f64], low: f64, high: f64) -> Vec<f64> {
    let first = low.log10().floor() as i32;
    let last = high.log10().ceil() as i32;
    let mut values: Vec<f64> = (first..=last)
        .flat_map(|e| mantissas.iter().map(move |m| m * 10f64.powi(e)))
        .filter(|v| (low..=high).contains(v))
        .collect();
    values.sort_by(f64::total_cmp);
    values
}

/// True for a number a log axis can show.
pub(crate) fn positive(value: f64) -> bool {
    value.is_finite() && value > 0.0
}

/// `value` with at most three significant digits, trailing zeros dropped, never in exponent
/// notation: `0.25`, `3`, `120`.
fn plain(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let digits = if value >= 100.0 { 0 } else { (2 - value.abs().log10().floor() as i32).clamp(0, 17) as usize };
    let text = format!("{value:.digits$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

/// SI prefixes by thousands.
const PREFIXES: [&str; 11] = ["", "k", "M", "G", "T", "P", "E", "Z", "Y", "R", "Q"];

/// `950`, `1k`, `2.5M`, `10G`.
fn decimal(value: f64) -> String {
    let thousands = if value >= 1.0 { ((value.log10() + 1e-9) / 3.0).floor() as usize } else { 0 };
    let thousands = thousands.min(PREFIXES.len() - 1);
    format!("{}{}", plain(value / 1000f64.powi(thousands as i32)), PREFIXES[thousands])
}

/// A power of two as people write it: `512`, `1k` (1024), `64k`, `16M`; `None` for other values.
fn binary(value: f64) -> Option<String> {
    let exponent = value.log2().round();
    if !(0.0..90.0).contains(&exponent) || (value - 2f64.powf(exponent)).abs() > value * 1e-9 {
        return None;
    }
    let exponent = exponent as u32;
    let (tens, rest) = ((exponent / 10) as usize, exponent % 10);
    Some(format!("{}{}", 1u64 << rest, PREFIXES[tens]))
}

/// A duration people read: three significant digits in a unit that keeps the number small:
/// `0.5 ns`, `10 µs`, `6.15 ms`, `100 s`, `16.7 min`, `2.78 h`, `11.6 days`, `3.17 years`.
pub(crate) fn duration(seconds: f64) -> String {
    const LONG: [(f64, &str); 4] = [(365.25 * 86_400.0, "years"), (86_400.0, "days"), (3_600.0, "h"), (60.0, "min")];
    const SHORT: [(f64, &str); 4] = [(1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")];
    // Seconds up to 1000 (`100 s`, not `1.67 min`); longer spans in the largest unit that fits.
    let units = if seconds >= 1000.0 { LONG } else { SHORT };
    let (unit, name) = units.into_iter().find(|(unit, _)| seconds >= unit * 0.999).unwrap_or(units[3]);
    format!("{} {name}", plain(seconds / unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(axis: &LogAxis) -> Vec<String> {
        axis.ticks().iter().map(|&t| axis.scale.label(t)).collect()
    }

    #[test]
    fn zero_and_non_finite_values_are_written_plainly() {
        assert_eq!(plain(0.0), "0");
        assert_eq!(plain(f64::INFINITY), "inf");
        assert_eq!(plain(1e-30), "0", "below what a tick can show, never a panic");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        let edges = LogAxis::spanning([100.0, 20_000.0], Scale::Binary).unwrap();
        assert_eq!(labels(&edges), ["128", "256", "512", "1k", "2k", "4k", "8k", "16k"]);
        let elements = LogAxis::spanning([3e4, 2e9], Scale::Decimal).unwrap();
        assert_eq!(labels(&elements), ["100k", "1M", "10M", "100M", "1G"]);
        let flops = LogAxis::spanning([1e-3, 1e30], Scale::Decimal).unwrap();
        assert!(labels(&flops).iter().all(|l| !l.contains('e')), "{:?}", labels(&flops));
        assert!(flops.ticks().len() <= MAX_TICKS);
    }

    #[test]
    fn times_carry_their_unit() {
        let axis = LogAxis::spanning([2e-6, 0.3], Scale::Time).unwrap();
        assert_eq!(labels(&axis), ["10 µs", "100 µs", "1 ms", "10 ms", "100 ms"]);
        let long = LogAxis::spanning([1.0, 1e9], Scale::Time).unwrap();
        let readable = ["1 s", "10 s", "100 s", "16.7 min", "2.78 h", "1.16 days", "11.6 days", "116 days"];
        assert_eq!(labels(&long), [&readable[..], &["3.17 years", "31.7 years"]].concat());
        let longer = LogAxis::spanning([1e-9, 1e9], Scale::Time).unwrap();
        let every_other = ["10 ns", "1 µs", "100 µs", "10 ms", "1 s", "100 s", "2.78 h", "11.6 days", "3.17 years"];
        assert_eq!(labels(&longer), every_other);
        assert_eq!(duration(5e-10), "0.5 ns");
        assert_eq!(duration(0.00615), "6.15 ms");
        assert_eq!(duration(999.0), "999 s");
        assert_eq!(duration(14_660.0), "4.07 h");
    }

    #[test]
    fn short_spans_get_steps_between_decades() {
        let axis = LogAxis::spanning([300.0, 3000.0], Scale::Decimal).unwrap();
        assert_eq!(labels(&axis), ["500", "1k", "2k"]);
        let one = LogAxis::spanning([8.0], Scale::Decimal).unwrap();
        assert!(one.contains(8.0) && one.ticks().len() >= 3, "{one:?}");
        let binary = LogAxis::spanning([3000.0, 7000.0], Scale::Binary).unwrap();
        assert!(binary.ticks().len() >= 3, "{binary:?}");
        assert_eq!(LogAxis::spanning([0.0, -1.0, f64::NAN], Scale::Time), None);
    }

    #[test]
    fn spans_of_two_decades_and_a_bit_get_at_most_eight_steps() {
        let axis = LogAxis::spanning([1.5e-4, 0.06], Scale::Time).unwrap();
        assert_eq!(labels(&axis), ["200 µs", "500 µs", "1 ms", "2 ms", "5 ms", "10 ms", "20 ms", "50 ms"]);
    }

    #[test]
    fn short_axes_get_fewer_ticks() {
        let fft = LogAxis::spanning([4096.0, 1048576.0], Scale::Binary).unwrap().at_most(6);
        assert_eq!(labels(&fft), ["4k", "16k", "64k", "256k", "1M"]);
        let times = LogAxis::spanning([1.5e-4, 0.06], Scale::Time).unwrap().at_most(6);
        assert_eq!(labels(&times), ["300 µs", "1 ms", "3 ms", "10 ms", "30 ms"]);
    }

    #[test]
    fn headroom_keeps_the_values_below_the_share() {
        let axis = LogAxis::spanning([1e-3, 1.0], Scale::Time).unwrap().with_headroom(0.2);
        assert!(axis.contains(1.0) && axis.fraction(1.0) < 0.81, "{}", axis.fraction(1.0));
    }
}
