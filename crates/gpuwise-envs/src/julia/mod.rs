//! Julia environments, read from files without starting Julia: the active project and load path
//! as Base computes them, the manifests' resolved versions, CUDA_Runtime_jll's toolkits and the
//! preferences that steer its choice (knowledge/frameworks.md "Julia CUDA.jl").

mod error;
mod load_path;

pub use error::{JuliaError, TomlError};
mod manifest;

pub use manifest::{read_manifest, read_project};
mod preferences;
mod runtime;
mod version;

use std::path::{Path, PathBuf};
use std::time::Duration;

use gpuwise_core::Variables;
use gpuwise_core::{
    Build, Component, CudaRuntime, Framework, FrameworkName, JuliaEnvironment, ProbeStatus, Source, Unmet, Unreadable,
};

use crate::libraries::LibrarySearch;
use load_path::{Layout, project_file};
use manifest::{Manifest, Project};

/// Packages reported when `using` can load them: GPU array packages and the deep-learning
/// libraries that move models onto them.
const GPU_PACKAGES: [&str; 9] =
    ["CUDA", "cuDNN", "Flux", "Lux", "LuxCUDA", "MLDataDevices", "AMDGPU", "Metal", "oneAPI"];

/// Dependencies of CUDA.jl reported as its components.
const CUDA_COMPONENTS: [&str; 4] = ["CUDA_Runtime_jll", "CUDA_Driver_jll", "GPUCompiler", "cuDNN"];

/// One Julia to read.
#[derive(Debug, Clone)]
pub struct JuliaRequest {
    /// The `julia` program.
    pub julia: PathBuf,
    /// The shell's, or a kernel's.
    pub source: Source,
    /// The value of its `--project` flag (`@.` for a bare `--project`), when it has one.
    pub project: Option<String>,
    /// The variables it starts with.
    pub vars: Variables,
}

/// The first `julia` on the `PATH` of `vars`.
pub fn current_julia(vars: &Variables) -> Option<PathBuf> {
    crate::find_program(vars, &["julia"])
}

/// True for a kernelspec that starts Julia (IJulia's, or any whose language is Julia).
pub fn is_julia_kernel(kernel: &gpuwise_core::Kernel) -> bool {
    let program = kernel.argv.first().map(|p| p.rsplit('/').next().unwrap_or(p)).unwrap_or("");
    kernel.language.eq_ignore_ascii_case("julia") || program.starts_with("julia")
}

/// The request for a Julia kernel started with `vars`: its argv[0] (a bare name looked up on
/// the kernel's `PATH`; left bare when not there, for reading to report) and `--project` flag.
pub fn kernel_request(kernel: &gpuwise_core::Kernel, vars: &Variables) -> JuliaRequest {
    let program = kernel.argv.first().map(String::as_str).unwrap_or("julia");
    let julia = match program.contains('/') {
        true => PathBuf::from(program),
        false => crate::find_program(vars, &[program]).unwrap_or_else(|| PathBuf::from(program)),
    };
    JuliaRequest {
        julia,
        source: Source::Kernel(kernel.name.clone()),
        project: project_argument(&kernel.argv),
        vars: vars.clone(),
    }
}

/// The `--project` value of a command line (`julia --project=@. kernel.jl`): `@.` for a bare
/// flag, as Julia reads it.
pub fn project_argument(argv: &[String]) -> Option<String> {
    argv.iter().skip(1).take_while(|a| !a.ends_with(".jl")).find_map(|arg| match arg.as_str() {
        "--project" => Some("@.".to_string()),
        _ => arg.strip_prefix("--project=").map(String::from),
    })
}

/// Reads one Julia's environments. `cwd` is where `@.` searches from; `root` prefixes system
/// library paths (`/`, or a directory in tests).
pub fn read(request: &JuliaRequest, cwd: &Path, root: &Path, timeout: Duration) -> JuliaEnvironment {
    let mut env = JuliaEnvironment {
        julia: request.julia.display().to_string(),
        source: request.source.clone(),
        ..JuliaEnvironment::default()
    };
    let (julia_version, from) = match version::julia_version(&request.julia, timeout) {
        Ok(found) => found,
        Err(reason) => {
            env.probe = ProbeStatus::Failed { error: reason.to_string() };
            return env;
        }
    };
    env.probe = ProbeStatus::Available { detail: from };
    env.version = Some(format!("{}.{}.{}", julia_version.0, julia_version.1, julia_version.2));
    let real = std::fs::canonicalize(&request.julia).unwrap_or_else(|_| request.julia.clone());
    let julia_root = real.parent().and_then(Path::parent);
    let layout = Layout::new(julia_version, julia_root, &request.vars, cwd);
    env.depots = layout.depots.iter().map(|d| d.display().to_string()).collect();
    let active = layout.active_project(request.project.as_deref(), &request.vars);
    if let Some((project, origin)) = &active {
        env.project = Some(project.display().to_string());
        env.project_origin = Some(origin.clone());
    }
    let load_path = layout.load_path(&request.vars, active.as_ref().map(|(p, _)| p.as_path()));
    env.load_path = load_path.iter().map(|p| p.display().to_string()).collect();

    let stack: Vec<Stacked> = load_path.iter().map(|path| Stacked::read(&layout, path, &mut env.unreadable)).collect();
    for name in GPU_PACKAGES {
        if let Some(layer) = stack.iter().find(|layer| layer.project.deps.contains_key(name)) {
            let version = layer.version(name).unwrap_or_default();
            env.packages.push(Component { name: name.into(), version });
        }
    }
    if let Some(layer) = stack.iter().find(|layer| layer.project.deps.contains_key("CUDA")) {
        env.manifest = layer.manifest_path.as_ref().map(|p| p.display().to_string());
        env.manifest_julia = layer.manifest.as_ref().and_then(|m| m.julia_version.clone());
        let (framework, runtime) = cuda_jl(layer, &stack, &layout, &request.vars, root);
        env.frameworks.push(framework);
        env.cuda_runtime = runtime;
    }
    env
}

