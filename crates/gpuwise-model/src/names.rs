//! The closed sets the estimator's inputs name: operations and dense-layer activations, each
//! read from its name (with the aliases people write) and, for a command line, offered as
//! choices (the `clap` feature).

use std::fmt;

use serde::Serialize;

use crate::error::{Input, InputError, Problem};

/// An operation the estimator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum OpName {
    /// Matrix products.
    Matmul,
    /// A fully connected layer.
    Dense,
    /// A 2-D convolution.
    Conv2d,
    /// A fast Fourier transform.
    Fft,
    /// An elementwise expression.
    Elementwise,
    /// A sum.
    Reduction,
    /// Work given as FLOPs and bytes.
    Custom,
}

impl OpName {
    /// Every operation, in the order help texts list them.
    pub const ALL: [OpName; 7] = [
        OpName::Matmul,
        OpName::Dense,
        OpName::Conv2d,
        OpName::Fft,
        OpName::Elementwise,
        OpName::Reduction,
        OpName::Custom,
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            OpName::Matmul => "matmul",
            OpName::Dense => "dense",
            OpName::Conv2d => "conv2d",
            OpName::Fft => "fft",
            OpName::Elementwise => "elementwise",
            OpName::Reduction => "reduction",
            OpName::Custom => "custom",
        }
    }

    /// What its size knob ([`crate::Operation::size`]) measures, for axis labels.
    pub fn size_label(self) -> &'static str {
        match self {
            OpName::Matmul => "matrix size n (n x n x n)",
            OpName::Dense | OpName::Conv2d => "batch",
            OpName::Fft => "points per transform",
            OpName::Elementwise | OpName::Reduction => "elements",
            OpName::Custom => "FLOPs",
        }
    }

    /// The operation called `name`; `Err` lists them.
    pub fn from_name(name: &str) -> Result<OpName, InputError> {
        let wanted = name.trim().to_ascii_lowercase();
        OpName::ALL.into_iter().find(|op| op.name() == wanted).ok_or_else(|| {
            let choices = OpName::ALL.iter().map(|op| op.name().to_string()).collect();
            InputError::new(Input::Op, Problem::Unknown { got: name.into(), choices })
        })
    }
}

impl fmt::Display for OpName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A dense layer's activation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Activation {
    /// None (linear).
    #[cfg_attr(feature = "clap", value(alias = "linear"))]
    None,
    /// max(0, x).
    #[default]
    Relu,
    /// The logistic function.
    Sigmoid,
    /// tanh.
    Tanh,
    /// Gaussian error linear unit.
    Gelu,
    /// x * sigmoid(x) (swish).
    #[cfg_attr(feature = "clap", value(alias = "swish"))]
    Silu,
}

impl Activation {
    /// Every activation, in the order help texts list them.
    pub const ALL: [Activation; 6] =
        [Activation::None, Activation::Relu, Activation::Sigmoid, Activation::Tanh, Activation::Gelu, Activation::Silu];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Activation::None => "none",
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Gelu => "gelu",
            Activation::Silu => "silu",
        }
    }

    /// FLOPs per output element.
    pub fn flops(self) -> u64 {
        match self {
            Activation::None => 0,
            Activation::Relu => 1,
            Activation::Sigmoid | Activation::Tanh => 4,
            Activation::Gelu | Activation::Silu => 8,
        }
    }

    /// The activation called `name` (`linear` and `swish` included); `Err` lists them.
    pub fn from_name(name: &str) -> Result<Activation, InputError> {
        let wanted = name.trim().to_ascii_lowercase();
        let alias = match wanted.as_str() {
            "linear" => "none",
            "swish" => "silu",
            other => other,
        };
        Activation::ALL.into_iter().find(|a| a.name() == alias).ok_or_else(|| {
            let choices = Activation::ALL.iter().map(|a| a.name().to_string()).collect();
            InputError::new(Input::Activation, Problem::Unknown { got: name.into(), choices })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_read() {
        assert_eq!(OpName::from_name("Conv2d"), Ok(OpName::Conv2d));
        assert!(OpName::from_name("gemv").unwrap_err().to_string().contains("matmul, dense, conv2d"));
        assert_eq!(Activation::from_name("swish"), Ok(Activation::Silu));
        assert_eq!(Activation::from_name("linear").map(Activation::flops), Ok(0));
        assert_eq!(Activation::from_name("mish").unwrap_err().input, Input::Activation);
    }
}
