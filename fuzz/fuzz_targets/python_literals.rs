#![no_main]
//! Fuzz target: see gpuwise_fuzz::inputs::python_literals.

libfuzzer_sys::fuzz_target!(|data: &[u8]| gpuwise_fuzz::inputs::python_literals(data));
