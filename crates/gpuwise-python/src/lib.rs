//! `gpuwise._gpuwise`: the compiled half of the Python package. Each function takes Python's
//! own arguments, builds a service's settings from them (no command line in between), runs the
//! service with the GIL released and hands back the views as text (JSON, Markdown, SVG);
//! `python/gpuwise` turns them into objects.
//!
//! Errors: the user's mistakes raise `ValueError` (the package's `InputError`), anything else
//! `RuntimeError`; inputs are named as the keyword arguments are (`` `flops_per_element` ``).
//! Warnings a service reports are raised as Python warnings.
//!
//! `serve` starts the web page in a thread of its own and returns a handle that stops it.

use std::path::PathBuf;

use gpuwise_bench::cpu::GemmChoice;
use gpuwise_bench_results::plan::{BenchOp, Mode};
use gpuwise_core::Variables;
use gpuwise_model::{Activation, Extras, InputError, Naming, OpName, Scenario};
use gpuwise_service::Host;
use gpuwise_service::bench::{BenchSettings, Planned, SaveProfile, Usage, Watcher};
use gpuwise_service::doctor::{DoctorSettings, Machine, Scope};
use gpuwise_service::estimate::{EstimateSettings, Part, SeedSettings};
use gpuwise_service::kernels::KernelSettings;
use pyo3::exceptions::{PyRuntimeError, PyUserWarning, PyValueError};
use pyo3::prelude::*;

mod fleet;
mod numbers;
mod serve;

/// An input's name as Python callers write it.
pub(crate) fn keyword(name: &str) -> String {
    format!("`{name}`")
}

/// A service's error as the exception Python callers catch.
pub(crate) fn raised(is_input: bool, message: String) -> PyErr {
    if is_input { PyValueError::new_err(message) } else { PyRuntimeError::new_err(message) }
}

/// This process's variables, once every gpuwise setting among them is usable.
fn variables() -> PyResult<Variables> {
    let vars = Variables::capture();
    gpuwise_service::check_settings(&vars).map_err(|err| PyValueError::new_err(err.to_string()))?;
    Ok(vars)
}

/// Raises each of `warnings` as a Python `UserWarning` at the caller of the package function.
fn warn_all(py: Python<'_>, warnings: Vec<String>) -> PyResult<()> {
    let category = py.get_type::<PyUserWarning>();
    for warning in warnings {
        PyErr::warn(py, &category, &std::ffi::CString::new(warning).unwrap_or_default(), 3)?;
    }
    Ok(())
}

/// Runs the `gpuwise` command line (`argv[0]` is the program name) and returns its exit status.
/// The Python process's environment is left as it is (other threads may read it).
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| gpuwise::main_with_args(argv.into_iter().map(Into::into)).code())
}

/// Doctor's report for this machine (or the recorded `system` file), the interpreters in
/// `pythons` and every Jupyter kernel, as `(json, markdown, text)` (text: the terminal view
/// without colour).
#[pyfunction]
#[pyo3(signature = (pythons, system=None))]
fn doctor(py: Python<'_>, pythons: Vec<PathBuf>, system: Option<PathBuf>) -> PyResult<(String, String, String)> {
    let vars = variables()?;
    let settings = DoctorSettings {
        machine: system.map_or(Machine::This, Machine::Recorded),
        scope: Scope { current: false, pythons, kernels: true },
    };
    let doctored = py
        .detach(|| gpuwise_service::doctor::doctor(&settings, &vars, Host::EMBEDDED))
        .map_err(|err| raised(err.is_input(), err.to_string()))?;
    let (report, source) = (&doctored.report, &doctored.source);
    let text = anstream::adapter::strip_str(&gpuwise_render::terminal(report, source)).to_string();
    Ok((gpuwise_render::json(report), gpuwise_render::markdown(report, source), text))
}

