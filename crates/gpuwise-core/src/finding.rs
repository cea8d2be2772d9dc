//! Findings: one problem (or notable fact), its evidence and its fix.

use serde::{Deserialize, Serialize};

/// How much a finding matters to someone who wants to compute on the GPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nothing is broken.
    Info,
    /// GPU work will run, but slower or less predictably than it should.
    Warning,
    /// GPU work will not run (or not where the user expects) until this is fixed.
    Error,
}

impl Severity {
    /// The lower-case name used in JSON and views.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One diagnosed problem, with the evidence that triggered it and a concrete fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code such as `GW101`; `gpuwise explain CODE` documents it.
    pub code: String,
    /// How much it matters.
    pub severity: Severity,
    /// The code's one title, the same wherever the code appears (`gpuwise explain` heads its
    /// page with it); empty in reports recorded before it was kept.
    #[serde(default)]
    pub code_title: String,
    /// One line saying what is wrong here, in this instance's own terms.
    pub title: String,
    /// The evidence: what was read, from where.
    pub detail: String,
    /// What to do about it, concretely.
    pub fix: String,
    /// What it is about: `GPU 0`, `CUDA_VISIBLE_DEVICES`, `/dev/nvidiactl`, `system`.
    pub subject: String,
}

impl Finding {
    /// The code's title, and this instance's own line when it says more: what views show on
    /// two lines.
    pub fn heading(&self) -> (&str, Option<&str>) {
        if self.code_title.is_empty() || self.code_title == self.title {
            (&self.title, None)
        } else {
            (&self.code_title, Some(&self.title))
        }
    }

    /// The code's title and this instance's line as one line: `GPU memory nearly full: GPU 5
    /// memory is 99% used`.
    pub fn headline(&self) -> String {
        match self.heading() {
            (heading, Some(here)) => format!("{heading}: {here}"),
            (heading, None) => heading.to_string(),
        }
    }
}
