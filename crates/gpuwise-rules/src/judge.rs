//! Judging environments, frameworks and kernels: the machine as each one's process would see
//! it, the rules for each, and the per-framework verdict.

use gpuwise_core::{
    Environment, Finding, Framework, JuliaEnvironment, Kernel, Outcome, Severity, System, Unreadable, Verdict,
};
use gpuwise_core::{Variables, visibility};

use crate::compat::{self, Support};
use crate::data::toolkit_supports;
use crate::judged::{EnvironmentVerdict, FrameworkVerdict, JuliaVerdict, KernelVerdict};
use crate::toolkit_choice::{self, Choice};
use crate::{Check, Context, EnvContext, FrameworkContext, JuliaContext, KernelContext, diagnose, rules, verdict};

/// The machine as a process started with `vars` sees it: its visibility, the machine's
/// findings under those variables, and the usable GPUs.
pub struct MachineView {
    /// What CUDA would enumerate.
    pub visibility: gpuwise_core::Visibility,
    /// The machine-level findings under these variables.
    pub findings: Vec<Finding>,
    /// The usable GPUs.
    pub verdict: Verdict,
}

impl MachineView {
    /// Resolves visibility and runs the machine's rules under `vars`.
    pub fn new(system: &System, vars: &Variables) -> Self {
        let visibility = visibility::resolve(system, vars);
        let findings = diagnose(system, &visibility, vars);
        let verdict = verdict(&visibility, &findings);
        MachineView { visibility, findings, verdict }
    }
}

/// Judges one environment run with `vars` (for `kernel`, when it is a kernel's): each
/// framework's verdict, the environment's own codes, and every finding.
pub fn judge_environment(
    system: &System,
    env: &Environment,
    vars: &Variables,
    kernel: Option<&Kernel>,
) -> EnvironmentVerdict {
    let view = MachineView::new(system, vars);
    let machine = Context { system, visibility: &view.visibility, vars };
    let ctx = EnvContext { machine, verdict: &view.verdict, env, kernel };
    let env_findings: Vec<Finding> = rules::ALL
        .iter()
        .filter_map(|rule| match rule.check {
            Check::Environment(check) => Some(check(&ctx)),
            _ => None,
        })
        .flatten()
        .collect();
    let env_label = ctx.subject();
    let verdicts: Vec<(Vec<Finding>, Option<String>, Vec<String>)> = env
        .frameworks
        .iter()
        .map(|framework| {
            let fctx = FrameworkContext { env: ctx, framework };
            let findings: Vec<Finding> = rules::ALL
                .iter()
                .filter_map(|rule| match rule.check {
                    Check::Framework(check) => Some(check(&fctx)),
                    _ => None,
                })
                .flatten()
                .collect();
            let findings = one_plan(findings);
            let subject = fctx.subject();
            let errors = |f: &&Finding| f.severity == Severity::Error;
            let own: Vec<&Finding> = env_findings
                .iter()
                .filter(|f| f.subject == subject || f.subject == env_label)
                .chain(&findings)
                .filter(errors)
                .collect();
            let device = if own.is_empty() { framework_device(&fctx) } else { None };
            // The machine's errors decide only when they leave no GPU usable.
            let machine: Vec<&Finding> =
                view.findings.iter().filter(errors).filter(|_| view.verdict.usable.is_empty()).collect();
            let because = match device {
                Some(_) => Vec::new(),
                None if !own.is_empty() || !machine.is_empty() => codes_of(machine.into_iter().chain(own).collect()),
                None if !findings.is_empty() => codes(&findings),
                None => codes(&view.findings),
            };
            (findings, device, because)
        })
        .collect();
    let env_codes = codes(&env_findings);
    let mut all = env_findings;
    let mut frameworks = Vec::new();
    for (framework, (findings, device, because)) in env.frameworks.iter().zip(verdicts) {
        let (damaged, gpus) = (damaged_files(framework, &env.unreadable), !view.verdict.usable.is_empty());
        let outcome = match &device {
            Some(_) => Outcome::Gpu,
            None if missing_at_import(framework) || damaged.iter().any(|u| u.at_import) => Outcome::ImportFails,
            // Nothing else decides: the damaged build description leaves the build unknown.
            None if !damaged.is_empty() && gpus && because.iter().all(|code| code == "GW802") => Outcome::Unknown,
            None => Outcome::Cpu,
        };
        frameworks.push(FrameworkVerdict { outcome, device, because, codes: codes(&findings) });
        all.extend(findings);
    }
    sort(&mut all);
    EnvironmentVerdict { codes: env_codes, frameworks, findings: all }
}

