//! The HTML report: one self-contained HTML5 document.
//!
//! Styles are in one inline `<style>` element and the three charts of each generation are
//! inline SVG built by [`crate::svg`], as are the thermal part's heat maps and inlet sweep
//! (built by [`crate::thermal`], present when the run has thermal results). There is no
//! script and no external resource, so the file works offline and can be mailed as is. Every
//! string that comes from the scenario (names, labels, descriptions, the origin) is escaped.

use std::fmt::Write as _;

use cporamp_compare::{FailureImpact, GenerationComparison, MttrClass, TechnologyResult};
use cporamp_core::Scenario;
use cporamp_core::scenario::LaserPlacement;
use cporamp_pipeline::ThermalGeneration;

use crate::RunResults;
use crate::svg::{Series, escape, number, stacked_bar_chart};

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

/// The largest number of item columns (technologies, fabrics) of a transposed table; more
/// items continue in a further table with the same rows.
const MAX_ITEM_COLUMNS: usize = 4;

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
    if generations.is_empty() && run.fleet.is_none() && run.market.is_none() {
        return;
    }
    html.push_str("<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>\n");
    if run.market.is_some() {
        html.push_str("<li><a href=\"#answer\">The answer</a></li>\n");
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

/// A rate in Gb/s as "100G", "800G" or "1.6T".
fn rate(gbps: f64) -> String {
    if gbps.abs() >= 1000.0 {
        format!("{}T", trimmed(gbps / 1000.0))
    } else {
        format!("{}G", trimmed(gbps))
    }
}

/// A number with at most three decimals and no trailing zeros.
fn trimmed(value: f64) -> String {
    let text = number(value, 3);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A signed difference: "+0.123", "−0.050", or "0.000" when it rounds to zero.
pub(crate) fn signed(value: f64, decimals: usize) -> String {
    let text = number(value, decimals);
    if !value.is_finite() || !text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        text
    } else if let Some(magnitude) = text.strip_prefix('-') {
        format!("\u{2212}{magnitude}")
    } else {
        format!("+{text}")
    }
}

/// A right-aligned numeric cell.
pub(crate) fn num_cell(html: &mut String, text: &str) {
    let _ = write!(html, "<td class=\"num\">{text}</td>");
}

/// Opens a table row headed by `label` (escaped).
pub(crate) fn row_header(html: &mut String, label: &str) {
    let _ = write!(html, "<tr><th scope=\"row\">{}</th>", escape(label));
}

/// Opens a table with the given header cells; a header starting with `#` is numeric (the
/// `#` is dropped). Headers are trusted markup.
pub(crate) fn open_table(html: &mut String, class: &str, headers: &[&str]) {
    let _ = write!(html, "<table class=\"{class}\">");
    html.push_str("<thead><tr>");
    for header in headers {
        match header.strip_prefix('#') {
            Some(header) => {
                let _ = write!(html, "<th scope=\"col\" class=\"num\">{header}</th>");
            }
            None => {
                let _ = write!(html, "<th scope=\"col\">{header}</th>");
            }
        }
    }
    html.push_str("</tr></thead>\n<tbody>\n");
}

/// Closes a table opened by [`open_table`].
pub(crate) fn close_table(html: &mut String) {
    html.push_str("</tbody></table>\n");
}

/// One row of a [`quantity_table`]: the quantity with its unit (trusted markup) and one
/// cell per item (already formatted; numeric cells are right-aligned).
pub(crate) struct QuantityRow {
    /// The row header: the quantity and its unit, trusted markup.
    pub(crate) header: String,
    /// One cell per item.
    pub(crate) cells: Vec<String>,
    /// Numeric cells (right-aligned, not wrapped) or text.
    pub(crate) numeric: bool,
}

impl QuantityRow {
    /// A row of numbers.
    pub(crate) fn numbers(header: impl Into<String>, cells: Vec<String>) -> QuantityRow {
        QuantityRow { header: header.into(), cells, numeric: true }
    }

    /// A row of text (escaped when written).
    pub(crate) fn text(header: impl Into<String>, cells: Vec<String>) -> QuantityRow {
        QuantityRow { header: header.into(), cells, numeric: false }
    }
}

/// A transposed table: one row per quantity, one column per item (technology or fabric,
/// labels escaped here), at most [`MAX_ITEM_COLUMNS`] items per table so that the page
/// never needs a horizontal scroll; further items continue in a table below with the same
/// rows. `corner` is the top-left header (trusted markup).
pub(crate) fn quantity_table(
    html: &mut String,
    class: &str,
    corner: &str,
    items: &[String],
    rows: &[QuantityRow],
) {
    let columns: Vec<usize> = (0..items.len()).collect();
    for chunk in columns.chunks(MAX_ITEM_COLUMNS) {
        let _ = write!(html, "<table class=\"{class} transposed\"><thead><tr>");
        let _ = write!(html, "<th scope=\"col\">{corner}</th>");
        for &item in chunk {
            let _ = write!(html, "<th scope=\"col\" class=\"num\">{}</th>", escape(&items[item]));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            let _ = write!(html, "<tr><th scope=\"row\">{}</th>", row.header);
            for &item in chunk {
                let cell = row.cells.get(item).map_or("—", String::as_str);
                if row.numeric {
                    num_cell(html, cell);
                } else {
                    let _ = write!(html, "<td>{}</td>", escape(cell));
                }
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody></table>\n");
    }
}

/// An `<h3>` with an anchor.
pub(crate) fn heading(html: &mut String, id: &str, title: &str) {
    let _ = writeln!(html, "<h3 id=\"{id}\">{title}</h3>");
}

/// One generation's section: where it goes and which parts it has.
struct GenerationSection<'a> {
    scenario: &'a Scenario,
    /// The section's `id`; each part's is this, `-` and the part's suffix.
    anchor: &'a str,
    /// The parts present, from [`GENERATION_PARTS`].
    parts: &'a [(&'a str, &'a str)],
    generation: &'a GenerationComparison,
}

impl GenerationSection<'_> {
    /// The `id` of a part.
    fn id(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.anchor)
    }

    /// Summary, three charts, serviceability, sensitivities, lasers, and the thermal,
    /// photonics and yield parts when the run has their results for the generation.
    fn render(
        &self,
        html: &mut String,
        thermal: Option<&ThermalGeneration>,
        photonics: Option<&cporamp_pipeline::PhotonicsGeneration>,
        yields: Option<&cporamp_pipeline::YieldGeneration>,
    ) {
        let (scenario, generation) = (self.scenario, self.generation);
        let heading_text = escape(&generation_heading(scenario, generation));
        let _ = writeln!(html, "<section id=\"{}\">\n<h2>{heading_text}</h2>", self.anchor);
        if generation.technologies.is_empty() || self.parts.is_empty() {
            html.push_str("<p class=\"empty\">No technologies to compare.</p>\n</section>\n");
            return;
        }
        summary_table(html, &self.id("summary"), generation);
        heading(html, &self.id("charts"), "Energy, switch power and cost");
        energy_chart(html, generation);
        switch_power_chart(html, generation);
        cost_chart(html, generation);
        service_table(html, &self.id("service"), generation);
        sensitivity_table(html, &self.id("sensitivities"), generation);
        laser_tables(html, &self.id("lasers"), scenario, generation);
        if let Some(thermal) = thermal {
            crate::thermal::section(html, &self.id("thermal"), thermal);
        }
        if let Some(photonics) = photonics {
            crate::photonics::section(html, &self.id("photonics"), photonics);
        }
        if let Some(yields) = yields {
            crate::yields::section(html, &self.id("yield"), yields, generation);
        }
        html.push_str("</section>\n");
    }
}

