//! Command-line definitions; the doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use gpuwise_bench::cpu::GemmChoice;
use gpuwise_bench_results::plan::BenchOp;
use gpuwise_model::{Activation, Dtype, Input, OpName};

/// An input's name as the command line's option: `flops_per_element` -> `--flops-per-element`
/// (how errors from the services name what is wrong).
pub fn flag(name: &str) -> String {
    format!("--{}", name.replace('_', "-"))
}

/// Will my code run on the GPU, why not, and is it worth it?
///
/// With no command, runs `doctor`: this machine's GPUs, driver, CUDA and visibility, with the
/// cause and fix of every problem.
#[derive(Debug, Parser)]
#[command(name = "gpuwise", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// The command to run (default: doctor).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `doctor`, when no command is given.
    #[command(flatten)]
    pub doctor: DoctorArgs,
}

/// gpuwise's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report this machine's GPUs, driver, CUDA and visibility, and explain every problem.
    Doctor(DoctorArgs),
    /// Explain a finding code (GW101, GW203, ...), or list them all.
    Explain(ExplainArgs),
    /// Run each installed framework for real (device, a small matmul, its time) and compare
    /// with doctor's verdict. Exits 1 when any framework disagrees with doctor.
    Verify(VerifyArgs),
    /// Estimate what the GPU would gain for an operation at your sizes: CPU and GPU time,
    /// transfers, the speedup, what bounds it, memory fit and the break-even size.
    Estimate(Box<EstimateArgs>),
    /// Measure estimate's operations on this machine's CPU and GPU (copies apart), check every
    /// result, put the estimate beside each measurement, and with --calibrate save the
    /// measurements as this machine's profile for `estimate`.
    Bench(BenchArgs),
    /// Install, list or remove Jupyter kernels whose environment pins the GPU and its memory
    /// settings before the kernel starts (CUDA reads them once, when it initialises).
    #[command(subcommand)]
    Kernel(KernelCommand),
    /// Check many machines at once: run doctor on every node through the cluster's own engine
    /// (Slurm, Dask) or merge reports gathered any other way, with the differences that matter
    /// between nodes called out.
    #[command(subcommand)]
    Fleet(FleetCommand),
    /// Serve the estimate calculator and this machine's doctor answer as a web page (and a JSON
    /// API) on this machine, until Ctrl-C.
    Serve(ServeArgs),
}

/// `gpuwise fleet ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum FleetCommand {
    /// Run doctor on each node of a Slurm partition through `srun`, one task per node (nodes
    /// Slurm reports down or drained are listed, not asked). The gpuwise program must be
    /// reachable on the nodes: a shared file system, or --gpuwise.
    Slurm(FleetSlurmArgs),
    /// Run doctor on every worker of a Dask cluster through the client's own `run` (Dask,
    /// dask-cuda, JupyterHub's Dask gateways). Workers report through the gpuwise Python
    /// package when they have it, else the gpuwise program on their PATH.
    Dask(FleetDaskArgs),
    /// Merge `gpuwise doctor --json` reports gathered any other way (Kubernetes jobs, Ansible, CI).
    Merge(FleetMergeArgs),
}

/// Options of `gpuwise fleet slurm`.
#[derive(Debug, Clone, Args)]
pub struct FleetSlurmArgs {
    /// The partition (default: Slurm's default one).
    #[arg(long, short = 'p')]
    pub partition: Option<String>,
    /// At most this many responding nodes, in name order.
    #[arg(long, short = 'N', conflicts_with = "all_nodes")]
    pub nodes: Option<usize>,
    /// Every responding node of the partition (the default).
    #[arg(long)]
    pub all_nodes: bool,
    /// The gpuwise program as the nodes reach it (default: this one's path, which works on a
    /// file system the nodes share).
    #[arg(long, value_name = "PATH")]
    pub gpuwise: Option<PathBuf>,
    /// Also judge this interpreter's environment on every node (repeatable).
    #[arg(long, value_name = "PATH")]
    pub python: Vec<PathBuf>,
    /// Seconds doctor may take on a node before it counts as hung.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub timeout: u64,
    /// Allocate whole nodes, every GPU included. Needed where Slurm confines a job to the GPUs it
    /// asks for (ConstrainDevices=yes in cgroup.conf): there a task that asks for none sees none,
    /// and every node would look GPU-less. Only idle nodes can be allocated whole.
    #[arg(long)]
    pub exclusive: bool,
    /// How to show the result.
    #[command(flatten)]
    pub view: FleetViewArgs,
}