/// Runs an estimate and returns `(json, text, svg, html)`; errors name inputs by `naming`.
fn estimated(
    py: Python<'_>,
    settings: &EstimateSettings,
    naming: Naming,
) -> PyResult<(String, String, String, String)> {
    let vars = variables()?;
    let mut warnings = Vec::new();
    let result = py.detach(|| gpuwise_service::estimate::estimate(settings, &vars, &mut |w| warnings.push(w)));
    warn_all(py, warnings)?;
    let estimated = result.map_err(|err| raised(err.is_input(), err.describe(naming)))?;
    let (estimate, seed) = (&estimated.estimate, estimated.seed.as_ref());
    let svg = gpuwise_render::svg(estimate).map_err(|err| PyRuntimeError::new_err(err.to_string()))?;
    let text = anstream::adapter::strip_str(&gpuwise_render::estimate_terminal(estimate, seed)).to_string();
    let html = gpuwise_render::estimate_html(estimate, &svg);
    Ok((gpuwise_render::estimate_json(estimate, seed), text, svg, html))
}

/// The cost model for `op` at `shape`, as `(json, text, svg, html)`; the keyword arguments are
/// `gpuwise estimate`'s options.
#[pyfunction]
#[pyo3(signature = (
    op, shape, dtype="f32", gpu="auto", cpu="auto", *, system=None, resident=false, pageable=false,
    profile=None, repeats=1, batch=1, stride=1, padding=0, real=false, inputs=2, flops_per_element=1.0,
    activation="relu", flops=None, bytes_in=None, bytes_out=None, rule_of_thumb=false, size=None,
    gpu_cores=None, cpu_factor=1.0, bandwidth=None, overhead_ms=None
))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments, one per option
fn estimate(
    py: Python<'_>,
    op: String,
    shape: &Bound<'_, PyAny>,
    dtype: &str,
    gpu: &str,
    cpu: &str,
    system: Option<PathBuf>,
    resident: bool,
    pageable: bool,
    profile: Option<PathBuf>,
    #[pyo3(from_py_with = numbers::repeats)] repeats: u64,
    #[pyo3(from_py_with = numbers::batch)] batch: u64,
    #[pyo3(from_py_with = numbers::stride)] stride: u64,
    #[pyo3(from_py_with = numbers::padding)] padding: u64,
    real: bool,
    #[pyo3(from_py_with = numbers::inputs)] inputs: u64,
    flops_per_element: f64,
    activation: &str,
    flops: Option<f64>,
    #[pyo3(from_py_with = numbers::bytes_in)] bytes_in: Option<u64>,
    #[pyo3(from_py_with = numbers::bytes_out)] bytes_out: Option<u64>,
    rule_of_thumb: bool,
    size: Option<f64>,
    gpu_cores: Option<f64>,
    cpu_factor: f64,
    bandwidth: Option<f64>,
    overhead_ms: Option<f64>,
) -> PyResult<(String, String, String, String)> {
    let input = |err: InputError| PyValueError::new_err(err.describe(keyword));
    let custom = match (flops, bytes_in, bytes_out) {
        (Some(flops), Some(bytes_in), Some(bytes_out)) => Some((flops, bytes_in, bytes_out)),
        _ => None,
    };
    let settings = EstimateSettings {
        op: OpName::from_name(&op).map_err(input)?,
        shape: numbers::sizes(shape)?,
        dtype: dtype.parse().map_err(input)?,
        gpu: Part::parse(gpu),
        cpu: Part::parse(cpu),
        machine: system.map_or(Machine::This, Machine::Recorded),
        scenario: Scenario { resident, pinned: !pageable, repeats },
        extras: Extras {
            batch,
            stride,
            padding,
            real,
            inputs,
            flops_per_element,
            activation: Activation::from_name(activation).map_err(input)?,
            custom,
        },
        profile,
        seed: rule_of_thumb.then_some(SeedSettings { size, gpu_cores, cpu_factor, bandwidth, overhead_ms }),
    };
    estimated(py, &settings, keyword)
}

/// `%gpuwise estimate ARGS`: the command line's options, as `(json, text, svg, html)`.
#[pyfunction]
fn estimate_command(py: Python<'_>, args: Vec<String>) -> PyResult<(String, String, String, String)> {
    let settings = gpuwise::estimate_settings(&args).map_err(PyValueError::new_err)?;
    estimated(py, &settings, gpuwise::flag)
}

/// What a bench run tells Python while it goes, each call with the GIL re-taken: its plan to
/// `planned(text)`, each case to `progress(done, total, label)`, and other processes keeping
/// the machine busy as a `UserWarning` at once (kept, to raise after the run, when the warning
/// filters turn it into an error).
struct PythonWatch {
    /// Called with the plan's sentence.
    planned: Option<Py<PyAny>>,
    /// Called as each case starts.
    progress: Option<Py<PyAny>>,
    /// A warning the filters made an error.
    raised: Option<PyErr>,
}

