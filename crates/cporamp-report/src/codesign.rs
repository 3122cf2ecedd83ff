//! The report's co-design part (anchor `codesign`): liquid cooling and optics designed
//! together. The design the scenario's limits pick beside the one the binding limit blocks,
//! the Pareto front of energy per bit against cost per Gb/s as a hand-written SVG scatter, the
//! points' link flaps against their hottest engine as another, and the chosen design's
//! liquid-cooling bill of materials.

use std::fmt::Write as _;

use cporamp_codesign::{CodesignResult, PointResult};
use cporamp_scenario::{ElsPlacement, EnginePlate};

use crate::html::{QuantityRow, figure, quantity_table};
use crate::svg::{escape, nice_range, number};

/// The section's heading.
pub(crate) const TITLE: &str = "Liquid cooling and optics designed together";

/// The section's anchor.
pub(crate) const ANCHOR: &str = "codesign";

const WIDTH: f64 = 700.0;
const HEIGHT: f64 = 380.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 50.0;

/// The Pareto chart: every solved point's energy per bit (x) against its cost per Gb/s over
/// life (y), grey when another point beats it, blue on the front (filled when within the
/// limits, hollow when over one), the choice ringed in red.
pub(crate) fn pareto_chart(result: &CodesignResult) -> String {
    scatter(
        result,
        (&|p| p.pj_per_bit, "energy per bit with pumping and facility cooling, pJ/bit"),
        (&|p| p.life_usd_per_gbps, "cost over life, $/(Gb/s)"),
        "Pareto front of the co-design sweep",
    )
}

/// The flap chart: every solved point's hottest engine (x) against its flaps per lane-hour
/// (y), marked as in the Pareto chart.
pub(crate) fn flap_chart(result: &CodesignResult) -> String {
    scatter(
        result,
        (&|p| p.engine_temp_c, "hottest engine, °C"),
        (&|p| p.feedback_flaps_per_lane_hour, "flaps per lane-hour (feedback)"),
        "Flaps of the co-design sweep's points",
    )
}

/// An axis: the value of a point and its label.
type Axis<'a> = (&'a dyn Fn(&PointResult) -> f64, &'a str);

/// Every solved point at (x, y): grey when off the Pareto front, blue on it (filled when
/// within the limits, hollow when over one), the choice ringed in red.
fn scatter(result: &CodesignResult, x_axis: Axis<'_>, y_axis: Axis<'_>, aria: &str) -> String {
    let (x_of, x_label) = x_axis;
    let (y_of, y_label) = y_axis;
    let solved: Vec<&PointResult> = result.points.iter().filter(|p| p.error.is_none()).collect();
    let extent = |value: &dyn Fn(&PointResult) -> f64| {
        solved
            .iter()
            .map(|p| value(p))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (x_lo, x_hi) = extent(x_of);
    let (y_lo, y_hi) = extent(y_of);
    let (x0, x1, x_step) = nice_range(x_lo, x_hi);
    let (y0, y1, y_step) = nice_range(y_lo, y_hi);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |v: f64| LEFT + (v - x0) / (x1 - x0) * plot_w;
    let y = |v: f64| TOP + plot_h - (v - y0) / (y1 - y0) * plot_h;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"100%\" \
         role=\"img\" aria-label=\"{}\">",
        escape(aria)
    );
    let _ = write!(
        svg,
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"none\" \
         stroke=\"#999\"/>"
    );
    let decimals = |step: f64| if step >= 1.0 { 0 } else { (-step.log10()).ceil() as usize };
    let mut tick = x0;
    while tick <= x1 + 1e-9 * x_step {
        let px = x(tick);
        let _ = write!(
            svg,
            "<line x1=\"{px:.1}\" y1=\"{:.1}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"#999\"/>\
             <text x=\"{px:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            TOP + plot_h,
            TOP + plot_h + 5.0,
            TOP + plot_h + 18.0,
            number(tick, decimals(x_step))
        );
        tick += x_step;
    }
    let mut tick = y0;
    while tick <= y1 + 1e-9 * y_step {
        let py = y(tick);
        let _ = write!(
            svg,
            "<line x1=\"{:.1}\" y1=\"{py:.1}\" x2=\"{LEFT}\" y2=\"{py:.1}\" stroke=\"#999\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            LEFT - 5.0,
            LEFT - 8.0,
            py + 4.0,
            number(tick, decimals(y_step))
        );
        tick += y_step;
    }
    let _ = write!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{}</text>\
         <text x=\"14\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" \
         transform=\"rotate(-90 14 {:.1})\">{}</text>",
        LEFT + plot_w / 2.0,
        HEIGHT - 8.0,
        escape(x_label),
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0,
        escape(y_label)
    );
    // Dominated points first, so the front is drawn on top.
    for point in solved.iter().filter(|p| !p.on_front) {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#bbb\"/>",
            x(x_of(point)),
            y(y_of(point))
        );
    }
    for point in solved.iter().filter(|p| p.on_front) {
        let fill = if point.feasible { "#1f77b4" } else { "white" };
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" fill=\"{fill}\" stroke=\"#1f77b4\" \
             stroke-width=\"1.5\"/>",
            x(x_of(point)),
            y(y_of(point))
        );
    }
    if let Some(index) = result.choice.index {
        let point = &result.points[index];
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"8\" fill=\"none\" stroke=\"#d62728\" \
             stroke-width=\"2\"/>",
            x(x_of(point)),
            y(y_of(point))
        );
    }
    svg.push_str("</svg>");
    svg
}

