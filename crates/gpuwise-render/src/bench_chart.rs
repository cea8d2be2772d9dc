//! A bench run's chart: a panel per operation and dtype (and one for host-device copies) with
//! time per call against the operation's size on log axes; each side measured (solid line,
//! filled markers) beside what the estimate predicted for it (dashed, hollow), the GPU also with
//! its copies included, and the measured break-even; one time-axis title for all panels and one
//! legend beneath them.

use gpuwise_bench_results::comparison;
use gpuwise_bench_results::report::{Backend, BenchReport, MachineOp, Measured, Measurement, Variant};
use gpuwise_model::OpName;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::axis::{LogAxis, Scale, positive};
use crate::chart_error::{ChartError, drawing as draw};
use crate::look::{
    self, AXIS, BLUE, Entry, FONT, GREEN, GREY, GRID, GRID_LIGHT, INK, Look, PURPLE, Shape, VERMILLION, draw_legend,
    legend_rows,
};

/// What a series of a panel shows.
#[derive(Debug, Clone, PartialEq)]
struct Series {
    look: Look,
    /// Its legend label.
    label: String,
    /// Transforms per FFT call: series of different batches are not joined.
    batch: u64,
    points: Vec<(f64, f64)>,
}

/// One panel: an operation in one dtype, or the copies.
#[derive(Debug, Clone, PartialEq)]
struct Panel {
    title: String,
    x_title: &'static str,
    scale: Scale,
    series: Vec<Series>,
    /// Sizes where the GPU, copies included, started to win.
    break_even: Vec<f64>,
}

impl Panel {
    fn add(&mut self, look: Look, label: &str, batch: u64, point: (f64, f64)) {
        if !(positive(point.0) && positive(point.1)) {
            return;
        }
        match self.series.iter_mut().find(|s| s.label == label && s.batch == batch) {
            Some(series) => series.points.push(point),
            None => self.series.push(Series { look, label: label.into(), batch, points: vec![point] }),
        }
    }

    /// The sizes measured in batches of more than one call's worth (FFTs), with the batch.
    fn batches(&self) -> Vec<(f64, u64)> {
        let mut batches: Vec<(f64, u64)> = Vec::new();
        for s in self.series.iter().filter(|s| s.batch > 1) {
            for &(size, _) in &s.points {
                if !batches.contains(&(size, s.batch)) {
                    batches.push((size, s.batch));
                }
            }
        }
        batches
    }

    /// The size axis's title, saying what the batch labels mean where there are some.
    fn x_title(&self) -> String {
        if self.batches().is_empty() { self.x_title.to_string() } else { format!("{} (×N: N per call)", self.x_title) }
    }

    fn x_axis(&self) -> Option<LogAxis> {
        let sizes = self.series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
        LogAxis::spanning(sizes.chain(self.break_even.iter().copied()), self.scale)
            .map(|axis| axis.at_most(PANEL_TICKS))
    }

    fn y_axis(&self) -> Option<LogAxis> {
        LogAxis::spanning(self.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)), Scale::Time)
            .map(|axis| axis.with_headroom(if self.batches().is_empty() { 0.04 } else { 0.12 }).at_most(PANEL_TICKS))
    }
}

/// Most labelled ticks on a panel's axes (they are short).
const PANEL_TICKS: usize = 6;

const CPU_MEASURED: Look = Look { colour: BLUE, dashed: Some(false), marker: Some((Shape::Circle, true)) };
const CPU_ESTIMATED: Look = Look { colour: BLUE, dashed: Some(true), marker: Some((Shape::Circle, false)) };
const GPU_MEASURED: Look = Look { colour: VERMILLION, dashed: Some(false), marker: Some((Shape::Triangle, true)) };
const GPU_ESTIMATED: Look = Look { colour: VERMILLION, dashed: Some(true), marker: Some((Shape::Triangle, false)) };
const GPU_WITH_COPIES: Look = Look { colour: GREEN, dashed: Some(false), marker: Some((Shape::Square, true)) };
const BREAK_EVEN: Look = Look { colour: GREY, dashed: Some(true), marker: None };
const BREAK_EVEN_LABEL: &str = "measured break-even (GPU incl. copies)";

