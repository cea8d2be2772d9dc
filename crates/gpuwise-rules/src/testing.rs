//! Builders shared by the rules' tests.

use gpuwise_core::{Device, Driver, Environment, Finding, Framework, Kernel, ProbeStatus, System};
use gpuwise_core::{VarValue, Variables, visibility};

use crate::{Context, Rule};

/// A healthy machine with `count` identical H100s, NVML and CUDA answering.
pub fn healthy(count: u32) -> System {
    let devices = (0..count)
        .map(|i| Device {
            index: i,
            uuid: format!("GPU-{i:08x}-0000-0000-0000-000000000000"),
            name: "NVIDIA H100 80GB HBM3".into(),
            compute_capability: Some("9.0".into()),
            memory_total_bytes: Some(80 << 30),
            memory_used_bytes: Some(1 << 30),
            memory_free_bytes: Some(79 << 30),
            multiprocessors: Some(132),
            pci_bus_id: format!("00000000:{:02X}:00.0", 0x18 + i),
            processes: Some(Vec::new()),
            persistence_mode: Some(true),
            cuda_default_index: Some(i),
            ..Device::default()
        })
        .collect();
    let mut system = System {
        devices,
        driver: Some(Driver {
            vendor: "nvidia".into(),
            version: "580.159.04".into(),
            cuda_version: Some("13.0".into()),
            kernel_module_version: Some("580.159.04".into()),
        }),
        ..System::default()
    };
    system.libraries.nvml = ProbeStatus::Available { detail: "libnvidia-ml.so.1".into() };
    system.libraries.cuda = ProbeStatus::Available { detail: "libcuda.so.1".into() };
    for path in ["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia0"] {
        system.device_nodes.push(gpuwise_core::DeviceNode { path: path.into(), readable: true, writable: true });
    }
    system
}

/// Variables with `CUDA_VISIBLE_DEVICES` set (or not).
pub fn cvd(value: Option<&str>) -> Variables {
    Variables::default().with("CUDA_VISIBLE_DEVICES", value.map(VarValue::new))
}

/// Runs one rule on a system with the given variables.
pub fn run(rule: &Rule, system: &System, vars: &Variables) -> Vec<Finding> {
    let vis = visibility::resolve(system, vars);
    match rule.check {
        crate::Check::System(check) => check(&Context { system, visibility: &vis, vars }),
        _ => panic!("{} is not a machine rule", rule.code),
    }
}

/// The codes one rule produces.
pub fn codes(rule: &Rule, system: &System, vars: &Variables) -> Vec<String> {
    run(rule, system, vars).into_iter().map(|f| f.code).collect()
}

/// A framework record as a reader would produce it.
pub fn framework(name: &str, version: &str, build: &str) -> Framework {
    Framework {
        name: name.parse().expect("a framework gpuwise judges"),
        distribution: name.into(),
        version: version.into(),
        build: build.into(),
        path: format!("/venv/lib/python3.11/site-packages/{name}"),
        ..Framework::default()
    }
}

/// A Linux virtual environment holding `frameworks`.
pub fn environment(frameworks: Vec<Framework>) -> Environment {
    Environment {
        interpreter: "/venv/bin/python".into(),
        source: gpuwise_core::Source::Current,
        probe: ProbeStatus::Available { detail: "/venv/bin/python".into() },
        python_version: Some("3.11.7".into()),
        platform: Some("linux-x86_64".into()),
        prefix: Some("/venv".into()),
        kind: Some(gpuwise_core::EnvironmentKind::Venv),
        frameworks,
        ..Environment::default()
    }
}

/// Runs one environment or framework rule over `env` under `vars`.
pub fn env_findings_with(rule: &Rule, system: &System, env: &Environment, vars: &Variables) -> Vec<Finding> {
    let view = crate::MachineView::new(system, vars);
    let machine = Context { system, visibility: &view.visibility, vars };
    let ctx = crate::EnvContext { machine, verdict: &view.verdict, env, kernel: None };
    match rule.check {
        crate::Check::Environment(check) => check(&ctx),
        crate::Check::Framework(check) => env
            .frameworks
            .iter()
            .flat_map(|framework| check(&crate::FrameworkContext { env: ctx, framework }))
            .collect(),
        _ => panic!("{} is not an environment or framework rule", rule.code),
    }
}

