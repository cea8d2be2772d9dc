//! `gpuwise.fleet(client)`: the workers' answers, gathered in Python by the Dask client, merged.

use pyo3::prelude::*;

use crate::raised;

/// Merges what python/gpuwise/_dask_fleet.py gathered (`{"workers": [...]}` as JSON text)
/// into the fleet report, as `(json, text, markdown, html)`: the terminal view without colour
/// and the notebook's HTML fragment.
#[pyfunction]
pub fn fleet_merge(py: Python<'_>, engine: &str, gathered: &str) -> PyResult<(String, String, String, String)> {
    let answers =
        gpuwise_service::fleet::dask_answers(gathered).map_err(|err| raised(err.is_input(), err.to_string()))?;
    let merged = py.detach(|| gpuwise_service::fleet::merge(engine, answers));
    let text = anstream::adapter::strip_str(&gpuwise_render::fleet_terminal(&merged)).to_string();
    Ok((
        gpuwise_render::fleet_json(&merged),
        text,
        gpuwise_render::fleet_markdown(&merged),
        gpuwise_render::fleet_html_fragment(&merged),
    ))
}
