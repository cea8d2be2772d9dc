//! GW111: libcuda loads but `cuInit` fails.

use gpuwise_core::{Finding, ProbeStatus, Severity};

use gpuwise_core::cuda_result as codes;

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW111",
    title: "The CUDA driver fails to initialise",
    severity: Severity::Error,
    explain: "\
# GW111: The CUDA driver fails to initialise

## What it means
`libcuda.so.1` loads but `cuInit` returns an error, so every framework fails the same way. The
code says why:
- 34 `CUDA_ERROR_STUB_LIBRARY`: the toolkit's link-time stub (`.../lib64/stubs/libcuda.so`) is on
  the library path ahead of the driver's libcuda.
- 100 `CUDA_ERROR_NO_DEVICE`: the driver sees no usable device (all hidden, or MIG enabled without
  instances, or the device nodes are missing).
- 804 `CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE`: a `cuda-compat` forward-compatibility libcuda is
  used on a GPU that does not support it (GeForce and most workstation parts).
- 999 `CUDA_ERROR_UNKNOWN`: most often after suspend/resume or with `nvidia_uvm` unloaded; PyTorch
  then says \"CUDA unknown error - this may be due to an incorrectly set up environment\".
(803, the version mismatch, is GW106.)

## Fix
34: remove the `stubs` directory from `LD_LIBRARY_PATH`. 804: remove the cuda-compat directory
from `LD_LIBRARY_PATH` (or upgrade the driver instead). 999: `sudo rmmod nvidia_uvm && sudo
modprobe nvidia_uvm`, or reboot. 100: see the visibility findings and `nvidia-smi`.

## Source
CUDA Driver API, error codes (`CUresult`); CUDA Compatibility guide (forward compatibility);
pytorch/pytorch#88639; DeepVAC/TorchPod#43.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let libs = &ctx.system.libraries;
    let ProbeStatus::Failed { error } = &libs.cuda else {
        return Vec::new();
    };
    // Without any NVIDIA device node, a device error's cause lies earlier (GW101, GW102, GW109);
    // a stub or incomplete library is a problem of its own wherever it is.
    let library_problem = matches!(libs.cuda_init_error_code, None | Some(codes::STUB_LIBRARY));
    if !library_problem && ctx.nvidia_nodes().next().is_none() && !ctx.system.os.wsl {
        return Vec::new();
    }
    let code = libs.cuda_init_error_code;
    let fix = match code {
        Some(codes::SYSTEM_DRIVER_MISMATCH) => return Vec::new(), // GW106
        Some(codes::STUB_LIBRARY) => {
            "remove the CUDA toolkit's `stubs` directory from LD_LIBRARY_PATH so the driver's libcuda.so.1 loads"
        }
        Some(codes::COMPAT_NOT_SUPPORTED_ON_DEVICE) => {
            "remove the cuda-compat directory from LD_LIBRARY_PATH (forward compatibility needs a data-center GPU), or upgrade the driver"
        }
        Some(codes::UNKNOWN) => {
            "reload the unified-memory module (`sudo rmmod nvidia_uvm && sudo modprobe nvidia_uvm`) or reboot; it often follows a suspend/resume"
        }
        Some(codes::NO_DEVICE) => {
            "the driver offers CUDA no device: check `nvidia-smi` for MIG mode without instances and for errors"
        }
        _ => {
            "check `nvidia-smi` and the kernel log (`sudo dmesg | grep -i nvrm`); reboot if the driver was just upgraded"
        }
    };
    vec![RULE.finding(
        "libcuda.so.1",
        "The CUDA driver fails to initialise: every framework will fall back to the CPU",
        error.clone(),
        fix,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn failing(code: i32) -> gpuwise_core::System {
        let mut system = healthy(1);
        system.libraries.cuda = ProbeStatus::Failed { error: format!("cuInit: ({code})") };
        system.libraries.cuda_init_error_code = Some(code);
        system
    }

    #[test]
    fn each_code_has_its_fix() {
        assert!(run(&RULE, &failing(34), &cvd(None))[0].fix.contains("stubs"));
        assert!(run(&RULE, &failing(804), &cvd(None))[0].fix.contains("cuda-compat"));
        assert!(run(&RULE, &failing(999), &cvd(None))[0].fix.contains("nvidia_uvm"));
        assert!(run(&RULE, &failing(803), &cvd(None)).is_empty());
        let mut no_nodes = failing(999);
        no_nodes.device_nodes.clear();
        assert!(run(&RULE, &no_nodes, &cvd(None)).is_empty(), "no device node: an earlier rule explains it");
        assert!(run(&RULE, &healthy(1), &cvd(None)).is_empty());
    }
}
