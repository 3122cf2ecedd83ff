//! The report's fleet part: the cluster's fabric per technology (and mixed), its failures,
//! repairs and availability, and the training job's interruptions and goodput, as tables, a
//! failures chart and a monthly timeline. Figures are means over replications ± standard
//! errors.

use std::fmt::Write as _;

use cporamp_fleet::Estimate;
use cporamp_pipeline::FleetOutput;
use cporamp_scenario::Scenario;

use crate::html::{close_table, figure, num_cell, open_table, row_header};
use crate::svg::{LineSeries, Marker, Series, escape, line_chart, number, stacked_bar_chart};
use crate::thermal::TECHNOLOGY_COLOURS;

/// The section's heading.
pub(crate) const TITLE: &str = "Fleet: reliability, repair and goodput";

/// The section's parts: `(id, navigation title)`.
pub(crate) const PARTS: [(&str, &str); 2] =
    [("fleet-fabric", "failures and repairs"), ("fleet-job", "training job")];

/// "leaf", "spine", "core" for the tiers of a fabric of up to three, "tier n" beyond.
fn pm(estimate: &Estimate, decimals: usize) -> String {
    format!("{} ± {}", number(estimate.mean, decimals), number(estimate.se, decimals))
}

/// The fleet section, after the generations.
pub(crate) fn section(html: &mut String, scenario: &Scenario, fleet: &FleetOutput) {
    let settings = &scenario.fleet;
    let _ = writeln!(html, "<section id=\"fleet\">\n<h2>{TITLE}</h2>");
    let Some(first) = fleet.fabrics.first() else {
        html.push_str("<p class=\"empty\">No fabric.</p>\n</section>\n");
        return;
    };
    let _ = writeln!(
        html,
        "<p>A non-blocking {}-tier folded Clos of {}-port {} switches for {} GPUs, simulated \
         for {} years ({} replications, discrete events): pluggable and linear-drive modules \
         are swapped; an external laser source is hot-swapped; a co-packaged switch is replaced \
         whole (all its links down for the replacement) once {} of its ports has failed. \
         Lasers wear out by Arrhenius-accelerated Weibulls at the temperatures computed above; \
         co-packaged switches carry the yield engine's escapes as latent defects; the job on {} \
         GPUs is interrupted by failures on its GPU-leaf links and leaves, by GPU and host \
         failures, and by link flaps (upper-tier failures reroute). {} technicians, {} % spares \
         per pool, {} h restocking.</p>",
        settings.tiers,
        first.inputs.radix,
        escape(&fleet.generation),
        number(settings.gpus as f64, 0),
        number(settings.years.0, 1),
        settings.replications,
        settings.replace_after_failed_ports,
        number(settings.job.gpus as f64, 0),
        settings.technicians,
        number(100.0 * settings.spare_fraction, 1),
        number(settings.reorder_lead_h.0, 0),
    );
    let labels: Vec<String> = fleet.fabrics.iter().map(|fabric| fabric.label.clone()).collect();
    fabric_table(html, &labels, fleet);
    failures_chart(html, &labels, fleet);
    job_table(html, scenario, &labels, fleet);
    timeline_chart(html, &labels, fleet);
    html.push_str("</section>\n");
}

/// Two tables, one row per fabric: what fails and is replaced; then the repair effort and
/// each tier's link availability.
fn fabric_table(html: &mut String, labels: &[String], fleet: &FleetOutput) {
    html.push_str("<h3 id=\"fleet-fabric\">Fabric: failures, repairs and availability</h3>\n");
    open_table(
        html,
        "fleet wide",
        &[
            "Fabric",
            "#Switches",
            "#Optical units<br>(modules, engine<br>ports, ELS)",
            "#Failures per year,<br>all units",
            "#Switch replace-<br>ments per year",
        ],
    );
    for (fabric, label) in fleet.fabrics.iter().zip(labels) {
        let result = &fabric.result;
        row_header(html, label);
        num_cell(html, &number(result.topology.switches() as f64, 0));
        num_cell(html, &number(result.topology.optical_units() as f64, 0));
        num_cell(html, &number(result.failures_per_year(), 0));
        num_cell(html, &pm(&result.switch_replacements_per_year, 1));
        html.push_str("</tr>\n");
    }
    close_table(html);
    let tiers = fleet.fabrics.iter().map(|fabric| fabric.result.tiers.len()).max().unwrap_or(0);
    let mut headers = vec![
        "Fabric".to_string(),
        "#Technician<br>hours per year".to_string(),
        "#Spares used<br>per year".to_string(),
    ];
    headers.extend((0..tiers).map(|tier| {
        format!("#Link availability<br>{}, %", cporamp_pipeline::tier_name(tier, tiers))
    }));
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    open_table(html, "fleet-repair wide", &headers);
    for (fabric, label) in fleet.fabrics.iter().zip(labels) {
        let result = &fabric.result;
        row_header(html, label);
        num_cell(html, &pm(&result.technician_hours_per_year, 0));
        num_cell(html, &pm(&result.spares_consumed_per_year, 0));
        for tier in 0..tiers {
            num_cell(
                html,
                &result.tiers.get(tier).map_or("—".to_string(), |tier| {
                    number(100.0 * tier.link_availability.mean, 3)
                }),
            );
        }
        html.push_str("</tr>\n");
    }
    close_table(html);
}