/// The labels of a generation's technologies, in order.
fn labels(generation: &GenerationComparison) -> Vec<String> {
    generation.technologies.iter().map(|technology| technology.label.clone()).collect()
}

/// One row per technology: power, energy and cost; then reach and density. Two tables so
/// that each fits a narrow page.
fn summary_table(html: &mut String, id: &str, generation: &GenerationComparison) {
    heading(html, id, "Summary");
    open_table(
        html,
        "summary wide",
        &[
            "Technology",
            "#Optics<br>W/port",
            "#Optics<br>pJ/bit",
            "#Optics + host<br>SerDes pJ/bit",
            "#Switch W<br>(ASIC + optics)",
            "#Port BOM<br>$/Gbps",
            "#Switch BOM<br>$/Gbps",
        ],
    );
    for technology in &generation.technologies {
        row_header(html, &technology.label);
        num_cell(html, &number(technology.port_power.optics_w, 2));
        num_cell(html, &number(technology.port_power.optics_pj_per_bit, 2));
        num_cell(html, &number(technology.port_power.with_host_pj_per_bit, 2));
        num_cell(html, &number(technology.switch_power.total_w, 0));
        num_cell(html, &number(technology.cost.port_usd_per_gbps, 3));
        num_cell(html, &number(technology.cost.switch_usd_per_gbps, 3));
        html.push_str("</tr>\n");
    }
    close_table(html);
    open_table(
        html,
        "summary-density wide",
        &[
            "Technology",
            "Reach class",
            "#Ports<br>per RU",
            "#Tb/s<br>per RU",
            "#Tb/s per mm<br>pkg. edge",
        ],
    );
    for technology in &generation.technologies {
        row_header(html, &technology.label);
        let _ = write!(html, "<td class=\"text\">{}</td>", escape(&technology.reach_class));
        num_cell(html, &technology.density.ports_per_ru.to_string());
        num_cell(html, &number(technology.density.tbps_per_ru, 1));
        num_cell(
            html,
            &technology
                .density
                .tbps_per_mm_edge
                .map_or_else(|| "—".to_string(), |value| number(value, 2)),
        );
        html.push_str("</tr>\n");
    }
    close_table(html);
}

