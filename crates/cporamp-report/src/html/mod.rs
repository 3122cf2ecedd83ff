//! The HTML report: one self-contained HTML5 document.
//!
//! Styles are in one inline `<style>` element and the three charts of each generation are
//! inline SVG built by [`crate::svg`], as are the thermal part's heat maps and inlet sweep
//! (built by [`crate::thermal`], present when the run has thermal results). There is no
//! script and no external resource, so the file works offline and can be mailed as is. Every
//! string that comes from the scenario (names, labels, descriptions, the origin) is escaped.

mod generation;
mod table;

pub(crate) use table::{
    QuantityRow, close_table, figure, heading, num_cell, open_table, quantity_table, row_header,
    signed,
};

use std::fmt::Write as _;

use cporamp_compare::GenerationComparison;
use cporamp_scenario::Scenario;

use crate::RunResults;
use crate::svg::escape;
use generation::GenerationSection;
use table::rate;

/// Document title and main heading.
const TITLE: &str = "cporamp — technology comparison";

/// One fixed colour per [`cporamp_compare::PortPower::components`] entry, in its order.
/// Okabe-Ito (colour-blind safe) for the first seven, then Tol's wine and two greys for the
/// external laser, control and conversion loss.
const COMPONENT_COLOURS: [&str; 10] = [
    "#0072B2", // host SerDes: blue
    "#E69F00", // DSP / retimer: orange
    "#56B4E9", // driver: sky blue
    "#009E73", // TIA: bluish green
    "#CC79A7", // engine SerDes: reddish purple
    "#F0E442", // ring heaters: yellow
    "#D55E00", // laser + TEC: vermillion
    "#882255", // external laser: wine
    "#999999", // control: grey
    "#505050", // conversion loss: dark grey
];

/// Switch power: ASIC, optics.
const SWITCH_COLOURS: [&str; 2] = ["#0072B2", "#E69F00"];

/// Port cost components: DSP, drivers and TIAs, lasers, ELS share, optics, housing.
const COST_COLOURS: [&str; 6] = ["#E69F00", "#009E73", "#D55E00", "#882255", "#56B4E9", "#999999"];

