//! From findings to the answer: which visible GPUs a CUDA program can use.

use gpuwise_core::{Finding, Severity, Verdict, Visibility};

/// The usable GPUs: the visible ones, less any GPU an error finding is about; none at all when
/// an error concerns the whole machine (driver, libraries, permissions, variables).
pub fn verdict(visibility: &Visibility, findings: &[Finding]) -> Verdict {
    let errors: Vec<&Finding> = findings.iter().filter(|f| f.severity == Severity::Error).collect();
    let per_gpu = |f: &&Finding| f.subject.starts_with("GPU ") && f.subject[4..].parse::<u32>().is_ok();
    if errors.iter().any(|f| !per_gpu(f)) {
        return Verdict::default();
    }
    let broken: Vec<&str> = errors.iter().map(|f| f.subject.as_str()).collect();
    let usable: Vec<String> = visibility
        .devices
        .iter()
        .filter(|d| !broken.contains(&format!("GPU {}", d.nvml_index).as_str()))
        .map(|d| d.uuid.clone())
        .collect();
    Verdict { gpu_usable: !usable.is_empty(), usable }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::visibility;

    fn finding(severity: Severity, subject: &str) -> Finding {
        Finding {
            code: "GW000".into(),
            severity,
            code_title: String::new(),
            title: String::new(),
            detail: String::new(),
            fix: String::new(),
            subject: subject.into(),
        }
    }

    #[test]
    fn machine_errors_block_all_gpu_errors_block_one() {
        let system = healthy(2);
        let vis = visibility::resolve(&system, &cvd(None));
        assert_eq!(verdict(&vis, &[]).usable.len(), 2);
        assert_eq!(verdict(&vis, &[finding(Severity::Warning, "system")]).usable.len(), 2);
        assert!(!verdict(&vis, &[finding(Severity::Error, "libcuda.so.1")]).gpu_usable);
        let one = verdict(&vis, &[finding(Severity::Error, "GPU 1")]);
        assert_eq!(one.usable, [system.devices[0].uuid.clone()]);
    }
}