/// Options of `gpuwise fleet dask`.
#[derive(Debug, Clone, Args)]
pub struct FleetDaskArgs {
    /// The scheduler's address (`tcp://10.0.0.5:8786`).
    #[arg(long)]
    pub scheduler: String,
    /// The Python that connects to the scheduler; it needs `distributed`.
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub client_python: PathBuf,
    /// Also judge this interpreter's environment on every worker (repeatable).
    #[arg(long, value_name = "PATH")]
    pub python: Vec<PathBuf>,
    /// Seconds doctor may take on a worker before it counts as hung.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub timeout: u64,
    /// How to show the result.
    #[command(flatten)]
    pub view: FleetViewArgs,
}

/// Options of `gpuwise fleet merge`.
#[derive(Debug, Clone, Args)]
pub struct FleetMergeArgs {
    /// The reports, one per machine.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// How to show the result.
    #[command(flatten)]
    pub view: FleetViewArgs,
}

/// How `gpuwise fleet` shows its result.
#[derive(Debug, Clone, Args)]
pub struct FleetViewArgs {
    /// Print the merged report as JSON.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print it as Markdown.
    #[arg(long)]
    pub markdown: bool,
    /// Also write it as a web page to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Exit 1 unless every node answered and has a usable GPU (health checks, CI).
    #[arg(long)]
    pub require_gpu: bool,
}

/// Options of `gpuwise serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The port; 0 picks a free one.
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// Listen on this address instead of 127.0.0.1 (0.0.0.0 for every network): other machines
    /// can then use the page and read this machine's report.
    #[arg(long, value_name = "ADDRESS")]
    pub host: Option<std::net::IpAddr>,
    /// Open the page in the web browser.
    #[arg(long)]
    pub open: bool,
    /// Describe a recorded system (`gpuwise doctor --json`) as "this machine".
    #[arg(long, value_name = "FILE")]
    pub system: Option<PathBuf>,
    /// Also judge this interpreter's environment in the machine panel (repeatable).
    #[arg(long, value_name = "PATH")]
    pub python: Vec<PathBuf>,
}

/// `gpuwise kernel ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum KernelCommand {
    /// Write a kernelspec into your Jupyter data directory (or an environment's).
    Install(KernelInstallArgs),
    /// Show every kernel Jupyter finds, with its GPU settings, what stands in its way (a kernel
    /// that cannot start, one that sees no GPU) and whether its frameworks use the GPU.
    List {
        /// Print the kernels (and the environments judged) as JSON.
        #[arg(long)]
        json: bool,
        /// Judge the kernels on a recorded system (a `gpuwise doctor --json` report, or its
        /// `system` object) instead of this machine.
        #[arg(long, value_name = "FILE")]
        system: Option<PathBuf>,
    },
    /// Remove a kernel (the first of that name in Jupyter's search order).
    Remove {
        /// The kernel's name.
        name: String,
    },
}