/// The index of the panel called `title`, added (for `op`, or the copies when `None`) if new.
fn panel(panels: &mut Vec<Panel>, title: String, op: Option<OpName>) -> usize {
    if let Some(i) = panels.iter().position(|p| p.title == title) {
        return i;
    }
    let (x_title, scale) = match op {
        Some(op) => (op.size_label(), Scale::of_size(op)),
        None => ("bytes per copy", Scale::Binary),
    };
    panels.push(Panel { title, x_title, scale, series: Vec::new(), break_even: Vec::new() });
    panels.len() - 1
}

/// The panels of `report`, in the order it measured them, the copies last.
fn panels(report: &BenchReport) -> Vec<Panel> {
    let mut panels: Vec<Panel> = Vec::new();
    let mut copies = Vec::new();
    for m in &report.results {
        let op = match m.op {
            Measured::Operation(op) => op,
            Measured::Machine(MachineOp::Launch) => continue,
            Measured::Machine(op) => {
                copies.push((op, m));
                continue;
            }
        };
        let i = panel(&mut panels, title_of(report, m, op), Some(op));
        let p = &mut panels[i];
        let (measured, estimated, side) = match m.backend {
            Backend::Cpu => (CPU_MEASURED, CPU_ESTIMATED, "CPU"),
            Backend::Cuda => (GPU_MEASURED, GPU_ESTIMATED, "GPU, data resident"),
        };
        p.add(measured, &format!("{side}: measured"), m.batch, (m.size, m.seconds));
        if let Some(predicted) = m.predicted_seconds {
            p.add(estimated, &format!("{side}: estimated"), m.batch, (m.size, predicted));
        }
    }
    for row in comparison::rows(report) {
        let (Measured::Operation(op), Some(total)) = (row.cpu.op, row.gpu_total()) else { continue };
        let i = panel(&mut panels, title_of(report, row.cpu, op), Some(op));
        panels[i].add(GPU_WITH_COPIES, "GPU incl. copies: measured", row.cpu.batch, (row.cpu.size, total));
    }
    for b in &report.break_even {
        let (Measured::Operation(op), Some(size), false) = (b.op, b.size, b.below_smallest) else { continue };
        let measured = report.results.iter().find(|m| m.op == b.op && m.dtype == b.dtype);
        let title = measured.map_or_else(|| format!("{op} {}", b.dtype), |m| title_of(report, m, op));
        if let Some(p) = panels.iter_mut().find(|p| p.title == title) {
            p.break_even.push(size);
        }
    }
    for (op, m) in copies {
        let i = panel(&mut panels, "copies".into(), None);
        panels[i].add(copy_look(op, m.variant), &copy_label(op, m.variant), 1, (m.size, m.seconds));
    }
    panels.retain(|p| !p.series.is_empty());
    for p in &mut panels {
        for s in &mut p.series {
            s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
    }
    panels
}

/// `matmul f32`, and `(CPU in f32)` when the CPU computed a half type in f32.
fn title_of(report: &BenchReport, m: &Measurement, op: OpName) -> String {
    let cpu = report.results.iter().find(|r| r.backend == Backend::Cpu && r.op == m.op && r.dtype == m.dtype);
    match cpu.and_then(|r| r.computed_in) {
        Some(dtype) => format!("{op} {} (CPU in {dtype})", m.dtype),
        None => format!("{op} {}", m.dtype),
    }
}

/// A copy's look, all measured (solid, filled): a colour per direction, none of the operations'
/// colours; a circle from pinned memory, a triangle from pageable memory, a square on the device.
fn copy_look(op: MachineOp, variant: Option<Variant>) -> Look {
    let colour = match op {
        MachineOp::H2d => PURPLE,
        MachineOp::D2h => INK,
        MachineOp::D2d | MachineOp::Launch => GREY,
    };
    let shape = match variant {
        Some(Variant::Pageable) => Shape::Triangle,
        Some(Variant::Pinned | Variant::Queued | Variant::Synchronized) => Shape::Circle,
        None => Shape::Square,
    };
    Look { colour, dashed: Some(false), marker: Some((shape, true)) }
}

/// `host to device, pinned`.
fn copy_label(op: MachineOp, variant: Option<Variant>) -> String {
    let what = match op {
        MachineOp::H2d => "host to device",
        MachineOp::D2h => "device to host",
        MachineOp::D2d | MachineOp::Launch => "device to device",
    };
    variant.map_or_else(|| what.to_string(), |v| format!("{what}, {}", v.name()))
}

/// Columns and rows of `count` panels, and the width and height of each, pixels.
fn grid(count: usize) -> ((usize, usize), (u32, u32)) {
    let (columns, size) = match count {
        1 => (1, (780, 460)),
        2 | 4 => (2, (450, 320)),
        _ => (3, (390, 300)),
    };
    ((columns, count.div_ceil(columns)), size)
}

/// Height of the title and the line under it, pixels.
const HEADER: u32 = 70;
/// Width of the strip left of the panels that holds the time axis's title, pixels.
const Y_TITLE: u32 = 34;

/// Time against size for every operation and dtype measured (and the copies), a panel each, as
/// an SVG document.
pub fn bench_svg(report: &BenchReport) -> Result<String, ChartError> {
    let panels = panels(report);
    if panels.is_empty() {
        return Err(ChartError::Empty("no operation or copy was measured"));
    }
    let ((columns, rows), (width, height)) = grid(panels.len());
    let grid = (columns as u32 * width, rows as u32 * height);
    let legend = legend(&panels);
    let legend_height = legend_rows(&legend, grid.0) * look::LEGEND_ROW + 16;
    let size = (Y_TITLE + grid.0 + 16, HEADER + grid.1 + legend_height);
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw)?;
        let (header, rest) = root.split_vertically(HEADER);
        let (body, footer) = rest.split_vertically(grid.1);
        let (strip, body) = body.split_horizontally(Y_TITLE);
        let (cells, _) = body.split_horizontally(grid.0);
        draw_header(&header, report, size.0)?;
        let rotated = TextStyle::from((FONT, 16).into_font())
            .color(&INK)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Center));
        strip.draw(&Text::new("time per call", (Y_TITLE as i32 / 2, grid.1 as i32 / 2), rotated)).map_err(draw)?;
        for (panel, cell) in panels.iter().zip(cells.split_evenly((rows, columns))) {
            draw_panel(&cell, panel)?;
        }
        let (_, footer) = footer.split_horizontally(Y_TITLE);
        draw_legend(&footer, &legend, 0)?;
        root.present().map_err(draw)?;
    }
    Ok(text)
}

