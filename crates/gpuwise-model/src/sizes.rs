//! Sizes and counts as people write them: `1024,1024,1024`, `1024x1024x1024`, `1e6`, `4Ki`,
//! `1_000_000`. The command line's `--shape` and counts, and Python's `shape="..."`, read them
//! here, so every front end accepts the same text and words the same mistakes.

use crate::{Input, InputError, Problem};

/// What a size or count looks like, for messages.
const WHOLE: &str = "a whole number such as 1024, 1e6 or 4Ki";

/// The largest size written exactly: 2^53, beyond which f64 arithmetic (and any real array
/// dimension) stops being whole.
const LARGEST: f64 = 9_007_199_254_740_992.0;

/// Reads sizes separated by commas, `x`, `×`, `*` or spaces: `1024,1024,1024`, `1024x1024x1024`,
/// `4096 x 4096`, `1e6`. Each is a whole number (see [`parse_count`]); zeros pass here and are
/// named by the operation, which knows which dimension they are.
pub fn parse_sizes(text: &str) -> Result<Vec<u64>, InputError> {
    let sizes = split_sizes(text);
    if sizes.is_empty() {
        return Err(InputError::new(
            Input::Shape,
            Problem::Expected { expected: "sizes such as 1024,1024,1024", got: format!("`{text}`") },
        ));
    }
    sizes.iter().map(|size| parse_count(size, Input::Shape)).collect()
}

/// The sizes written in `text`, as [`parse_sizes`] separates them, each still text.
pub fn split_sizes(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c == 'x' || c == 'X' || c == '×' || c == '*' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .collect()
}

/// Reads one whole number of 0 or more for `input`: digits (with `_` between groups), decimal or
/// scientific notation that comes to a whole number (`1e6`, `2.5e3`), or a multiple with a
/// suffix: `k`, `M`, `G`, `T` (powers of 1000) or `Ki`, `Mi`, `Gi`, `Ti` (powers of 1024).
pub fn parse_count(text: &str, input: Input) -> Result<u64, InputError> {
    let trimmed = text.trim();
    let wrong =
        |expected: &'static str| InputError::new(input, Problem::Expected { expected, got: format!("`{trimmed}`") });
    let (number, multiple) = split_suffix(trimmed);
    let digits = number.replace('_', "");
    if digits.starts_with('-') {
        return Err(InputError::new(input, Problem::NegativeCount(trimmed.to_string())));
    }
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')) {
        return Err(wrong(WHOLE));
    }
    // A decimal suffix joins the exponent, so `1.001k` is parsed as exactly `1.001e3`; a binary
    // one multiplies by a power of two, which is exact.
    let value: f64 = match multiple {
        Multiple::Decimal(0) => digits.parse(),
        Multiple::Decimal(exponent) => format!("{digits}e{exponent}").parse(),
        Multiple::Binary(factor) => digits.parse().map(|v: f64| v * factor),
    }
    .map_err(|_| wrong(WHOLE))?;
    if !value.is_finite() || value > LARGEST {
        return Err(wrong("at most 2^53 (9.0e15)"));
    }
    if value.fract() != 0.0 {
        return Err(wrong("a whole number"));
    }
    Ok(value as u64)
}

/// What a suffix multiplies by.
#[derive(Clone, Copy)]
enum Multiple {
    /// A power of ten, as an exponent (`k`: 3).
    Decimal(i32),
    /// A power of two (`Ki`: 1024).
    Binary(f64),
}

/// The number and the multiple its suffix stands for (none: 10^0).
fn split_suffix(text: &str) -> (&str, Multiple) {
    const SUFFIXES: [(&str, Multiple); 8] = [
        ("Ki", Multiple::Binary(1024.0)),
        ("Mi", Multiple::Binary(1_048_576.0)),
        ("Gi", Multiple::Binary(1_073_741_824.0)),
        ("Ti", Multiple::Binary(1_099_511_627_776.0)),
        ("k", Multiple::Decimal(3)),
        ("M", Multiple::Decimal(6)),
        ("G", Multiple::Decimal(9)),
        ("T", Multiple::Decimal(12)),
    ];
    SUFFIXES
        .iter()
        .find_map(|&(suffix, multiple)| text.strip_suffix(suffix).map(|number| (number, multiple)))
        .unwrap_or((text, Multiple::Decimal(0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model_name;

    #[test]
    fn sizes_read_with_any_common_separator() {
        for text in [
            "1024,1024,1024",
            "1024x1024x1024",
            "1024 x 1024 x 1024",
            "1024×1024×1024",
            "1024*1024*1024",
            "1_024, 1024,1024",
        ] {
            assert_eq!(parse_sizes(text).unwrap(), vec![1024, 1024, 1024], "{text}");
        }
    }

    #[test]
    fn scientific_notation_and_suffixes_give_whole_numbers() {
        assert_eq!(parse_sizes("1e6").unwrap(), vec![1_000_000]);
        assert_eq!(parse_sizes("2.5e3,4Ki,3M").unwrap(), vec![2500, 4096, 3_000_000]);
        assert_eq!(parse_count("1Gi", Input::Batch).unwrap(), 1 << 30);
        assert_eq!(parse_count("0", Input::Padding).unwrap(), 0);
        // Decimal suffixes are exact: 1.001k is 1001, as 1.001e3 is.
        for (text, value) in [("1.001k", 1001), ("0.067G", 67_000_000), ("0.017T", 17_000_000_000), ("1.001e3", 1001)] {
            assert_eq!(parse_count(text, Input::Batch).unwrap(), value, "{text}");
        }
    }

    #[test]
    fn mistakes_are_named_with_the_text_given() {
        let message = |text: &str| parse_sizes(text).unwrap_err().describe(model_name);
        assert_eq!(message("-1,2,3"), "shape cannot be negative, got `-1`");
        assert_eq!(message("1.5,2"), "shape must be a whole number, got `1.5`");
        assert!(message("ten").contains("`ten`"), "{}", message("ten"));
        assert!(message(",,").contains("sizes such as"), "{}", message(",,"));
        assert!(message("1e30").contains("at most 2^53"), "{}", message("1e30"));
        assert!(message("1e400").contains("at most 2^53"), "{}", message("1e400"));
        assert!(message("nan").contains("`nan`"), "{}", message("nan"));
        let repeats = parse_count("-3", Input::Repeats).unwrap_err();
        assert_eq!(repeats.input, Input::Repeats);
    }
}
