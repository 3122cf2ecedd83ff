//! Inline SVG charts.
//!
//! Charts are plain strings: an `<svg class="chart">` element with a `viewBox`, drawn with
//! rectangles, lines and text only, so the report needs no script, font or image. Every
//! number written into the markup is finite: non-finite inputs are drawn as zero and labelled
//! "—", and a chart whose values are all zero still gets a unit axis.
//!
//! Axes never show impossible values: a value axis whose data are all non-negative starts
//! at 0 or above, and a caller can cap an axis (100 % for shares and yields). Ticks are
//! whole multiples of a 1-2-5 step. Line charts detect series drawn on top of each other
//! and say so in a visible note under the legend.

use std::fmt::Write as _;

mod bar;
mod line;
#[cfg(test)]
mod tests;
mod waterfall;

pub(crate) use bar::{Series, stacked_bar_chart};
pub(crate) use line::{LineSeries, Marker, line_chart};
pub(crate) use waterfall::waterfall_chart;

/// Width of every chart's coordinate system, px.
const WIDTH: f64 = 860.0;
/// Approximate advance of one character of 12 px text, px (for layout only).
const CHAR_W: f64 = 6.8;
/// Height of one bar, px.
const BAR_H: f64 = 20.0;
/// Vertical pitch of the bars, px.
const ROW_H: f64 = 30.0;
/// Top of the plot area (below the title), px.
const PLOT_TOP: f64 = 34.0;
/// Height of one legend row, px.
const LEGEND_ROW_H: f64 = 20.0;
/// Most intervals the value axis is split into.
const MAX_INTERVALS: f64 = 6.0;

/// Escapes text for HTML and SVG (element content and double- or single-quoted attributes).
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Formats `value` with `decimals` decimals and thousands separators; "—" if not finite.
/// A value that rounds to zero never shows a minus sign.
pub(crate) fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "—".to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let (integer, fraction) = match text.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (text.as_str(), None),
    };
    let mut grouped = String::with_capacity(text.len() + integer.len() / 3 + 1);
    if negative {
        grouped.push('-');
    }
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if let Some(fraction) = fraction {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}

/// A "nice" tick step (1, 2 or 5 × 10ⁿ) splitting `0..=max` into at most six intervals.
/// Returns 1 for a maximum that is not positive and finite.
pub(crate) fn tick_step(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let raw = max / MAX_INTERVALS;
    // |log10| of a finite positive f64 is below 330, so the exponent fits an i32.
    let exponent = raw.log10().floor() as i32;
    for exponent in [exponent, exponent + 1] {
        for mantissa in [1.0, 2.0, 5.0] {
            // Dividing by an exact power of ten keeps 0.2 as close to 0.2 as f64 allows.
            let step = if exponent >= 0 {
                mantissa * 10f64.powi(exponent)
            } else {
                mantissa / 10f64.powi(-exponent)
            };
            if step >= raw * (1.0 - 1e-9) {
                return step;
            }
        }
    }
    10f64.powi(exponent + 2)
}

/// Decimals needed to print multiples of `step` exactly (0 for steps of 1 and above).
pub(crate) fn step_decimals(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) || step >= 1.0 {
        return 0;
    }
    // -log10 of a step below 1 is positive and small.
    let decimals = (-step.log10()).ceil() as usize;
    decimals.min(12)
}

/// The length a value is drawn with.
fn drawn(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 { value } else { 0.0 }
}

/// Estimated width of `text` in 12 px text, px.
fn text_width(text: &str) -> f64 {
    // Labels are short; a count above 2^52 is not a concern.
    let chars = text.chars().count() as f64;
    chars * CHAR_W
}

/// Legend items wrapped to the chart width: (x, row) of each label, with a swatch of
/// `swatch_w` px before it.
fn legend_layout<'a>(
    labels: impl Iterator<Item = &'a str>,
    swatch_w: f64,
    plot_x: f64,
) -> Vec<(f64, f64)> {
    let mut positions = Vec::new();
    let (mut x, mut row) = (plot_x, 0.0);
    for label in labels {
        let item_w = swatch_w + 6.0 + text_width(label) + 18.0;
        if x + item_w > WIDTH && x > plot_x {
            x = plot_x;
            row += 1.0;
        }
        positions.push((x, row));
        x += item_w;
    }
    positions
}

