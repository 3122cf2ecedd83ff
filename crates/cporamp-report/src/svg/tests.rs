//! Tests of the charts: ticks, numbers, ranges, wrapping, coincidence notes and each chart kind.

use super::line::coinciding;
use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn tick_steps_are_one_two_five_times_a_power_of_ten() {
    for (max, step) in [
        (27.3, 5.0),
        (0.9, 0.2),
        (12.0, 2.0),
        (100.0, 20.0),
        (1.0, 0.2),
        (6.0, 1.0),
        (7.0, 2.0),
        (30_000.0, 5000.0),
        (0.004, 0.001),
    ] {
        assert!(close(tick_step(max), step), "max {max}: step {} != {step}", tick_step(max));
        assert!(max / tick_step(max) <= 6.0 + 1e-9, "max {max}: too many intervals");
    }
}

#[test]
fn tick_step_of_degenerate_maxima_is_one() {
    for max in [0.0, -3.0, f64::NAN, f64::INFINITY] {
        assert!(close(tick_step(max), 1.0), "max {max}");
    }
}

#[test]
fn numbers_are_grouped_and_never_negative_zero() {
    assert_eq!(number(1234.6, 0), "1,235");
    assert_eq!(number(-1_234_567.891, 2), "-1,234,567.89");
    assert_eq!(number(999.0, 0), "999");
    assert_eq!(number(-0.0001, 2), "0.00");
    assert_eq!(number(0.25, 3), "0.250");
    assert_eq!(number(f64::NAN, 2), "—");
    assert_eq!(number(f64::NEG_INFINITY, 2), "—");
}

#[test]
fn escape_covers_markup_and_quotes() {
    assert_eq!(
        escape(r#"<a href="x">'&'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
}

fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|token| !token.is_empty()).collect()
}

