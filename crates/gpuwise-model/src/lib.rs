//! gpuwise's cost model: what an operation costs (FLOPs, bytes), what the hardware can do (a
//! built-in GPU table and CPU presets, each row with its source, or this machine's probe), and
//! the time on each side — a roofline at achievable rates with size-dependent GEMM efficiency,
//! launch costs and host-link copies — with the speedup, what bounds it, memory fit and the
//! solved break-even size.
//!
//! ```
//! use gpuwise_model::{Dtype, Extras, Operation, Scenario, cpu, estimate, gpu};
//! let op = Operation::parse("matmul", &[8192, 8192, 8192], &Extras::default()).unwrap();
//! let e = estimate(&op, Dtype::Bf16, gpu("h100-sxm").unwrap(), cpu("epyc-9654").unwrap(), Scenario::default()).unwrap();
//! assert!(e.speedup > 5.0);
//! ```

mod calibration;
mod constants;
mod cpus;
mod dtype;
mod error;
mod estimate;
mod family;
mod gpus;
mod names;
mod ops;
mod seed;
mod sizes;
mod timing;

pub use calibration::{Calibration, Curve, MachineProfile, PROFILE_SCHEMA_VERSION, ProfiledGpu};
pub use constants::{Constant, Constants, constants};
pub use cpus::{CpuProfile, cpu, cpus};
pub use dtype::Dtype;
pub use error::{
    CurveError, Input, InputError, Limit, ModelError, Naming, Problem, ProfileError, TooLarge, model_name,
};
pub use estimate::{Band, Bound, BreakEven, CpuSide, CurvePoint, Estimate, GpuSide, MemoryFit, Scenario, estimate};
pub use family::{Family, UnknownFamily};
pub use gpus::{GpuProfile, HostLink, PeakFlops, Segment, for_device, gpu, gpus};
pub use names::{Activation, OpName};
pub use ops::{Extras, Kind, Operation, Work};
pub use seed::{SeedAnswer, SeedComparison, SeedInputs, differences, seed_answer};
pub use sizes::{parse_count, parse_sizes, split_sizes};
pub use timing::{CallTime, cpu_call, gpu_call, transfers};
