//! What every rule reads.

use gpuwise_core::{
    Device, DeviceOrder, Environment, Framework, JuliaEnvironment, Kernel, System, Verdict, Visibility, VisibleDevice,
};
use gpuwise_core::{Variables, visibility};

use crate::toolkit_choice::Choice;

/// The inputs of a diagnosis.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The machine, probed or from a snapshot.
    pub system: &'a System,
    /// What a CUDA process started now would see.
    pub visibility: &'a Visibility,
    /// The variables in effect.
    pub vars: &'a Variables,
}

impl Context<'_> {
    /// NVIDIA GPUs NVML or CUDA reported.
    pub fn devices(&self) -> &[Device] {
        &self.system.devices
    }

    /// True when the NVIDIA kernel module is known to be loaded.
    pub fn kernel_module_loaded(&self) -> bool {
        self.system.driver.as_ref().is_some_and(|d| d.kernel_module_version.is_some())
    }

    /// True when some part of the NVIDIA driver answered (module, NVML or libcuda).
    pub fn any_driver(&self) -> bool {
        self.system.driver.is_some()
            || self.system.libraries.nvml.is_available()
            || self.system.libraries.cuda.is_available()
    }

    /// The container runtime's name, when inside one.
    pub fn container(&self) -> Option<&str> {
        self.system.os.container.as_deref()
    }

    /// True when the user-space driver libraries are absent (not merely failing).
    pub fn driver_libraries_missing(&self) -> bool {
        use gpuwise_core::ProbeStatus::Unavailable;
        matches!(self.system.libraries.nvml, Unavailable { .. })
            && matches!(self.system.libraries.cuda, Unavailable { .. })
    }

    /// True inside a container whose `NVIDIA_DRIVER_CAPABILITIES` leaves out `compute` while
    /// libcuda is indeed missing.
    pub fn compute_capability_missing(&self) -> bool {
        let Some(caps) = self.system.container_runtime.nvidia_driver_capabilities.as_deref() else {
            return false;
        };
        let listed = caps.split(',').map(str::trim).any(|c| c == "compute" || c == "all");
        self.container().is_some()
            && !listed
            && matches!(self.system.libraries.cuda, gpuwise_core::ProbeStatus::Unavailable { .. })
    }

    /// On a machine with different GPU models under CUDA's default `FASTEST_FIRST` order: every
    /// device in that order (as if `CUDA_VISIBLE_DEVICES` were unset), when it differs from
    /// nvidia-smi's or could only be predicted. `None` when the two numberings agree.
    pub fn order_surprise(&self) -> Option<(Vec<VisibleDevice>, bool)> {
        let mut models: Vec<&str> = self.devices().iter().map(|d| d.name.as_str()).filter(|n| !n.is_empty()).collect();
        models.sort_unstable();
        models.dedup();
        if models.len() < 2 || self.visibility.device_order == DeviceOrder::PciBusId {
            return None;
        }
        let unset = self.vars.with("CUDA_VISIBLE_DEVICES", None);
        let full = visibility::resolve(self.system, &unset);
        let differs = full.devices.windows(2).any(|w| w[0].nvml_index > w[1].nvml_index);
        (full.order_inferred || differs).then_some((full.devices, full.order_inferred))
    }

    /// The newest CUDA the driver supports, `(major, minor)`, from NVML or libcuda.
    pub fn driver_cuda(&self) -> Option<(u32, u32)> {
        let text = self.system.driver.as_ref().and_then(|d| d.cuda_version.as_deref());
        crate::compat::capability(text.or(self.system.libraries.cuda_driver_version.as_deref())?)
    }

    /// Paths of `/dev/nvidia*` nodes that exist.
    pub fn nvidia_nodes(&self) -> impl Iterator<Item = &gpuwise_core::DeviceNode> {
        self.system.device_nodes.iter().filter(|n| n.path.starts_with("/dev/nvidia"))
    }
}

/// The inputs of judging one Python environment.
#[derive(Debug, Clone, Copy)]
pub struct EnvContext<'a> {
    /// The machine under the variables this environment runs with (a kernel's env applied).
    pub machine: Context<'a>,
    /// Which GPUs a CUDA program in this environment can use, from the machine's findings.
    pub verdict: &'a Verdict,
    /// The environment.
    pub env: &'a Environment,
    /// The kernel that runs it, when judged for a kernel.
    pub kernel: Option<&'a Kernel>,
}

impl EnvContext<'_> {
    /// How findings name the environment.
    pub fn subject(&self) -> String {
        self.env.label()
    }

    /// True when the machine has an NVIDIA GPU or driver at all (a CPU-only build matters then).
    pub fn machine_has_nvidia(&self) -> bool {
        !self.machine.system.devices.is_empty() || self.machine.any_driver() || !self.machine.system.pci_gpus.is_empty()
    }

    /// The usable devices in CUDA order.
    pub fn usable_devices(&self) -> impl Iterator<Item = &Device> {
        usable(self.machine.system, self.verdict).into_iter()
    }
}

/// The inputs of judging one framework in one environment.
#[derive(Debug, Clone, Copy)]
pub struct FrameworkContext<'a> {
    /// The environment it is installed in.
    pub env: EnvContext<'a>,
    /// The framework.
    pub framework: &'a Framework,
}

