//! Small formatting and parsing helpers shared by every view.

/// Formats a byte count with binary units, the way nvidia-smi's MiB figures read
/// (`81559 MiB` -> `79.6 GiB`).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
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
    fn versions_compare_numerically() {
        assert!(parse_version("580.159.04").unwrap() > parse_version("580.65.06").unwrap());
        assert_eq!(parse_version("12.8"), Some(vec![12, 8]));
        assert_eq!(parse_version("12.x"), None);
        assert_eq!(parse_version(""), None);
    }
}
