//! Waterfall charts.

use std::fmt::Write as _;

use super::*;

/// A waterfall chart: the first step is a level drawn from the axis floor, each later step a
/// floating bar from the running level to the level after it (falls red, rises green), and a
/// last bar for the final level. The value axis spans the levels reached, widened to nice
/// ticks (never below 0 when no level is negative, never above `ceiling`), so small losses
/// on a high level stay visible; each bar has a tooltip.
pub(crate) fn waterfall_chart(
    title: &str,
    steps: &[(String, f64)],
    final_label: &str,
    unit: &str,
    decimals: usize,
    ceiling: Option<f64>,
) -> String {
    let mut levels = Vec::with_capacity(steps.len() + 1);
    let mut level = 0.0;
    for (_, change) in steps {
        level += change;
        levels.push(level);
    }
    let plot = WaterfallPlot::new(&levels, steps.len() + 1, ceiling);
    let height = plot.plot_top + plot.plot_h + 56.0;
    let mut svg = chart_header(title, height);
    waterfall_ticks(&mut svg, &plot);
    let mut previous = plot.start;
    let entries = steps
        .iter()
        .zip(&levels)
        .enumerate()
        .map(|(index, ((label, change), &level))| {
            let base = if index == 0 { plot.start } else { previous };
            previous = level;
            WaterfallBar {
                label: label.as_str(),
                change: *change,
                from: base,
                to: level,
                first: index == 0,
            }
        })
        .collect::<Vec<_>>();
    let last = levels.last().copied().unwrap_or(0.0);
    let final_bar =
        WaterfallBar { label: final_label, change: last, from: plot.start, to: last, first: true };
    for (index, bar) in entries.into_iter().chain(std::iter::once(final_bar)).enumerate() {
        waterfall_bar(&mut svg, &plot, index, &bar, unit, decimals);
    }
    let _ = write!(
        svg,
        r#"<text x="12" y="{}" font-size="11" transform="rotate(-90 12 {})" text-anchor="middle">{}</text></svg>"#,
        plot.plot_top + plot.plot_h / 2.0,
        plot.plot_top + plot.plot_h / 2.0,
        escape(unit)
    );
    svg
}

/// A waterfall chart's value axis and plot area.
struct WaterfallPlot {
    /// Value at the bottom of the axis.
    start: f64,
    /// Value at the top of the axis.
    end: f64,
    /// Step between ticks.
    step: f64,
    /// Left edge of the plot area, px.
    plot_x: f64,
    /// Top of the plot area, px.
    plot_top: f64,
    /// Height of the plot area, px.
    plot_h: f64,
    /// Width of the plot area, px.
    plot_w: f64,
    /// Horizontal pitch of the bars, px.
    pitch: f64,
    /// Width of one bar, px.
    bar_w: f64,
}

impl WaterfallPlot {
    /// An axis spanning `levels` (never below 0 when none is negative, never above
    /// `ceiling`) and room for `bars` bars.
    fn new(levels: &[f64], bars: usize, ceiling: Option<f64>) -> WaterfallPlot {
        let low = levels.iter().copied().fold(f64::INFINITY, f64::min);
        let high = levels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (start, end, step) = bounded_range(low, high, zero_floor(low), ceiling);
        let (plot_x, plot_top, plot_h) = (64.0, 32.0, 200.0);
        let plot_w = WIDTH - plot_x - 16.0;
        let pitch = plot_w / bars as f64;
        let bar_w = (pitch * 0.7).min(72.0);
        WaterfallPlot { start, end, step, plot_x, plot_top, plot_h, plot_w, pitch, bar_w }
    }

    /// Vertical position of `value` (clamped to the axis), px.
    fn y(&self, value: f64) -> f64 {
        self.plot_top
            + self.plot_h
                * (1.0 - (value.clamp(self.start, self.end) - self.start) / (self.end - self.start))
    }
}

/// Gridlines with their value labels.
fn waterfall_ticks(svg: &mut String, plot: &WaterfallPlot) {
    let WaterfallPlot { plot_x, plot_w, .. } = *plot;
    let tick_decimals = step_decimals(plot.step);
    for tick in ticks(plot.start, plot.end, plot.step) {
        let _ = write!(
            svg,
            r##"<line x1="{plot_x}" x2="{}" y1="{y}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>"##,
            plot_x + plot_w,
            plot_x - 6.0,
            plot.y(tick) + 4.0,
            number(tick, tick_decimals),
            y = plot.y(tick),
        );
    }
}

/// One bar of a waterfall chart.
struct WaterfallBar<'a> {
    /// Category label (plain text).
    label: &'a str,
    /// The step's change (the level itself for a first or final bar).
    change: f64,
    /// Level the bar starts from.
    from: f64,
    /// Level the bar ends at.
    to: f64,
    /// A level drawn from the axis floor (the first and final bars), not a change.
    first: bool,
}

/// Bar number `index`: the bar with its tooltip and value above it (a change is signed and
/// coloured by direction), then its category label wrapped below the axis.
fn waterfall_bar(
    svg: &mut String,
    plot: &WaterfallPlot,
    index: usize,
    bar: &WaterfallBar,
    unit: &str,
    decimals: usize,
) {
    let WaterfallBar { label, change, from, to, first } = *bar;
    let WaterfallPlot { plot_x, plot_top, plot_h, pitch, bar_w, .. } = *plot;
    let x = plot_x + pitch * index as f64 + (pitch - bar_w) / 2.0;
    let (top, bottom) = (plot.y(from.max(to)), plot.y(from.min(to)));
    let colour = if first {
        "#0072B2"
    } else if change < 0.0 {
        "#D55E00"
    } else {
        "#009E73"
    };
    let shown = if first {
        number(change, decimals)
    } else {
        let text = number(change, decimals);
        // A change that rounds to zero gets no sign.
        let zero = !text.chars().any(|c| c.is_ascii_digit() && c != '0');
        format!("{}{text}", if change < 0.0 || zero { "" } else { "+" })
    };
    let _ = write!(
        svg,
        r#"<rect x="{x}" y="{top}" width="{bar_w}" height="{}" fill="{colour}"><title>{}: {shown} {}</title></rect><text x="{}" y="{}" font-size="11" text-anchor="middle">{shown}</text>"#,
        (bottom - top).max(1.0),
        escape(label),
        escape(unit),
        x + bar_w / 2.0,
        top - 4.0,
    );
    // Category labels wrap to the bar pitch (11 px text is about 0.92 of 12 px).
    for (line, text) in wrap(label, pitch / 0.92 - CHAR_W).iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>"#,
            x + bar_w / 2.0,
            plot_top + plot_h + 16.0 + 13.0 * line as f64,
            escape(text),
        );
    }
}
