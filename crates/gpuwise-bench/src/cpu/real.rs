//! The element types the CPU kernels are written for once: f32 and f64.

use crate::data::Values;

/// A real floating-point type every CPU kernel accepts.
pub trait Real:
    faer::traits::RealField
    + super::Element
    + rustfft::FftNum
    + Copy
    + Default
    + Send
    + Sync
    + std::iter::Sum
    + std::ops::Add<Output = Self>
    + std::ops::AddAssign
{
    /// The values as this type's slice, when they are stored in it.
    fn slice(values: &Values) -> Option<&[Self]>;
    /// Wraps values of this type.
    fn values(values: Vec<Self>) -> Values;
}

impl Real for f32 {
    fn slice(values: &Values) -> Option<&[f32]> {
        if let Values::F32(v) = values { Some(v) } else { None }
    }
    fn values(values: Vec<f32>) -> Values {
        Values::F32(values)
    }
}

impl Real for f64 {
    fn slice(values: &Values) -> Option<&[f64]> {
        if let Values::F64(v) = values { Some(v) } else { None }
    }
    fn values(values: Vec<f64>) -> Values {
        Values::F64(values)
    }
}