impl Watcher for PythonWatch {
    fn planned(&mut self, plan: &Planned) {
        if let Some(callback) = &self.planned {
            // A failing display must not stop the measurements.
            Python::attach(|py| drop(callback.call1(py, (gpuwise_render::bench_plan(plan, "quick=True"),))));
        }
    }

    fn busy(&mut self, before: &Usage) {
        if let Err(err) = Python::attach(|py| warn_all(py, vec![gpuwise_render::bench_busy(before)])) {
            self.raised.get_or_insert(err);
        }
    }

    fn progress(&mut self, done: usize, total: usize, label: &str) {
        if let Some(callback) = &self.progress {
            Python::attach(|py| drop(callback.call1(py, (done, total, label))));
        }
    }
}

/// Measures this machine as `(json, text, svg, html, passed)`; `planned(text)` is called (with
/// the GIL) with how long the run will take, before it starts, and `progress(done, total,
/// label)` as each case starts. The keyword arguments are `gpuwise bench`'s options;
/// `calibrate` is True (the default profile) or a path.
#[pyfunction]
#[pyo3(name = "bench", signature = (
    progress=None, *, quick=false, op=None, cpu_only=false, device=None, memory_fraction=0.5,
    calibrate=None, cpu_gemm="auto", python=None, planned=None
))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments, one per option
fn run_bench(
    py: Python<'_>,
    progress: Option<Py<PyAny>>,
    quick: bool,
    op: Option<Vec<String>>,
    cpu_only: bool,
    device: Option<usize>,
    memory_fraction: f64,
    calibrate: Option<Bound<'_, PyAny>>,
    cpu_gemm: &str,
    python: Option<PathBuf>,
    planned: Option<Py<PyAny>>,
) -> PyResult<(String, String, String, String, bool)> {
    let input = |what: &str, message: String| PyValueError::new_err(format!("{}: {message}", keyword(what)));
    let ops = op.unwrap_or_default().iter().map(|name| BenchOp::from_name(name)).collect::<Result<Vec<_>, _>>();
    let calibrate = match calibrate {
        None => None,
        Some(value) if value.is_instance_of::<pyo3::types::PyBool>() => {
            value.extract::<bool>()?.then_some(SaveProfile::Default)
        }
        Some(value) => Some(SaveProfile::To(value.extract::<PathBuf>()?)),
    };
    let settings = BenchSettings {
        mode: if quick { Mode::Quick } else { Mode::Full },
        ops: ops.map_err(|err| input("op", err.to_string()))?,
        cpu_only,
        device,
        memory_fraction,
        calibrate,
        cpu_gemm: cpu_gemm.parse::<GemmChoice>().map_err(|err| input("cpu_gemm", err.to_string()))?,
        python,
    };
    let vars = variables()?;
    let mut watch = PythonWatch { planned, progress, raised: None };
    let measured = py
        .detach(|| gpuwise_service::bench::bench(&settings, &vars, &[], &mut watch))
        .map_err(|err| raised(err.is_input(), err.describe(keyword)))?;
    if let Some(err) = watch.raised {
        return Err(err);
    }
    let (report, calibration) = (&measured.report, measured.calibration.as_ref());
    let svg = gpuwise_render::bench_svg(report).map_err(|err| PyRuntimeError::new_err(err.to_string()))?;
    let text = anstream::adapter::strip_str(&gpuwise_render::bench_terminal(report, calibration)).to_string();
    let html = gpuwise_render::bench_html(report, calibration, &svg);
    Ok((gpuwise_render::bench_json(report, calibration), text, svg, html, report.failures.is_empty()))
}