fn failures_chart(html: &mut String, labels: &[String], fleet: &FleetOutput) {
    let categories = labels.to_vec();
    let per_fabric = |pick: fn(&cporamp_fleet::FleetResult) -> f64| {
        fleet.fabrics.iter().map(|fabric| pick(&fabric.result)).collect::<Vec<f64>>()
    };
    let series = vec![
        Series::new(
            "switch ports (modules or engine ports)",
            "#0072B2",
            per_fabric(|r| r.tiers.iter().map(|t| t.ports.failures_per_year.mean).sum()),
        ),
        Series::new(
            "ELS lasers",
            "#E69F00",
            per_fabric(|r| r.tiers.iter().map(|t| t.els_lasers.failures_per_year.mean).sum()),
        ),
        Series::new(
            "switch hardware",
            "#D55E00",
            per_fabric(|r| r.tiers.iter().map(|t| t.switches.failures_per_year.mean).sum()),
        ),
        Series::new("NIC modules", "#009E73", per_fabric(|r| r.nic.failures_per_year.mean)),
    ];
    let svg =
        stacked_bar_chart("Failures per year by unit", &categories, &series, "failures / y", 0);
    figure(
        html,
        &svg,
        "Failures per year of the whole fabric, by the unit that failed (mean over replications).",
    );
}

fn job_table(html: &mut String, scenario: &Scenario, labels: &[String], fleet: &FleetOutput) {
    let job = &scenario.fleet.job;
    let _ = writeln!(
        html,
        "<h3 id=\"fleet-job\">Training job</h3>\n<p>{} GPUs, {} h between checkpoints, {} h to write one, {} h to \
         restart. The best interval is found on the simulated interruptions; Young's \
         \u{221a}(2CM) is beside it.</p>",
        number(job.gpus as f64, 0),
        number(job.checkpoint_interval_h.0, 2),
        number(job.checkpoint_cost_h.0, 2),
        number(job.restart_cost_h.0, 2),
    );
    open_table(
        html,
        "fleet-job wide",
        &[
            "Fabric",
            "#Network<br>interruptions<br>per year",
            "#GPU and host<br>interruptions<br>per year",
            "#Flaps<br>per year",
            "#Mean time between<br>interruptions, h",
            "#Job links all up,<br>% of time",
        ],
    );
    for (fabric, label) in fleet.fabrics.iter().zip(labels) {
        let result = &fabric.result.job;
        row_header(html, label);
        num_cell(html, &pm(&result.network_interruptions_per_year, 1));
        num_cell(html, &pm(&result.gpu_interruptions_per_year, 1));
        num_cell(html, &pm(&result.flap_interruptions_per_year, 1));
        num_cell(html, &number(result.mean_time_between_interruptions_h, 2));
        num_cell(html, &number(100.0 * result.link_availability.mean, 3));
        html.push_str("</tr>\n");
    }
    close_table(html);
    open_table(
        html,
        "fleet-goodput wide",
        &[
            "Fabric",
            "#Goodput",
            "#Best checkpoint<br>interval, h (Young)",
            "#Goodput at<br>best interval",
            "#GPU-hours<br>lost per year",
        ],
    );
    for (fabric, label) in fleet.fabrics.iter().zip(labels) {
        let result = &fabric.result.job;
        row_header(html, label);
        num_cell(html, &pm(&result.goodput, 4));
        num_cell(
            html,
            &format!(
                "{} ({})",
                number(result.optimal_checkpoint_interval_h.mean, 2),
                number(result.young_interval_h, 2)
            ),
        );
        num_cell(html, &pm(&result.goodput_at_optimal, 4));
        num_cell(html, &number(result.gpu_hours_lost_per_year.mean, 0));
        html.push_str("</tr>\n");
    }
    close_table(html);
}

fn timeline_chart(html: &mut String, labels: &[String], fleet: &FleetOutput) {
    let series: Vec<LineSeries> = fleet
        .fabrics
        .iter()
        .enumerate()
        .zip(labels)
        .map(|((index, fabric), label)| LineSeries {
            label: label.clone(),
            colour: TECHNOLOGY_COLOURS[index % TECHNOLOGY_COLOURS.len()],
            dashed: false,
            marker: Marker::None,
            points: fabric
                .result
                .timeline
                .iter()
                .map(|point| (point.month as f64 + 0.5, point.links_down_mean))
                .collect(),
        })
        .collect();
    let svg = line_chart(
        "Links down over the cluster's life",
        &series,
        "month",
        "links down (mean)",
        1,
        None,
    );
    figure(
        html,
        &svg,
        "Time-average links down per month, all tiers, mean over replications. A co-packaged \
         switch takes all its links down while it is replaced.",
    );
}
