//! Building the whole report: the machine, then every Python environment, Julia and Jupyter
//! kernel, each judged under the variables its process would start with.

use std::path::{Path, PathBuf};

use gpuwise_core::{Environment, Kernel, Report, Source, System};
use gpuwise_core::{Variables, visibility};
use gpuwise_envs::{EnvironmentReader, ModuleLookup, Options, Request, jupyter};
use gpuwise_rules::KernelInputs;

/// Which environments to read besides the machine.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Judge the shell's `python3` and `julia` (first on `PATH`).
    pub current: bool,
    /// Interpreters named with `--python`.
    pub pythons: Vec<PathBuf>,
    /// Judge every Jupyter kernel.
    pub kernels: bool,
}

/// The machine's report: visibility, findings and verdict under the shell's variables.
pub fn machine_report(system: System, vars: &Variables) -> Report {
    let mut report = Report::new(system);
    report.visibility = visibility::resolve(&report.system, vars);
    report.findings = gpuwise_rules::diagnose(&report.system, &report.visibility, vars);
    report.verdict = gpuwise_rules::verdict(&report.visibility, &report.findings);
    report
}

/// A kernel found on disk, with what judging it needs.
struct KernelSlot {
    kernel: Kernel,
    spec_problem: Option<String>,
    interpreter_problem: Option<String>,
    /// The module its argv runs with `-m`, when its environment does not have it.
    missing_module: Option<String>,
    vars: Variables,
}

/// An environment read, with the interpreter asked, the variables it runs with and the kernel
/// (index into the kernel slots) it was read for.
struct Read {
    env: Environment,
    python: PathBuf,
    vars: Variables,
    kernel: Option<usize>,
}

/// Reads and judges the environments and kernels in `scope`, adding them and their findings.
pub fn add_environments(report: &mut Report, vars: &Variables, scope: &Scope) {
    let mut reader = EnvironmentReader::new(Options { timeout: gpuwise_probe::probe_timeout(), ..Options::default() });
    let shell_python = gpuwise_envs::current_python(vars);
    let mut requests = Vec::new();
    if scope.current {
        requests.extend(shell_python.iter().map(|p| Request::new(p, Source::Current, vars.clone())));
    }
    requests.extend(scope.pythons.iter().map(|p| Request::new(p, Source::Argument, vars.clone())));
    let mut read: Vec<Read> = reader
        .read(&requests)
        .into_iter()
        .zip(requests)
        .map(|(env, request)| Read { env, python: request.python, vars: request.vars, kernel: None })
        .collect();

    let mut slots = Vec::new();
    if scope.kernels {
        let server_python = shell_python.as_deref();
        let server = read.iter().map(|r| &r.env).find(|e| e.source == Source::Current);
        slots = find_kernels(vars, server, server_python);
        let mut kernel_requests = Vec::new();
        for (index, slot) in slots.iter_mut().enumerate() {
            if slot.spec_problem.is_some() || gpuwise_envs::julia::is_julia_kernel(&slot.kernel) {
                continue;
            }
            match jupyter::interpreter(&slot.kernel, &slot.vars, server_python) {
                Err(problem) => slot.interpreter_problem = Some(problem.to_string()),
                Ok(python) => {
                    slot.kernel.interpreter = Some(python.display().to_string());
                    let same = read
                        .iter()
                        .position(|r| same_interpreter(Path::new(&r.env.interpreter), &python) && r.vars == slot.vars);
                    match same {
                        Some(existing) => slot.kernel.environment = Some(existing),
                        None => {
                            let source = Source::Kernel(slot.kernel.name.clone());
                            kernel_requests.push((index, Request::new(python, source, slot.vars.clone())));
                        }
                    }
                }
            }
        }
        let just_requests: Vec<Request> = kernel_requests.iter().map(|(_, r)| r.clone()).collect();
        for ((slot_index, request), env) in kernel_requests.into_iter().zip(reader.read(&just_requests)) {
            slots[slot_index].kernel.environment = Some(read.len());
            read.push(Read { env, python: request.python, vars: request.vars, kernel: Some(slot_index) });
        }
        for slot in &mut slots {
            slot.missing_module = missing_module(&reader, slot, &read);
        }
    }

    let mut findings = Vec::new();
    for r in &mut read {
        let kernel = r.kernel.map(|k| &slots[k].kernel);
        findings.extend(gpuwise_rules::judge_environment(&report.system, &r.env, &r.vars, kernel).apply(&mut r.env));
    }
    let environments: Vec<Environment> = read.into_iter().map(|r| r.env).collect();
    let julia_kernels = slots.iter_mut().filter(|s| s.spec_problem.is_none()).map(|s| (&mut s.kernel, &s.vars));
    findings.extend(crate::julia::add_julia(report, vars, scope.current, julia_kernels));
    let shell_env = environments.iter().find(|e| e.source == Source::Current);
    for slot in &mut slots {
        let inputs = KernelInputs {
            spec_problem: slot.spec_problem.as_deref(),
            interpreter_problem: slot.interpreter_problem.as_deref(),
            missing_module: slot.missing_module.as_deref(),
            env: slot.kernel.environment.map(|i| &environments[i]),
            vars: &slot.vars,
            shell_verdict: &report.verdict,
            shell_env,
        };
        let verdict = gpuwise_rules::judge_kernel(&report.system, &slot.kernel, &inputs);
        findings.extend(verdict.apply(&mut slot.kernel));
    }
    report.findings.extend(findings);
    gpuwise_rules::sort_findings(&mut report.findings);
    report.environments = environments;
    report.kernels = slots.into_iter().map(|s| s.kernel).collect();
}

