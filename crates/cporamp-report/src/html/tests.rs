//! Report tests: the page's structure, anchors, escaping and the tables of the quick scenario.

use super::*;
use crate::svg::number;
use cporamp_compare::Comparison;
use cporamp_core::ids::GenerationId;
use cporamp_market::SobolOutput;

fn default_run() -> (Scenario, Comparison) {
    let scenario = quick();
    let comparison = cporamp_compare::compare(&scenario).expect("default scenario compares");
    (scenario, comparison)
}

fn render_default() -> (Scenario, Comparison, String) {
    let (scenario, comparison) = default_run();
    let html = crate::report_html(&RunResults {
        origin: cporamp_scenario::DEFAULT_ORIGIN,
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
        codesign: None,
    });
    (scenario, comparison, html)
}

fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|token| !token.is_empty())
}

/// The quick scenario (the default with small Monte Carlo sizes): the tests check how
/// results are rendered, not the default's figures.
pub(crate) fn quick() -> cporamp_scenario::Scenario {
    cporamp_scenario::load(&cporamp_scenario::quick_scenario_toml(), cporamp_scenario::QUICK_ORIGIN)
        .expect("the quick scenario loads")
}

/// The quick run rendered with and without its engine results, computed once for all
/// tests (the whole pipeline is the slow part).
fn render_with_thermal() -> (cporamp_pipeline::RunOutput, String, String) {
    static RENDERED: std::sync::OnceLock<(cporamp_pipeline::RunOutput, String, String)> =
        std::sync::OnceLock::new();
    RENDERED.get_or_init(render_with_thermal_uncached).clone()
}

fn render_with_thermal_uncached() -> (cporamp_pipeline::RunOutput, String, String) {
    let scenario = quick();
    let output = cporamp_pipeline::run(
        &scenario,
        &cporamp_pipeline::RunOptions::with_threads(std::num::NonZeroUsize::new(2).expect("2 > 0")),
    )
    .expect("the quick scenario runs");
    let origin = cporamp_scenario::QUICK_ORIGIN;
    let with = crate::report_html(&RunResults::of_run(origin, &scenario, &output, None));
    let without = crate::report_html(&RunResults {
        origin,
        scenario: &scenario,
        comparison: &output.comparison,
        thermal: &[],
        photonics: &[],
        yields: &[],
        fleet: None,
        market: None,
        market_update: None,
        align: None,
        calibration: None,
        codesign: None,
    });
    (output, with, without)
}

