//! The estimate's chart: CPU and GPU time against size on log axes, the break-even size and the
//! user's own size marked; as SVG, or as an HTML page holding that SVG (for notebooks).

use std::path::Path;

use gpuwise_model::Estimate;
use plotters::prelude::*;

use crate::chart_error::{ChartError, drawing as draw};
use crate::estimate::{fmt_seconds, shape_text};

/// The documents a chart is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    /// An SVG document.
    Svg,
    /// An HTML page holding the SVG (for notebooks and browsers).
    Html,
}

impl ChartFormat {
    /// The format a file name asks for by its extension (`.svg`, `.html`, `.htm`), if any.
    pub fn of_path(path: &Path) -> Option<ChartFormat> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match extension.as_str() {
            "svg" => Some(ChartFormat::Svg),
            "html" | "htm" => Some(ChartFormat::Html),
            _ => None,
        }
    }
}

/// The chart as a document of `format`.
pub fn chart(estimate: &Estimate, format: ChartFormat) -> Result<String, ChartError> {
    let svg = svg(estimate)?;
    Ok(match format {
        ChartFormat::Svg => svg,
        ChartFormat::Html => html(estimate, &svg),
    })
}

/// The chart as an SVG document.
pub fn svg(estimate: &Estimate) -> Result<String, ChartError> {
    let points = &estimate.curve;
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Err(ChartError::Empty("the estimate has no sizes"));
    };
    let all = points.iter().flat_map(|p| [p.cpu_seconds, p.gpu_seconds]);
    let (low, high) = all.fold((f64::MAX, 0f64), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let cpu = if estimate.cpu.name == "auto" { "this CPU" } else { estimate.cpu.name.as_str() };
    let title = format!("{} {} — {} vs {cpu}", estimate.op, estimate.dtype, estimate.gpu.name);
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, (820, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(draw)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d((first.size..last.size).log_scale(), (low / 1.5..high * 1.5).log_scale())
            .map_err(draw)?;
        chart
            .configure_mesh()
            .x_desc(estimate.operation.size_label())
            .y_desc("time")
            .x_label_formatter(&|x| format!("{x:.0e}"))
            .y_label_formatter(&|y| fmt_seconds(*y))
            .draw()
            .map_err(draw)?;
        let cpu_colour = RGBColor(31, 119, 180);
        let gpu_colour = RGBColor(255, 127, 14);
        chart
            .draw_series(LineSeries::new(points.iter().map(|p| (p.size, p.cpu_seconds)), cpu_colour.stroke_width(2)))
            .map_err(draw)?
            .label(format!("CPU: {}", estimate.cpu.display))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], cpu_colour.stroke_width(2)));
        chart
            .draw_series(LineSeries::new(points.iter().map(|p| (p.size, p.gpu_seconds)), gpu_colour.stroke_width(2)))
            .map_err(draw)?
            .label(format!("GPU incl. transfers: {}", estimate.gpu.display))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], gpu_colour.stroke_width(2)));
        if let Some(be) = estimate.break_even.as_ref().filter(|b| !b.always) {
            chart
                .draw_series(LineSeries::new([(be.size, low / 1.5), (be.size, high * 1.5)], BLACK.mix(0.5)))
                .map_err(draw)?
                .label(format!("break-even: {}", shape_text(&be.shape)))
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.5)));
        }
        let here = estimate.operation.size();
        chart
            .draw_series([
                Circle::new((here, estimate.cpu.seconds), 5, cpu_colour.filled()),
                Circle::new((here, estimate.gpu.total_seconds), 5, gpu_colour.filled()),
            ])
            .map_err(draw)?
            .label(format!("your size: {}", shape_text(&estimate.shape)))
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, BLACK.filled()));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .border_style(BLACK.mix(0.3))
            .background_style(WHITE.mix(0.9))
            .draw()
            .map_err(draw)?;
        root.present().map_err(draw)?;
    }
    Ok(text)
}

/// An HTML page holding the SVG and the estimate's headline.
fn html(estimate: &Estimate, svg: &str) -> String {
    let headline = format!(
        "{} {} {}: {:.2}x on the GPU ({}), GPU {} vs CPU {}",
        estimate.op,
        shape_text(&estimate.shape),
        estimate.dtype,
        estimate.speedup,
        estimate.band.describe(),
        fmt_seconds(estimate.gpu.total_seconds),
        fmt_seconds(estimate.cpu.seconds)
    );
    let escaped = headline.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>gpuwise estimate</title></head>\n<body style=\"font-family: sans-serif\">\n<p>{escaped}</p>\n{svg}\n</body></html>\n"
    )
}
