//! What judging returns: verdicts the caller applies to the report's environments, frameworks
//! and kernels, so judging only reads what it judges.

use gpuwise_core::{Build, Environment, Finding, Framework, JuliaEnvironment, Kernel, Outcome};

/// A framework's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkVerdict {
    /// How it ends.
    pub outcome: Outcome,
    /// The GPU it will use first, when it uses one.
    pub device: Option<String>,
    /// The codes that decide the outcome, when it does not use a GPU.
    pub because: Vec<String>,
    /// The codes of its own findings.
    pub codes: Vec<String>,
}

impl FrameworkVerdict {
    /// Writes the verdict into `framework`.
    pub fn apply(self, framework: &mut Framework) {
        framework.outcome = self.outcome;
        framework.uses_gpu = self.device.is_some();
        framework.device = self.device;
        framework.because = self.because;
        framework.findings = self.codes;
    }
}

/// An environment's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentVerdict {
    /// The codes of the findings about the environment as a whole.
    pub codes: Vec<String>,
    /// Each framework's verdict, in the environment's order.
    pub frameworks: Vec<FrameworkVerdict>,
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
}

impl EnvironmentVerdict {
    /// Writes the verdicts into `env` and its frameworks; returns the findings.
    pub fn apply(self, env: &mut Environment) -> Vec<Finding> {
        env.findings = self.codes;
        for (framework, verdict) in env.frameworks.iter_mut().zip(self.frameworks) {
            verdict.apply(framework);
        }
        self.findings
    }
}

/// A Julia installation's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JuliaVerdict {
    /// The codes of the findings about the installation and its projects.
    pub codes: Vec<String>,
    /// The CUDA toolkit CUDA_Runtime_jll selects, when it selects one.
    pub toolkit: Option<String>,
    /// CUDA.jl's verdict, when it is installed.
    pub cuda: Option<FrameworkVerdict>,
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
}

impl JuliaVerdict {
    /// Writes the verdicts into `env` (CUDA.jl's build follows the toolkit selected); returns
    /// the findings.
    pub fn apply(self, env: &mut JuliaEnvironment) -> Vec<Finding> {
        env.findings = self.codes;
        if let Some(runtime) = env.cuda_runtime.as_mut() {
            runtime.selected.clone_from(&self.toolkit);
        }
        if let (Some(cuda), Some(verdict)) = (env.frameworks.first_mut(), self.cuda) {
            cuda.build = Build::Cuda(self.toolkit);
            verdict.apply(cuda);
        }
        self.findings
    }
}

/// A kernel's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelVerdict {
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
}

impl KernelVerdict {
    /// Writes the finding codes into `kernel`; returns the findings.
    pub fn apply(self, kernel: &mut Kernel) -> Vec<Finding> {
        kernel.findings = self.findings.iter().map(|f| f.code.clone()).collect();
        self.findings
    }
}
