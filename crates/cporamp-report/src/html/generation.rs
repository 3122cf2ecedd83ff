//! One generation's section of the report: the summary, the energy, switch-power and cost
//! charts, serviceability, sensitivities and lasers, then the engines' parts.

use std::fmt::Write as _;

use cporamp_compare::{FailureImpact, GenerationComparison, MttrClass, TechnologyResult};
use cporamp_pipeline::ThermalGeneration;
use cporamp_scenario::LaserPlacement;
use cporamp_scenario::Scenario;

use super::table::{
    QuantityRow, close_table, figure, heading, num_cell, open_table, quantity_table, row_header,
    signed, trimmed,
};
use super::{COMPONENT_COLOURS, COST_COLOURS, SWITCH_COLOURS, generation_heading};
use crate::svg::{Series, escape, number, stacked_bar_chart};

/// One generation's section: where it goes and which parts it has.
pub(super) struct GenerationSection<'a> {
    pub(super) scenario: &'a Scenario,
    /// The section's `id`; each part's is this, `-` and the part's suffix.
    pub(super) anchor: &'a str,
    /// The parts present, from [`GENERATION_PARTS`](super::GENERATION_PARTS).
    pub(super) parts: &'a [(&'a str, &'a str)],
    pub(super) generation: &'a GenerationComparison,
}

impl GenerationSection<'_> {
    /// The `id` of a part.
    fn id(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.anchor)
    }

    /// Summary, three charts, serviceability, sensitivities, lasers, and the thermal,
    /// photonics and yield parts when the run has their results for the generation.
    pub(super) fn render(
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
pub(super) fn labels(generation: &GenerationComparison) -> Vec<String> {
    generation.technologies.iter().map(|technology| technology.label.clone()).collect()
}

/// One row per technology: power, energy and cost; then reach and density. Two tables so
/// that each fits a narrow page.
pub(super) fn summary_table(html: &mut String, id: &str, generation: &GenerationComparison) {
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

/// Chart A: pJ/bit of optics plus host SerDes, stacked by component.
pub(super) fn energy_chart(html: &mut String, generation: &GenerationComparison) {
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
pub(super) fn switch_power_chart(html: &mut String, generation: &GenerationComparison) {
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
pub(super) fn cost_chart(html: &mut String, generation: &GenerationComparison) {
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
pub(super) fn mttr_class(class: MttrClass) -> &'static str {
    match class {
        MttrClass::Minutes => "minutes",
        MttrClass::Hours => "hours",
        MttrClass::Days => "days",
    }
}

/// One failure row's cells after the technology cell.
pub(super) fn failure_cells(html: &mut String, kind: &str, impact: &FailureImpact) {
    let _ = write!(html, "<td>{kind}</td><td>{}</td>", escape(impact.fru.label()));
    num_cell(html, &impact.ports_down.to_string());
    num_cell(html, &impact.blast_radius_ports.to_string());
    let _ = write!(html, "<td>{}</td>", if impact.hot_swappable { "yes" } else { "no" });
    num_cell(html, &number(impact.mttr_h, 1));
    let _ = write!(html, "<td>{}</td>", mttr_class(impact.mttr_class));
}

/// What one failure costs, per technology and failure kind.
pub(super) fn service_table(html: &mut String, id: &str, generation: &GenerationComparison) {
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
pub(super) fn sensitivity_table(html: &mut String, id: &str, generation: &GenerationComparison) {
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
pub(super) fn placement(placement: LaserPlacement) -> &'static str {
    match placement {
        LaserPlacement::Module => "in module",
        LaserPlacement::Package => "in package",
        LaserPlacement::External => "external source",
    }
}

/// Lanes fed by one laser: from the scenario, else from lanes per port over lasers per port.
pub(super) fn lanes_per_laser(
    scenario: &Scenario,
    generation: &GenerationComparison,
    technology: &TechnologyResult,
) -> String {
    let from_scenario = scenario
        .technology(&technology.id)
        .and_then(|candidate| candidate.laser.as_ref())
        .map(|laser| laser.lanes_per_laser.to_string());
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
pub(super) fn laser_tables(
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
