//! gpuwise's services: what the command line and the Python package both do, as functions that
//! take settings (built once from command-line arguments or from Python keyword arguments) and
//! return typed results. Views stay in `gpuwise-render`; printing stays with the front ends.
//!
//! Errors say which input is wrong by the model's name for it (`flops_per_element`); each front
//! end names it its own way through a [`gpuwise_model::Naming`] (`--flops-per-element`), and
//! tells the user's mistakes (`is_input`) from failures of the machine. Warnings go to the
//! caller's [`Warn`] sink rather than to stderr.

mod assemble;
pub mod bench;
pub mod doctor;
pub mod estimate;
mod files;
pub mod fleet;
mod host;
mod julia;
pub mod kernels;
mod settings;

pub use files::write_atomically;
pub use host::Host;
pub use settings::{BadSettings, check_settings};

/// Where a service sends warnings: a condition the user should know about that does not stop
/// it (a default profile that cannot be read). The command line prints them; Python raises
/// them as `warnings.warn`.
pub type Warn<'a> = &'a mut dyn FnMut(String);
