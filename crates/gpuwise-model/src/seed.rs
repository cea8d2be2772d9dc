//! Seed 004's calculator, kept as a labelled compatibility mode: computation time proportional
//! to data size over (cores x a performance factor), the transfer a fixed overhead.
//!
//! The seed gives no constants; the two below reproduce its worked examples (a 2000x2000
//! float32 matmul on an A100, 5120 cores, 60 ms; a convolution on an RTX 3070, 3584 cores, 45 ms;
//! CPU 2750 ms at factor 2.0 and 700 ms at factor 1.5).

use serde::Serialize;

use crate::error::{Input, InputError, Problem};
use crate::{Estimate, OpName};

/// Elements one GPU core handles per millisecond in the seed's examples (1e7 / (5120 x 60 ms) =
/// 32.6; 5e6 / (3584 x 45 ms) = 31.0).
const GPU_ELEMENTS_PER_CORE_MS: f64 = 32.0;

/// Elements per millisecond per unit of CPU factor in the seed's examples: matrix
/// multiplication 1e7 / (2.0 x 2750 ms) = 1818, convolution 5e6 / (1.5 x 700 ms) = 4762.
fn cpu_elements_per_factor_ms(op: OpName) -> f64 {
    if op == OpName::Conv2d { 4762.0 } else { 1818.0 }
}

/// The seed calculator's inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedInputs {
    /// Operation name.
    pub op: OpName,
    /// "Data size / complexity": elements.
    pub size: f64,
    /// GPU cores (CUDA cores or stream processors).
    pub gpu_cores: f64,
    /// CPU performance factor (1.0 = average).
    pub cpu_factor: f64,
    /// GPU memory bandwidth, GB/s (the seed lists it; its examples do not use it).
    pub bandwidth_gb_s: f64,
    /// Data transfer overhead, ms.
    pub overhead_ms: f64,
}

/// The seed formula's answer, milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SeedAnswer {
    /// GPU computation.
    pub gpu_ms: f64,
    /// CPU computation.
    pub cpu_ms: f64,
    /// Data transfer.
    pub transfer_ms: f64,
    /// GPU computation plus transfer.
    pub total_gpu_ms: f64,
    /// CPU over total GPU.
    pub speedup: f64,
}

/// The seed formula applied to `inputs`; `Err` names an input that cannot be used.
pub fn seed_answer(inputs: &SeedInputs) -> Result<SeedAnswer, InputError> {
    for (input, value) in
        [(Input::Size, inputs.size), (Input::GpuCores, inputs.gpu_cores), (Input::CpuFactor, inputs.cpu_factor)]
    {
        if !(value.is_finite() && value > 0.0) {
            return Err(InputError::new(input, Problem::NotPositive));
        }
    }
    if !(inputs.overhead_ms.is_finite() && inputs.overhead_ms >= 0.0) {
        return Err(InputError::new(Input::OverheadMs, Problem::Negative));
    }
    let gpu_ms = inputs.size / (inputs.gpu_cores * GPU_ELEMENTS_PER_CORE_MS);
    let cpu_ms = inputs.size / (inputs.cpu_factor * cpu_elements_per_factor_ms(inputs.op));
    let total_gpu_ms = gpu_ms + inputs.overhead_ms;
    Ok(SeedAnswer { gpu_ms, cpu_ms, transfer_ms: inputs.overhead_ms, total_gpu_ms, speedup: cpu_ms / total_gpu_ms })
}

/// Why the seed formula and the cost model differ, for these inputs, in sentences.
pub fn differences(inputs: &SeedInputs, seed: &SeedAnswer, model_gpu_ms: f64, model_cpu_ms: f64) -> Vec<String> {
    let mut why = vec![
        format!(
            "its GPU time is {}x the cost model's: it divides data size by core count, so it ignores the \
             operation's arithmetic (a matmul does 2n^3 FLOPs on 3n^2 elements), tensor cores and the dtype",
            ratio(seed.gpu_ms / model_gpu_ms)
        ),
        format!(
            "its CPU time is {}x the cost model's, which starts from this CPU's cores, vector width and clock",
            ratio(seed.cpu_ms / model_cpu_ms)
        ),
        "it treats transfer as a fixed overhead; the cost model moves the operation's bytes over the host link \
         (latency + bytes / bandwidth) and lets repeats amortise them"
            .to_string(),
        "it has no memory-bandwidth bound or launch cost, so it cannot say when small work loses on the GPU"
            .to_string(),
    ];
    if inputs.bandwidth_gb_s > 0.0 {
        why.push(format!("the bandwidth input ({} GB/s) does not enter its formula", inputs.bandwidth_gb_s));
    }
    why
}

/// A ratio in three significant figures (`0.0123`, `45.6`, `1.23e+04`).
fn ratio(value: f64) -> String {
    if (0.001..10_000.0).contains(&value) {
        let digits = (2 - value.log10().floor() as i32).max(0) as usize;
        format!("{value:.digits$}")
    } else {
        format!("{value:.2e}")
    }
}

/// Seed 004's formula for the same inputs, and why it differs from the cost model.
#[derive(Debug, Clone, Serialize)]
pub struct SeedComparison {
    /// The seed calculator's inputs.
    pub inputs: SeedInputs,
    /// Its answer.
    pub answer: SeedAnswer,
    /// Why the two differ, in sentences.
    pub why: Vec<String>,
}

impl SeedComparison {
    /// The seed's answer for `inputs` next to `estimate`; `Err` names an unusable input.
    pub fn new(inputs: SeedInputs, estimate: &Estimate) -> Result<Self, InputError> {
        let answer = seed_answer(&inputs)?;
        let why = differences(&inputs, &answer, estimate.gpu.compute_seconds * 1e3, estimate.cpu.seconds * 1e3);
        Ok(SeedComparison { inputs, answer, why })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(got: f64, want: f64) -> bool {
        (got / want - 1.0).abs() < 0.06
    }

    #[test]
    fn reproduces_the_seed_examples() {
        let a100 = SeedInputs {
            op: OpName::Matmul,
            size: 1e7,
            gpu_cores: 5120.0,
            cpu_factor: 2.0,
            bandwidth_gb_s: 1555.0,
            overhead_ms: 12.0,
        };
        let answer = seed_answer(&a100).unwrap();
        assert!(within(answer.gpu_ms, 60.0) && within(answer.cpu_ms, 2750.0), "{answer:?}");
        let rtx = SeedInputs {
            op: OpName::Conv2d,
            size: 5e6,
            gpu_cores: 3584.0,
            cpu_factor: 1.5,
            bandwidth_gb_s: 448.0,
            overhead_ms: 8.0,
        };
        let answer = seed_answer(&rtx).unwrap();
        assert!(within(answer.gpu_ms, 45.0) && within(answer.cpu_ms, 700.0), "{answer:?}");
        let zero = SeedInputs { gpu_cores: 0.0, ..rtx };
        assert_eq!(
            seed_answer(&zero).unwrap_err().describe(|name| format!("--{}", name.replace('_', "-"))),
            "--gpu-cores must be a number above 0"
        );
    }
}
