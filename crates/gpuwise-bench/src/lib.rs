//! gpuwise's measurements: each operation of the estimator timed on this machine's CPU (the BLAS
//! of the user's numpy or the system, else faer; rustfft; rayon) and GPU (cuBLAS, cuFFT, small PTX kernels through cudarc), every result checked
//! against an f64 reference, and the machine's copy bandwidths and launch latency; the results
//! calibrate the estimator.

pub mod cpu;
pub mod cuda;
pub mod data;
pub mod error;
pub mod host_memory;
pub mod interference;
pub mod runner;
pub mod timer;
pub mod workload;
