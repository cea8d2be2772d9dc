//! gpuwise's views. Each takes the same [`gpuwise_core::Report`] (or a
//! [`gpuwise_model::Estimate`], or a [`gpuwise_core::fleet::FleetReport`]) and returns text; the binary
//! decides where it goes (and whether colour survives: terminal output is written through a
//! stream that strips styling for pipes and `NO_COLOR`).

mod ansi;
mod axis;
mod bench;
mod bench_chart;
mod bench_notes;
mod chart;
#[cfg(test)]
mod chart_cases;
mod chart_error;
mod describe;
mod estimate;
mod fleet;
mod fleet_html;
mod fleet_terminal;
mod frameworks;
mod html;
mod json;
mod kernels;
mod look;
mod markdown;
#[cfg(test)]
mod pictures;
mod requirement;
mod terminal;
mod verification;

pub use bench::{bench_json, bench_terminal};
pub use bench_chart::bench_svg;
pub use bench_notes::{bench_busy, bench_interference_warning, bench_plan};
pub use chart::{ChartFormat, chart, svg};
pub use chart_error::ChartError;
pub use describe::{Headline, cuda_cell, facts, headline, memory_cell, pcie_cell};
pub use estimate::{
    band_text, bound_text, break_even_text, estimate_json, estimate_terminal, fmt_seconds, fmt_speedup, gpu_list,
    gpu_list_json, memory_text, seed_inputs_text, seed_rows, shape_text, transfer_text, verdict,
};
pub use fleet::{fleet_json, fleet_markdown};
pub use fleet_html::{fleet_html, fleet_html_fragment};
pub use fleet_terminal::fleet_terminal;
pub use frameworks::{FrameworkLine, framework_lines};
pub use html::{bench_html, estimate_html, html};
pub use json::json;
pub use kernels::kernel_list;
pub use markdown::markdown;
pub use requirement::{Requirement, framework_findings, requirement};
pub use terminal::terminal;
pub use verification::{verification, verification_json};
