//! Counts and sizes from what Python callers pass: `1024`, `1e6`, `"4Ki"`, `[1024, 1024, 1024]`
//! or `"1024x1024x1024"`, read with the command line's rules so both word mistakes alike.

use gpuwise_model::{Input, InputError, Problem};

use crate::keyword;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};

/// A count or size for `input`: an int, a float holding a whole number, or text as the command
/// line takes it.
fn count(value: &Bound<'_, PyAny>, input: Input) -> PyResult<u64> {
    gpuwise_model::parse_count(&text(value), input).map_err(|err| PyValueError::new_err(err.describe(keyword)))
}

/// `repeats=`.
pub fn repeats(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    count(value, Input::Repeats)
}

/// `batch=`.
pub fn batch(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    count(value, Input::Batch)
}

/// `stride=`.
pub fn stride(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    count(value, Input::Stride)
}

/// `padding=`.
pub fn padding(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    count(value, Input::Padding)
}

/// `inputs=`.
pub fn inputs(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    count(value, Input::Inputs)
}

/// `bytes_in=`, None where not given.
pub fn bytes_in(value: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    if value.is_none() { Ok(None) } else { count(value, Input::BytesIn).map(Some) }
}

/// `bytes_out=`, None where not given.
pub fn bytes_out(value: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    if value.is_none() { Ok(None) } else { count(value, Input::BytesOut).map(Some) }
}

/// `shape`: one size, text such as `"1024x1024x1024"`, or any iterable of sizes.
pub fn sizes(value: &Bound<'_, PyAny>) -> PyResult<Vec<u64>> {
    shape(value).map_err(|err| PyValueError::new_err(err.describe(keyword)))
}

fn shape(value: &Bound<'_, PyAny>) -> Result<Vec<u64>, InputError> {
    if let Ok(text) = value.cast::<PyString>() {
        return gpuwise_model::parse_sizes(&text.to_string_lossy());
    }
    if is_number(value) {
        return Ok(vec![gpuwise_model::parse_count(&text(value), Input::Shape)?]);
    }
    let not_sizes = || {
        let expected = "sizes such as [1024, 1024, 1024] or \"1024x1024x1024\"";
        InputError::new(Input::Shape, Problem::Expected { expected, got: repr(value) })
    };
    let items = value.try_iter().map_err(|_| not_sizes())?;
    items
        .map(|item| {
            item.map_err(|_| not_sizes()).and_then(|item| gpuwise_model::parse_count(&text(&item), Input::Shape))
        })
        .collect()
}

/// Whether `value` is an int or a float (a bool is neither here: `True` is no size).
fn is_number(value: &Bound<'_, PyAny>) -> bool {
    !value.is_instance_of::<PyBool>() && (integral(value).is_some() || value.hasattr("__float__").unwrap_or(false))
}

/// An integer's digits: Python's `int` and anything that stands for one (`numpy.int64`, by
/// `__index__`).
fn integral(value: &Bound<'_, PyAny>) -> Option<String> {
    if value.is_instance_of::<PyInt>() {
        return Some(value.str().ok()?.to_string_lossy().into_owned());
    }
    let index = value.call_method0("__index__").ok()?;
    Some(index.str().ok()?.to_string_lossy().into_owned())
}

/// The text `parse_count` reads for `value`: a number's own digits, a string as it is, anything
/// else as its repr (which no rule accepts, so the message shows what was passed).
fn text(value: &Bound<'_, PyAny>) -> String {
    if let Ok(text) = value.cast::<PyString>() {
        return text.to_string_lossy().into_owned();
    }
    if !is_number(value) {
        return repr(value);
    }
    integral(value).unwrap_or_else(|| {
        let float = value.call_method0("__float__").and_then(|f| f.str());
        float.map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|_| repr(value))
    })
}

/// `value`'s repr, for messages.
fn repr(value: &Bound<'_, PyAny>) -> String {
    value.repr().map(|r| r.to_string_lossy().into_owned()).unwrap_or_else(|_| "?".into())
}
