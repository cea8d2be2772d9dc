//! The terminal views' styles: bold and dim text, verdict colours, a colour per severity. The
//! caller's output stream strips them for pipes and `NO_COLOR`.

use anstyle::{AnsiColor, Style};
use gpuwise_core::Severity;

/// Headings.
pub(crate) const BOLD: Style = Style::new().bold();
/// Asides.
pub(crate) const DIM: Style = Style::new().dimmed();
/// What works.
pub(crate) const GOOD: Style = AnsiColor::Green.on_default().bold();
/// What does not, and errors.
pub(crate) const BAD: Style = AnsiColor::Red.on_default().bold();
/// Warnings.
pub(crate) const WARN: Style = AnsiColor::Yellow.on_default().bold();
/// Information.
pub(crate) const INFO: Style = AnsiColor::Cyan.on_default();

/// `text` in `style`.
pub(crate) fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// The colour a finding of `severity` is shown in.
pub(crate) fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Error => BAD,
        Severity::Warning => WARN,
        Severity::Info => INFO,
    }
}
