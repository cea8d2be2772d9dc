//! The estimate's chart: CPU and GPU time against size on log axes that always take in the
//! user's size and the break-even (each marked and labelled), the verdict at the user's size and
//! the break-even (or that there is none) written above the plot; as SVG, or as an HTML page
//! holding that SVG (for notebooks).

use std::path::Path;

use gpuwise_core::format_bytes;
use gpuwise_model::{Estimate, OpName};
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::axis::{LogAxis, Scale, duration, positive};
use crate::chart_error::{ChartError, drawing as draw};
use crate::estimate::{shape_text, verdict};
use crate::look::{
    self, AXIS, BLUE, Entry, FONT, GREY, GRID, GRID_LIGHT, INK, Look, Shape, VERMILLION, draw_legend, legend_rows,
};

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

/// Width and height of the chart, pixels.
const SIZE: (u32, u32) = (860, 600);
/// Height of the title and the two lines under it, pixels.
const HEADER: u32 = 92;
/// Share of the time axis kept free above the data for the marks' labels.
const HEADROOM: f64 = 0.16;
/// Where the plot (and the legend under it) starts from the left, pixels.
const PLOT_LEFT: i32 = 96;
/// Distance between the marks' label rows, pixels.
const LABEL_ROW: i32 = 20;

/// A vertical mark at a size, labelled at the top of the plot.
#[derive(Debug, Clone, PartialEq)]
struct Mark {
    size: f64,
    label: &'static str,
    look: Look,
}

/// What the chart shows, decided before anything is drawn.
#[derive(Debug, Clone, PartialEq)]
struct Layout {
    x: LogAxis,
    y: LogAxis,
    /// The user's size and the break-even, when the GPU starts to win at one.
    marks: Vec<Mark>,
    /// The curves: CPU and GPU time at each size.
    cpu: Vec<(f64, f64)>,
    gpu: Vec<(f64, f64)>,
    title: String,
    /// The verdict at the user's size; the break-even or why there is none.
    lines: [String; 2],
    x_title: &'static str,
    y_title: String,
    legend: Vec<Entry>,
}

/// The user's size: a dot on each curve.
const HERE: Look = Look { colour: INK, dashed: None, marker: Some((Shape::Circle, true)) };
/// The break-even: a dashed line.
const CROSSING: Look = Look { colour: GREY, dashed: Some(true), marker: None };

impl Layout {
    fn of(e: &Estimate) -> Result<Layout, ChartError> {
        if e.curve.is_empty() {
            return Err(ChartError::Empty("the estimate has no sizes"));
        }
        let here = e.operation.size();
        if !positive(here) {
            return Err(ChartError::NotPositive(format!("the size is {here} {}", e.operation.size_label())));
        }
        let yours = (here, e.cpu.seconds, e.gpu.total_seconds);
        for (size, cpu, gpu) in e.curve.iter().map(|p| (p.size, p.cpu_seconds, p.gpu_seconds)).chain([yours]) {
            if !(positive(size) && positive(cpu) && positive(gpu)) {
                let times = format!("CPU {cpu} s, GPU {gpu} s");
                return Err(ChartError::NotPositive(format!("at size {size} the times are {times}")));
            }
        }
        let crossing = e.break_even.as_ref().filter(|b| !b.always && positive(b.size));
        let mut marks = vec![Mark { size: here, label: "your size", look: HERE }];
        marks.extend(crossing.map(|b| Mark { size: b.size, label: "break-even", look: CROSSING }));
        let cpu: Vec<(f64, f64)> = e.curve.iter().map(|p| (p.size, p.cpu_seconds)).collect();
        let gpu: Vec<(f64, f64)> = e.curve.iter().map(|p| (p.size, p.gpu_seconds)).collect();
        let sizes = cpu.iter().map(|p| p.0).chain(marks.iter().map(|m| m.size));
        let x = LogAxis::spanning(sizes, Scale::of_size(e.op)).ok_or(ChartError::Empty("the estimate has no sizes"))?;
        let times = cpu.iter().chain(&gpu).map(|p| p.1).chain([e.cpu.seconds, e.gpu.total_seconds]);
        let y = LogAxis::spanning(times, Scale::Time).ok_or(ChartError::Empty("the estimate has no times"))?;
        let cpu_name = if e.cpu.name == "auto" { "this CPU" } else { e.cpu.name.as_str() };
        let at_your_size = format!(
            "At your size ({}): GPU {}, CPU {}, {}",
            size_text(e, &e.shape, e.flops),
            duration(e.gpu.total_seconds),
            duration(e.cpu.seconds),
            verdict(e)
        );
        let break_even = match &e.break_even {
            Some(b) if b.always => "No break-even: the GPU wins at every size".to_string(),
            Some(b) => format!("Break-even: the GPU starts to win at {}", size_text(e, &b.shape, b.flops)),
            None => "No break-even: the CPU wins at every size".to_string(),
        };
        let calls = match e.scenario.repeats {
            1 => "time per call".to_string(),
            n => format!("time for {n} calls"),
        };
        let gpu_side = if e.scenario.resident { "GPU, data resident" } else { "GPU incl. copies" };
        let mut legend = vec![
            Entry { look: Look::line(BLUE), label: format!("CPU: {}", e.cpu.display) },
            Entry { look: Look::line(VERMILLION), label: format!("{gpu_side}: {}", e.gpu.display) },
        ];
        legend.extend(marks.iter().map(|m| Entry { look: m.look, label: m.label.to_string() }));
        Ok(Layout {
            x,
            y: y.with_headroom(HEADROOM),
            marks,
            cpu,
            gpu,
            title: format!("{} {}: {} vs {cpu_name}", e.op, e.dtype, e.gpu.name),
            lines: [at_your_size, break_even],
            x_title: e.operation.size_label(),
            y_title: calls,
            legend,
        })
    }
}

