//! Element types of the estimator and their sizes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Input, InputError, Problem};

/// A number format an operation computes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    /// IEEE double.
    #[cfg_attr(feature = "clap", value(alias = "float64", alias = "double"))]
    F64,
    /// IEEE single.
    #[cfg_attr(feature = "clap", value(alias = "float32", alias = "float"))]
    F32,
    /// Single-precision storage, TensorFloat-32 tensor-core math.
    Tf32,
    /// IEEE half.
    #[cfg_attr(feature = "clap", value(alias = "float16", alias = "half"))]
    F16,
    /// bfloat16.
    #[cfg_attr(feature = "clap", value(alias = "bfloat16"))]
    Bf16,
    /// 8-bit float (E4M3/E5M2).
    #[cfg_attr(feature = "clap", value(alias = "float8", alias = "f8", alias = "e4m3", alias = "e5m2"))]
    Fp8,
}

impl Dtype {
    /// Every dtype, in the order help texts list them.
    pub const ALL: [Dtype; 6] = [Dtype::F64, Dtype::F32, Dtype::Tf32, Dtype::F16, Dtype::Bf16, Dtype::Fp8];

    /// Bytes per element in memory (TF32 is stored as f32).
    pub fn bytes(self) -> u64 {
        match self {
            Dtype::F64 => 8,
            Dtype::F32 | Dtype::Tf32 => 4,
            Dtype::F16 | Dtype::Bf16 => 2,
            Dtype::Fp8 => 1,
        }
    }

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F64 => "f64",
            Dtype::F32 => "f32",
            Dtype::Tf32 => "tf32",
            Dtype::F16 => "f16",
            Dtype::Bf16 => "bf16",
            Dtype::Fp8 => "fp8",
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dtype {
    type Err = InputError;

    fn from_str(text: &str) -> Result<Self, InputError> {
        let wanted = text.trim().to_ascii_lowercase();
        let alias = match wanted.as_str() {
            "float64" | "double" => "f64",
            "float32" | "float" => "f32",
            "float16" | "half" => "f16",
            "bfloat16" => "bf16",
            "float8" | "f8" | "e4m3" | "e5m2" => "fp8",
            other => other,
        };
        Dtype::ALL.into_iter().find(|d| d.name() == alias).ok_or_else(|| {
            let choices = Dtype::ALL.iter().map(|d| d.name().to_string()).collect();
            InputError::new(Input::Dtype, Problem::Unknown { got: text.into(), choices })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_parse() {
        assert_eq!("bf16".parse::<Dtype>(), Ok(Dtype::Bf16));
        assert_eq!("float32".parse::<Dtype>(), Ok(Dtype::F32));
        assert_eq!(" TF32 ".parse::<Dtype>(), Ok(Dtype::Tf32));
        assert!("int4".parse::<Dtype>().unwrap_err().to_string().contains("f64, f32, tf32, f16, bf16, fp8"));
        assert_eq!(Dtype::Tf32.bytes(), 4, "TF32 is stored as f32");
    }
}