#[test]
fn thermal_results_add_heat_maps_and_sweep_charts() {
    let (output, html, without) = render_with_thermal();
    let generations = output.comparison.generations.len();
    assert_eq!(output.thermal.len(), generations);
    let technologies: usize = output.thermal.iter().map(|thermal| thermal.technologies.len()).sum();
    assert!(technologies > 0, "the default scenario has co-packaged technologies");
    // Comparison 3, a heat map per package and a sweep per generation, and 4 photonics
    // charts (detuning, heater, margins, flaps) and the yield ramp's two per generation, and a
    // yield waterfall per co-packaged technology; the fleet's failures and timeline; the
    // market's share fan and value pools; the fiber-attach loss distributions.
    let charts = 3 * generations + technologies + generations + 6 * generations + technologies + 5;
    assert_eq!(
        html.matches("Yield: the five failure points through the test flow</h3>").count(),
        generations
    );
    assert_eq!(html.matches("<svg").count(), charts);
    assert_eq!(html.matches("</svg>").count(), charts);
    assert_eq!(html.matches("<svg class=\"chart\"").count(), charts);
    assert_eq!(html.matches("Thermal: co-packaged switch package</h3>").count(), generations);
    // The fleet section names every fabric in its tables, by labels.
    let fleet = html.split("<section id=\"fleet\">").nth(1).expect("a fleet section");
    for fabric in &output.fleet.fabrics {
        let label = &fabric.label;
        assert!(fleet.contains(&crate::svg::escape(label)), "{label}");
        assert!(!label.contains("cpo_els"), "{label}: ids instead of labels");
    }
    assert!(!without.contains("<section id=\"fleet\">"));
    // The market section: the four scenarios beside the article's, and the exposure map.
    let market = html.split("<section id=\"market\">").nth(1).expect("a market section");
    for name in ["Base", "Bull", "Bear", "Tail"] {
        assert!(market.contains(&format!("<th scope=\"row\">{name}</th>")), "{name}");
    }
    assert!(market.contains("Exposure by layer") && market.contains("Broadcom"));
    assert_eq!(html.matches("junction temperature map of the package").count(), technologies);
    let generation_sections = html.split("<section id=").filter(|s| s.starts_with("\"g-"));
    for (section, thermal) in generation_sections.zip(&output.thermal) {
        assert!(section.contains("Thermal: co-packaged switch package"));
        for technology in &thermal.technologies {
            let hottest = number(technology.nominal.engine_mean_max_c, 1);
            assert!(
                section.contains(&format!("<td class=\"num\">{hottest}</td>")),
                "{} at {}: hottest engine {hottest} °C missing",
                technology.id,
                thermal.generation
            );
            for warning in &technology.nominal.cold_plate.warnings {
                assert!(section.contains(&escape(warning)));
            }
            // The cold-plate model that produced the temperatures is named.
            assert!(section.contains(&escape(technology.nominal.cold_plate.model.label())));
        }
    }
    for token in tokens(&html) {
        let lower = token.to_ascii_lowercase();
        assert!(
            lower != "nan" && lower != "inf" && lower != "infinity",
            "non-finite number in report: {token}"
        );
    }
    assert!(html.len() < 2_000_000, "report is {} bytes", html.len());
    assert!(!html.contains("src=") && !html.contains("<script") && !html.contains("url("));

    assert_eq!(
        html.matches("Photonics: ring drift, heater lock and link flaps</h3>").count(),
        generations
    );
    let generation_sections = html.split("<section id=").filter(|s| s.starts_with("\"g-"));
    for (section, photonics) in generation_sections.zip(&output.photonics) {
        for technology in &photonics.technologies {
            let reduction = number(technology.nominal.rms_reduction, 1);
            assert!(
                section.contains(&format!("<td class=\"num\">{reduction}</td>")),
                "{}: feed-forward reduction {reduction} missing",
                technology.id
            );
        }
    }

    // Without thermal results the report is the comparison alone.
    assert!(!without.contains("Thermal: co-packaged"));
    assert!(!without.contains("class=\"heatmaps\""));
    assert_eq!(without.matches("<svg").count(), 3 * generations);
}

#[test]
fn every_generation_and_engine_part_has_an_anchor_listed_in_the_navigation() {
    let (output, html, without) = render_with_thermal();
    let nav = html.split("</nav>").next().expect("a navigation");
    let mut expected = vec!["g-51-2t-yield".to_string(), "g-102-4t-yield".to_string()];
    for generation in &output.comparison.generations {
        let anchor = format!("g-{}", slug(&generation.generation));
        expected.push(anchor.clone());
        for (suffix, _) in GENERATION_PARTS {
            expected.push(format!("{anchor}-{suffix}"));
        }
    }
    expected.extend(["fleet", "fleet-fabric", "fleet-job"].map(String::from));
    expected.extend(
        crate::market::PARTS
            .iter()
            .filter(|(id, _)| *id != "market-update")
            .map(|(id, _)| id.to_string()),
    );
    for id in &expected {
        assert_eq!(html.matches(&format!(" id=\"{id}\"")).count(), 1, "id {id}");
        assert!(nav.contains(&format!("href=\"#{id}\"")), "navigation lacks {id}");
    }
    // Every link points at an id on the page, and no id is used twice.
    let ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .collect();
    for (index, id) in ids.iter().enumerate() {
        assert!(!ids[..index].contains(id), "id {id} twice");
    }
    for link in html.split("href=\"#").skip(1) {
        let target = link.split('"').next().unwrap_or_default();
        assert!(ids.contains(&target), "link to missing #{target}");
    }
    // Without engine results the navigation lists only the comparison's parts.
    assert!(!without.contains("-thermal\"") && without.contains("href=\"#g-51-2t-lasers\""));
}