/// A size of `e`'s operation in words: `matmul 1050x1050x1050`, `reduction 204087 elements`,
/// `custom 51k FLOPs, 398.4 KiB in, 398.4 KiB out` (whose shape is its bytes).
fn size_text(e: &Estimate, shape: &[u64], flops: f64) -> String {
    match (e.op, shape) {
        (OpName::Custom, &[bytes_in, bytes_out]) => {
            let (bytes_in, bytes_out) = (format_bytes(bytes_in), format_bytes(bytes_out));
            format!("custom {} FLOPs, {bytes_in} in, {bytes_out} out", Scale::Decimal.label(flops))
        }
        (OpName::Elementwise | OpName::Reduction, _) => format!("{} {} elements", e.op, shape_text(shape)),
        _ => format!("{} {}", e.op, shape_text(shape)),
    }
}

/// The chart as an SVG document.
pub fn svg(estimate: &Estimate) -> Result<String, ChartError> {
    let layout = Layout::of(estimate)?;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
        draw_chart(&root, &layout, estimate)?;
        root.present().map_err(draw)?;
    }
    Ok(text)
}

fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
    estimate: &Estimate,
) -> Result<(), ChartError> {
    root.fill(&WHITE).map_err(draw)?;
    let legend_height = legend_rows(&layout.legend, SIZE.0 - PLOT_LEFT as u32) * look::LEGEND_ROW + 8;
    let (header, rest) = root.split_vertically(HEADER);
    let (body, footer) = rest.split_vertically(SIZE.1.saturating_sub(HEADER + legend_height));
    let centred =
        |size: u32| TextStyle::from((FONT, size).into_font()).color(&INK).pos(Pos::new(HPos::Center, VPos::Top));
    let middle = (SIZE.0 / 2) as i32;
    header.draw(&Text::new(layout.title.as_str(), (middle, 12), centred(20))).map_err(draw)?;
    for (row, line) in layout.lines.iter().enumerate() {
        let y = 44 + 22 * row as i32;
        header.draw(&Text::new(line.as_str(), (middle, y), centred(15))).map_err(draw)?;
    }
    let mut chart = ChartBuilder::on(&body)
        .margin_left(12)
        .margin_right(30)
        .margin_top(4)
        .x_label_area_size(50)
        .y_label_area_size(PLOT_LEFT as u32 - 12)
        .build_cartesian_2d(layout.x.clone(), layout.y.clone())
        .map_err(draw)?;
    chart
        .configure_mesh()
        .x_desc(layout.x_title)
        .y_desc(layout.y_title.as_str())
        .label_style((FONT, 14).into_font().color(&INK))
        .axis_desc_style((FONT, 15).into_font().color(&INK))
        .bold_line_style(GRID)
        .light_line_style(GRID_LIGHT)
        .axis_style(AXIS)
        .draw()
        .map_err(draw)?;
    let top = layout.y.range().end;
    let bottom = layout.y.range().start;
    let ruler = ShapeStyle::from(&INK.mix(0.35)).stroke_width(1);
    for (row, mark) in layout.marks.iter().enumerate() {
        let line = [(mark.size, bottom), (mark.size, top)];
        match mark.look.dashed {
            Some(_) => mark.look.draw(&mut chart, &line)?,
            // A mark drawn as dots on the curves gets a thin ruler.
            None => chart.draw_series(LineSeries::new(line, ruler)).map(drop).map_err(draw)?,
        }
        let right = layout.x.fraction(mark.size) > 0.6;
        let (anchor, dx) = if right { (HPos::Right, -8) } else { (HPos::Left, 8) };
        let style = TextStyle::from((FONT, 14).into_font()).color(&INK).pos(Pos::new(anchor, VPos::Top));
        let dy = 6 + LABEL_ROW * (layout.marks.len() - 1 - row) as i32;
        let label = EmptyElement::at((mark.size, top)) + Text::new(mark.label, (dx, dy), style);
        chart.plotting_area().draw(&label).map_err(draw)?;
    }
    let here = estimate.operation.size();
    Look::line(BLUE).draw(&mut chart, &layout.cpu)?;
    Look::line(VERMILLION).draw(&mut chart, &layout.gpu)?;
    // The user's two times: larger than the legend's dot, ringed in white to stand off the curves.
    for time in [estimate.cpu.seconds, estimate.gpu.total_seconds] {
        let dot = EmptyElement::at((here, time))
            + Circle::new((0, 0), 8, WHITE.filled())
            + Circle::new((0, 0), 6, INK.filled());
        chart.plotting_area().draw(&dot).map_err(draw)?;
    }
    draw_legend(&footer, &layout.legend, PLOT_LEFT)
}

