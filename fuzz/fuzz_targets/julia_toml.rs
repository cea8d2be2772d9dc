#![no_main]
//! Fuzz target: see gpuwise_fuzz::inputs::julia_toml.

libfuzzer_sys::fuzz_target!(|data: &[u8]| gpuwise_fuzz::inputs::julia_toml(data));
