//! The report's fleet part: the cluster's fabric per technology (and mixed), its failures,
//! repairs and availability, and the training job's interruptions and goodput, as tables, a
//! failures chart and a monthly timeline. Figures are means over replications ± standard
//! errors.

use std::fmt::Write as _;

use cporamp_core::Scenario;
use cporamp_fleet::Estimate;
use cporamp_pipeline::FleetOutput;

use crate::html::{close_table, figure, num_cell, open_table, row_header};
use crate::svg::{LineSeries, Marker, Series, escape, line_chart, number, stacked_bar_chart};
use crate::thermal::TECHNOLOGY_COLOURS;

fn pm(estimate: &Estimate, decimals: usize) -> String {
    format!("{} ± {}", number(estimate.mean, decimals), number(estimate.se, decimals))
}

/// The fleet section, after the generations.
pub(crate) fn section(html: &mut String, scenario: &Scenario, fleet: &FleetOutput) {
    let settings = &scenario.fleet;
    html.push_str("<section id=\"fleet\">\n<h2>Fleet: reliability, repair and goodput</h2>\n");
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
        settings.gpus,
        number(settings.years, 1),
        settings.replications,
        settings.replace_after_failed_ports,
        settings.job.gpus,
        settings.technicians,
        number(100.0 * settings.spare_fraction, 1),
        number(settings.reorder_lead_h, 0),
    );
    fabric_table(html, fleet);
    failures_chart(html, fleet);
    job_table(html, scenario, fleet);
    timeline_chart(html, fleet);
    html.push_str("</section>\n");
}

fn fabric_table(html: &mut String, fleet: &FleetOutput) {
    html.push_str("<h3>Fabric: failures, repairs and availability</h3>\n");
    open_table(
        html,
        "fleet",
        &[
            "Fabric",
            "#Switches",
            "#Optical units<br>(modules, engine ports, ELS)",
            "#Failures / y<br>all units",
            "#Switch<br>replacements / y",
            "#Technician<br>hours / y",
            "#Spares<br>used / y",
            "#Link availability<br>per tier, leaf first",
        ],
    );
    for fabric in &fleet.fabrics {
        let result = &fabric.result;
        row_header(html, &fabric.label);
        let switches: usize = result.topology.tiers.iter().map(|tier| tier.switches).sum();
        let units: usize = result
            .topology
            .tiers
            .iter()
            .map(|tier| tier.modules + tier.engine_ports + tier.els)
            .sum::<usize>()
            + result.topology.nic_modules;
        let failures = result.tiers.iter().fold(result.nic.failures_per_year.mean, |sum, tier| {
            sum + tier.ports.failures_per_year.mean
                + tier.els_lasers.failures_per_year.mean
                + tier.switches.failures_per_year.mean
        });
        num_cell(html, &number(switches as f64, 0));
        num_cell(html, &number(units as f64, 0));
        num_cell(html, &number(failures, 0));
        num_cell(html, &pm(&result.switch_replacements_per_year, 1));
        num_cell(html, &pm(&result.technician_hours_per_year, 0));
        num_cell(html, &pm(&result.spares_consumed_per_year, 0));
        let availability: Vec<String> = result
            .tiers
            .iter()
            .map(|tier| number(100.0 * tier.link_availability.mean, 3))
            .collect();
        num_cell(html, &format!("{} %", availability.join(" / ")));
        html.push_str("</tr>\n");
    }
    close_table(html);
}

fn failures_chart(html: &mut String, fleet: &FleetOutput) {
    let categories: Vec<String> = fleet.fabrics.iter().map(|fabric| fabric.label.clone()).collect();
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

fn job_table(html: &mut String, scenario: &Scenario, fleet: &FleetOutput) {
    let job = &scenario.fleet.job;
    let years = scenario.fleet.years;
    let _ = writeln!(
        html,
        "<h3>Training job</h3>\n<p>{} GPUs, {} h between checkpoints, {} h to write one, {} h to \
         restart. The best interval is found on the simulated interruptions; Young's \
         \u{221a}(2CM) is beside it.</p>",
        job.gpus,
        number(job.checkpoint_interval_h, 2),
        number(job.checkpoint_cost_h, 2),
        number(job.restart_cost_h, 2),
    );
    open_table(
        html,
        "fleet-job",
        &[
            "Fabric",
            "#Network<br>interruptions / y",
            "#GPU and host<br>interruptions / y",
            "#Flaps / y",
            "#Mean time between<br>interruptions h",
            "#Job links all<br>up, % of time",
            "#Goodput",
            "#Best interval h<br>(Young)",
            "#Goodput at<br>best interval",
            "#GPU-hours<br>lost / y",
        ],
    );
    let per_year =
        |estimate: &Estimate| Estimate { mean: estimate.mean / years, se: estimate.se / years };
    for fabric in &fleet.fabrics {
        let result = &fabric.result.job;
        row_header(html, &fabric.label);
        num_cell(html, &pm(&per_year(&result.network_interruptions), 1));
        num_cell(html, &pm(&per_year(&result.gpu_interruptions), 1));
        num_cell(html, &pm(&per_year(&result.flap_interruptions), 1));
        num_cell(html, &number(result.mean_time_between_interruptions_h, 2));
        num_cell(html, &number(100.0 * result.link_availability.mean, 3));
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

fn timeline_chart(html: &mut String, fleet: &FleetOutput) {
    let series: Vec<LineSeries> = fleet
        .fabrics
        .iter()
        .enumerate()
        .map(|(index, fabric)| LineSeries {
            label: fabric.label.clone(),
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
    let svg =
        line_chart("Links down over the cluster's life", &series, "month", "links down (mean)", 1);
    figure(
        html,
        &svg,
        "Time-average links down per month, all tiers, mean over replications. A co-packaged \
         switch takes all its links down while it is replaced.",
    );
}