/// A chart with its caption.
pub(crate) fn figure(html: &mut String, svg: &str, caption: &str) {
    let _ = writeln!(html, "<figure>\n{svg}\n<figcaption>{caption}</figcaption>\n</figure>");
}

/// Chart A: pJ/bit of optics plus host SerDes, stacked by component.
fn energy_chart(html: &mut String, generation: &GenerationComparison) {
    let rate = generation.port_rate_gbps;
    // The type pins the component count to the palette's.
    let components: Vec<[(&str, f64); 10]> = generation
        .technologies
        .iter()
        .map(|technology| technology.port_power.components())
        .collect();
    let series: Vec<Series> = COMPONENT_COLOURS
        .iter()
        .enumerate()
        .map(|(position, colour)| {
            let label = components.first().map_or("", |first| first[position].0);
            let values = components.iter().map(|parts| 1000.0 * parts[position].1 / rate).collect();
            Series::new(label, colour, values)
        })
        .collect();
    let svg = stacked_bar_chart(
        "Energy per bit: optics + host SerDes (pJ/bit)",
        &labels(generation),
        &series,
        "pJ/bit",
        2,
    );
    let caption = format!(
        "Each component's power per port divided by the port rate ({} Gb/s). The host SerDes is in \
         the switch ASIC; the rest is the optics. Components that are zero for every technology \
         are left out of the legend.",
        trimmed(rate)
    );
    figure(html, &svg, &caption);
}

/// Chart B: switch power, ASIC and optics.
fn switch_power_chart(html: &mut String, generation: &GenerationComparison) {
    let technologies = &generation.technologies;
    let series = [
        Series::new(
            "ASIC (core + host SerDes)",
            SWITCH_COLOURS[0],
            technologies.iter().map(|technology| technology.switch_power.asic_w).collect(),
        ),
        Series::new(
            "optics (all ports)",
            SWITCH_COLOURS[1],
            technologies.iter().map(|technology| technology.switch_power.optics_w).collect(),
        ),
    ];
    let svg =
        stacked_bar_chart("Switch power (W)", &labels(generation), &series, "W per switch", 0);
    let caption = format!(
        "The switch ASIC (switching core plus the host SerDes of all {} ports) and every port's optics.",
        generation.ports_per_switch
    );
    figure(html, &svg, &caption);
}