/// Options of `gpuwise kernel install`.
#[derive(Debug, Clone, Args)]
pub struct KernelInstallArgs {
    /// The kernel's name (letters, digits, '.', '_', '-'); notebooks record it.
    #[arg(long)]
    pub name: String,
    /// What Jupyter's launcher shows (default: "Python (NAME)").
    #[arg(long)]
    pub display_name: Option<String>,
    /// The interpreter that runs the kernel; default: `python3` on PATH. It is run once to
    /// check that it can start ipykernel.
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// The GPU(s) the kernel sees: indices as nvidia-smi numbers them, or UUIDs (GPU-...),
    /// comma-separated; each must be a GPU of this machine (or of --system). Sets
    /// CUDA_VISIBLE_DEVICES; CUDA_DEVICE_ORDER=PCI_BUS_ID is always set.
    #[arg(long, value_name = "INDEX|UUID")]
    pub gpu: Option<String>,
    /// Write the GPUs given by index as their UUIDs (stable when devices are added or fail).
    #[arg(long, requires = "gpu")]
    pub by_uuid: bool,
    /// TensorFlow takes GPU memory as it needs it (TF_FORCE_GPU_ALLOW_GROWTH=true).
    #[arg(long)]
    pub memory_growth: bool,
    /// JAX does not preallocate 75% of GPU memory (XLA_PYTHON_CLIENT_PREALLOCATE=false).
    #[arg(long)]
    pub jax_no_prealloc: bool,
    /// Install into the interpreter's environment (PREFIX/share/jupyter/kernels) rather than
    /// your data directory.
    #[arg(long)]
    pub sys_prefix: bool,
    /// The machine the kernel is for: a recorded system (a `gpuwise doctor --json` report of
    /// another node, or its `system` object) whose GPUs --gpu names, instead of this machine.
    #[arg(long, value_name = "FILE")]
    pub system: Option<PathBuf>,
    /// Replace an existing kernel of that name, and install even when the interpreter cannot
    /// start ipykernel or the machine has no GPU --gpu names (with a warning).
    #[arg(long)]
    pub force: bool,
}

/// Options of `gpuwise bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// A few sizes per operation and few repeats (under 30 s on a two-core machine); the default
    /// is the full sweep.
    #[arg(long)]
    pub quick: bool,
    /// Operations to measure, comma-separated (copy: host-device bandwidth; launch: kernel
    /// launch latency). Default: all.
    #[arg(long, value_enum, value_delimiter = ',', num_args = 1..)]
    pub op: Vec<BenchOp>,
    /// Measure the CPU only.
    #[arg(long)]
    pub cpu_only: bool,
    /// The CUDA device to measure, as a CUDA program here numbers them (after
    /// CUDA_VISIBLE_DEVICES); default 0. Named explicitly, a device that cannot be opened is an
    /// error rather than a skipped GPU side.
    #[arg(long, allow_negative_numbers = true, value_parser = gpu_index)]
    pub device: Option<usize>,
    /// The most of the GPU's free memory any one case may allocate.
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true, value_parser = fraction)]
    pub memory_fraction: f64,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also draw time against size for every operation to this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Save the measurements as this machine's profile, to FILE or to the default
    /// ($GPUWISE_PROFILE, else ~/.config/gpuwise/profile.json), which `estimate` then uses for
    /// `--gpu auto` and `--cpu auto` on this machine.
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    pub calibrate: Option<Option<PathBuf>>,
    /// What multiplies matrices on the CPU: `auto` (the BLAS numpy uses in the Python of
    /// --python, else the system's OpenBLAS, MKL or BLIS, else faer), `faer`, or the path of a
    /// BLAS library.
    #[arg(long, value_name = "auto|faer|PATH", default_value = "auto")]
    pub cpu_gemm: GemmChoice,
    /// The Python whose numpy sets the CPU baseline for --cpu-gemm auto (default: python3 on
    /// PATH).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
}

/// A number in (0, 1].
fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
        _ => Err(format!("expected a fraction above 0 and at most 1, got '{text}'")),
    }
}