/// An HTML page holding the SVG and the estimate's headline.
fn html(estimate: &Estimate, svg: &str) -> String {
    let headline = format!(
        "{} {} {}: {} ({}), GPU {} vs CPU {}",
        estimate.op,
        shape_text(&estimate.shape),
        estimate.dtype,
        verdict(estimate),
        estimate.band.describe(),
        duration(estimate.gpu.total_seconds),
        duration(estimate.cpu.seconds)
    );
    let escaped = headline.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>gpuwise estimate</title></head>\n<body style=\"font-family: sans-serif\">\n<p>{escaped}</p>\n{svg}\n</body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart_cases::{estimates, has_exponent, texts};

    #[test]
    fn the_size_axis_takes_in_the_size_and_the_break_even_whatever_the_case() {
        for (name, e) in estimates() {
            let layout = Layout::of(&e).unwrap_or_else(|err| panic!("{name}: {err}"));
            let crossing = e.break_even.as_ref().filter(|b| !b.always);
            let wanted = [Some(e.operation.size()), crossing.map(|b| b.size)];
            for size in wanted.into_iter().flatten() {
                let at = layout.x.fraction(size);
                assert!((0.01..=0.99).contains(&at), "{name}: size {size} lies at {at:.3} of the axis");
            }
            assert_eq!(layout.marks.len(), 1 + usize::from(crossing.is_some()), "{name}");
            for time in [e.cpu.seconds, e.gpu.total_seconds] {
                let at = layout.y.fraction(time);
                assert!(at > 0.0 && at < 1.0 - HEADROOM, "{name}: {time} s lies at {at:.3}, under the marks' labels");
            }
        }
    }

    #[test]
    fn the_chart_names_its_marks_and_writes_numbers_as_people_read_them() {
        for (name, e) in estimates() {
            let layout = Layout::of(&e).unwrap();
            let texts = texts(&svg(&e).unwrap());
            let said = |wanted: &str| texts.iter().any(|t| t.text == wanted);
            let ticks = layout.x.ticks().iter().map(|&t| Scale::of_size(e.op).label(t));
            for tick in ticks.chain(layout.y.ticks().iter().map(|&t| Scale::Time.label(t))) {
                assert!(said(&tick), "{name}: the tick {tick} is drawn");
            }
            assert!(layout.x.ticks().len() >= 3 && layout.y.ticks().len() >= 3, "{name}: {layout:?}");
            assert!(texts.iter().all(|t| !has_exponent(&t.text)), "{name}: {texts:?}");
            let upwards: Vec<&str> = texts.iter().filter(|t| t.rotated).map(|t| t.text.as_str()).collect();
            assert_eq!(upwards, [layout.y_title.as_str()], "{name}: one title on the time axis");
            assert!(said("your size") && said(&layout.lines[0]) && said(&layout.lines[1]), "{name}");
            let crossing = e.break_even.as_ref().is_some_and(|b| !b.always);
            assert_eq!(said("break-even"), crossing, "{name}: the break-even is marked when there is one");
            let plot_bottom =
                (SIZE.1 - legend_rows(&layout.legend, SIZE.0 - PLOT_LEFT as u32) * look::LEGEND_ROW) as f64;
            for entry in &layout.legend {
                let legend = texts.iter().filter(|t| t.text == entry.label).map(|t| t.y).fold(0f64, f64::max);
                assert!(legend > plot_bottom - 12.0, "{name}: {} is in the strip under the plot", entry.label);
            }
        }
    }

    #[test]
    fn the_chart_says_where_the_gpu_starts_to_win_or_that_one_side_always_wins() {
        let case = |name: &str| estimates().into_iter().find(|(n, _)| *n == name).expect("a case").1;
        let lines = |e: &Estimate| Layout::of(e).unwrap().lines[1].clone();
        assert_eq!(lines(&case("conv2d-f16-gpu-always-wins")), "No break-even: the GPU wins at every size");
        assert_eq!(lines(&case("elementwise-f32-cpu-always-wins")), "No break-even: the CPU wins at every size");
        let matmul = case("matmul-f32-4096");
        let shape = shape_text(&matmul.break_even.as_ref().unwrap().shape);
        assert_eq!(lines(&matmul), format!("Break-even: the GPU starts to win at matmul {shape}"));
        let reduction = case("reduction-resident-tiny");
        let elements = reduction.break_even.as_ref().unwrap().shape[0];
        assert_eq!(lines(&reduction), format!("Break-even: the GPU starts to win at reduction {elements} elements"));
        let custom = lines(&case("custom-one-flop"));
        assert!(
            custom.contains("at custom ") && custom.contains(" FLOPs, ") && custom.ends_with(" KiB out"),
            "{custom}"
        );
    }

    #[test]
    fn odd_estimates_are_errors_that_say_why() {
        let (_, e) = estimates().swap_remove(0);
        let mut empty = e.clone();
        empty.curve.clear();
        assert_eq!(svg(&empty), Err(ChartError::Empty("the estimate has no sizes")));
        let mut broken = e.clone();
        broken.curve[3].gpu_seconds = f64::NAN;
        let err = svg(&broken).unwrap_err().to_string();
        assert!(err.starts_with("cannot chart on logarithmic axes: at size") && err.contains("NaN"), "{err}");
        let none = gpuwise_model::Extras { custom: Some((0.0, 8, 8)), ..Default::default() };
        let operation = gpuwise_model::Operation::parse("custom", &[], &none).unwrap();
        let (gpu, cpu) = (gpuwise_model::gpu("h100-sxm").unwrap(), gpuwise_model::cpu("epyc-9654").unwrap());
        let zero = gpuwise_model::estimate(&operation, e.dtype, gpu, cpu, e.scenario).unwrap();
        let err = chart(&zero, ChartFormat::Html).unwrap_err().to_string();
        assert_eq!(err, "cannot chart on logarithmic axes: the size is 0 FLOPs");
    }

    #[test]
    fn the_html_page_holds_the_svg_and_the_headline() {
        let (_, e) = estimates().swap_remove(0);
        let page = chart(&e, ChartFormat::Html).unwrap();
        assert!(page.starts_with("<!doctype html>") && page.contains(&svg(&e).unwrap()));
        assert!(page.contains("<p>matmul 4096x4096x4096 f32: 2.5x faster on the GPU"), "{page}");
        assert_eq!(ChartFormat::of_path(Path::new("a.HTM")), Some(ChartFormat::Html));
        assert_eq!(ChartFormat::of_path(Path::new("a.png")), None);
    }
}