#[test]
fn the_page_uses_labels_one_unit_per_quantity_and_no_e_notation() {
    let (output, html, _) = render_with_thermal();
    let market = html.split("<section id=\"market\">").nth(1).expect("a market section");
    let migration = market.split("id=\"market-migration\"").nth(1).expect("migration map");
    let migration = migration.split("</table>").next().unwrap_or_default();
    // Leaders are named by label (at the defaults LPO leads every year of the leaf tier).
    assert!(migration.contains("LPO: ") && !migration.contains("lpo: "), "{migration}");
    // Ids of the engines (technologies, model inputs, mechanisms) do not reach the page.
    for id in [">lpo ", ">cpo ", "cold_plate_year", "laser_failure_factor", ">laser: $", ">asic"] {
        assert!(!html.contains(id), "id {id} on the page");
    }
    // Wavelength offsets in pm everywhere, tables and charts.
    assert!(!html.contains(" nm") && !html.contains("nm<"), "a wavelength in nm");
    assert!(
        html.contains("RMS detuning, pm")
            && html.contains("ring detuning over one workload period (pm)")
    );
    // No e-notation in any table cell.
    for cell in html.split("<td").skip(1) {
        let text = cell.split("</td>").next().unwrap_or_default();
        let bytes = text.as_bytes();
        for (i, &byte) in bytes.iter().enumerate().skip(1) {
            let next = bytes.get(i + 1).copied().unwrap_or(b' ');
            assert!(
                !(byte == b'e'
                    && bytes[i - 1].is_ascii_digit()
                    && (next == b'-' || next == b'+' || next.is_ascii_digit())),
                "e-notation in a cell: {text}"
            );
        }
    }
    // The RMS detuning of each technology appears in pm.
    for photonics in &output.photonics {
        for technology in &photonics.technologies {
            let pm =
                crate::photonics::significant(1e3 * technology.nominal.feedback.rms_detuning_nm, 3);
            assert!(html.contains(&format!("<td class=\"num\">{pm}</td>")), "{pm} pm");
        }
    }
}

#[test]
fn thermal_results_of_another_generation_are_not_shown() {
    let (mut output, _, _) = render_with_thermal();
    let scenario = quick();
    for thermal in &mut output.thermal {
        thermal.generation = GenerationId::new(format!("{}-other", thermal.generation));
    }
    let html = crate::report_html(&RunResults::of_run("x", &scenario, &output, None));
    assert!(!html.contains("Thermal: co-packaged"));
}

#[test]
fn default_report_is_a_self_contained_html5_document() {
    let (_, comparison, html) = render_default();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(html.contains(TITLE));
    assert!(!comparison.generations.is_empty());
    assert_eq!(html.matches("<svg").count(), 3 * comparison.generations.len());
    assert_eq!(html.matches("</svg>").count(), 3 * comparison.generations.len());
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 3 * comparison.generations.len());
    assert!(html.matches("aria-label=\"").count() >= 3 * comparison.generations.len());
}

#[test]
fn default_report_names_every_technology_and_generation() {
    let (scenario, comparison, html) = render_default();
    for generation in &comparison.generations {
        assert!(html.contains(&escape(&generation_heading(&scenario, generation))));
        for technology in &generation.technologies {
            assert!(html.contains(&escape(&technology.label)), "{} missing", technology.label);
        }
    }
    assert!(html.contains(&escape(&scenario.name)));
    assert!(html.contains(&escape(&scenario.description)));
    assert!(html.contains(&escape(cporamp_scenario::DEFAULT_ORIGIN)));
}

#[test]
fn default_report_has_no_nan_or_infinity() {
    let (_, _, html) = render_default();
    for token in tokens(&html) {
        let lower = token.to_ascii_lowercase();
        assert!(
            lower != "nan" && lower != "inf" && lower != "infinity",
            "non-finite number in report: {token}"
        );
    }
    assert!(!html.contains("NaN"));
}

#[test]
fn default_report_references_nothing_external() {
    let (_, _, html) = render_default();
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("src="));
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
    assert!(!html.contains("@import") && !html.contains("url("));
    for (position, _) in html.match_indices("href=") {
        assert!(html[position..].starts_with("href=\"#"), "non-local link at {position}");
    }
}