/// Findings whose fix replaces the build (not a CUDA build, a driver too old for its CUDA major,
/// no code for the GPUs).
const REPLACING: [&str; 3] = ["GW301", "GW302", "GW303"];
/// Findings whose fix completes the installed build (its missing wheels, its CUDA libraries).
const REPAIRING: [&str; 2] = ["GW304", "GW305"];

/// One plan per framework: when the build is to be replaced, the findings that would complete it
/// go, since their fixes would install parts of a build the other fix removes.
fn one_plan(findings: Vec<Finding>) -> Vec<Finding> {
    let replaced = findings.iter().any(|f| f.severity == Severity::Error && REPLACING.contains(&f.code.as_str()));
    findings.into_iter().filter(|f| !(replaced && REPAIRING.contains(&f.code.as_str()))).collect()
}

/// True when a library the framework's import loads is nowhere.
fn missing_at_import(framework: &Framework) -> bool {
    framework.libraries.iter().any(|l| l.at_import && l.path.is_none())
}

/// The framework's own package files that are missing, unreadable or damaged (half-installed).
fn damaged_files<'a>(framework: &Framework, unreadable: &'a [Unreadable]) -> Vec<&'a Unreadable> {
    unreadable.iter().filter(|u| std::path::Path::new(&u.path).starts_with(&framework.path)).collect()
}

/// The GPU a framework will use first: the first usable GPU (in CUDA order) its build has code
/// for, when it is a CUDA build (the caller has ruled out error findings).
fn framework_device(ctx: &FrameworkContext<'_>) -> Option<String> {
    if !ctx.framework.build.is_cuda() {
        return None;
    }
    let targets = compat::targets(ctx.framework);
    ctx.env
        .usable_devices()
        .find(|device| {
            let support = targets.as_ref().and_then(|t| compat::support(t, device));
            !matches!(support, Some(Support::None(_)))
        })
        .map(|device| device.uuid.clone())
}

/// Judges one Julia installation run with `vars`: CUDA_Runtime_jll's toolkit, CUDA.jl's
/// verdict, the codes and every finding.
pub fn judge_julia(system: &System, env: &JuliaEnvironment, vars: &Variables) -> JuliaVerdict {
    let view = MachineView::new(system, vars);
    let machine = Context { system, visibility: &view.visibility, vars };
    let devices = crate::context::usable(system, &view.verdict);
    let choice =
        env.cuda_runtime.as_ref().map(|runtime| toolkit_choice::choose(runtime, machine.driver_cuda(), &devices));
    let ctx = JuliaContext { machine, verdict: &view.verdict, env, choice: choice.as_ref() };
    let run = |want_cuda: bool| -> Vec<Finding> {
        rules::ALL
            .iter()
            .filter_map(|rule| match rule.check {
                Check::Julia(check) if !want_cuda => Some(check(&ctx)),
                Check::CudaJl(check) if want_cuda && ctx.cuda_jl().is_some() => Some(check(&ctx)),
                _ => None,
            })
            .flatten()
            .collect()
    };
    let env_findings = run(false);
    let cuda_findings = run(true);
    let toolkit = match &choice {
        Some(Choice::Toolkit { cuda, .. }) => Some(cuda.clone()),
        _ => None,
    };
    let failed = cuda_findings.iter().any(|f| f.severity == Severity::Error);
    let device = toolkit.as_deref().filter(|_| !failed).and_then(|cuda| {
        devices.iter().find(|d| toolkit_supports(cuda, d.compute_capability.as_deref().unwrap_or_default()))
    });
    let device = device.map(|d| d.uuid.clone());
    let cuda = env.frameworks.first().map(|_| {
        let because = match &device {
            Some(_) => Vec::new(),
            None => {
                let errors: Vec<&Finding> = view
                    .findings
                    .iter()
                    .chain(&env_findings)
                    .chain(&cuda_findings)
                    .filter(|f| f.severity == Severity::Error)
                    .collect();
                if errors.is_empty() { codes(&cuda_findings) } else { codes_of(errors) }
            }
        };
        let outcome = if device.is_some() { Outcome::Gpu } else { Outcome::Cpu };
        FrameworkVerdict { outcome, device, because, codes: codes(&cuda_findings) }
    });
    let env_codes = codes(&env_findings);
    let mut all = env_findings;
    all.extend(cuda_findings);
    sort(&mut all);
    JuliaVerdict { codes: env_codes, toolkit, cuda, findings: all }
}

