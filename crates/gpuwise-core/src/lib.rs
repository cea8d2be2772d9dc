//! The data model every gpuwise view shares.
//!
//! A [`Report`] is what `gpuwise doctor` produces: the [`System`] (hardware, driver, libraries),
//! the [`Visibility`] a process started now would get, and the [`Finding`]s that explain every
//! problem. The terminal view, Markdown, JSON and (later) the Python objects all render these
//! same structs. Nothing here does I/O beyond (de)serialising.
//!
//! ```
//! use gpuwise_core::{Report, System};
//! let report = Report::new(System::default());
//! assert_eq!(report.schema_version, gpuwise_core::SCHEMA_VERSION);
//! ```

mod build;
pub mod cuda_result;
mod device;
mod environment;
mod finding;
pub mod fleet;
mod framework_name;
mod julia;
mod kernel;
mod probe;
mod report;
mod source;
mod system;
mod units;
mod variables;
mod verification;
pub mod visibility;

pub use build::Build;
pub use device::{Clocks, Device, FieldError, GpuProcess, MigDevice, Pcie, Vendor};
pub use environment::{
    Component, Environment, EnvironmentKind, Framework, Library, Outcome, Shadowed, Unmet, Unreadable,
};
pub use finding::{Finding, Severity};
pub use framework_name::{FrameworkName, UnknownFramework};
pub use julia::{CudaRuntime, JuliaEnvironment, Preference};
pub use kernel::Kernel;
pub use probe::ProbeStatus;
pub use report::{Report, SCHEMA_VERSION, SnapshotError, Tool, Verdict};
pub use source::{Source, UnknownSource};
pub use system::{ContainerRuntime, Cpu, DeviceNode, Driver, Libraries, Os, PciGpu, Provenance, System};
pub use units::{format_bytes, format_seconds, parse_version};
pub use variables::{VarValue, Variables};
pub use verification::{LiveRun, Prediction, Verification};
pub use visibility::{DeviceOrder, EntryStatus, Visibility, VisibilityEntry, VisibleDevice};
