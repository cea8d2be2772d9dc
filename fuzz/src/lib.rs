//! The inputs gpuwise reads from a machine it does not control, exercised by the fuzz targets
//! (`cargo fuzz run TARGET` in this folder; see README.md).

pub mod inputs;