fn point_label(point: &PointResult) -> String {
    format!(
        "{} L/min/kW, {} x {} mm, {} °C, engines {}, ELS {}",
        number(point.point.flow_l_per_min_per_kw, 2),
        point.point.channel.width_mm.0,
        point.point.channel.height_mm.0,
        number(point.point.inlet_c, 0),
        match point.point.engine_plate {
            EnginePlate::Shared => "shared plate",
            EnginePlate::Own => "own plates",
        },
        match point.point.els_placement {
            ElsPlacement::FrontPanel => "front panel",
            ElsPlacement::ColdPlate => "on a plate",
        }
    )
}

/// The co-design section.
pub(crate) fn section(html: &mut String, result: &CodesignResult) {
    summary(html, result);
    chosen_table(html, result);
    figures(html, result);
    bom_table(html, result);
    html.push_str("</section>\n");
}

/// The section's heading and the paragraph saying what was swept, how many points solved and
/// met the limits, the binding limit and the horizon.
fn summary(html: &mut String, result: &CodesignResult) {
    let _ = writeln!(html, "<section id=\"{ANCHOR}\">\n<h2>{TITLE}</h2>");
    let solved = result.points.iter().filter(|p| p.error.is_none()).count();
    let feasible = result.points.iter().filter(|p| p.feasible).count();
    let _ = writeln!(
        html,
        "<p>{} design points of {} at {} (cold-plate flow per kW and channels, coolant supply, \
         engine gap, engines on the ASIC's plate or their own, the external laser source in the \
         front panel or on a plate, ASIC power), each settled by the thermal engine's package \
         and the comparison's power models: {solved} solved, {feasible} within the limits \
         (hottest engine at most {} °C, at most {} L/min per switch, at most {} kPa per branch), \
         {} on the Pareto front. Binding limit: <code>{}</code>. Costs run over {} years.</p>",
        result.points.len(),
        escape(&result.technology),
        escape(&result.generation),
        number(result.max_engine_temp_c, 0),
        number(result.max_flow_l_per_min, 1),
        number(result.max_pressure_drop_kpa, 0),
        result.front.len(),
        escape(result.choice.binding_field.as_deref().unwrap_or("none")),
        number(result.years.0, 1),
    );
}

/// The table of the chosen design point beside the one chosen without the binding limit
/// (nothing when neither exists).
fn chosen_table(html: &mut String, result: &CodesignResult) {
    let mut shown: Vec<(String, &PointResult)> = Vec::new();
    if let Some(index) = result.choice.index {
        shown.push((format!("chosen (#{index})"), &result.points[index]));
    }
    if let Some(index) = result.choice.unconstrained_index {
        shown.push((format!("without the binding limit (#{index})"), &result.points[index]));
    }
    if !shown.is_empty() {
        let items: Vec<String> = shown.iter().map(|(label, _)| label.clone()).collect();
        let numbers = |header: &str, value: &dyn Fn(&PointResult) -> f64, decimals: usize| {
            QuantityRow::numbers(
                header,
                shown.iter().map(|(_, p)| number(value(p), decimals)).collect(),
            )
        };
        let rows = vec![
            QuantityRow::text("design", shown.iter().map(|(_, p)| point_label(p)).collect()),
            numbers("ASIC power factor", &|p| p.point.asic_power_factor, 2),
            numbers("ASIC mean, °C", &|p| p.asic_mean_c, 1),
            numbers("hottest engine, °C", &|p| p.engine_temp_c, 1),
            numbers("laser, °C", &|p| p.laser_temp_c, 1),
            numbers("laser failures per switch-life", &|p| p.laser_failures_per_switch, 2),
            numbers("ring heaters per switch, W", &|p| p.heater_w, 1),
            numbers("flaps per lane-hour (feedback)", &|p| p.feedback_flaps_per_lane_hour, 1),
            numbers("unlockable lanes, %", &|p| 100.0 * p.unlockable_fraction, 1),
            numbers("coolant flow, L/min", &|p| p.flow_l_per_min, 2),
            numbers("branch pressure drop, kPa", &|p| p.pressure_drop_kpa, 1),
            numbers("pumping, W", &|p| p.pump_w, 2),
            numbers("facility cooling, W", &|p| p.facility_w, 1),
            numbers("energy per bit, pJ/bit", &|p| p.pj_per_bit, 2),
            numbers("ASIC solder life, years", &|p| p.solder_life_years, 0),
            numbers(
                "cooling BOM per switch (mid), $",
                &|p| p.bom.as_ref().map_or(0.0, |bom| bom.per_switch_mid_usd),
                0,
            ),
            numbers("cost over life, $/(Gb/s)", &|p| p.life_usd_per_gbps, 3),
        ];
        quantity_table(html, "codesign", "design point", &items, &rows);
    }
}