#[test]
fn chart_of_bad_values_has_only_finite_numbers() {
    let categories = vec!["a".to_string(), "b <b>".to_string(), "c".to_string()];
    let series = vec![
        Series::new("nan & inf", "#000", vec![f64::NAN, f64::INFINITY, -1.0]),
        Series::new("zero", "#111", vec![0.0, 0.0, 0.0]),
    ];
    let svg = stacked_bar_chart("empty", &categories, &series, "W", 2);
    for token in tokens(&svg) {
        assert!(
            !["NaN", "inf", "infinity"].contains(&token.to_ascii_lowercase().as_str()),
            "{token} in {svg}"
        );
    }
    assert!(svg.contains("b &lt;b&gt;"));
    // Series that draw nothing stay out of the legend.
    assert!(!svg.contains("nan &amp; inf"));
    assert!(svg.starts_with(r#"<svg class="chart""#) && svg.ends_with("</svg>"));
}

#[test]
fn chart_of_no_categories_is_well_formed() {
    let svg = stacked_bar_chart("nothing", &[], &[], "W", 0);
    assert!(svg.contains("viewBox=\"0 0 860 "));
    assert!(!svg.contains("NaN"));
}

#[test]
fn totals_are_the_sum_of_segments_and_the_axis_covers_them() {
    let categories = vec!["x".to_string(), "y".to_string()];
    let series = vec![
        Series::new("s1", "#0072B2", vec![10.0, 3.0]),
        Series::new("s2", "#E69F00", vec![17.3, 1.0]),
    ];
    let svg = stacked_bar_chart("t", &categories, &series, "pJ/bit", 2);
    assert!(svg.contains(">27.30</text>"));
    assert!(svg.contains(">4.00</text>"));
    // Step 5 up to 30.
    assert!(svg.contains(">30</text>") && svg.contains(">25</text>"));
    assert!(!svg.contains(">35</text>"));
    assert_eq!(svg.matches("<rect").count(), 4 + 2);
}

#[test]
fn long_category_labels_wrap_inside_the_chart() {
    let long = "Mixed: LPO (leaf) + CPO, external laser (spine, core)".to_string();
    let svg = stacked_bar_chart(
        "t",
        &[long.clone(), "short".to_string()],
        &[Series::new("s", "#000", vec![1.0, 2.0])],
        "W",
        0,
    );
    // Two lines, each within the 260 px left of the plot.
    assert!(!svg.contains(&format!(">{long}<")), "{svg}");
    let lines = wrap(&long, 252.0 / 0.92);
    assert_eq!(lines.len(), 2, "{lines:?}");
    for line in &lines {
        assert!(svg.contains(&format!(">{}</text>", escape(line))), "{line}");
        assert!(text_width(line) * 0.92 <= 252.0);
    }
}

#[test]
fn nice_ranges_cover_the_data_in_whole_steps() {
    let (start, end, step) = nice_range(25.0, 45.0);
    assert!(close(start, 25.0) && close(end, 45.0) && close(step, 5.0));
    let (start, end, step) = nice_range(61.3, 88.9);
    assert!(close(step, 5.0) && close(start, 60.0) && close(end, 90.0));
    for (lo, hi) in [(35.0, 35.0), (0.0, 0.0), (f64::NAN, 3.0), (f64::NAN, f64::INFINITY)] {
        let (start, end, step) = nice_range(lo, hi);
        assert!(start.is_finite() && end.is_finite() && step > 0.0 && end > start);
        if hi.is_finite() {
            assert!(start <= hi && hi <= end, "{lo}..{hi}: {start}..{end}");
        }
    }
}

#[test]
fn bounded_ranges_never_cross_their_floor_or_ceiling() {
    // All-zero data used to widen to -1..1: a negative tick on a rate.
    let (start, end, step) = bounded_range(0.0, 0.0, zero_floor(0.0), None);
    assert!(close(start, 0.0) && end > 0.0 && step > 0.0, "{start}..{end}");
    assert!(nice_range(0.0, 0.0).0 < 0.0, "the unbounded range does go below zero");
    // A flat 100 % stays at or below 100.
    let (start, end, _) = bounded_range(100.0, 100.0, Some(0.0), Some(100.0));
    assert!(close(end, 100.0) && (0.0..100.0).contains(&start), "{start}..{end}");
    // Data below the floor keep their range: the floor is no clip.
    let (start, _, _) = bounded_range(-3.0, 5.0, zero_floor(-3.0), None);
    assert!(start <= -3.0);
    // Ticks are whole steps and stop at the end.
    let values = ticks(0.0, 1.0, 0.5);
    assert_eq!(values.len(), 3);
    assert!(close(values[2], 1.0));
}

#[test]
fn line_chart_of_zero_rates_has_no_negative_tick() {
    let series = vec![LineSeries {
        label: "flaps".to_string(),
        colour: "#000",
        dashed: false,
        marker: Marker::Circle,
        points: vec![(25.0, 0.0), (35.0, 0.0), (45.0, 0.0)],
    }];
    let svg = line_chart("t", &series, "°C", "flaps/lane-h", 2, None);
    assert!(!svg.contains(">-"), "negative tick label in {svg}");
    assert!(svg.contains(">0</text>") || svg.contains(">0.0</text>"), "{svg}");
}

#[test]
fn coinciding_series_are_detected_from_the_data_and_noted() {
    let line = |label: &str, points: Vec<(f64, f64)>| LineSeries {
        label: label.to_string(),
        colour: "#000",
        dashed: false,
        marker: Marker::Circle,
        points,
    };
    let a = vec![(0.0, 1.0), (1.0, 3.0), (2.0, 2.0)];
    let b = vec![(0.0, 1.0), (1.0, 5.0), (2.0, 2.0)];
    let series = vec![line("a", a.clone()), line("b", b), line("c", a)];
    let svg = line_chart("t", &series, "x", "y", 1, None);
    assert!(svg.contains("Note: “a” and “c” coincide"), "{svg}");
    assert!(!svg.contains("“b”"));
    // Apart by more than a pixel once drawn: no note.
    let apart =
        vec![line("a", vec![(0.0, 1.0), (1.0, 3.0)]), line("b", vec![(0.0, 1.0), (1.0, 3.1)])];
    assert!(!line_chart("t", &apart, "x", "y", 1, None).contains("Note:"));
    // Groups: drawing order, last visible.
    let pixels = vec![vec![(0.0, 0.0)], vec![(5.0, 5.0)], vec![(0.2, 0.0)], vec![(5.0, 5.5)]];
    assert_eq!(coinciding(&pixels, 0.75), vec![vec![0, 2], vec![1, 3]]);
    assert!(coinciding(&[vec![(f64::NAN, 0.0)], vec![(f64::NAN, 0.0)]], 0.75).is_empty());
}

#[test]
fn line_chart_draws_lines_markers_and_legend_with_finite_numbers() {
    let series = vec![
        LineSeries {
            label: "a <hot>".to_string(),
            colour: "#0072B2",
            dashed: false,
            marker: Marker::Circle,
            points: vec![(25.0, 60.0), (30.0, 65.0), (35.0, f64::NAN), (40.0, 75.0)],
        },
        LineSeries {
            label: "b".to_string(),
            colour: "#D55E00",
            dashed: true,
            marker: Marker::Square,
            points: vec![(25.0, 70.0), (45.0, 90.0)],
        },
    ];
    let svg = line_chart("t", &series, "inlet °C", "°C", 1, None);
    assert!(svg.starts_with(r#"<svg class="chart""#) && svg.ends_with("</svg>"));
    // The NaN point breaks series a: one polyline of two points, then a lone point.
    assert_eq!(svg.matches("<polyline").count(), 2);
    assert_eq!(svg.matches("stroke-dasharray").count(), 2, "line and legend sample");
    // Three finite points of a plus one legend marker; two of b plus one.
    assert_eq!(svg.matches("<circle").count(), 4);
    assert_eq!(svg.matches("<rect").count(), 3);
    assert!(svg.contains("a &lt;hot&gt; at 30.0 inlet °C: 65.0 °C"));
    assert!(svg.contains(">25</text>") && svg.contains(">45</text>"));
    assert!(svg.contains(">60</text>") && svg.contains(">90</text>"));
    for token in tokens(&svg) {
        assert!(!["nan", "inf"].contains(&token.to_ascii_lowercase().as_str()), "{token}");
    }
    let empty = line_chart("nothing", &[], "x", "y", 1, None);
    assert!(empty.ends_with("</svg>") && !empty.contains("NaN"));
}

#[test]
fn waterfall_bars_float_from_level_to_level_and_end_at_the_sum() {
    let steps = vec![
        ("assembled".to_string(), 100.0),
        ("laser".to_string(), -5.0),
        ("rework".to_string(), 1.0),
    ];
    let svg = waterfall_chart("Yield", &steps, "shipped", "%", 1, Some(100.0));
    // Four bars: the start, a fall, a rise and the final level (96).
    assert_eq!(svg.matches("<rect").count(), 4);
    assert!(svg.contains("<title>laser: -5.0 %</title>"), "{svg}");
    assert!(svg.contains("<title>rework: +1.0 %</title>"), "{svg}");
    assert!(svg.contains("<title>shipped: 96.0 %</title>"), "{svg}");
    let flat = waterfall_chart(
        "Yield",
        &[("a".to_string(), 90.0), ("b".to_string(), 0.0)],
        "c",
        "%",
        1,
        Some(100.0),
    );
    assert!(flat.contains("<title>b: 0.0 %</title>"), "{flat}");
    assert!(svg.contains("#D55E00") && svg.contains("#009E73"));
}