/// Every look the panels use, once, in the order they appear.
fn legend(panels: &[Panel]) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    for series in panels.iter().flat_map(|p| &p.series) {
        if !entries.iter().any(|e| e.label == series.label) {
            entries.push(Entry { look: series.look, label: series.label.clone() });
        }
    }
    if panels.iter().any(|p| !p.break_even.is_empty()) {
        entries.push(Entry { look: BREAK_EVEN, label: BREAK_EVEN_LABEL.into() });
    }
    entries
}

fn draw_header<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &BenchReport,
    width: u32,
) -> Result<(), ChartError> {
    let title = match &report.gpu {
        Some(g) => format!("Bench: {} vs {}", g.name, report.cpu),
        None => format!("Bench: {} (GPU skipped)", report.cpu),
    };
    let style =
        |size: u32| TextStyle::from((FONT, size).into_font()).color(&INK).pos(Pos::new(HPos::Center, VPos::Top));
    let middle = (width / 2) as i32;
    area.draw(&Text::new(title, (middle, 12), style(20))).map_err(draw)?;
    let line = "time per call against size: measured (solid, filled) and estimated (dashed, hollow)";
    area.draw(&Text::new(line, (middle, 42), style(14))).map_err(draw)
}

fn draw_panel<DB: DrawingBackend>(cell: &DrawingArea<DB, Shift>, panel: &Panel) -> Result<(), ChartError> {
    let (Some(x), Some(y)) = (panel.x_axis(), panel.y_axis()) else { return Ok(()) };
    let mut chart = ChartBuilder::on(cell)
        .caption(panel.title.as_str(), (FONT, 16).into_font().color(&INK))
        .margin(10)
        .x_label_area_size(44)
        .y_label_area_size(68)
        .build_cartesian_2d(x.clone(), y.clone())
        .map_err(draw)?;
    chart
        .configure_mesh()
        .x_desc(panel.x_title())
        .label_style((FONT, 13).into_font().color(&INK))
        .axis_desc_style((FONT, 14).into_font().color(&INK))
        .bold_line_style(GRID)
        .light_line_style(GRID_LIGHT)
        .axis_style(AXIS)
        .draw()
        .map_err(draw)?;
    let (bottom, top) = (y.range().start, y.range().end);
    for &size in &panel.break_even {
        BREAK_EVEN.draw(&mut chart, &[(size, bottom), (size, top)])?;
    }
    // Hollow (estimated) first, so that a measurement where the estimate was right sits inside it.
    let hollow_first = |s: &&Series| s.look.marker.is_some_and(|(_, filled)| filled);
    let mut series: Vec<&Series> = panel.series.iter().collect();
    series.sort_by_key(hollow_first);
    for s in series {
        s.look.draw(&mut chart, &s.points)?;
    }
    for (size, batch) in panel.batches() {
        let (anchor, dx) = match x.fraction(size) {
            f if f < 0.2 => (HPos::Left, -4),
            f if f > 0.8 => (HPos::Right, 4),
            _ => (HPos::Center, 0),
        };
        let style = TextStyle::from((FONT, 13).into_font()).color(&INK).pos(Pos::new(anchor, VPos::Top));
        let label = EmptyElement::at((size, top)) + Text::new(format!("×{batch}"), (dx, 4), style);
        chart.plotting_area().draw(&label).map_err(draw)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart_cases::{bench_runs, has_exponent, texts};
    use gpuwise_bench_results::sample::full_report as run;

    #[test]
    fn a_panel_per_operation_and_dtype_with_both_sides_measured_and_estimated() {
        let panels = panels(&run());
        let titles: Vec<&str> = panels.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["matmul f32", "elementwise f16 (CPU in f32)", "copies"]);
        let labels: Vec<&str> = panels[0].series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "CPU: measured",
                "CPU: estimated",
                "GPU, data resident: measured",
                "GPU, data resident: estimated",
                "GPU incl. copies: measured"
            ]
        );
        assert!(panels[0].series.iter().all(|s| s.points.len() == 2));
        assert_eq!(panels[0].break_even.len(), 1, "the GPU started to win between the two sizes");
        let copies = &panels[2].series[0];
        assert_eq!((copies.label.as_str(), copies.points.len()), ("host to device, pinned", 1));
    }

    #[test]
    fn every_run_has_one_time_title_readable_ticks_marked_points_and_the_legend_below() {
        for (name, run) in bench_runs() {
            let panels = panels(&run);
            let texts = texts(&bench_svg(&run).unwrap_or_else(|err| panic!("{name}: {err}")));
            let said = |wanted: &str| texts.iter().any(|t| t.text == wanted);
            let upwards: Vec<&str> = texts.iter().filter(|t| t.rotated).map(|t| t.text.as_str()).collect();
            assert_eq!(upwards, ["time per call"], "{name}");
            assert!(texts.iter().all(|t| !has_exponent(&t.text)), "{name}: {texts:?}");
            for panel in &panels {
                assert!(said(&panel.title), "{name}: {}", panel.title);
                let (x, y) = (panel.x_axis().unwrap(), panel.y_axis().unwrap());
                let ticks = x.ticks().iter().map(|&t| panel.scale.label(t));
                let ticks: Vec<String> = ticks.chain(y.ticks().iter().map(|&t| Scale::Time.label(t))).collect();
                assert!(ticks.iter().all(|t| said(t)), "{name}: {}: ticks {ticks:?}", panel.title);
                assert!(x.ticks().len() >= 3 && y.ticks().len() >= 3, "{name}: {}", panel.title);
                assert!(panel.series.iter().all(|s| s.look.marker.is_some()), "each measured size is a marker");
            }
            let ((_, rows), (_, height)) = grid(panels.len());
            let grid_bottom = f64::from(HEADER + rows as u32 * height);
            for entry in legend(&panels) {
                let y = texts.iter().filter(|t| t.text == entry.label).map(|t| t.y).fold(0.0, f64::max);
                assert!(y > grid_bottom, "{name}: {} is under the panels, not on them ({y})", entry.label);
            }
        }
    }

    #[test]
    fn nothing_with_a_size_is_nothing_to_chart() {
        let empty = BenchReport::new("quick", "cpu".into(), 1);
        assert_eq!(bench_svg(&empty), Err(ChartError::Empty("no operation or copy was measured")));
        let mut launches = run();
        launches.results.retain(|m| m.op == Measured::Machine(MachineOp::Launch));
        assert!(bench_svg(&launches).is_err());
        let mut zero = run();
        for m in &mut zero.results {
            (m.seconds, m.predicted_seconds, m.h2d_seconds, m.d2h_seconds) = (0.0, Some(f64::NAN), None, None);
        }
        assert!(bench_svg(&zero).is_err(), "times a log axis cannot show are left out");
    }
}
