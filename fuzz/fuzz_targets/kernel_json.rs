#![no_main]
//! Fuzz target: see gpuwise_fuzz::inputs::kernel_json.

libfuzzer_sys::fuzz_target!(|data: &[u8]| gpuwise_fuzz::inputs::kernel_json(data));
