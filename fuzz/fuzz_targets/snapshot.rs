#![no_main]
//! Fuzz target: see gpuwise_fuzz::inputs::snapshot.

libfuzzer_sys::fuzz_target!(|data: &[u8]| gpuwise_fuzz::inputs::snapshot(data));
