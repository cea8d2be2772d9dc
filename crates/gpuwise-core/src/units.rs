//! Small formatting and parsing helpers shared by every view.

/// Formats a byte count with binary units, the way nvidia-smi's MiB figures read
/// (`81559 MiB` -> `79.6 GiB`).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// Formats a duration with the unit a person would use, to three significant figures at most:
/// `87.1 us`, `13.3 ms`, `2.59 s`, `36.2 min`, `8.04 h`, `4.10 days`, `1270 years`.
pub fn format_seconds(seconds: f64) -> String {
    const MINUTE: f64 = 60.0;
    const HOUR: f64 = 3600.0;
    const DAY: f64 = 86_400.0;
    const YEAR: f64 = 365.25 * DAY;
    let (value, unit) = match seconds {
        s if s >= YEAR => (s / YEAR, "years"),
        s if s >= 2.0 * DAY => (s / DAY, "days"),
        s if s >= 2.0 * HOUR => (s / HOUR, "h"),
        s if s >= 10.0 * MINUTE => (s / MINUTE, "min"),
        s if s >= 1.0 => (s, "s"),
        s if s >= 1e-3 => (s * 1e3, "ms"),
        s if s >= 1e-6 => (s * 1e6, "us"),
        s => (s * 1e9, "ns"),
    };
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$} {unit}")
}

/// Parses a dotted version (`580.159.04`, `12.8`) into its numeric parts.
///
/// Returns `None` when any part is not a number, so callers never compare garbage.
pub fn parse_version(text: &str) -> Option<Vec<u32>> {
    let parts: Option<Vec<u32>> = text.trim().split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_like_nvidia_smi() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(81559 * 1024 * 1024), "79.6 GiB");
        assert_eq!(format_bytes(24 * 1024 * 1024 * 1024), "24.0 GiB");
    }

    #[test]
    fn durations_read_in_the_unit_a_person_uses() {
        assert_eq!(format_seconds(87.1e-6), "87.1 us");
        assert_eq!(format_seconds(2.59), "2.59 s");
        assert_eq!(format_seconds(599.0), "599 s");
        assert_eq!(format_seconds(2170.0), "36.2 min");
        assert_eq!(format_seconds(8.04 * 3600.0), "8.04 h");
        assert_eq!(format_seconds(4.1 * 86_400.0), "4.10 days");
        assert_eq!(format_seconds(12_781_190_184_049.0), "405011 years");
        assert_eq!(format_seconds(0.0), "0.00 ns");
    }

    #[test]
    fn huge_byte_counts_keep_a_unit() {
        assert_eq!(format_bytes(120_000_000_000_000_000), "106.6 PiB");
    }

    #[test]
    fn versions_compare_numerically() {
        assert!(parse_version("580.159.04").unwrap() > parse_version("580.65.06").unwrap());
        assert_eq!(parse_version("12.8"), Some(vec![12, 8]));
        assert_eq!(parse_version("12.x"), None);
        assert_eq!(parse_version(""), None);
    }
}
