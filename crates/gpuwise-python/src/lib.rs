//! `gpuwise._gpuwise`: the compiled half of the Python package. Thin: each function calls the
//! library and hands back text (JSON, Markdown, SVG); `python/gpuwise` turns it into objects.
//! Every call that probes or computes releases the GIL.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Runs the `gpuwise` command line (`argv[0]` is the program name) and returns its exit status.
/// The Python process's environment is left as it is (other threads may read it).
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| gpuwise::main_with_args(argv.into_iter().map(Into::into)).code())
}

/// Doctor's report for this machine (or the recorded `system` file), the interpreters in
/// `pythons` and every Jupyter kernel, as `(json, markdown)`. Raises ValueError for a bad
/// `system` file.
#[pyfunction]
#[pyo3(signature = (pythons, system=None))]
fn doctor(py: Python<'_>, pythons: Vec<PathBuf>, system: Option<PathBuf>) -> PyResult<(String, String)> {
    let views = py.detach(|| gpuwise::api::doctor(&pythons, system)).map_err(PyValueError::new_err)?;
    Ok((views.json, views.markdown))
}

/// `gpuwise estimate` with `args` as the command line takes them, as `(json, text, svg)`.
/// Raises ValueError with the command line's message for bad input.
#[pyfunction]
fn estimate(py: Python<'_>, args: Vec<String>) -> PyResult<(String, String, String)> {
    let views = py.detach(|| gpuwise::api::estimate(&args)).map_err(PyValueError::new_err)?;
    Ok((views.json, views.text, views.svg))
}

/// `gpuwise kernel install` with `args` as the command line takes them; returns the kernel's
/// directory. Raises ValueError with the reason.
#[pyfunction]
fn kernel_install(py: Python<'_>, args: Vec<String>) -> PyResult<PathBuf> {
    py.detach(|| gpuwise::api::kernel_install(&args)).map_err(PyValueError::new_err)
}

/// Removes the kernel `name`; returns its directory. Raises ValueError when there is none.
#[pyfunction]
fn kernel_remove(py: Python<'_>, name: String) -> PyResult<PathBuf> {
    py.detach(|| gpuwise::api::kernel_remove(&name)).map_err(|err| PyValueError::new_err(err.to_string()))
}

/// `gpuwise bench` with `args` as the command line takes them, as `(json, text, svg, passed)`;
/// `progress(done, total, label)` is called (with the GIL) as each case starts. Raises
/// ValueError with the reason for bad input.
#[pyfunction]
#[pyo3(name = "bench", signature = (args, progress=None))]
fn run_bench(
    py: Python<'_>,
    args: Vec<String>,
    progress: Option<Py<PyAny>>,
) -> PyResult<(String, String, String, bool)> {
    let views = py
        .detach(|| {
            gpuwise::api::bench(&args, &mut |done, total, label| {
                if let Some(callback) = &progress {
                    // A failing progress display must not stop the measurements.
                    Python::attach(|py| drop(callback.call1(py, (done, total, label))));
                }
            })
        })
        .map_err(PyValueError::new_err)?;
    Ok((views.json, views.text, views.svg, views.passed))
}

/// The module.
#[pymodule]
fn _gpuwise(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_function(wrap_pyfunction!(main, module)?)?;
    module.add_function(wrap_pyfunction!(doctor, module)?)?;
    module.add_function(wrap_pyfunction!(estimate, module)?)?;
    module.add_function(wrap_pyfunction!(run_bench, module)?)?;
    module.add_function(wrap_pyfunction!(kernel_install, module)?)?;
    module.add_function(wrap_pyfunction!(kernel_remove, module)?)?;
    Ok(())
}