/// The inline style sheet. Tables fit a 760 px page (print, narrow windows) without a
/// scroll container: headers wrap, wide tables are transposed or split.
pub(crate) const CSS: &str = r#"
:root { --fg: #1b1b1b; --muted: #555; --rule: #d5d8dc; --head: #f3f4f6; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.8rem; margin: 0 0 .75rem; }
h2 { font-size: 1.35rem; margin: 2.75rem 0 .75rem; padding-top: .6rem; border-top: 2px solid var(--fg); }
h3 { font-size: 1.05rem; margin: 1.75rem 0 .5rem; }
h4 { font-size: .95rem; margin: 1.25rem 0 .4rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
dl.meta dt { font-weight: 600; color: var(--muted); }
dl.meta dd { margin: 0; min-width: 0; }
code { overflow-wrap: anywhere; }
p.note { background: #f6f8fa; border-left: 4px solid var(--accent); padding: .6rem .9rem; margin: 1rem 0; }
nav.toc { border: 1px solid var(--rule); padding: .5rem 1rem; margin: 1rem 0; }
nav.toc h2 { font-size: 1rem; margin: 0 0 .25rem; padding: 0; border: 0; }
nav.toc ol { margin: 0; padding-left: 1.25rem; }
nav.toc li { margin: .2rem 0; }
nav.toc ul { display: inline; margin: 0; padding: 0; }
nav.toc ul li { display: inline; }
nav.toc ul li:not(:last-child)::after { content: "\a0·"; color: var(--muted); }
a { color: var(--accent); }
table { border-collapse: collapse; max-width: 100%; font-size: .85rem; margin: .25rem 0 1rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .45rem; vertical-align: top; }
thead th { background: var(--head); text-align: left; font-weight: 600; vertical-align: bottom; }
tbody th { text-align: left; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.text { min-width: 8em; }
table.wide { width: 100%; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: .2rem 0; }
figure { margin: 1.25rem 0 1.5rem; }
svg.chart { display: block; width: 100%; max-width: 860px; height: auto; }
svg.chart text { font-family: inherit; }
div.heatmaps { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
div.heatmaps figure { flex: 0 1 420px; margin: .75rem 0 1rem; min-width: 0; }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .3rem; max-width: 860px; }
p.empty { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: .85rem; margin-top: 3rem; border-top: 1px solid var(--rule); padding-top: .75rem; }
@media print { main { padding: 0; } h2 { break-before: page; } nav.toc + section h2 { break-before: auto; }
  figure, table { break-inside: avoid; } }
"#;

/// Renders the whole report.
pub(crate) fn render(run: &RunResults<'_>) -> String {
    let scenario = run.scenario;
    let generations = &run.comparison.generations;
    let mut html = String::with_capacity(96 * 1024);
    html.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(html, "<title>{TITLE}: {}</title>", escape(&scenario.name));
    let _ = writeln!(html, "<style>{CSS}</style>\n</head>\n<body>\n<main>");

    header(&mut html, run);
    if let Some(market) = run.market {
        crate::answer::Answer::of(scenario, market).html(&mut html, market.inputs.anchors.end_year);
    }
    let anchors = generation_anchors(generations);
    let parts: Vec<Vec<(&str, &str)>> = generations
        .iter()
        .map(|generation| {
            let present = |engine: &str| match engine {
                "thermal" => run.thermal.iter().any(|t| t.generation == generation.generation),
                "photonics" => run.photonics.iter().any(|p| p.generation == generation.generation),
                "yield" => run.yields.iter().any(|y| y.generation == generation.generation),
                _ => !generation.technologies.is_empty(),
            };
            GENERATION_PARTS.iter().copied().filter(|(suffix, _)| present(suffix)).collect()
        })
        .collect();
    navigation(&mut html, run, &anchors, &parts);
    if let Some(calibration) = run.calibration {
        crate::calibration::section(&mut html, calibration);
    }
    for ((generation, anchor), parts) in generations.iter().zip(&anchors).zip(&parts) {
        let thermal =
            run.thermal.iter().find(|thermal| thermal.generation == generation.generation);
        let photonics =
            run.photonics.iter().find(|photonics| photonics.generation == generation.generation);
        let yields = run.yields.iter().find(|yields| yields.generation == generation.generation);
        let section = GenerationSection { scenario, anchor, parts, generation };
        section.render(&mut html, thermal, photonics, yields);
    }
    if let Some(fleet) = run.fleet {
        crate::fleet::section(&mut html, scenario, fleet);
    }
    if let Some(market) = run.market {
        crate::market::section(&mut html, scenario, market, run.market_update);
    }
    if let Some(align) = run.align {
        crate::align::section(&mut html, scenario, align);
    }
    if let Some(codesign) = run.codesign {
        crate::codesign::section(&mut html, codesign);
    }
    let _ = writeln!(
        html,
        "<footer>Generated by cporamp {}. Self-contained: inline styles and SVG, no scripts, \
         fonts or external resources.</footer>",
        env!("CARGO_PKG_VERSION")
    );
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

/// Title, scenario name, description, origin and the note on where figures come from.
fn header(html: &mut String, run: &RunResults<'_>) {
    let scenario = run.scenario;
    let _ = writeln!(html, "<header>\n<h1>{TITLE}</h1>\n<dl class=\"meta\">");
    let _ = writeln!(html, "<dt>Scenario</dt><dd>{}</dd>", escape(&scenario.name));
    let _ = writeln!(html, "<dt>Description</dt><dd>{}</dd>", escape(&scenario.description));
    let _ = writeln!(html, "<dt>Origin</dt><dd><code>{}</code></dd>", escape(run.origin));
    let technologies: Vec<String> =
        scenario.technologies.iter().map(|technology| escape(&technology.label)).collect();
    let _ = writeln!(html, "<dt>Technologies</dt><dd>{}</dd>", technologies.join("; "));
    html.push_str("</dl>\n");
    html.push_str(
        "<p class=\"note\">Every figure in this report is derived from component models: per-bit \
         energies of DSPs, drivers, TIAs and SerDes, laser link budgets and wall-plug efficiency, \
         ring tuning, power conversion, component costs and repair times. The inputs of those \
         models are cited in the scenario file, where each value names its source or is marked as \
         an assumption with its reasoning; no figure here is a measured or quoted system number. \
         &ldquo;Optics&rdquo; is everything outside the switch ASIC; the host SerDes sits in the \
         ASIC and is counted in &ldquo;optics + host SerDes&rdquo; and in switch power.</p>\n",
    );
    html.push_str("</header>\n");
}

/// The parts of a generation's section: `(id suffix, navigation title)`, in page order.
/// The engine parts are there when the run has that engine's results for the generation.
const GENERATION_PARTS: [(&str, &str); 8] = [
    ("summary", "summary"),
    ("charts", "energy, power, cost"),
    ("service", "serviceability"),
    ("sensitivities", "sensitivities"),
    ("lasers", "lasers"),
    ("thermal", "thermal"),
    ("photonics", "photonics"),
    ("yield", "yield"),
];

/// A URL fragment from free text: lower-case ASCII letters and digits, every other run of
/// characters one `-`. "102.4T" gives "102-4t".
pub(crate) fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// The anchor of each generation's section, `g-` and the generation's slug, made unique
/// (with `-2`, `-3`, ...) against earlier generations' anchors and their parts' ids.
fn generation_anchors(generations: &[GenerationComparison]) -> Vec<String> {
    let mut used: Vec<String> =
        vec!["fleet".to_string(), "market".to_string(), "answer".to_string()];
    let mut anchors = Vec::with_capacity(generations.len());
    for generation in generations {
        let base = format!("g-{}", slug(&generation.generation));
        let mut anchor = base.clone();
        let mut counter = 2;
        let taken = |anchor: &str, used: &[String]| {
            used.iter().any(|id| id == anchor)
                || GENERATION_PARTS
                    .iter()
                    .any(|(suffix, _)| used.contains(&format!("{anchor}-{suffix}")))
        };
        while taken(&anchor, &used) {
            anchor = format!("{base}-{counter}");
            counter += 1;
        }
        used.push(anchor.clone());
        used.extend(GENERATION_PARTS.iter().map(|(suffix, _)| format!("{anchor}-{suffix}")));
        anchors.push(anchor);
    }
    anchors
}

/// The table of contents: each generation with its parts, then the fleet and market
/// sections with theirs.
fn navigation(
    html: &mut String,
    run: &RunResults<'_>,
    anchors: &[String],
    parts: &[Vec<(&str, &str)>],
) {
    let generations = &run.comparison.generations;
    if generations.is_empty()
        && run.fleet.is_none()
        && run.market.is_none()
        && run.align.is_none()
        && run.codesign.is_none()
    {
        return;
    }
    html.push_str("<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>\n");
    if run.market.is_some() {
        html.push_str("<li><a href=\"#answer\">The answer</a></li>\n");
    }
    if run.calibration.is_some() {
        html.push_str("<li><a href=\"#calibration\">Calibration</a></li>\n");
    }
    let entry = |html: &mut String, anchor: &str, title: &str, parts: &[(String, &str)]| {
        let _ = write!(html, "<li><a href=\"#{anchor}\">{}</a>", escape(title));
        if !parts.is_empty() {
            html.push_str(": <ul>");
            for (id, title) in parts {
                let _ = write!(html, "<li><a href=\"#{id}\">{title}</a></li> ");
            }
            html.push_str("</ul>");
        }
        html.push_str("</li>\n");
    };
    for ((generation, anchor), parts) in generations.iter().zip(anchors).zip(parts) {
        let parts: Vec<(String, &str)> =
            parts.iter().map(|(suffix, title)| (format!("{anchor}-{suffix}"), *title)).collect();
        entry(html, anchor, &generation_heading(run.scenario, generation), &parts);
    }
    if run.fleet.is_some() {
        let parts: Vec<(String, &str)> =
            crate::fleet::PARTS.iter().map(|(id, title)| ((*id).to_string(), *title)).collect();
        entry(html, "fleet", crate::fleet::TITLE, &parts);
    }
    if run.market.is_some() {
        let parts: Vec<(String, &str)> = crate::market::PARTS
            .iter()
            .filter(|(id, _)| *id != "market-update" || run.market_update.is_some())
            .map(|(id, title)| ((*id).to_string(), *title))
            .collect();
        entry(html, "market", crate::market::TITLE, &parts);
    }
    if run.align.is_some() {
        entry(html, crate::align::ANCHOR, crate::align::TITLE, &[]);
    }
    if run.codesign.is_some() {
        entry(html, crate::codesign::ANCHOR, crate::codesign::TITLE, &[]);
    }
    html.push_str("</ol></nav>\n");
}

/// "51.2T switch (512 × 100G, 64 ports of 800G)". Plain text, not yet escaped.
fn generation_heading(scenario: &Scenario, generation: &GenerationComparison) -> String {
    let ports =
        format!("{} ports of {}", generation.ports_per_switch, rate(generation.port_rate_gbps));
    match scenario.generation(&generation.generation) {
        Some(definition) => format!(
            "{} switch ({} × {}, {ports})",
            generation.generation,
            definition.lanes_per_switch,
            rate(definition.lane_rate.0)
        ),
        None => format!("{} switch ({ports})", generation.generation),
    }
}

#[cfg(test)]
pub(crate) mod tests;