#[test]
fn default_generation_heading_names_lanes_and_ports() {
    let (scenario, comparison) = default_run();
    let first = &comparison.generations[0];
    assert_eq!(generation_heading(&scenario, first), "51.2T switch (512 × 100G, 64 ports of 800G)");
}

#[test]
fn energy_chart_stacks_sum_to_the_summary_figure() {
    let (_, comparison) = default_run();
    for generation in &comparison.generations {
        for technology in &generation.technologies {
            let stacked: f64 = technology
                .port_power
                .components()
                .iter()
                .map(|(_, watts)| 1000.0 * watts / generation.port_rate_gbps)
                .sum();
            let summary = technology.port_power.with_host_pj_per_bit;
            assert!(
                (stacked - summary).abs() < 1e-9 * summary.abs().max(1.0),
                "{}: {stacked} vs {summary}",
                technology.id
            );
        }
    }
}

#[test]
fn user_strings_are_escaped() {
    let (mut scenario, mut comparison) = default_run();
    let evil = "<script>alert(\"x\")</script>";
    scenario.name = evil.to_string();
    scenario.description = format!("desc {evil}");
    scenario.technologies[0].label = evil.to_string();
    comparison.generations[0].technologies[0].label = evil.to_string();
    comparison.generations[0].technologies[0].reach_class = evil.to_string();
    comparison.generations[0].technologies[0].sensitivities[0].parameter = evil.to_string();
    let origin = format!("/tmp/{evil}.toml");
    let html = crate::report_html(&RunResults {
        origin: &origin,
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
        codesign: None,
    });
    assert!(!html.contains("<script"), "unescaped script tag");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
}

#[test]
fn empty_comparison_renders() {
    let (scenario, _) = default_run();
    let comparison = Comparison { generations: Vec::new() };
    let html = crate::report_html(&RunResults {
        origin: "x",
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
        codesign: None,
    });
    assert!(html.starts_with("<!doctype html>"));
    assert!(!html.contains("<svg"));
}

#[test]
fn slugs_and_anchors_are_url_safe_and_unique() {
    assert_eq!(slug("102.4T"), "102-4t");
    assert_eq!(slug("  A<b> & c!"), "a-b-c");
    assert_eq!(slug("¡"), "");
    let (_, comparison) = default_run();
    let mut generations = vec![comparison.generations[0].clone(); 3];
    generations[2].generation = GenerationId::new("51.2T summary");
    let anchors = generation_anchors(&generations);
    // The third would clash with the first's summary part.
    assert_eq!(anchors, ["g-51-2t", "g-51-2t-2", "g-51-2t-summary-2"]);
}

#[test]
fn rates_and_signed_numbers_read_well() {
    assert_eq!(rate(100.0), "100G");
    assert_eq!(rate(1600.0), "1.6T");
    assert_eq!(rate(51_200.0), "51.2T");
    assert_eq!(rate(106.25), "106.25G");
    assert_eq!(signed(0.1234, 3), "+0.123");
    assert_eq!(signed(-0.05, 3), "\u{2212}0.050");
    assert_eq!(signed(-0.00001, 3), "0.000");
    assert_eq!(signed(f64::NAN, 3), "—");
}

#[test]
fn the_gate_drivers_table_has_a_row_per_input_and_a_still_share_is_called_noise() {
    let (output, html, _) = render_with_thermal();
    let market = &output.market;
    let gates = &html[html.find("class=\"market-gate-sobol\"").expect("the gate table")..];
    let gates = &gates[..gates.find("</table>").unwrap()];
    let inputs = market.sobol[1].indices.len();
    assert_eq!(gates.matches("<tr").count(), inputs + 1, "a header row and one per input");
    let share = market.sobol.iter().find(|set| set.output == SobolOutput::CpoShare).unwrap();
    let noise = html.contains("its indices apportion the noise of a handful of samples");
    assert_eq!(noise, share.sd < crate::NEGLIGIBLE_SHARE_SD, "share SD {}", share.sd);
}
