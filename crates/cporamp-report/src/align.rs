//! The report's alignment part (anchor `align`): active alignment of a fiber array against
//! passive V-groove attach, side by side (time, throughput, cost, loss and yield), what the
//! active search did, and the lanes' loss distributions as a chart.

use std::fmt::Write as _;

use cporamp_align::{AlignResult, MethodResult};
use cporamp_scenario::Scenario;

use crate::html::{QuantityRow, figure, quantity_table};
use crate::svg::{LineSeries, Marker, escape, line_chart, number};
use crate::thermal::TECHNOLOGY_COLOURS;

/// The section's heading.
pub(crate) const TITLE: &str = "Fiber attach: active alignment and passive V-groove";

/// The section's anchor.
pub(crate) const ANCHOR: &str = "align";

fn pm(value: f64, se: f64, decimals: usize) -> String {
    format!("{} ± {}", number(value, decimals), number(se, decimals))
}

/// The alignment section, after the engines'.
pub(crate) fn section(html: &mut String, scenario: &Scenario, result: &AlignResult) {
    setup(html, scenario, result);
    methods_table(html, result);
    search_paragraph(html, scenario, result);
    loss_chart(html, result);
    html.push_str("</section>\n");
}

/// The section's heading and the paragraph describing both methods' settings.
fn setup(html: &mut String, scenario: &Scenario, result: &AlignResult) {
    let settings = &scenario.align;
    let _ = writeln!(html, "<section id=\"{ANCHOR}\">\n<h2>{TITLE}</h2>");
    let _ = writeln!(
        html,
        "<p>{} arrays of {} fibers per method, {} arrays per engine, against a coupling budget \
         of {} dB per lane. Active alignment reads a loopback through the array's outer fibers \
         at each point of a square spiral ({} µm pitch, out to ±{} µm) until first light, then \
         climbs x, y, the gap and the roll one axis at a time down to the stage's {} µm steps, \
         each reading costing {} ms of settle and {} ms of integration with {} % noise; then the \
         cure shifts the array. Passive V-groove cores sit where their grooves put them \
         ({} µm per axis). Loss is the Gaussian overlap of the yield engine's coupling model \
         after the cure. The yield engine's packaging cost {} (<code>[align] attach_cost = \
         \"{}\"</code>).</p>",
        number(result.arrays as f64, 0),
        result.fibers_per_array,
        result.arrays_per_engine,
        number(result.coupling_budget_db, 2),
        number(settings.spiral_step_um.0, 2),
        number(settings.spiral_range_um.0, 1),
        number(settings.stage_resolution_um.0, 3),
        number(settings.settle_s.0 * 1e3, 0),
        number(settings.measure_s.0 * 1e3, 0),
        number(settings.noise_fraction * 100.0, 2),
        number(settings.passive_sigma_um.0, 2),
        match settings.attach_cost {
            cporamp_scenario::AttachCost::None => "already holds fiber attach",
            cporamp_scenario::AttachCost::Active => "adds active alignment's cost per engine",
            cporamp_scenario::AttachCost::Passive => "adds passive attach's cost per engine",
        },
        match settings.attach_cost {
            cporamp_scenario::AttachCost::None => "none",
            cporamp_scenario::AttachCost::Active => "active",
            cporamp_scenario::AttachCost::Passive => "passive",
        },
    );
}

/// The side-by-side table of the methods: time, throughput, cost, loss and yield.
fn methods_table(html: &mut String, result: &AlignResult) {
    let methods = result.methods();
    let items: Vec<String> = methods.iter().map(|method| method.label.to_string()).collect();
    let cells = |cell: &dyn Fn(&MethodResult) -> String| methods.iter().map(|m| cell(m)).collect();
    let rows = [
        QuantityRow::numbers("coupler mode radius, µm", cells(&|m| number(m.mode_radius_um, 1))),
        QuantityRow::numbers(
            "machine time per array, s",
            cells(&|m| number(m.time_per_array_s, 1)),
        ),
        QuantityRow::numbers(
            "machine time per engine, s",
            cells(&|m| number(m.time_per_engine_s, 0)),
        ),
        QuantityRow::numbers("fibers per second", cells(&|m| number(m.fibers_per_s, 2))),
        QuantityRow::numbers("cost per engine, $", cells(&|m| number(m.cost_per_engine_usd, 2))),
        QuantityRow::numbers("lane loss mean, dB", cells(&|m| number(m.loss.mean_db, 2))),
        QuantityRow::numbers("lane loss p90, dB", cells(&|m| number(m.loss.p90_db, 2))),
        QuantityRow::numbers("lane loss p99, dB", cells(&|m| number(m.loss.p99_db, 2))),
        QuantityRow::numbers(
            "lane yield, %",
            cells(&|m| pm(100.0 * m.lane_yield.value, 100.0 * m.lane_yield.se, 2)),
        ),
        QuantityRow::numbers(
            "array yield, %",
            cells(&|m| pm(100.0 * m.array_yield.value, 100.0 * m.array_yield.se, 1)),
        ),
        QuantityRow::numbers("engine yield, %", cells(&|m| number(100.0 * m.engine_yield, 1))),
    ];
    quantity_table(html, "align", "method", &items, &rows);
}

