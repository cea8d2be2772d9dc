//! What to install so a framework uses this machine's GPUs: the concrete command a fix names,
//! chosen for this driver and these GPUs, and keeping what already runs.

use gpuwise_core::{Component, Device, Framework, FrameworkName, parse_version};

use crate::FrameworkContext;
use crate::compat::{self, Support, capability};
use crate::data::{TorchWheel, cuda_family, current_toolkits_target, toolkit_supports, torch_wheels};

/// The commands that install `distribution` into the environment of the interpreter `python`:
/// with that environment's pip, or with uv's (environments uv made have no pip of their own).
pub fn into_environment(python: &str, distribution: &str) -> String {
    let python = shlex::try_quote(python).map_or_else(|_| python.to_string(), |quoted| quoted.into_owned());
    format!("`{python} -m pip install {distribution}`, or `uv pip install --python {python} {distribution}`")
}

/// The CUDA toolkit TensorFlow's current wheels on PyPI are built with, whose PTX their kernels
/// generated at run time use (2.18 to 2.21: build_info's cuda_version 12.5.1, tensorflow.org
/// tested build configurations; 2.21.0 read in validation/real-wheels).
const TENSORFLOW_WHEELS_TOOLKIT: &str = "12.5";

/// The build's CUDA as `(major, minor)`; the minor is `None` for "any X.y" builds (`cuda-12`).
pub fn build_cuda(framework: &Framework) -> Option<(u32, Option<u32>)> {
    let version = parse_version(framework.cuda()?)?;
    Some((*version.first()?, version.get(1).copied()))
}

/// The GPUs a fix must serve: the usable ones, or every GPU of the machine when none is usable
/// yet (a machine finding stands in the way, and the fix must still fit them).
fn gpus<'a>(ctx: &FrameworkContext<'a>) -> Vec<&'a Device> {
    let usable = crate::context::usable(ctx.env.machine.system, ctx.env.verdict);
    if usable.is_empty() { ctx.env.machine.system.devices.iter().collect() } else { usable }
}

/// True when the driver runs builds of CUDA `major`: it reports that major or newer and is at
/// least the major's minimum driver (minor-version compatibility). Unknown drivers run 12.
fn driver_runs(ctx: &FrameworkContext<'_>, major: u32) -> bool {
    let Some(driver) = ctx.env.machine.driver_cuda() else { return major == 12 };
    let version = ctx.env.machine.system.driver.as_ref().and_then(|d| parse_version(&d.version));
    let family_min = cuda_family(major).and_then(|f| parse_version(&f.min_driver));
    driver.0 >= major && (version.is_none() || family_min.is_none() || version >= family_min)
}

/// The CUDA majors each framework's current wheels exist for, newest first.
fn majors(framework: FrameworkName) -> &'static [u32] {
    match framework {
        FrameworkName::Cupy => &[13, 12, 11],
        FrameworkName::Tensorflow => &[12],
        _ => &[13, 12],
    }
}

/// The CUDA major a fix installs: the framework's own (12 or newer) when the driver and the GPUs
/// run it (a working CUDA 12 set-up is never moved to 13), else the newest both allow (13 needs compute
/// capability 7.5 or newer). `None` when the driver runs none of the framework's wheels.
fn cuda_major(ctx: &FrameworkContext<'_>) -> Option<u32> {
    let oldest = gpus(ctx).iter().filter_map(|d| capability(d.compute_capability.as_deref()?)).min();
    let offered = majors(ctx.framework.name);
    let allowed = |major: u32| {
        offered.contains(&major) && driver_runs(ctx, major) && (major < 13 || oldest.is_none_or(|cc| cc >= (7, 5)))
    };
    // Several CuPy wheels: the build read is whichever was installed last, not a set-up to keep.
    let several = other_cupy_wheels(ctx.framework).next().is_some();
    match build_cuda(ctx.framework) {
        Some((major, _)) if major >= 12 && !several && allowed(major) => Some(major),
        _ => offered.iter().copied().find(|m| allowed(*m)),
    }
}

/// The pip command that installs a CUDA build of the framework suited to this driver and these
/// GPUs; `None` when no current build runs on this driver (the fix is a newer driver).
pub fn cuda_build_command(ctx: &FrameworkContext<'_>) -> Option<String> {
    if ctx.framework.name == FrameworkName::Torch {
        return torch_wheel(ctx).map(TorchWheel::command);
    }
    let major = cuda_major(ctx)?;
    if ctx.framework.name == FrameworkName::Tensorflow && beyond_tensorflow_wheels(ctx).is_some() {
        return None;
    }
    Some(match ctx.framework.name {
        FrameworkName::Tensorflow => match ctx.framework.distribution.as_str() {
            "tensorflow" => "pip install 'tensorflow[and-cuda]'".into(),
            // tensorflow-cpu and tensorflow install the same package directory.
            other => format!("pip uninstall -y {other} && pip install 'tensorflow[and-cuda]'"),
        },
        FrameworkName::Jax => format!("pip install -U 'jax[cuda{major}]'"),
        FrameworkName::Cupy => cupy_command(ctx.framework, major),
        FrameworkName::Numba => format!("pip install 'numba-cuda[cu{major}]'"),
        other => format!("install a CUDA build of {other}"),
    })
}

