#![no_main]
//! Fuzz target: see gpuwise_fuzz::inputs::cuda_visible_devices.

libfuzzer_sys::fuzz_target!(|data: &[u8]| gpuwise_fuzz::inputs::cuda_visible_devices(data));