/// The module the kernel's argv runs with `python -m`, when the files of its environment show
/// it is not there (not when they cannot tell, or the interpreter could not be asked).
fn missing_module(reader: &EnvironmentReader, slot: &KernelSlot, read: &[Read]) -> Option<String> {
    let env = &read[slot.kernel.environment?];
    let module = jupyter::launched_module(&slot.kernel.argv)?;
    let lookup = reader.find_module(&env.python, &env.vars, module)?;
    (lookup == ModuleLookup::Missing).then(|| module.to_string())
}

/// True for one path, or for `bin/python` and `bin/python3` of one environment (the same
/// directory, the same file behind the links).
fn same_interpreter(a: &Path, b: &Path) -> bool {
    a == b
        || (a.parent() == b.parent()
            && std::fs::canonicalize(a).is_ok_and(|real| std::fs::canonicalize(b).is_ok_and(|other| real == other)))
}

/// Every kernelspec Jupyter would offer, with the variables each kernel starts with.
fn find_kernels(vars: &Variables, server: Option<&Environment>, server_python: Option<&Path>) -> Vec<KernelSlot> {
    let server_env = jupyter::ServerEnv {
        prefix: server.and_then(|e| e.prefix.as_ref()).map(PathBuf::from),
        is_virtual: server.is_some_and(|e| e.kind.is_some_and(|kind| kind.is_virtual())),
    };
    let mut found = jupyter::find_kernels(&jupyter::kernel_dirs(vars, &server_env));
    let has_ipykernel = server.is_some_and(|e| e.site_packages.iter().any(|s| Path::new(s).join("ipykernel").is_dir()));
    if let (false, true, Some(python)) =
        (found.iter().any(|f| f.kernel.name == "python3"), has_ipykernel, server_python)
    {
        found.push(jupyter::builtin_python3(python));
    }
    found
        .into_iter()
        .map(|f| KernelSlot {
            vars: jupyter::kernel_variables(&f.kernel, vars),
            kernel: f.kernel,
            spec_problem: f.problem,
            interpreter_problem: None,
            missing_module: None,
        })
        .collect()
}
