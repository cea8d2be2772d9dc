//! The value types device buffers hold (f64; f32, which tf32 cases also store; f16; bf16), how
//! host values become them and back, and which kernels and transforms exist for each.

use cudarc::cufft::sys::cufftType;
use cudarc::driver::{DeviceRepr, ValidAsZeroBits};
use half::{bf16, f16};

use super::errors::CudaError;
use super::kernels::Kernel;
use crate::data::Values;

/// A type device buffers hold.
pub(super) trait Element: DeviceRepr + ValidAsZeroBits + Copy + Send + Sync + 'static {
    /// The `out = x + y` kernel, where one exists for the type.
    const ADD: Option<Kernel>;
    /// The partial-sum kernel.
    const SUM: Option<Kernel>;
    /// The im2col kernel.
    const IM2COL: Option<Kernel>;
    /// cuFFT's complex-to-complex transform of interleaved (re, im) pairs of the type.
    const FFT: Option<cufftType>;
    /// The type's name in messages.
    const NAME: &'static str;

    /// Rounds host `values` (f64 for f64 cases, f32 for every other dtype) into `out`, which has
    /// as many slots.
    fn narrow(values: &Values, out: &mut [Self]) -> Result<(), CudaError>;

    /// `values` widened for the check: f64 stays f64, every other type becomes f32.
    fn widen(values: &[Self]) -> Values;
}

/// Implements [`Element`] for a type stored as `$stored` on the host, converted with `$from` and
/// back with `$to`.
macro_rules! element {
    ($t:ty, $name:literal, $stored:ident, $from:expr, $to:expr,
     add: $add:expr, sum: $sum:expr, im2col: $im2col:expr, fft: $fft:expr) => {
        impl Element for $t {
            const ADD: Option<Kernel> = $add;
            const SUM: Option<Kernel> = $sum;
            const IM2COL: Option<Kernel> = $im2col;
            const FFT: Option<cufftType> = $fft;
            const NAME: &'static str = $name;

            fn narrow(values: &Values, out: &mut [Self]) -> Result<(), CudaError> {
                match values {
                    Values::$stored(v) if v.len() == out.len() => {
                        for (slot, &x) in out.iter_mut().zip(v) {
                            *slot = $from(x);
                        }
                        Ok(())
                    }
                    _ => Err(CudaError::HostValues { element: $name, len: out.len(), host: stringify!($stored) }),
                }
            }

            fn widen(values: &[Self]) -> Values {
                Values::$stored(values.iter().map(|&x| $to(x)).collect())
            }
        }
    };
}

element!(f64, "f64", F64, |x: f64| x, |x: f64| x,
    add: Some(Kernel::AddF64), sum: Some(Kernel::SumF64), im2col: None, fft: Some(cufftType::CUFFT_Z2Z));
element!(f32, "f32", F32, |x: f32| x, |x: f32| x,
    add: Some(Kernel::AddF32), sum: Some(Kernel::SumF32), im2col: Some(Kernel::Im2colF32),
    fft: Some(cufftType::CUFFT_C2C));
element!(f16, "f16", F32, f16::from_f32, f16::to_f32, add: None, sum: None, im2col: None, fft: None);
element!(bf16, "bf16", F32, bf16::from_f32, bf16::to_f32, add: None, sum: None, im2col: None, fft: None);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_types_round_trip_values_already_rounded() {
        let host = Values::F32(vec![0.5, -0.333_984_38, 1.0]);
        let mut device = [f16::ZERO; 3];
        f16::narrow(&host, &mut device).unwrap();
        assert_eq!(f16::widen(&device), host);
        let mut brain = [bf16::ZERO; 3];
        bf16::narrow(&Values::F32(vec![0.5, 0.25, -2.0]), &mut brain).unwrap();
        assert_eq!(bf16::widen(&brain), Values::F32(vec![0.5, 0.25, -2.0]));
    }

    #[test]
    fn storage_and_length_must_match() {
        let mut out = [0.0f64; 2];
        assert!(f64::narrow(&Values::F64(vec![1.0, 2.0]), &mut out).is_ok());
        assert_eq!(out, [1.0, 2.0]);
        let err = f64::narrow(&Values::F32(vec![1.0, 2.0]), &mut out).unwrap_err();
        assert_eq!(err, CudaError::HostValues { element: "f64", len: 2, host: "F64" });
        assert_eq!(err.to_string(), "f64 device values need 2 f64 host values");
        assert!(f32::narrow(&Values::F32(vec![1.0]), &mut [0.0f32; 2]).is_err());
    }
}