/// One environment of the load path: its project and manifest.
struct Stacked {
    project_file: Option<PathBuf>,
    project: Project,
    manifest_path: Option<PathBuf>,
    manifest: Option<Manifest>,
}

impl Stacked {
    fn read(layout: &Layout, env: &Path, unreadable: &mut Vec<Unreadable>) -> Self {
        let mut note = |path: &Path, error: TomlError| {
            unreadable.push(Unreadable::new(path.display().to_string(), error.to_string()))
        };
        let project_file = project_file(env);
        let project = project_file
            .as_deref()
            .and_then(|file| manifest::read_project(file).map_err(|err| note(file, err)).ok())
            .unwrap_or_default();
        let manifest_path = layout.manifest(env, project.manifest.as_deref());
        let manifest = match (&manifest_path, project.deps.is_empty()) {
            (Some(path), false) => manifest::read_manifest(path).map_err(|err| note(path, err)).ok(),
            _ => None,
        };
        Stacked { project_file, project, manifest_path, manifest }
    }

    fn entry(&self, name: &str) -> Option<&manifest::Entry> {
        self.manifest.as_ref()?.entries.get(name)
    }

    fn version(&self, name: &str) -> Option<String> {
        self.entry(name)?.version.clone()
    }

    /// True when the environment knows the package (listed or resolved), so that its
    /// preferences apply to it.
    fn knows(&self, name: &str) -> bool {
        self.project.deps.contains_key(name) || self.entry(name).is_some()
    }
}

/// CUDA.jl as loaded from `layer`, and CUDA_Runtime_jll beside it.
fn cuda_jl(
    layer: &Stacked,
    stack: &[Stacked],
    layout: &Layout,
    vars: &Variables,
    root: &Path,
) -> (Framework, Option<CudaRuntime>) {
    let mut framework = Framework {
        name: FrameworkName::CudaJl,
        distribution: "CUDA".into(),
        version: layer.version("CUDA").unwrap_or_default(),
        build: Build::Cuda(None),
        path: layer.project_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        ..Framework::default()
    };
    let manifest_name = layer.manifest_path.as_ref().map_or("Manifest.toml".into(), |p| p.display().to_string());
    let Some(entry) = layer.entry("CUDA") else {
        framework.unmet.push(Unmet { requirement: format!("CUDA (not resolved in {manifest_name})"), installed: None });
        return (framework, None);
    };
    match runtime::package_dir(&layout.depots, "CUDA", entry) {
        Some(dir) => framework.path = dir.display().to_string(),
        None => framework.unmet.push(Unmet { requirement: requirement("CUDA", entry), installed: None }),
    }
    framework.components = CUDA_COMPONENTS
        .iter()
        .filter_map(|name| Some(Component { name: (*name).into(), version: layer.version(name)? }))
        .collect();
    let Some(jll) = layer.entry("CUDA_Runtime_jll") else { return (framework, None) };
    let mut runtime = CudaRuntime { version: jll.version.clone().unwrap_or_default(), ..CudaRuntime::default() };
    match runtime::package_dir(&layout.depots, "CUDA_Runtime_jll", jll) {
        None => framework.unmet.push(Unmet { requirement: requirement("CUDA_Runtime_jll", jll), installed: None }),
        Some(dir) => {
            runtime.path = Some(dir.display().to_string());
            match runtime::toolkits(&dir, &layout.depots, std::env::consts::ARCH) {
                Ok(toolkits) => {
                    runtime.downloaded = toolkits.iter().filter(|t| t.downloaded).map(|t| t.cuda.clone()).collect();
                    runtime.toolkits = toolkits.into_iter().map(|t| t.cuda).collect();
                }
                Err(error) => {
                    let requirement = format!("{} {error}", dir.join("Artifacts.toml").display());
                    framework.unmet.push(Unmet { requirement, installed: None });
                }
            }
        }
    }
    let prefs =
        preferences::collect(stack.iter().filter(|s| s.knows("CUDA_Runtime_jll")).filter_map(|s| {
            Some(preferences::Source { project_file: s.project_file.as_deref()?, project: &s.project })
        }));
    let (version_pref, local_pref) = preferences::runtime_choice(&prefs);
    runtime.version_preference = version_pref;
    if local_pref.as_ref().is_some_and(|p| preferences::truthy(&p.value)) {
        let search = LibrarySearch::new(&[], vars, root);
        runtime.local_runtime = ["libcudart.so", "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0"]
            .iter()
            .find_map(|name| search.find(name))
            .map(|p| std::fs::canonicalize(&p).unwrap_or(p).display().to_string());
    }
    runtime.local_preference = local_pref;
    (framework, Some(runtime))
}

/// `CUDA 5.5.2 (not installed in any depot)`.
fn requirement(name: &str, entry: &manifest::Entry) -> String {
    let version = entry.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
    format!("{name}{version} (not installed in any depot)")
}

#[cfg(test)]
mod tests;