/// Options of `gpuwise doctor`.
#[derive(Debug, Clone, Args, Default)]
pub struct DoctorArgs {
    /// Print the report as JSON (schema_version 1).
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the report as Markdown.
    #[arg(long)]
    pub markdown: bool,
    /// Read a recorded system (a `gpuwise doctor --json` report, or its `system` object)
    /// instead of probing this machine. Visibility still follows this shell's variables.
    #[arg(long, value_name = "FILE")]
    pub system: Option<PathBuf>,
    /// Exit with status 1 when no usable GPU is visible (for scripts and CI jobs).
    #[arg(long)]
    pub require_gpu: bool,
    /// Also judge this Python interpreter (a virtualenv's or conda env's `bin/python`);
    /// repeatable. The shell's `python3` and every Jupyter kernel are always judged.
    #[arg(long, value_name = "PATH")]
    pub python: Vec<PathBuf>,
    /// Report the machine only: no Python environments, no Jupyter kernels.
    #[arg(long, conflicts_with = "python")]
    pub no_envs: bool,
}

/// Options of `gpuwise verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The interpreter to verify (repeatable); default: the first `python3` on `PATH`.
    #[arg(long, value_name = "PATH")]
    pub python: Vec<PathBuf>,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Seconds each framework's check may take (imports of large frameworks are slow).
    #[arg(long, default_value_t = 180.0, allow_negative_numbers = true, value_parser = positive_seconds)]
    pub timeout: f64,
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!("`{text}` is not a number of seconds between 0 and 86400")),
    }
}