/// Chart C: port BOM per Gb/s, stacked by cost component.
fn cost_chart(html: &mut String, generation: &GenerationComparison) {
    let rate = generation.port_rate_gbps;
    let technologies = &generation.technologies;
    let per_gbps = |cost: fn(&TechnologyResult) -> f64| -> Vec<f64> {
        technologies.iter().map(|technology| cost(technology) / rate).collect()
    };
    let series = [
        Series::new("DSP", COST_COLOURS[0], per_gbps(|t| t.cost.dsp_usd_per_port)),
        Series::new(
            "drivers + TIAs",
            COST_COLOURS[1],
            per_gbps(|t| t.cost.electronics_usd_per_port),
        ),
        Series::new("lasers", COST_COLOURS[2], per_gbps(|t| t.cost.laser_usd_per_port)),
        Series::new(
            "external laser modules",
            COST_COLOURS[3],
            per_gbps(|t| t.cost.els_usd_per_port),
        ),
        Series::new(
            "optics, PIC, attach, test",
            COST_COLOURS[4],
            per_gbps(|t| t.cost.optics_usd_per_port),
        ),
        Series::new(
            "housing, board, cable",
            COST_COLOURS[5],
            per_gbps(|t| t.cost.housing_usd_per_port),
        ),
    ];
    let svg = stacked_bar_chart(
        "Port bill of materials ($/Gbps)",
        &labels(generation),
        &series,
        "$/Gbps",
        3,
    );
    figure(
        html,
        &svg,
        "Component cost of one port divided by the port rate; the switch ASIC is not included \
         (see switch BOM $/Gbps in the summary). Pluggable figures are BOM, not street price.",
    );
}

/// The name of a repair class.
fn mttr_class(class: MttrClass) -> &'static str {
    match class {
        MttrClass::Minutes => "minutes",
        MttrClass::Hours => "hours",
        MttrClass::Days => "days",
    }
}

/// One failure row's cells after the technology cell.
fn failure_cells(html: &mut String, kind: &str, impact: &FailureImpact) {
    let _ = write!(html, "<td>{kind}</td><td>{}</td>", escape(impact.fru.label()));
    num_cell(html, &impact.ports_down.to_string());
    num_cell(html, &impact.blast_radius_ports.to_string());
    let _ = write!(html, "<td>{}</td>", if impact.hot_swappable { "yes" } else { "no" });
    num_cell(html, &number(impact.mttr_h, 1));
    let _ = write!(html, "<td>{}</td>", mttr_class(impact.mttr_class));
}

/// What one failure costs, per technology and failure kind.
fn service_table(html: &mut String, id: &str, generation: &GenerationComparison) {
    heading(html, id, "Serviceability");
    open_table(
        html,
        "service",
        &[
            "Technology",
            "Failure",
            "Field-replaceable<br>unit",
            "#Ports<br>down",
            "#Blast radius<br>(ports)",
            "Hot-<br>swappable",
            "#MTTR<br>h",
            "Repair<br>class",
        ],
    );
    for technology in &generation.technologies {
        let service = &technology.service;
        let mut failures: Vec<(&str, &FailureImpact)> = Vec::with_capacity(2);
        if let Some(laser) = &service.laser_failure {
            failures.push(("laser", laser));
        }
        failures.push(("port electronics", &service.port_failure));
        for (row, (kind, impact)) in failures.iter().enumerate() {
            html.push_str("<tr>");
            if row == 0 {
                let _ = write!(
                    html,
                    "<th scope=\"rowgroup\" rowspan=\"{}\">{}</th>",
                    failures.len(),
                    escape(&technology.label)
                );
            }
            failure_cells(html, kind, impact);
            html.push_str("</tr>\n");
        }
    }
    close_table(html);
    html.push_str(
        "<p>Ports down: dark from the failure until the repair. Blast radius: out of service \
         during the repair.</p>\n",
    );
}