/// What the active search did: first light, readings, placement and roll, the cure shift.
fn search_paragraph(html: &mut String, scenario: &Scenario, result: &AlignResult) {
    let search = &result.search;
    let _ = writeln!(
        html,
        "<p>The active search: first light missed in {} % of arrays; {} spiral readings and {} \
         hill-climb readings on average ({} s of stage time; an exhausted spiral reads {}); \
         the aligned array sits {} µm RMS per axis from the couplers' centre before cure (the \
         yield engine takes {} µm, <code>[photonics] block_sigma_um</code>) and {} µrad RMS \
         off in roll. The cure shift alone fails a perfectly aligned lane with probability {} \
         (closed form). The state of the art attaches about one fiber per second \
         (docs/sources.md: S74).</p>",
        pm(100.0 * search.first_light_failures.value, 100.0 * search.first_light_failures.se, 2),
        number(search.spiral_readings, 1),
        number(search.climb_readings, 1),
        number(search.search_s, 2),
        search.spiral_exhausted_readings,
        number(search.placement_rms_um, 3),
        number(scenario.photonics.block_sigma_um.0, 3),
        number(search.roll_rms_urad, 1),
        escape(&format!("{:.2e}", result.cure_only_failure)),
    );
}

/// The chart of the lanes' coupling loss distribution after cure, one line per method.
fn loss_chart(html: &mut String, result: &AlignResult) {
    let methods = result.methods();
    let series: Vec<LineSeries> = methods
        .iter()
        .enumerate()
        .map(|(index, method)| {
            let lanes: u64 = method.loss_histogram.iter().sum();
            LineSeries {
                label: method.label.to_string(),
                colour: TECHNOLOGY_COLOURS[index % TECHNOLOGY_COLOURS.len()],
                dashed: false,
                marker: Marker::None,
                points: method
                    .loss_histogram
                    .iter()
                    .enumerate()
                    .take(30)
                    .map(|(bin, &count)| {
                        (0.1 * bin as f64 + 0.05, 100.0 * count as f64 / lanes.max(1) as f64)
                    })
                    .collect(),
            }
        })
        .collect();
    let svg = line_chart("Lane coupling loss after cure", &series, "loss, dB", "lanes, %", 2, None);
    figure(
        html,
        &svg,
        &format!(
            "Share of lanes per 0.1 dB of coupling loss after cure, 0 to 3 dB (lanes beyond 3 dB \
             are not drawn). The budget is {} dB.",
            number(result.coupling_budget_db, 2)
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::RunResults;

    #[test]
    fn the_page_and_results_json_carry_the_alignment_section() {
        let scenario = crate::html::tests::quick();
        let comparison = cporamp_compare::Comparison { generations: Vec::new() };
        let inputs = cporamp_pipeline::align_inputs(&scenario);
        let result = cporamp_align::simulate(&inputs, 2).expect("the quick scenario aligns");
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
            align: Some(&result),
            calibration: None,
            codesign: None,
        };
        let html = crate::report_html(&run);
        assert!(html.contains("<section id=\"align\">"), "no anchored section");
        assert!(html.contains("<a href=\"#align\">"), "no contents entry");
        // One column per method, the active machine's throughput as the table prints it.
        for label in ["active alignment", "passive V-groove", "passive, fiber-matched coupler"] {
            assert!(html.contains(label), "{label}");
        }
        let throughput = crate::svg::number(result.active.fibers_per_s, 2);
        assert!(html.contains(&format!(">{throughput}<")), "{throughput}");
        assert!(html.contains("<svg"), "no loss chart");

        let json: serde_json::Value =
            serde_json::from_str(&crate::results_json(&run).expect("serializes")).expect("JSON");
        assert_eq!(json["align"]["arrays"], 200);
        let cost = json["align"]["active"]["cost_per_engine_usd"].as_f64().expect("a number");
        assert!((cost - result.active.cost_per_engine_usd).abs() < 1e-12);
    }
}