/// Options of `gpuwise estimate`.
#[derive(Debug, Clone, Args)]
pub struct EstimateArgs {
    /// The operation.
    #[arg(long, value_enum, ignore_case = true, required_unless_present = "list_gpus")]
    pub op: Option<OpName>,
    /// Sizes, comma-separated: matmul M,N,K (or BATCH,M,N,K); dense BATCH,IN,OUT; conv2d
    /// N,C,H,W,K,R,S; fft N or NX,NY; elementwise and reduction ELEMENTS.
    /// Also `1024x1024x1024`, `1e6`, `4Ki`.
    #[arg(long, allow_hyphen_values = true, value_parser = shape)]
    pub shape: Option<Shape>,
    /// Number format.
    #[arg(long, value_enum, ignore_case = true, default_value_t = Dtype::F32)]
    pub dtype: Dtype,
    /// The GPU: a name from --list-gpus, or auto (this machine's first visible GPU).
    #[arg(long, default_value = "auto")]
    pub gpu: String,
    /// The CPU: auto (this machine) or a preset (epyc-9654, xeon-8480, ryzen-7950x).
    #[arg(long, default_value = "auto")]
    pub cpu: String,
    /// Read the machine for `auto` from a recorded system (`gpuwise doctor --json`).
    #[arg(long, value_name = "FILE")]
    pub system: Option<PathBuf>,
    /// The data is already on the GPU and stays there: no copies.
    #[arg(long)]
    pub resident: bool,
    /// Host buffers are pageable (plain allocations) rather than pinned.
    #[arg(long)]
    pub pageable: bool,
    /// Use this machine profile (`gpuwise bench --calibrate` writes one): its CPU times for
    /// `--cpu auto`, its GPU times for `--gpu auto` when this GPU is the same model. Without it,
    /// `auto` uses the default profile when it was measured on this very GPU (and CPU model).
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Calls on the same data: copies once, computation every time.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = |s: &str| count(s, Input::Repeats))]
    pub repeats: u64,
    /// fft: transforms per call; matmul: products per call (or give BATCH in --shape).
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = |s: &str| count(s, Input::Batch))]
    pub batch: u64,
    /// conv2d stride.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = |s: &str| count(s, Input::Stride))]
    pub stride: u64,
    /// conv2d zero padding on each side.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_parser = |s: &str| count(s, Input::Padding))]
    pub padding: u64,
    /// fft: real input (real-to-complex).
    #[arg(long)]
    pub real: bool,
    /// elementwise: input arrays, 1 (unary) or 2 (binary).
    #[arg(long, default_value_t = 2, allow_negative_numbers = true, value_parser = |s: &str| count(s, Input::Inputs))]
    pub inputs: u64,
    /// elementwise: FLOPs per element (operations in the expression; numpy and eager frameworks make
    /// one pass over memory for each).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub flops_per_element: f64,
    /// dense: activation.
    #[arg(long, value_enum, ignore_case = true, default_value_t = Activation::Relu)]
    pub activation: Activation,
    /// custom: FLOPs per call.
    #[arg(long, allow_negative_numbers = true)]
    pub flops: Option<f64>,
    /// custom: bytes in (read, and copied to the GPU).
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| count(s, Input::BytesIn))]
    pub bytes_in: Option<u64>,
    /// custom: bytes out (written, and copied back).
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| count(s, Input::BytesOut))]
    pub bytes_out: Option<u64>,
    /// Print the estimate as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write the time-against-size chart: FILE.svg, or FILE.html for notebooks and browsers.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// List the built-in GPUs and exit (with --json: every figure and its source).
    #[arg(long)]
    pub list_gpus: bool,
    /// Also print the answer of the rule of thumb online speedup calculators use (time = data
    /// size / (GPU cores x factor); its inputs: --size, --gpu-cores, --cpu-factor, --bandwidth,
    /// --overhead-ms) beside the cost model's, and why they differ.
    #[arg(long, alias = "seed-model")]
    pub rule_of_thumb: bool,
    /// Rule of thumb: data size (elements); default: the operation's input elements.
    #[arg(long, requires = "rule_of_thumb", allow_negative_numbers = true)]
    pub size: Option<f64>,
    /// Rule of thumb: GPU cores; default: the GPU's multiprocessors x 64.
    #[arg(long, requires = "rule_of_thumb", allow_negative_numbers = true)]
    pub gpu_cores: Option<f64>,
    /// Rule of thumb: CPU performance factor (1.0 = average).
    #[arg(long, requires = "rule_of_thumb", default_value_t = 1.0, allow_negative_numbers = true)]
    pub cpu_factor: f64,
    /// Rule of thumb: GPU memory bandwidth, GB/s; default: the GPU's.
    #[arg(long, requires = "rule_of_thumb", allow_negative_numbers = true)]
    pub bandwidth: Option<f64>,
    /// Rule of thumb: transfer overhead, ms; default: the cost model's transfer time.
    #[arg(long, requires = "rule_of_thumb", allow_negative_numbers = true)]
    pub overhead_ms: Option<f64>,
}

/// Sizes as `--shape` takes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape(pub Vec<u64>);

/// Reads `--shape`: `1024,1024,1024`, `1024x1024x1024`, `1e6` (see [`gpuwise_model::parse_sizes`]).
fn shape(text: &str) -> Result<Shape, String> {
    gpuwise_model::parse_sizes(text).map(Shape).map_err(|err| err.describe(flag))
}

/// Reads `--device`: a GPU's index as nvidia-smi numbers them.
fn gpu_index(text: &str) -> Result<usize, String> {
    text.trim().parse().map_err(|_| format!("`{text}` is not a GPU index (0, 1, ... as nvidia-smi numbers them)"))
}

/// Reads a count or size for `input` as `--shape` reads each of its sizes.
fn count(text: &str, input: Input) -> Result<u64, String> {
    gpuwise_model::parse_count(text, input).map_err(|err| err.describe(flag))
}

/// `gpuwise estimate` alone, for options given without the program (IPython's magic).
#[derive(Debug, Parser)]
#[command(name = "estimate")]
pub struct EstimateCommand {
    /// The options.
    #[command(flatten)]
    pub args: EstimateArgs,
}

/// Options of `gpuwise explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The finding code, e.g. GW203. Without it, every code is listed.
    pub code: Option<String>,
}
