//! How chart series look, and the legend that names them: colours from Okabe and Ito's palette
//! (which colour-blind readers tell apart) in the shades that keep 3:1 contrast on white, solid
//! or dashed lines, filled or hollow markers of a shape per side; the legend drawn in a strip of
//! its own, beneath the plots, so that it never covers data.

use plotters::coord::CoordTranslate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::chart_error::{ChartError, drawing as draw};

/// Okabe and Ito's blue.
pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
/// Okabe and Ito's vermillion.
pub(crate) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// Okabe and Ito's bluish green.
pub(crate) const GREEN: RGBColor = RGBColor(0, 158, 115);
/// Okabe and Ito's reddish purple.
pub(crate) const PURPLE: RGBColor = RGBColor(204, 121, 167);
/// Text and marks.
pub(crate) const INK: RGBColor = RGBColor(34, 34, 34);
/// Reference marks (break-even lines).
pub(crate) const GREY: RGBColor = RGBColor(96, 96, 96);
/// The font every chart writes in.
pub(crate) const FONT: &str = "sans-serif";
/// Grid lines at labelled ticks.
pub(crate) const GRID: RGBColor = RGBColor(214, 214, 214);
/// Grid lines between labelled ticks.
pub(crate) const GRID_LIGHT: RGBColor = RGBColor(240, 240, 240);
/// The axes themselves.
pub(crate) const AXIS: RGBColor = RGBColor(120, 120, 120);

/// A marker's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A circle.
    Circle,
    /// A triangle, point up.
    Triangle,
    /// A square.
    Square,
}

/// How one series is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Look {
    /// Its colour.
    pub colour: RGBColor,
    /// A dashed line (else solid); `None`: markers only.
    pub dashed: Option<bool>,
    /// Its marker, and whether the marker is filled (else hollow).
    pub marker: Option<(Shape, bool)>,
}

/// Line width of series, pixels.
const LINE_WIDTH: u32 = 3;
/// Marker radius, pixels.
const MARKER: i32 = 4;

impl Look {
    /// A solid line without markers.
    pub(crate) fn line(colour: RGBColor) -> Look {
        Look { colour, dashed: Some(false), marker: None }
    }

    /// Draws `points` (data coordinates) on `chart`: the line through them, then a marker on each.
    pub(crate) fn draw<DB: DrawingBackend, X, Y>(
        self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
        points: &[(f64, f64)],
    ) -> Result<(), ChartError>
    where
        X: Ranged<ValueType = f64>,
        Y: Ranged<ValueType = f64>,
    {
        let style = self.colour.stroke_width(LINE_WIDTH);
        match self.dashed {
            Some(true) => chart.draw_series(DashedLineSeries::new(points.iter().copied(), 9, 6, style)).map(drop),
            Some(false) => chart.draw_series(LineSeries::new(points.iter().copied(), style)).map(drop),
            None => Ok(()),
        }
        .map_err(draw)?;
        points.iter().try_for_each(|&p| self.draw_marker(chart.plotting_area(), p))
    }

    /// Draws its marker (white inside when hollow) at `at` on `area`, if it has one.
    pub(crate) fn draw_marker<DB, CT>(self, area: &DrawingArea<DB, CT>, at: CT::From) -> Result<(), ChartError>
    where
        DB: DrawingBackend,
        CT: CoordTranslate,
        CT::From: Clone,
    {
        let Some((shape, filled)) = self.marker else { return Ok(()) };
        let fill = if filled { self.colour.filled() } else { WHITE.filled() };
        let edge = self.colour.stroke_width(2);
        // Hollow markers are larger: drawn first, they ring a filled one at the same place.
        let r = if filled { MARKER } else { MARKER + 3 };
        match shape {
            Shape::Circle => {
                area.draw(&(EmptyElement::at(at) + Circle::new((0, 0), r, fill) + Circle::new((0, 0), r, edge)))
            }
            Shape::Triangle => {
                let outline = vec![(0, -r - 1), (r + 1, r - 1), (-r - 1, r - 1), (0, -r - 1)];
                area.draw(
                    &(EmptyElement::at(at) + Polygon::new(outline.clone(), fill) + PathElement::new(outline, edge)),
                )
            }
            Shape::Square => {
                let corners = [(-r, -r), (r, r)];
                area.draw(&(EmptyElement::at(at) + Rectangle::new(corners, fill) + Rectangle::new(corners, edge)))
            }
        }
        .map_err(draw)
    }
}