impl FrameworkContext<'_> {
    /// How findings name it: `torch 2.5.1+cu124 in /opt/venv/bin/python`.
    pub fn subject(&self) -> String {
        format!("{} in {}", self.framework.label(), self.env.subject())
    }
}

/// The inputs of judging one Julia installation and CUDA.jl in it.
#[derive(Debug, Clone, Copy)]
pub struct JuliaContext<'a> {
    /// The machine under the variables Julia runs with.
    pub machine: Context<'a>,
    /// The GPUs usable there.
    pub verdict: &'a Verdict,
    /// The Julia environment.
    pub env: &'a JuliaEnvironment,
    /// The toolkit CUDA_Runtime_jll will pick, when CUDA.jl is loadable.
    pub choice: Option<&'a Choice>,
}

impl JuliaContext<'_> {
    /// How findings name it: `CUDA.jl 5.5.2 in julia 1.10.5`.
    pub fn subject(&self) -> String {
        match self.cuda_jl() {
            Some(cuda) => format!("{} in {}", cuda.label(), self.env.label()),
            None => self.env.label(),
        }
    }

    /// CUDA.jl, when `using CUDA` can load it.
    pub fn cuda_jl(&self) -> Option<&Framework> {
        self.env.frameworks.first()
    }

    /// The usable devices in CUDA order.
    pub fn usable_devices(&self) -> Vec<&Device> {
        usable(self.machine.system, self.verdict)
    }
}

/// The devices of `verdict`, in its (CUDA) order.
pub fn usable<'a>(system: &'a System, verdict: &Verdict) -> Vec<&'a Device> {
    verdict.usable.iter().filter_map(|uuid| system.devices.iter().find(|d| &d.uuid == uuid)).collect()
}

/// The inputs of judging one Jupyter kernel.
#[derive(Debug, Clone, Copy)]
pub struct KernelContext<'a> {
    /// The kernel.
    pub kernel: &'a Kernel,
    /// Why its kernel.json could not be used, when so.
    pub spec_problem: Option<&'a str>,
    /// Why the Python it runs could not be told from its spec, when so.
    pub interpreter_problem: Option<&'a str>,
    /// The module its argv runs with `python -m` (`ipykernel_launcher`), when its environment
    /// does not have it.
    pub missing_module: Option<&'a str>,
    /// Its environment, judged with its variables, when it has one.
    pub env: Option<&'a Environment>,
    /// The machine under the kernel's variables and the GPUs usable there.
    pub machine: Context<'a>,
    /// The GPUs usable in the kernel.
    pub verdict: &'a Verdict,
    /// The GPUs usable from the user's shell, to compare with.
    pub shell_verdict: &'a Verdict,
    /// The shell's own environment (first `python3` on `PATH`), when there is one.
    pub shell_env: Option<&'a Environment>,
}

/// How to give a container of this runtime the host's GPUs and driver libraries.
pub fn container_gpu_fix(container: &str) -> &'static str {
    match container {
        "kubernetes" => "request a GPU in the pod spec: `resources: {limits: {nvidia.com/gpu: 1}}`",
        "podman" => "run the container with `--device nvidia.com/gpu=all` (CDI, from the NVIDIA Container Toolkit)",
        "apptainer" => "run the container with `apptainer exec --nv ...` (or `singularity exec --nv ...`)",
        _ => "start the container with `docker run --gpus all ...` (the host needs the NVIDIA Container Toolkit)",
    }
}

/// Many machines' answers, for the fleet rules.
#[derive(Debug, Clone, Copy)]
pub struct FleetContext<'a> {
    /// Each node's report, or why it gave none.
    pub nodes: &'a [gpuwise_core::fleet::NodeAnswer],
}

impl<'a> FleetContext<'a> {
    /// The nodes that answered, with their reports.
    pub fn answered(&self) -> impl Iterator<Item = (&'a str, &'a gpuwise_core::Report)> + 'a {
        self.nodes.iter().filter_map(|n| n.report.as_ref().ok().map(|r| (n.name.as_str(), r)))
    }

    /// The GPU model most of a report's GPUs are (its first in a tie); `None` without GPUs.
    pub fn main_model(report: &gpuwise_core::Report) -> Option<&str> {
        let names: Vec<&str> = report.system.devices.iter().map(|d| d.name.as_str()).collect();
        let count = |name: &str| names.iter().filter(|n| **n == name).count();
        names.iter().copied().fold(None, |best, name| match best {
            Some(best) if count(best) >= count(name) => Some(best),
            _ => Some(name),
        })
    }

    /// Answered nodes grouped by their main GPU model, nodes without GPUs left out.
    pub fn by_model(&self) -> std::collections::BTreeMap<&'a str, Vec<(&'a str, &'a gpuwise_core::Report)>> {
        let mut groups: std::collections::BTreeMap<&str, Vec<(&str, &gpuwise_core::Report)>> = Default::default();
        for (name, report) in self.answered() {
            if let Some(model) = Self::main_model(report) {
                groups.entry(model).or_default().push((name, report));
            }
        }
        groups
    }
}
