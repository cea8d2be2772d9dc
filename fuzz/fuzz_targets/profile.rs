#![no_main]
//! Fuzz target: see gpuwise_fuzz::inputs::profile.

libfuzzer_sys::fuzz_target!(|data: &[u8]| gpuwise_fuzz::inputs::profile(data));