/// Runs one environment or framework rule over `env` with no variables set.
pub fn env_findings(rule: &Rule, system: &System, env: &Environment) -> Vec<Finding> {
    env_findings_with(rule, system, env, &Variables::default())
}

/// The codes of [`env_findings`].
pub fn env_codes(rule: &Rule, system: &System, env: &Environment) -> Vec<String> {
    env_findings(rule, system, env).into_iter().map(|f| f.code).collect()
}

/// The codes a framework rule gives for `env` under `vars`.
pub fn env_framework_codes_with(rule: &Rule, system: &System, env: &Environment, vars: &Variables) -> Vec<String> {
    env_findings_with(rule, system, env, vars).into_iter().map(|f| f.code).collect()
}

/// The findings of a framework rule for one framework in a plain environment.
pub fn framework_findings(rule: &Rule, system: &System, framework: &Framework) -> Vec<Finding> {
    env_findings(rule, system, &environment(vec![framework.clone()]))
}

/// The codes of [`framework_findings`].
pub fn framework_codes(rule: &Rule, system: &System, framework: &Framework) -> Vec<String> {
    framework_findings(rule, system, framework).into_iter().map(|f| f.code).collect()
}

/// The parts of a kernel judgement a test sets; the rest default to a plain kernel.
#[derive(Default, Clone, Copy)]
pub struct KernelCase<'a> {
    /// Why its kernel.json is unusable.
    pub spec_problem: Option<&'a str>,
    /// Why its interpreter cannot be told.
    pub interpreter_problem: Option<&'a str>,
    /// The module its argv runs that its environment lacks.
    pub missing_module: Option<&'a str>,
    /// Its environment.
    pub env: Option<&'a Environment>,
    /// The shell's environment.
    pub shell_env: Option<&'a Environment>,
    /// The kernel's variables (default: none set, like the shell's).
    pub vars: Option<&'a Variables>,
}

/// Runs one kernel rule.
pub fn kernel_findings(rule: &Rule, system: &System, kernel: &Kernel, case: KernelCase<'_>) -> Vec<Finding> {
    let shell = crate::MachineView::new(system, &Variables::default());
    let none = Variables::default();
    let vars = case.vars.unwrap_or(&none);
    let view = crate::MachineView::new(system, vars);
    let ctx = crate::KernelContext {
        kernel,
        spec_problem: case.spec_problem,
        interpreter_problem: case.interpreter_problem,
        missing_module: case.missing_module,
        env: case.env,
        machine: Context { system, visibility: &view.visibility, vars },
        verdict: &view.verdict,
        shell_verdict: &shell.verdict,
        shell_env: case.shell_env,
    };
    match rule.check {
        crate::Check::Kernel(check) => check(&ctx),
        _ => panic!("{} is not a kernel rule", rule.code),
    }
}

/// The codes of [`kernel_findings`].
pub fn kernel_codes(rule: &Rule, system: &System, kernel: &Kernel, case: KernelCase<'_>) -> Vec<String> {
    kernel_findings(rule, system, kernel, case).into_iter().map(|f| f.code).collect()
}

/// A Julia 1.10.5 environment with CUDA.jl 5.5.2 whose CUDA_Runtime_jll offers `toolkits`
/// (all downloaded).
pub fn julia_with_cuda(toolkits: &[&str]) -> gpuwise_core::JuliaEnvironment {
    let toolkits: Vec<String> = toolkits.iter().map(|t| t.to_string()).collect();
    gpuwise_core::JuliaEnvironment {
        julia: "/opt/julia-1.10.5/bin/julia".into(),
        source: gpuwise_core::Source::Current,
        version: Some("1.10.5".into()),
        packages: vec![gpuwise_core::Component { name: "CUDA".into(), version: "5.5.2".into() }],
        cuda_runtime: Some(gpuwise_core::CudaRuntime {
            version: "0.15.5".into(),
            downloaded: toolkits.clone(),
            toolkits,
            ..Default::default()
        }),
        frameworks: vec![framework("CUDA.jl", "5.5.2", "cuda")],
        ..Default::default()
    }
}

