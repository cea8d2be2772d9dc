//! What a framework was built for, as its files say: written in reports as `cuda-12.4`, `cuda-12`
//! (any 12.x), `cuda` (any toolkit), `rocm-6.1`, `cpu` or `unknown`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a framework was built for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Build {
    /// CPU only.
    Cpu,
    /// CUDA: for this toolkit (`12.4`, or a major alone, `12`: any 12.x), or any (`None`).
    Cuda(Option<String>),
    /// ROCm, for this version when known.
    Rocm(Option<String>),
    /// Its files do not tell.
    #[default]
    Unknown,
}

impl Build {
    /// A CUDA build for `toolkit` (`12.4`, `12`).
    pub fn cuda(toolkit: impl Into<String>) -> Build {
        Build::Cuda(Some(toolkit.into()))
    }

    /// True for a CUDA build.
    pub fn is_cuda(&self) -> bool {
        matches!(self, Build::Cuda(_))
    }

    /// The CUDA version of a CUDA build that names one (`12.4`, or `12` for any 12.x).
    pub fn cuda_version(&self) -> Option<&str> {
        match self {
            Build::Cuda(version) => version.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for Build {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Build::Cpu => f.write_str("cpu"),
            Build::Cuda(None) => f.write_str("cuda"),
            Build::Cuda(Some(version)) => write!(f, "cuda-{version}"),
            Build::Rocm(None) => f.write_str("rocm"),
            Build::Rocm(Some(version)) => write!(f, "rocm-{version}"),
            Build::Unknown => f.write_str("unknown"),
        }
    }
}

impl From<Build> for String {
    fn from(build: Build) -> String {
        build.to_string()
    }
}

impl From<String> for Build {
    /// Reads the written form; anything else is [`Build::Unknown`].
    fn from(text: String) -> Build {
        let versioned = |rest: &str| (!rest.is_empty()).then(|| rest.to_string());
        match text.as_str() {
            "cpu" => Build::Cpu,
            "cuda" => Build::Cuda(None),
            "rocm" => Build::Rocm(None),
            other => match (other.strip_prefix("cuda-"), other.strip_prefix("rocm-")) {
                (Some(version), _) => Build::Cuda(versioned(version)),
                (_, Some(version)) => Build::Rocm(versioned(version)),
                _ => Build::Unknown,
            },
        }
    }
}

impl From<&str> for Build {
    /// Reads the written form; anything else is [`Build::Unknown`].
    fn from(text: &str) -> Build {
        Build::from(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_forms_read_back() {
        for text in ["cpu", "cuda", "cuda-12.4", "cuda-12", "rocm", "rocm-6.1", "unknown"] {
            assert_eq!(Build::from(text.to_string()).to_string(), text);
        }
        assert_eq!(Build::from("metal".to_string()), Build::Unknown);
        assert_eq!(serde_json::to_string(&Build::cuda("12.4")).unwrap(), "\"cuda-12.4\"");
        assert_eq!(Build::cuda("12").cuda_version(), Some("12"));
        assert!(Build::Cuda(None).is_cuda() && !Build::Rocm(None).is_cuda());
    }
}