/// The Pareto chart (energy against cost) and the flap chart (hottest engine against flaps).
fn figures(html: &mut String, result: &CodesignResult) {
    figure(
        html,
        &pareto_chart(result),
        "Every design point: energy per bit against cost per Gb/s over life. Blue: the Pareto \
         front over energy, cost and laser failures (hollow: over a limit); grey: beaten on all \
         three by another point; red ring: the scenario's choice.",
    );
    figure(
        html,
        &flap_chart(result),
        &format!(
            "Every design point: its hottest engine against its link flaps per lane-hour with \
             feedback-only locking, marked as above. Flaps: the photonics engine on the \
             scenario's nominal drift trace moved to each point's ring and laser temperatures \
             (buses rotated at the nominal bring-up, as in the inlet sweep: the flaps measure \
             how far each design's steady drift lies from the scenario's bring-up), run at {} \
             drift offsets at most {} nm apart and interpolated linearly between them.",
            result.flap_nodes.len(),
            number(cporamp_codesign::FLAP_NODE_NM, 1)
        ),
    );
}

/// The chosen design's liquid-cooling bill of materials: a paragraph and its lines' table.
fn bom_table(html: &mut String, result: &CodesignResult) {
    if let Some(bom) = result.choice.index.and_then(|index| result.points[index].bom.as_ref()) {
        let items: Vec<String> = bom.lines.iter().map(|line| line.item.clone()).collect();
        let rows = vec![
            QuantityRow::text("counted per", bom.lines.iter().map(|l| l.per.to_string()).collect()),
            QuantityRow::numbers(
                "quantity",
                bom.lines.iter().map(|l| number(l.quantity, 2)).collect(),
            ),
            QuantityRow::numbers(
                "per switch, $ (low-high)",
                bom.lines
                    .iter()
                    .map(|l| {
                        format!(
                            "{}-{}",
                            number(l.per_switch_low_usd, 0),
                            number(l.per_switch_high_usd, 0)
                        )
                    })
                    .collect(),
            ),
        ];
        let _ = writeln!(
            html,
            "<p>The chosen design's liquid-cooling bill of materials ({}): ${}-{} per switch, \
             ${}-{} per rack of {}, ${}-{} M for the cluster's {} switches in {} racks \
             ({} kW of switch heat, {} CDUs, {} L of coolant). Each price cites its source in \
             <code>[codesign.bom]</code>.</p>",
            escape(&bom.coolant),
            number(bom.per_switch_low_usd, 0),
            number(bom.per_switch_high_usd, 0),
            number(bom.per_rack_low_usd, 0),
            number(bom.per_rack_high_usd, 0),
            bom.switches_per_rack,
            number(bom.cluster_low_usd / 1e6, 2),
            number(bom.cluster_high_usd / 1e6, 2),
            bom.cluster_switches,
            bom.cluster_racks,
            number(bom.cluster_heat_kw, 0),
            number(bom.cluster_cdus, 1),
            number(bom.cluster_coolant_l, 0),
        );
        quantity_table(html, "codesign-bom", "line", &items, &rows);
    }
}

#[cfg(test)]
mod tests {
    use crate::RunResults;

    #[test]
    fn the_page_and_results_json_carry_the_codesign_section_and_its_pareto_chart() {
        let mut scenario = crate::html::tests::quick();
        let settings = &mut scenario.codesign;
        settings.flow_l_per_min_per_kw = vec![1.0, 1.5];
        settings.channel_width.truncate(1);
        settings.channel_height.truncate(1);
        settings.engine_plate.truncate(1);
        let result = cporamp_codesign::codesign(&scenario, 2).expect("the quick grid solves");
        let comparison = cporamp_compare::Comparison { generations: Vec::new() };
        let run = RunResults {
            origin: cporamp_scenario::QUICK_ORIGIN,
            scenario: &scenario,
            comparison: &comparison,
            thermal: &[],
            photonics: &[],
            yields: &[],
            fleet: None,
            market: None,
            market_update: None,
            align: None,
            calibration: None,
            codesign: Some(&result),
        };
        let html = crate::report_html(&run);
        assert!(html.contains("<section id=\"codesign\">"), "no anchored section");
        assert!(html.contains("<a href=\"#codesign\">"), "no contents entry");
        // One marker per solved point, a larger one per front point, a ring for the choice.
        let chart = super::pareto_chart(&result);
        let solved = result.points.iter().filter(|p| p.error.is_none()).count();
        assert_eq!(
            chart.matches("<circle").count(),
            solved + usize::from(result.choice.index.is_some())
        );
        assert_eq!(chart.matches("r=\"4.5\"").count(), result.front.len());
        let flaps = super::flap_chart(&result);
        assert_eq!(flaps.matches("<circle").count(), chart.matches("<circle").count());
        assert!(html.contains("flaps per lane-hour"), "no flap chart or row");
        let json: serde_json::Value =
            serde_json::from_str(&crate::results_json(&run).unwrap()).unwrap();
        assert_eq!(json["codesign"]["points"].as_array().unwrap().len(), result.points.len());
    }
}
