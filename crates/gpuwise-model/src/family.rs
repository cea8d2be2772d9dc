//! The families of work a machine profile's curves time, written in profiles and bench results
//! by name: `gemm`, `conv`, `fft`, `stream`, `reduction`, and copies `h2d_pinned`,
//! `h2d_pageable`, `d2h_pinned`, `d2h_pageable`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Kind;

/// A family of work a profile's curves time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Family {
    /// Matrix products and dense layers.
    Gemm,
    /// Convolutions (as implicit matrix products).
    Conv,
    /// Fourier transforms.
    Fft,
    /// Elementwise streaming.
    Stream,
    /// Reductions.
    Reduction,
    /// Copies over the host link.
    Copy {
        /// Host to device (else back).
        to_device: bool,
        /// From or into pinned host memory (else pageable).
        pinned: bool,
    },
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 9] = [
        Family::Gemm,
        Family::Conv,
        Family::Fft,
        Family::Stream,
        Family::Reduction,
        Family::Copy { to_device: true, pinned: true },
        Family::Copy { to_device: true, pinned: false },
        Family::Copy { to_device: false, pinned: true },
        Family::Copy { to_device: false, pinned: false },
    ];

    /// The family `kind`'s time model is calibrated by.
    pub fn of(kind: &Kind) -> Family {
        match kind {
            Kind::Gemm { convolution: true, .. } => Family::Conv,
            Kind::Gemm { .. } => Family::Gemm,
            Kind::Fft { .. } => Family::Fft,
            Kind::Stream { reduction: false, .. } => Family::Stream,
            Kind::Stream { reduction: true, .. } => Family::Reduction,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Family::Gemm => "gemm",
            Family::Conv => "conv",
            Family::Fft => "fft",
            Family::Stream => "stream",
            Family::Reduction => "reduction",
            Family::Copy { to_device: true, pinned: true } => "h2d_pinned",
            Family::Copy { to_device: true, pinned: false } => "h2d_pageable",
            Family::Copy { to_device: false, pinned: true } => "d2h_pinned",
            Family::Copy { to_device: false, pinned: false } => "d2h_pageable",
        }
    }

    /// True for the streaming families, whose curves are sized in bytes moved rather than FLOPs.
    pub fn sized_in_bytes(self) -> bool {
        matches!(self, Family::Stream | Family::Reduction)
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Family> for &'static str {
    fn from(family: Family) -> &'static str {
        family.name()
    }
}

/// A name that is no family of work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a family of work (gemm, conv, fft, stream, reduction, h2d_pinned, ...)")]
pub struct UnknownFamily(pub String);

impl TryFrom<String> for Family {
    type Error = UnknownFamily;

    fn try_from(text: String) -> Result<Family, UnknownFamily> {
        Family::ALL.into_iter().find(|f| f.name() == text).ok_or(UnknownFamily(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_unknown_ones_are_refused() {
        for family in Family::ALL {
            assert_eq!(Family::try_from(family.name().to_string()), Ok(family));
        }
        assert!(serde_json::from_str::<Family>("\"launch_queued\"").is_err());
        assert!(Family::Reduction.sized_in_bytes() && !Family::Copy { to_device: true, pinned: true }.sized_in_bytes());
    }
}