/// One line of a legend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// How the series looks.
    pub look: Look,
    /// What it is.
    pub label: String,
}

/// Legend text size, pixels.
const LEGEND_FONT: u32 = 14;
/// Width of the sample line before each label, pixels.
const SWATCH: i32 = 32;
/// Height of one row of the legend, pixels.
pub(crate) const LEGEND_ROW: u32 = 22;

/// About how wide `text` is in the charts' font at `size` pixels (charts are drawn without
/// measuring fonts; this errs wide).
pub(crate) fn text_width(text: &str, size: u32) -> i32 {
    (text.chars().count() as f64 * f64::from(size) * 0.56).ceil() as i32
}

/// Rows the legend of `entries` needs in `width` pixels.
pub(crate) fn legend_rows(entries: &[Entry], width: u32) -> u32 {
    layout(entries, width).last().map_or(0, |&(_, row)| row + 1)
}

/// Where each entry goes: its left edge and its row, entries placed left to right, wrapped.
fn layout(entries: &[Entry], width: u32) -> Vec<(i32, u32)> {
    let (mut x, mut row) = (0, 0);
    let mut placed = Vec::new();
    for entry in entries {
        let wide = SWATCH + 8 + text_width(&entry.label, LEGEND_FONT) + 28;
        if x > 0 && x + wide > width as i32 {
            (x, row) = (0, row + 1);
        }
        placed.push((x, row));
        x += wide;
    }
    placed
}

/// Draws `entries` in `area` (a strip beneath the plots), `left` pixels in, wrapped as
/// [`legend_rows`] counts them for the area's width less `left`.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    left: i32,
) -> Result<(), ChartError> {
    let (width, _) = area.dim_in_pixel();
    let style = TextStyle::from((FONT, LEGEND_FONT).into_font()).color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
    let width = width.saturating_sub(left.max(0) as u32);
    for (entry, (x, row)) in entries.iter().zip(layout(entries, width)) {
        let (x, y) = (left + x, (row * LEGEND_ROW + LEGEND_ROW / 2) as i32);
        let line = entry.look.colour.stroke_width(LINE_WIDTH);
        match entry.look.dashed {
            Some(true) => {
                area.draw(&PathElement::new(vec![(x, y), (x + 12, y)], line)).map_err(draw)?;
                area.draw(&PathElement::new(vec![(x + 20, y), (x + SWATCH, y)], line)).map_err(draw)?;
            }
            Some(false) => area.draw(&PathElement::new(vec![(x, y), (x + SWATCH, y)], line)).map_err(draw)?,
            None => {}
        }
        entry.look.draw_marker(area, (x + SWATCH / 2, y))?;
        area.draw(&Text::new(entry.label.as_str(), (x + SWATCH + 8, y), style.clone())).map_err(draw)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's relative luminance.
    fn luminance(RGBColor(r, g, b): RGBColor) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    #[test]
    fn every_colour_stands_out_on_white() {
        for colour in [BLUE, VERMILLION, GREEN, PURPLE, INK, GREY] {
            let contrast = 1.05 / (luminance(colour) + 0.05);
            assert!(contrast >= 3.0, "{colour:?}: {contrast:.2}:1");
        }
    }

    #[test]
    fn long_legends_wrap_into_rows() {
        let entry = |label: &str| Entry { look: Look::line(BLUE), label: label.into() };
        let entries: Vec<Entry> = (0..6).map(|i| entry(&format!("series number {i}"))).collect();
        assert_eq!(legend_rows(&entries[..1], 800), 1);
        assert!(legend_rows(&entries, 400) >= 3);
        assert_eq!(legend_rows(&[], 800), 0);
    }
}
