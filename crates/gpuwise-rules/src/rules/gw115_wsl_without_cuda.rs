//! GW115: WSL2 without a usable libcuda.

use gpuwise_core::{Finding, Severity};

use crate::{Check, Context, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GW115",
    title: "WSL2 without the Windows NVIDIA driver's CUDA library",
    severity: Severity::Error,
    explain: "\
# GW115: WSL2 without the Windows NVIDIA driver's CUDA library

## What it means
Under WSL2 the GPU driver lives in Windows: it exposes `/dev/dxg` and places `libcuda.so.1` in
`/usr/lib/wsl/lib`. There is no Linux kernel module. When libcuda cannot be loaded, either the
Windows driver is too old or missing, or a Linux driver package installed inside WSL has replaced
the library, or `/usr/lib/wsl/lib` is not on the loader path.

## Fix
Install a current NVIDIA driver on Windows (not inside WSL), remove any Linux `nvidia-driver-*`
packages installed in the distribution, check `ls /usr/lib/wsl/lib/libcuda.so*`, and restart WSL
(`wsl --shutdown`).

## Source
NVIDIA CUDA on WSL User Guide.
",
    check: Check::System(check),
};

fn check(ctx: &Context<'_>) -> Vec<Finding> {
    if !ctx.system.os.wsl || ctx.system.libraries.cuda.is_available() {
        return Vec::new();
    }
    let dxg = if ctx.system.device_node("/dev/dxg").is_some() { "/dev/dxg is present" } else { "/dev/dxg is missing" };
    vec![RULE.finding(
        "libcuda.so.1",
        "WSL2 cannot reach the GPU: libcuda.so.1 from the Windows driver is not usable",
        format!("WSL2 ({dxg}); libcuda.so.1: {}", ctx.system.libraries.cuda.describe()),
        "install a current NVIDIA driver on Windows, remove Linux nvidia-driver packages inside WSL, check /usr/lib/wsl/lib, then `wsl --shutdown`",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use gpuwise_core::System;

    #[test]
    fn fires_under_wsl_only() {
        let mut system = System::default();
        assert!(run(&RULE, &system, &cvd(None)).is_empty());
        system.os.wsl = true;
        assert_eq!(codes(&RULE, &system, &cvd(None)), ["GW115"]);
    }
}
