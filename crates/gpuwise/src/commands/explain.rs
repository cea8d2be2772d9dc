//! `gpuwise explain CODE`: the page behind a finding.

use anyhow::bail;

use crate::ExitStatus;
use crate::cli::ExplainArgs;
use crate::output;

/// Prints one rule's page, or the list of all codes.
pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitStatus> {
    let Some(code) = &args.code else {
        let mut list = String::new();
        for rule in gpuwise_rules::catalogue() {
            list.push_str(&format!("{:<6}  {:<8} {}\n", rule.code, rule.severity.as_str(), rule.title));
        }
        output::print(&list)?;
        return Ok(ExitStatus::Success);
    };
    match gpuwise_rules::rule(code) {
        Some(rule) => {
            output::print(rule.explain)?;
            Ok(ExitStatus::Success)
        }
        None => {
            let group: Vec<&str> = gpuwise_rules::catalogue()
                .iter()
                .map(|r| r.code)
                .filter(|c| gpuwise_rules::code_group(code.trim()).eq_ignore_ascii_case(gpuwise_rules::code_group(c)))
                .collect();
            let hint = if group.is_empty() {
                "run `gpuwise explain` to list every code".to_string()
            } else {
                format!("codes in that group: {}", group.join(", "))
            };
            bail!("unknown finding code `{code}`\nhint: {hint}")
        }
    }
}