/// Inputs of judging a kernel besides the kernel itself.
pub struct KernelInputs<'a> {
    /// Why its kernel.json could not be used.
    pub spec_problem: Option<&'a str>,
    /// Why the Python it runs could not be told.
    pub interpreter_problem: Option<&'a str>,
    /// The module its argv runs with `python -m`, when its environment does not have it.
    pub missing_module: Option<&'a str>,
    /// Its environment, already judged.
    pub env: Option<&'a Environment>,
    /// The variables its process starts with.
    pub vars: &'a Variables,
    /// The usable GPUs from the user's shell.
    pub shell_verdict: &'a Verdict,
    /// The shell's own environment.
    pub shell_env: Option<&'a Environment>,
}

/// Judges one kernel.
pub fn judge_kernel(system: &System, kernel: &Kernel, inputs: &KernelInputs<'_>) -> KernelVerdict {
    let view = MachineView::new(system, inputs.vars);
    let ctx = KernelContext {
        kernel,
        spec_problem: inputs.spec_problem,
        interpreter_problem: inputs.interpreter_problem,
        missing_module: inputs.missing_module,
        env: inputs.env,
        machine: Context { system, visibility: &view.visibility, vars: inputs.vars },
        verdict: &view.verdict,
        shell_verdict: inputs.shell_verdict,
        shell_env: inputs.shell_env,
    };
    let mut findings: Vec<Finding> = rules::ALL
        .iter()
        .filter_map(|rule| match rule.check {
            Check::Kernel(check) => Some(check(&ctx)),
            _ => None,
        })
        .flatten()
        .collect();
    sort(&mut findings);
    KernelVerdict { findings }
}

/// Most severe first, then by code.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.code.cmp(&b.code)));
}

fn codes(findings: &[Finding]) -> Vec<String> {
    codes_of(findings.iter().collect())
}

/// Their codes in order, each once.
fn codes_of(findings: Vec<&Finding>) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for finding in findings {
        if !codes.contains(&finding.code) {
            codes.push(finding.code.clone());
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn damage_the_import_reads_fails_it_and_damage_only_doctor_reads_leaves_it_unknown() {
        let outcome = |at_import: bool, system: &System| {
            let mut env = environment(vec![framework("tensorflow", "2.21.0", "unknown")]);
            let build_info = format!("{}/python/platform/build_info.py", env.frameworks[0].path);
            env.unreadable.push(Unreadable { at_import, ..Unreadable::new(build_info, "is damaged") });
            judge_environment(system, &env, &Variables::default(), None).apply(&mut env);
            (env.frameworks[0].outcome, env.frameworks[0].because.clone())
        };
        assert_eq!(outcome(true, &healthy(1)), (Outcome::ImportFails, vec!["GW802".to_string()]));
        assert_eq!(
            outcome(false, &healthy(1)),
            (Outcome::Unknown, vec!["GW802".to_string()]),
            "imports; build unknown"
        );
        let (no_gpu, because) = outcome(false, &healthy(0));
        assert_eq!(no_gpu, Outcome::Cpu, "without a GPU the build does not matter: {because:?}");
    }
}
