//! Short descriptions shared by the terminal and Markdown views.

use gpuwise_core::{Device, Report, Severity, System, format_bytes};

/// The one-line answer a report leads with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headline {
    /// True when at least one GPU is usable by CUDA programs started now.
    pub ok: bool,
    /// The sentence.
    pub text: String,
}

/// "2 GPUs ready for CUDA: ..." or "No usable NVIDIA GPU: <the worst error>".
pub fn headline(report: &Report) -> Headline {
    let usable = &report.verdict.usable;
    if !usable.is_empty() {
        let devices: Vec<_> =
            usable.iter().filter_map(|uuid| report.visibility.devices.iter().find(|d| &d.uuid == uuid)).collect();
        let all_same = devices.windows(2).all(|w| w[0].name == w[1].name);
        let names: Vec<String> = if devices.len() > 2 && all_same {
            vec![format!("{} x {}", devices.len(), devices[0].name)]
        } else {
            devices.iter().map(|d| format!("cuda:{} {}", d.cuda_index, d.name)).collect()
        };
        let driver = report.system.driver.as_ref().map_or(String::new(), |d| {
            format!(" (driver {}, CUDA {})", d.version, d.cuda_version.as_deref().unwrap_or("?"))
        });
        return Headline {
            ok: true,
            text: format!("{} GPU(s) ready for CUDA: {}{driver}", usable.len(), names.join(", ")),
        };
    }
    let reason = report
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .map_or_else(|| "no GPU is visible to CUDA".to_string(), |f| f.title.clone());
    Headline { ok: false, text: format!("No usable NVIDIA GPU: {reason}") }
}

/// The labelled machine facts both the terminal and Markdown views show, in order.
pub fn facts(report: &Report) -> [(&'static str, String); 5] {
    let system = &report.system;
    [
        ("System", os_line(system)),
        ("CPU", cpu_line(system)),
        ("Memory", memory_line(system)),
        ("Driver", driver_line(system)),
        ("Visibility", visibility_line(report)),
    ]
}

/// `Debian GNU/Linux 12 (bookworm), kernel 6.1.0, in docker`.
pub fn os_line(system: &System) -> String {
    let name = if system.os.name.is_empty() { "unknown OS" } else { &system.os.name };
    let mut line = name.to_string();
    if !system.os.kernel.is_empty() {
        line.push_str(&format!(", kernel {}", system.os.kernel));
    }
    if let Some(container) = &system.os.container {
        line.push_str(&format!(", in {container}"));
    }
    if system.os.wsl {
        line.push_str(", WSL2");
    }
    line
}

/// `AMD EPYC 7B13, 2 cores / 4 threads, avx2 fma, 2450 MHz`.
pub fn cpu_line(system: &System) -> String {
    let cpu = &system.cpu;
    let widest: Vec<&str> = cpu
        .simd
        .iter()
        .map(String::as_str)
        .filter(|f| ["avx2", "fma", "avx512f", "avx512bf16", "neon", "sve", "sve2"].contains(f))
        .collect();
    let mut line = if cpu.model.is_empty() { "unknown CPU".to_string() } else { cpu.model.clone() };
    // A count the probe could not read (0, in recordings from older versions) is left out.
    match (cpu.physical_cores, cpu.logical_cores) {
        (0, 0) => {}
        (0, threads) => line.push_str(&format!(", {threads} threads")),
        (cores, threads) if cores == threads => line.push_str(&format!(", {cores} cores")),
        (cores, threads) => line.push_str(&format!(", {cores} cores / {threads} threads")),
    }
    if !widest.is_empty() {
        line.push_str(&format!(", {}", widest.join(" ")));
    }
    if let Some(mhz) = cpu.frequency_mhz {
        line.push_str(&format!(", {mhz} MHz"));
    }
    line
}

/// `23.5 GiB`, or `unknown` when the snapshot did not record it.
pub fn memory_line(system: &System) -> String {
    if system.memory_bytes == 0 { "unknown".into() } else { format_bytes(system.memory_bytes) }
}

/// `NVIDIA 580.159.04, supports CUDA up to 13.0` or `none`.
pub fn driver_line(system: &System) -> String {
    match &system.driver {
        Some(driver) => {
            let mut line = format!(
                "NVIDIA {}, supports CUDA up to {}",
                driver.version,
                driver.cuda_version.as_deref().unwrap_or("?")
            );
            if let Some(module) = driver.kernel_module_version.as_deref().filter(|m| *m != driver.version) {
                line.push_str(&format!(" (kernel module {module})"));
            }
            line
        }
        None => "none".to_string(),
    }
}

/// `0.3 / 79.6 GiB`.
pub fn memory_cell(device: &Device) -> String {
    match (device.memory_used_bytes, device.memory_total_bytes) {
        (Some(used), Some(total)) => format!("{} / {}", format_bytes(used), format_bytes(total)),
        (None, Some(total)) => format_bytes(total),
        _ => "?".to_string(),
    }
}

/// `Gen5 x16` or `Gen1 x16 (max Gen5 x16)`.
pub fn pcie_cell(device: &Device) -> String {
    let Some(pcie) = device.pcie else {
        return "?".into();
    };
    let show = |v: Option<u32>| v.map_or("?".to_string(), |v| v.to_string());
    let now = format!("Gen{} x{}", show(pcie.generation), show(pcie.width));
    let max = format!("Gen{} x{}", show(pcie.max_generation), show(pcie.max_width));
    if now == max { now } else { format!("{now} (max {max})") }
}

/// The CUDA index this GPU gets in a process started now, as `cuda:N`, or `hidden`.
pub fn cuda_cell(report: &Report, device: &Device) -> String {
    let indices: Vec<String> = report
        .visibility
        .devices
        .iter()
        .filter(|v| v.nvml_index == device.index)
        .map(|v| format!("cuda:{}", v.cuda_index))
        .collect();
    if indices.is_empty() { "hidden".into() } else { indices.join(",") }
}

/// `CUDA_VISIBLE_DEVICES unset, order FASTEST_FIRST`.
pub fn visibility_line(report: &Report) -> String {
    let vis = &report.visibility;
    let cvd = match &vis.cuda_visible_devices {
        None => "CUDA_VISIBLE_DEVICES unset".to_string(),
        Some(value) => format!("CUDA_VISIBLE_DEVICES=`{value}`"),
    };
    format!(
        "{cvd}, order {}: {} of {} GPU(s) visible",
        vis.device_order,
        vis.visible.len(),
        report.system.devices.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(physical: u32, logical: u32) -> String {
        let mut system = System::default();
        system.cpu.model = "AMD EPYC 7B13".into();
        (system.cpu.physical_cores, system.cpu.logical_cores) = (physical, logical);
        cpu_line(&system)
    }

    #[test]
    fn core_counts_the_probe_could_not_read_are_left_out() {
        assert_eq!(line(2, 4), "AMD EPYC 7B13, 2 cores / 4 threads");
        assert_eq!(line(2, 2), "AMD EPYC 7B13, 2 cores");
        assert_eq!(line(0, 24), "AMD EPYC 7B13, 24 threads");
        assert_eq!(line(0, 0), "AMD EPYC 7B13");
    }
}
