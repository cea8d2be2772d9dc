//! Why an environment was judged, written in reports as `current`, `argument` or `kernel:NAME`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an environment (Python or Julia) was judged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Source {
    /// The shell's own: the first `python3` (or `julia`) on `PATH`.
    #[default]
    Current,
    /// Named by the user (`--python`).
    Argument,
    /// A Jupyter kernel's interpreter, run with that kernel's variables.
    Kernel(String),
}

impl Source {
    /// The kernel's name, for a kernel's environment.
    pub fn kernel(&self) -> Option<&str> {
        match self {
            Source::Kernel(name) => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Current => f.write_str("current"),
            Source::Argument => f.write_str("argument"),
            Source::Kernel(name) => write!(f, "kernel:{name}"),
        }
    }
}

impl From<Source> for String {
    fn from(source: Source) -> String {
        source.to_string()
    }
}

/// Text that is not an environment source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an environment source (current, argument or kernel:NAME)")]
pub struct UnknownSource(pub String);

impl TryFrom<String> for Source {
    type Error = UnknownSource;

    fn try_from(text: String) -> Result<Source, UnknownSource> {
        match text.as_str() {
            "current" => Ok(Source::Current),
            "argument" => Ok(Source::Argument),
            other => match other.strip_prefix("kernel:") {
                Some(name) => Ok(Source::Kernel(name.to_string())),
                None => Err(UnknownSource(text)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_forms_read_back_and_others_are_refused() {
        for text in ["current", "argument", "kernel:ml-gpu"] {
            assert_eq!(Source::try_from(text.to_string()).unwrap().to_string(), text);
        }
        assert_eq!(Source::Kernel("ml".into()).kernel(), Some("ml"));
        assert!(serde_json::from_str::<Source>("\"shell\"").is_err());
    }
}