/// [`cuda_build_command`], or what has to happen instead: a way round a GPU no TensorFlow wheel
/// runs on, else the driver upgrade that has to come first.
pub fn cuda_build_fix(ctx: &FrameworkContext<'_>) -> String {
    if let Some(command) = cuda_build_command(ctx) {
        return command;
    }
    if let Some(device) = beyond_tensorflow_wheels(ctx).filter(|_| ctx.framework.name == FrameworkName::Tensorflow) {
        return format!(
            "no TensorFlow wheel on PyPI runs on compute capability {} yet (their run-time kernels use CUDA \
             {TENSORFLOW_WHEELS_TOOLKIT}): use NVIDIA's TensorFlow container (nvcr.io/nvidia/tensorflow; tensorflow \
             issue 99592) or build TensorFlow from source with a CUDA toolkit that targets it",
            device.compute_capability.as_deref().unwrap_or("?")
        );
    }
    format!("upgrade the NVIDIA driver: no current build of {} runs on this one", ctx.framework.name)
}

/// A GPU too new for the toolkit of TensorFlow's current wheels: one current toolkits target
/// and that one does not (a GPU no current toolkit targets is too old, not too new).
fn beyond_tensorflow_wheels<'a>(ctx: &FrameworkContext<'a>) -> Option<&'a Device> {
    gpus(ctx).into_iter().find(|d| {
        d.compute_capability
            .as_deref()
            .is_some_and(|cc| current_toolkits_target(cc) && !toolkit_supports(TENSORFLOW_WHEELS_TOOLKIT, cc))
    })
}

/// The CuPy distributions installed besides the one a CuPy record was read from: each installs
/// the same `cupy` directory.
pub fn other_cupy_wheels(framework: &Framework) -> impl Iterator<Item = &Component> {
    framework.components.iter().filter(|c| c.name == "cupy" || c.name.starts_with("cupy-"))
}

/// CuPy of CUDA `major` with its toolkit wheels (the `[ctk]` extra). Other CuPy wheels go first,
/// with `-y`: their files overlap, and uninstalling one after another installed leaves the
/// survivor's files missing, so a wheel that stays must be reinstalled. cupy-cuda11x has no
/// `[ctk]` and links the CUDA 11 libraries by name (`libcublas.so.11`, found only on the library
/// path), so it needs a CUDA 11 toolkit installed beside it.
fn cupy_command(framework: &Framework, major: u32) -> String {
    let wanted = format!("cupy-cuda{major}x");
    let installed: Vec<&str> = std::iter::once(framework.distribution.as_str())
        .chain(other_cupy_wheels(framework).map(|c| c.name.as_str()))
        .collect();
    let install = if major >= 12 { format!("pip install '{wanted}[ctk]'") } else { format!("pip install {wanted}") };
    let command = match installed.as_slice() {
        [only] if *only == wanted && major < 12 => None,
        [only] if *only == wanted => Some(install),
        _ => Some(format!("pip uninstall -y {} && {install}", installed.join(" "))),
    };
    if major >= 12 {
        return command.unwrap_or_default();
    }
    let toolkit = format!(
        "a CUDA {major} toolkit whose libraries are on the library path ({wanted} brings none and has no [ctk] \
         extra; e.g. NVIDIA's cuda-toolkit-11-8 package)"
    );
    match command {
        Some(command) => format!("{command}, with {toolkit}"),
        None => format!("install {toolkit}"),
    }
}

/// The newest PyTorch wheel whose CUDA the driver runs and that has code for every GPU; when
/// none has, the one that serves the most of them.
pub fn torch_wheel(ctx: &FrameworkContext<'_>) -> Option<&'static TorchWheel> {
    let gpus = gpus(ctx);
    let served = |wheel: &TorchWheel| {
        let targets = compat::listed(&wheel.architectures, &wheel.source);
        gpus.iter().filter(|d| !matches!(compat::support(&targets, d), Some(Support::None(_)))).count()
    };
    let runnable: Vec<&'static TorchWheel> = torch_wheels()
        .iter()
        .filter(|w| parse_version(&w.cuda).and_then(|v| v.first().copied()).is_some_and(|m| driver_runs(ctx, m)))
        .collect();
    runnable
        .iter()
        .find(|w| served(w) == gpus.len())
        .or_else(|| runnable.iter().filter(|w| served(w) > 0).max_by_key(|w| served(w)))
        .copied()
}