/// Height the legend rows take, px.
fn legend_height(positions: &[(f64, f64)]) -> f64 {
    positions.last().map_or(0.0, |&(_, row)| (row + 1.0) * LEGEND_ROW_H)
}

/// The x axis's title, centred under a plot of left edge `plot_x` and width `plot_w` whose
/// axis is at `axis_y`.
fn x_axis_title(svg: &mut String, plot_x: f64, plot_w: f64, axis_y: f64, unit: &str) {
    let _ = write!(
        svg,
        r##"<text class="axis-title" x="{x:.1}" y="{y:.1}" text-anchor="middle" fill="#444">{unit}</text>"##,
        x = plot_x + plot_w / 2.0,
        y = axis_y + 32.0,
        unit = escape(unit)
    );
}

/// The opening `<svg>` of a chart with its title.
fn chart_header(title: &str, height: f64) -> String {
    let mut svg = String::new();
    let title = escape(title);
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH:.0} {height:.0}" width="{WIDTH:.0}" height="{height:.0}" role="img" aria-label="{title}" font-size="12">"#
    );
    let _ = write!(svg, "<title>{title}</title>");
    let _ = write!(
        svg,
        r#"<text class="chart-title" x="0" y="16" font-size="14" font-weight="600">{title}</text>"#
    );
    svg
}

/// An axis from `lo` to `hi` widened to whole multiples of a nice step: `(start, end, step)`,
/// with `start < end`. A degenerate or non-finite range is widened around its finite end (or
/// becomes `0..=1`).
pub(crate) fn nice_range(lo: f64, hi: f64) -> (f64, f64, f64) {
    let (mut lo, mut hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => (lo.min(hi), lo.max(hi)),
        (true, false) => (lo, lo),
        (false, true) => (hi, hi),
        (false, false) => (0.0, 1.0),
    };
    if hi - lo <= 1e-9 * hi.abs().max(1.0) {
        let pad = (0.05 * hi.abs()).max(1.0);
        lo -= pad;
        hi += pad;
    }
    let step = tick_step(hi - lo);
    let start = (lo / step).floor() * step;
    let mut end = (hi / step).ceil() * step;
    if end <= start {
        end = start + step;
    }
    (start, end, step)
}

/// [`nice_range`] kept within `floor..=ceiling` (either optional): a range whose data lie
/// at or above the floor never extends below it, one at or below the ceiling never above.
/// Floors and ceilings used here (0, 100) are multiples of every step up to 50.
pub(crate) fn bounded_range(
    lo: f64,
    hi: f64,
    floor: Option<f64>,
    ceiling: Option<f64>,
) -> (f64, f64, f64) {
    let (mut start, mut end, step) = nice_range(lo, hi);
    if let Some(floor) = floor.filter(|floor| floor.is_finite() && (lo.is_nan() || lo >= *floor)) {
        start = start.max(floor);
    }
    if let Some(ceiling) =
        ceiling.filter(|ceiling| ceiling.is_finite() && (hi.is_nan() || hi <= *ceiling))
    {
        end = end.min(ceiling);
    }
    if end <= start {
        end = start + step;
    }
    (start, end, step)
}

/// The floor of an axis whose data run from `lo`: 0 when no value is negative (a
/// non-negative quantity never gets a negative tick), none otherwise.
fn zero_floor(lo: f64) -> Option<f64> {
    (lo.is_finite() && lo >= 0.0).then_some(0.0)
}

/// The ticks of `start..=end` at whole multiples of `step` from `start`.
fn ticks(start: f64, end: f64, step: f64) -> Vec<f64> {
    // The ranges span at most a few dozen steps.
    let count = ((end - start) / step + 1e-9).floor().max(0.0) as usize;
    (0..=count).map(|k| start + step * k as f64).collect()
}

/// Wraps `text` into lines of at most `width` px of 12 px text (words are never split).
fn wrap(text: &str, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && text_width(&line) + CHAR_W + text_width(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
