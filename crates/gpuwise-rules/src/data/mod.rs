//! Facts as data: tables the rules read from `data/`, each row with its source.

mod cuda_drivers;
mod fp64;
mod framework_builds;
mod toolkit_architectures;

pub use cuda_drivers::{CudaFamily, CudaRelease, cuda_family, cuda_release};
pub use fp64::{Fp64Rate, fp64_rate};
pub use framework_builds::{FrameworkBuild, framework_build};
pub use toolkit_architectures::{ToolkitArchitecture, toolkit_supports};
