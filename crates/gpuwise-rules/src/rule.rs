//! The shape of a rule.

use gpuwise_core::fleet::{FleetFinding, hostlist};
use gpuwise_core::{Finding, Severity};

use crate::{Context, EnvContext, FleetContext, FrameworkContext, JuliaContext, KernelContext};

/// One diagnosis rule: a stable code, its check and its documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable code (`GW101`); never reused for another meaning.
    pub code: &'static str,
    /// What the finding says in general (each finding has a specific title).
    pub title: &'static str,
    /// The usual severity; a check may raise or lower it for a given case.
    pub severity: Severity,
    /// The Markdown page `gpuwise explain CODE` prints.
    pub explain: &'static str,
    /// Looks at its context and returns zero or more findings.
    pub check: Check,
}

/// What a rule looks at, and its check.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// The machine and the shell's variables.
    System(fn(&Context<'_>) -> Vec<Finding>),
    /// One Python environment as a whole.
    Environment(fn(&EnvContext<'_>) -> Vec<Finding>),
    /// One framework in one environment.
    Framework(fn(&FrameworkContext<'_>) -> Vec<Finding>),
    /// One Julia installation as a whole.
    Julia(fn(&JuliaContext<'_>) -> Vec<Finding>),
    /// CUDA.jl in one Julia installation.
    CudaJl(fn(&JuliaContext<'_>) -> Vec<Finding>),
    /// One Jupyter kernel.
    Kernel(fn(&KernelContext<'_>) -> Vec<Finding>),
    /// Many machines' reports side by side (`gpuwise fleet`).
    Fleet(fn(&FleetContext<'_>) -> Vec<FleetFinding>),
}

impl Rule {
    /// A finding of this rule at its usual severity.
    pub fn finding(
        &self,
        subject: impl Into<String>,
        title: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding {
            code: self.code.to_string(),
            severity: self.severity,
            code_title: self.title.to_string(),
            title: title.into(),
            detail: detail.into(),
            fix: fix.into(),
            subject: subject.into(),
        }
    }

    /// A fleet finding of this rule about `nodes`, the subject being their node list.
    pub fn fleet_finding(
        &self,
        nodes: &[String],
        title: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> FleetFinding {
        let list = hostlist(nodes);
        FleetFinding { finding: self.finding(list.clone(), title, detail, fix), nodes: nodes.to_vec(), hostlist: list }
    }
}