/// Writes a kernel; returns its directory. The keyword arguments are `gpuwise kernel
/// install`'s options; what `force` lets through is raised as warnings.
#[pyfunction]
#[pyo3(signature = (
    name, *, display_name=None, python=None, gpu=None, by_uuid=false, memory_growth=false,
    jax_no_prealloc=false, sys_prefix=false, system=None, force=false
))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments, one per option
fn kernel_install(
    py: Python<'_>,
    name: String,
    display_name: Option<String>,
    python: Option<PathBuf>,
    gpu: Option<String>,
    by_uuid: bool,
    memory_growth: bool,
    jax_no_prealloc: bool,
    sys_prefix: bool,
    system: Option<PathBuf>,
    force: bool,
) -> PyResult<PathBuf> {
    let machine = system.map_or(Machine::This, Machine::Recorded);
    let settings = KernelSettings {
        name,
        display_name,
        python,
        gpu,
        by_uuid,
        memory_growth,
        jax_no_prealloc,
        sys_prefix,
        machine,
        force,
    };
    let vars = variables()?;
    let mut warnings = Vec::new();
    let installed =
        py.detach(|| gpuwise_service::kernels::install(&settings, &vars, Host::EMBEDDED, &mut |w| warnings.push(w)));
    warn_all(py, warnings)?;
    installed.map_err(|err| raised(err.is_input(), err.describe(keyword)))
}

/// Removes the kernel `name`; returns its directory.
#[pyfunction]
fn kernel_remove(py: Python<'_>, name: String) -> PyResult<PathBuf> {
    let vars = Variables::capture();
    py.detach(|| gpuwise_service::kernels::remove(&name, &vars))
        .map_err(|err| raised(err.is_input(), err.describe(keyword)))
}

/// `report` (doctor's JSON) as a Report.
fn report_of(report: &str) -> PyResult<gpuwise_core::Report> {
    serde_json::from_str(report).map_err(|err| PyValueError::new_err(format!("not a gpuwise doctor report: {err}")))
}

/// `name` as a framework gpuwise judges.
fn framework_name(name: &str) -> PyResult<gpuwise_core::FrameworkName> {
    name.parse().map_err(|err: gpuwise_core::UnknownFramework| PyValueError::new_err(err.to_string()))
}

/// Findings as JSON (a list of objects with code, severity, title, detail, fix, subject).
fn findings_json(findings: &[&gpuwise_core::Finding]) -> PyResult<String> {
    serde_json::to_string(findings).map_err(|err| PyRuntimeError::new_err(err.to_string()))
}

/// What the doctor report `report` (its JSON) says about `framework` in the interpreter
/// `python`: `(uses_gpu, device, message, findings)`, the device string to use and, when it is
/// the CPU, why (findings as JSON).
#[pyfunction]
fn requirement(report: &str, framework: &str, python: &str) -> PyResult<(bool, String, String, String)> {
    let report = report_of(report)?;
    let answer = gpuwise_render::requirement(&report, framework_name(framework)?, python);
    Ok((answer.uses_gpu, answer.device.to_string(), answer.message, findings_json(&answer.findings)?))
}

/// The doctor report `report` (its JSON) as notebooks show it: an HTML fragment.
#[pyfunction]
fn report_html(report: &str) -> PyResult<String> {
    Ok(gpuwise_render::html(&report_of(report)?))
}

/// The findings (JSON) the doctor report `report` has about `framework` in `python`.
#[pyfunction]
fn framework_findings(report: &str, framework: &str, python: &str) -> PyResult<String> {
    let report = report_of(report)?;
    findings_json(&gpuwise_render::framework_findings(&report, framework_name(framework)?, python))
}

/// The module.
#[pymodule]
fn _gpuwise(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_function(wrap_pyfunction!(main, module)?)?;
    module.add_function(wrap_pyfunction!(doctor, module)?)?;
    module.add_function(wrap_pyfunction!(estimate, module)?)?;
    module.add_function(wrap_pyfunction!(estimate_command, module)?)?;
    module.add_function(wrap_pyfunction!(run_bench, module)?)?;
    module.add_function(wrap_pyfunction!(kernel_install, module)?)?;
    module.add_function(wrap_pyfunction!(kernel_remove, module)?)?;
    module.add_function(wrap_pyfunction!(requirement, module)?)?;
    module.add_function(wrap_pyfunction!(framework_findings, module)?)?;
    module.add_function(wrap_pyfunction!(report_html, module)?)?;
    module.add_function(wrap_pyfunction!(fleet::fleet_merge, module)?)?;
    module.add_function(wrap_pyfunction!(serve::serve, module)?)?;
    module.add_class::<serve::Served>()?;
    Ok(())
}
