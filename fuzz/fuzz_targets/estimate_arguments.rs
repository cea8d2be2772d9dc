#![no_main]
//! Fuzz target: see gpuwise_fuzz::inputs::estimate_arguments.

libfuzzer_sys::fuzz_target!(|data: &[u8]| gpuwise_fuzz::inputs::estimate_arguments(data));