/// The model re-run with one input changed, per technology.
fn sensitivity_table(html: &mut String, id: &str, generation: &GenerationComparison) {
    heading(html, id, "Sensitivities");
    open_table(
        html,
        "compact sensitivity",
        &[
            "Technology",
            "Input changed",
            "#Δ optics<br>W/port",
            "#Δ optics<br>pJ/bit",
            "#Δ optics + host<br>pJ/bit",
        ],
    );
    for technology in &generation.technologies {
        let rows = technology.sensitivities.len();
        for (row, sensitivity) in technology.sensitivities.iter().enumerate() {
            html.push_str("<tr>");
            if row == 0 {
                let _ = write!(
                    html,
                    "<th scope=\"rowgroup\" rowspan=\"{rows}\">{}</th>",
                    escape(&technology.label)
                );
            }
            let _ = write!(html, "<td>{}</td>", escape(&sensitivity.parameter));
            num_cell(html, &signed(sensitivity.delta_optics_w_per_port, 3));
            num_cell(html, &signed(sensitivity.delta_optics_pj_per_bit, 3));
            num_cell(html, &signed(sensitivity.delta_with_host_pj_per_bit, 3));
            html.push_str("</tr>\n");
        }
    }
    close_table(html);
}

/// Where a laser sits, for people.
fn placement(placement: LaserPlacement) -> &'static str {
    match placement {
        LaserPlacement::Module => "in module",
        LaserPlacement::Package => "in package",
        LaserPlacement::External => "external source",
    }
}

/// Lanes fed by one laser: from the scenario, else from lanes per port over lasers per port.
fn lanes_per_laser(
    scenario: &Scenario,
    generation: &GenerationComparison,
    technology: &TechnologyResult,
) -> String {
    let from_scenario = scenario
        .technologies
        .iter()
        .find(|candidate| candidate.id == technology.id)
        .and_then(|candidate| candidate.optics.as_ref())
        .map(|optics| optics.laser.lanes_per_laser.to_string());
    from_scenario.unwrap_or_else(|| {
        let lanes = scenario
            .generation(&generation.generation)
            .map(|definition| f64::from(definition.lanes_per_port));
        match (lanes, technology.laser.as_ref()) {
            (Some(lanes), Some(laser)) if laser.lasers_per_port > 0.0 => {
                trimmed(lanes / laser.lasers_per_port)
            }
            _ => "—".to_string(),
        }
    })
}

