//! Facts as data: tables the rules read from `data/`, each row with its source.

mod cuda_drivers;
mod fp64;
mod framework_builds;
mod known_incompatibilities;
mod toolkit_architectures;
mod torch_wheels;

use std::sync::OnceLock;

use gpuwise_core::parse_version;
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub use cuda_drivers::{CudaFamily, CudaRelease, cuda_family, cuda_release};
pub use fp64::{Fp64Rate, fp64_rate};
pub use framework_builds::{FrameworkBuild, framework_build};
pub use known_incompatibilities::incompatibilities;
pub use toolkit_architectures::{ToolkitArchitecture, current_toolkits_target, toolkit_supports};
pub use torch_wheels::{TorchWheel, torch_wheels};

/// A data file of the `{"about": ..., "rows": [...]}` form.
#[derive(Deserialize)]
struct Table<Row> {
    rows: Vec<Row>,
}

/// The rows of a data file, parsed once into `cell`; none when it does not parse (each table's
/// tests check that it does).
fn rows_of<Row: DeserializeOwned>(cell: &'static OnceLock<Vec<Row>>, json: &str) -> &'static [Row] {
    cell.get_or_init(|| serde_json::from_str::<Table<Row>>(json).map(|t| t.rows).unwrap_or_default())
}

/// True when `version` (`2.8.0+cu128`: the local part ignored) lies in the inclusive range
/// [`from`, `to`], either bound empty for none. A bound covers every release under it: `to =
/// 2.6` covers 2.6.x. A version that does not parse is in range only when the range is unbounded.
fn within(version: &str, from: &str, to: &str) -> bool {
    let version = parse_version(version.split('+').next().unwrap_or(version));
    let bound = |text: &str| (!text.is_empty()).then(|| parse_version(text)).flatten();
    let (Some(v), from, upper) = (version.as_ref(), bound(from), bound(to)) else {
        return from.is_empty() && to.is_empty();
    };
    let upto = |b: &Vec<u32>| v.iter().take(b.len()).cmp(b.iter()) != std::cmp::Ordering::Greater;
    from.is_none_or(|f| *v >= f) && upper.as_ref().is_none_or(upto)
}
