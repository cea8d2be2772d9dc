//! The pure half of `gpuwise bench`: which cases a run measures ([`plan`]), what each
//! measurement records ([`report`], with its [`check`] against an f64 reference and its timing
//! [`stats`]), how measurements compare with the estimate ([`comparison`]), and the machine
//! profile they calibrate ([`calibrate`]). Nothing here runs a kernel or touches a device, so
//! the views read results without compiling the runners.

pub mod calibrate;
pub mod check;
pub mod comparison;
pub mod duration;
pub mod interference;
pub mod plan;
pub mod report;
#[cfg(any(test, feature = "sample"))]
pub mod sample;
pub mod stats;