/// The laser behind each port and the link budget that sets its launch power.
fn laser_tables(
    html: &mut String,
    id: &str,
    scenario: &Scenario,
    generation: &GenerationComparison,
) {
    heading(html, id, "Laser link budget");
    let with_laser: Vec<&TechnologyResult> =
        generation.technologies.iter().filter(|technology| technology.laser.is_some()).collect();
    if with_laser.is_empty() {
        html.push_str("<p class=\"empty\">No technology at this generation has a laser.</p>\n");
        return;
    }
    open_table(
        html,
        "laser",
        &[
            "Technology",
            "Laser",
            "#Launch per laser<br>dBm",
            "#Lanes<br>per laser",
            "#Lasers<br>per port",
            "#Laser<br>°C",
            "#WPE at<br>temperature",
            "#Drive W<br>per laser",
            "#TEC W<br>per laser",
        ],
    );
    for technology in &with_laser {
        let Some(laser) = &technology.laser else { continue };
        row_header(html, &technology.label);
        let _ = write!(html, "<td>{}</td>", placement(laser.placement));
        num_cell(html, &number(laser.link_budget.laser_launch_dbm, 2));
        num_cell(html, &lanes_per_laser(scenario, generation, technology));
        num_cell(html, &trimmed(laser.lasers_per_port));
        num_cell(html, &number(laser.power.laser_temp_c, 1));
        num_cell(html, &format!("{} %", number(100.0 * laser.power.wall_plug_efficiency, 1)));
        num_cell(html, &number(laser.power.drive_w, 3));
        num_cell(html, &number(laser.power.tec_w, 3));
        html.push_str("</tr>\n");
    }
    close_table(html);

    html.push_str(
        "<p>Terms of the launch power, dB (receiver sensitivity and launch in dBm): each \
         column sums to the launch power.</p>\n",
    );
    let items: Vec<String> = with_laser.iter().map(|technology| technology.label.clone()).collect();
    let term = |pick: fn(&cporamp_compare::link_budget::LinkBudgetTerms) -> f64| -> Vec<String> {
        with_laser
            .iter()
            .map(|technology| {
                technology
                    .laser
                    .as_ref()
                    .map_or("—".to_string(), |laser| number(pick(&laser.link_budget), 2))
            })
            .collect()
    };
    let rows = [
        QuantityRow::numbers("Rx OMA sensitivity, dBm", term(|t| t.rx_oma_sensitivity_dbm)),
        QuantityRow::numbers("Extinction penalty, dB", term(|t| t.extinction_penalty_db)),
        QuantityRow::numbers("Modulator loss, dB", term(|t| t.modulator_loss_db)),
        QuantityRow::numbers("Coupling loss, dB", term(|t| t.coupling_loss_db)),
        QuantityRow::numbers("Connector loss, dB", term(|t| t.connector_loss_db)),
        QuantityRow::numbers("Fiber loss, dB", term(|t| t.fiber_loss_db)),
        QuantityRow::numbers("Other loss, dB", term(|t| t.other_loss_db)),
        QuantityRow::numbers("Margin, dB", term(|t| t.margin_db)),
        QuantityRow::numbers("Split loss, dB", term(|t| t.split_loss_db)),
        QuantityRow::numbers("<b>Launch per laser, dBm</b>", term(|t| t.laser_launch_dbm)),
    ];
    quantity_table(html, "compact budget", "Link budget term", &items, &rows);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use cporamp_compare::Comparison;

    fn default_run() -> (Scenario, Comparison) {
        let scenario = quick();
        let comparison = cporamp_compare::compare(&scenario).expect("default scenario compares");
        (scenario, comparison)
    }

    fn render_default() -> (Scenario, Comparison, String) {
        let (scenario, comparison) = default_run();
        let html = crate::report_html(&RunResults {
            origin: cporamp_core::scenario::DEFAULT_ORIGIN,
            scenario: &scenario,
            comparison: &comparison,
            thermal: &[],
            photonics: &[],
            yields: &[],
            fleet: None,
            market: None,
            market_update: None,
        });
        (scenario, comparison, html)
    }

    fn tokens(text: &str) -> impl Iterator<Item = &str> {
        text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|token| !token.is_empty())
    }

    /// The quick scenario (the default with small Monte Carlo sizes): the tests check how
    /// results are rendered, not the default's figures.
    pub(crate) fn quick() -> cporamp_core::Scenario {
        cporamp_core::load(
            &cporamp_core::scenario::quick_scenario_toml(),
            cporamp_core::scenario::QUICK_ORIGIN,
        )
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
        let output = cporamp_pipeline::run(&scenario, &cporamp_pipeline::RunOptions::default())
            .expect("the quick scenario runs");
        let origin = cporamp_core::scenario::QUICK_ORIGIN;
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
        });
        (output, with, without)
    }

    #[test]
    fn thermal_results_add_heat_maps_and_sweep_charts() {
        let (output, html, without) = render_with_thermal();
        let generations = output.comparison.generations.len();
        assert_eq!(output.thermal.len(), generations);
        let technologies: usize =
            output.thermal.iter().map(|thermal| thermal.technologies.len()).sum();
        assert!(technologies > 0, "the default scenario has co-packaged technologies");
        // Comparison 3, a heat map per package and a sweep per generation, and 4 photonics
        // charts (detuning, heater, margins, flaps) and the yield ramp's two per generation, and a
        // yield waterfall per co-packaged technology; the fleet's failures and timeline; the
        // market's share fan and value pools.
        let charts =
            3 * generations + technologies + generations + 6 * generations + technologies + 4;
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
        for id in
            [">lpo ", ">cpo ", "cold_plate_year", "laser_failure_factor", ">laser: $", ">asic"]
        {
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
                let pm = crate::photonics::significant(
                    1e3 * technology.nominal.feedback.rms_detuning_nm,
                    3,
                );
                assert!(html.contains(&format!("<td class=\"num\">{pm}</td>")), "{pm} pm");
            }
        }
    }

    #[test]
    fn thermal_results_of_another_generation_are_not_shown() {
        let (mut output, _, _) = render_with_thermal();
        let scenario = quick();
        for thermal in &mut output.thermal {
            thermal.generation.push_str("-other");
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
        assert!(html.contains(&escape(cporamp_core::scenario::DEFAULT_ORIGIN)));
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
        assert_eq!(
            generation_heading(&scenario, first),
            "51.2T switch (512 × 100G, 64 ports of 800G)"
        );
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
        generations[2].generation = "51.2T summary".to_string();
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
}