/// A preference set in a LocalPreferences.toml.
pub fn preference(value: &str) -> Option<gpuwise_core::Preference> {
    Some(gpuwise_core::Preference { value: value.into(), file: "/p/LocalPreferences.toml".into() })
}

/// The findings of `rule` for a Julia environment on `system`, judged as doctor judges it.
pub fn julia_findings(rule: &Rule, system: &System, env: &gpuwise_core::JuliaEnvironment) -> Vec<Finding> {
    let verdict = crate::judge_julia(system, env, &Variables::default());
    verdict.findings.into_iter().filter(|f| f.code == rule.code).collect()
}

/// Their codes.
pub fn julia_codes(rule: &Rule, system: &System, env: &gpuwise_core::JuliaEnvironment) -> Vec<String> {
    julia_findings(rule, system, env).into_iter().map(|f| f.code).collect()
}

/// A machine like [`healthy`] whose driver supports CUDA `cuda` (`12.4`), GPUs of capability `cc`.
pub fn machine(count: u32, cuda: &str, cc: &str) -> System {
    let mut system = healthy(count);
    system.driver.as_mut().unwrap().cuda_version = Some(cuda.into());
    for device in &mut system.devices {
        device.compute_capability = Some(cc.into());
    }
    system
}

/// Nodes for the fleet rules' tests.
pub mod fleet {
    use gpuwise_core::fleet::NodeAnswer;
    use gpuwise_core::{Device, Driver, Environment, Framework, FrameworkName, MigDevice, Outcome, Report, System};

    fn gpus(count: u32, name: &str) -> Vec<Device> {
        (0..count)
            .map(|i| Device { index: i, uuid: format!("GPU-{name}-{i}"), name: name.into(), ..Device::default() })
            .collect()
    }

    /// `count` H100s.
    pub fn h100(count: u32) -> Vec<Device> {
        gpus(count, "NVIDIA H100 80GB HBM3")
    }

    /// `count` A100s.
    pub fn a100(count: u32) -> Vec<Device> {
        gpus(count, "NVIDIA A100-SXM4-80GB")
    }

    /// `count` V100s.
    pub fn v100(count: u32) -> Vec<Device> {
        gpus(count, "Tesla V100-SXM2-32GB")
    }

    /// A node that answered with these GPUs and driver.
    pub fn node(name: &str, devices: Vec<Device>, driver: &str, cuda: &str) -> NodeAnswer {
        let driver = Driver {
            vendor: "nvidia".into(),
            version: driver.into(),
            cuda_version: Some(cuda.into()),
            ..Driver::default()
        };
        let report = Report::new(System { devices, driver: Some(driver), ..System::default() });
        NodeAnswer { name: name.into(), report: Ok(report) }
    }

    /// A node that did not answer.
    pub fn down(name: &str) -> NodeAnswer {
        NodeAnswer { name: name.into(), report: Err("the node is down".into()) }
    }

    /// Turns MIG on for the node's first GPU, with these instances.
    pub fn with_mig(node: &mut NodeAnswer, instances: &[&str]) {
        let device = &mut node.report.as_mut().unwrap().system.devices[0];
        device.mig = true;
        device.mig_devices = instances
            .iter()
            .map(|name| MigDevice { uuid: format!("MIG-{name}"), name: Some(name.to_string()), ..MigDevice::default() })
            .collect();
    }

    /// The node with torch 2.5.1+cu124 in /shared/venv, giving `outcome` because of `codes`.
    pub fn with_torch(mut node: NodeAnswer, outcome: Outcome, codes: &[&str]) -> NodeAnswer {
        let framework = Framework {
            name: FrameworkName::Torch,
            version: "2.5.1+cu124".into(),
            outcome,
            because: codes.iter().map(|c| c.to_string()).collect(),
            ..Framework::default()
        };
        let env = Environment {
            interpreter: "/shared/venv/bin/python".into(),
            frameworks: vec![framework],
            ..Environment::default()
        };
        node.report.as_mut().unwrap().environments.push(env);
        node
    }
}
