//! The GPU frameworks gpuwise judges, written in reports by their own names (`torch`, `CUDA.jl`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A GPU framework gpuwise judges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FrameworkName {
    /// PyTorch.
    #[default]
    #[serde(rename = "torch")]
    Torch,
    /// TensorFlow.
    #[serde(rename = "tensorflow")]
    Tensorflow,
    /// JAX.
    #[serde(rename = "jax")]
    Jax,
    /// CuPy.
    #[serde(rename = "cupy")]
    Cupy,
    /// Numba.
    #[serde(rename = "numba")]
    Numba,
    /// Julia's CUDA.jl.
    #[serde(rename = "CUDA.jl")]
    CudaJl,
}

impl FrameworkName {
    /// The Python frameworks, in the order notebooks list them.
    pub const PYTHON: [FrameworkName; 5] = [
        FrameworkName::Torch,
        FrameworkName::Jax,
        FrameworkName::Cupy,
        FrameworkName::Tensorflow,
        FrameworkName::Numba,
    ];

    /// Its name, as its users write it.
    pub fn name(self) -> &'static str {
        match self {
            FrameworkName::Torch => "torch",
            FrameworkName::Tensorflow => "tensorflow",
            FrameworkName::Jax => "jax",
            FrameworkName::Cupy => "cupy",
            FrameworkName::Numba => "numba",
            FrameworkName::CudaJl => "CUDA.jl",
        }
    }
}

impl fmt::Display for FrameworkName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no framework gpuwise judges.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown framework {0:?}: choose from torch, jax, cupy, tensorflow, numba")]
pub struct UnknownFramework(pub String);

impl FromStr for FrameworkName {
    type Err = UnknownFramework;

    fn from_str(text: &str) -> Result<FrameworkName, UnknownFramework> {
        FrameworkName::PYTHON
            .into_iter()
            .chain([FrameworkName::CudaJl])
            .find(|name| name.name() == text)
            .ok_or_else(|| UnknownFramework(text.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_serialise_as_written() {
        for name in FrameworkName::PYTHON.into_iter().chain([FrameworkName::CudaJl]) {
            assert_eq!(name.name().parse(), Ok(name));
            assert_eq!(serde_json::to_string(&name).unwrap(), format!("\"{name}\""));
        }
        assert_eq!("mxnet".parse::<FrameworkName>(), Err(UnknownFramework("mxnet".into())));
    }
}
