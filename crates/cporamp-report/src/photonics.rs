//! The report's photonics part: ring drift, the heater lock loop and link flaps of each
//! co-packaged technology, per generation.
//!
//! A table of the population results (feedback only against feedback plus feed-forward),
//! the per-lane link margin, the nominal lane's detuning and heater power over one workload period, the lanes' worst
//! margin histogram and the flap rate across the coolant inlet sweep. Every number written
//! is finite or shown as "—".

use std::fmt::Write as _;

use cporamp_pipeline::PhotonicsGeneration;

use crate::html::{close_table, figure, num_cell, open_table, row_header};
use crate::svg::{LineSeries, Marker, line_chart, number};
use crate::thermal::TECHNOLOGY_COLOURS;

fn scientific(value: f64) -> String {
    if value.is_finite() { format!("{value:.2e}") } else { "—".to_string() }
}

fn with_se(value: f64, se: f64) -> String {
    format!("{} ± {}", number(value, 2), number(se, 2))
}

fn table(html: &mut String, photonics: &PhotonicsGeneration) {
    open_table(
        html,
        "photonics",
        &[
            "Technology",
            "Laser",
            "#Ring swing<br>K",
            "#Drift p-p<br>nm",
            "#Predictor<br>R²",
            "#RMS detuning nm<br>feedback",
            "#RMS detuning nm<br>+ feed-forward",
            "#Reduction<br>×",
            "#Heater<br>mW/ring",
            "#Heater<br>pJ/bit",
            "#Lock losses<br>/lane-h",
            "#Flaps /lane-h<br>feedback",
            "#Flaps /lane-h<br>+ feed-forward",
            "#Unlockable<br>lanes %",
            "#Negative margin<br>lanes %",
        ],
    );
    for technology in &photonics.technologies {
        let result = &technology.nominal;
        row_header(html, &technology.label);
        let _ = write!(
            html,
            "<td>{}</td>",
            if technology.laser_on_engine { "on the engine" } else { "external (ELS)" }
        );
        num_cell(html, &number(result.ring_swing_k, 2));
        num_cell(html, &number(result.drift_peak_to_peak_nm, 4));
        num_cell(html, &number(result.predictor_r_squared, 4));
        num_cell(html, &scientific(result.feedback.rms_detuning_nm));
        num_cell(html, &scientific(result.feed_forward.rms_detuning_nm));
        num_cell(html, &number(result.rms_reduction, 1));
        num_cell(html, &number(result.feedback.heater_mw_per_ring, 1));
        num_cell(html, &number(result.feedback.heater_pj_per_bit, 3));
        num_cell(
            html,
            &with_se(result.feedback.lock_losses_per_lane_hour, result.feedback.lock_losses_se),
        );
        num_cell(html, &with_se(result.feedback.flaps_per_lane_hour, result.feedback.flaps_se));
        num_cell(
            html,
            &with_se(result.feed_forward.flaps_per_lane_hour, result.feed_forward.flaps_se),
        );
        num_cell(html, &number(100.0 * result.unlockable_fraction, 1));
        num_cell(html, &number(100.0 * result.negative_margin_fraction, 1));
        html.push_str("</tr>\n");
    }
    close_table(html);
}

fn budget_table(html: &mut String, photonics: &PhotonicsGeneration) {
    html.push_str(
        "<h4>Per-lane link margin</h4>\n<p>The laser is sized for the link budget's design \
         margin over the receiver's OMA sensitivity (see the laser tables); each lane then \
         loses its fiber misalignment, power deviation, the crosstalk of its neighbouring WDM \
         channels, and its ring's detuning penalty.</p>\n",
    );
    open_table(
        html,
        "photonics-budget",
        &[
            "Technology",
            "#Design margin<br>dB",
            "#Misalignment<br>mean dB",
            "#Misalignment<br>p99 dB",
            "#Power spread<br>σ dB",
            "#WDM crosstalk<br>inner ring dB",
            "#Max detuning penalty dB<br>feedback",
            "#Max detuning penalty dB<br>+ feed-forward",
            "#Worst margin<br>median dB",
            "#Worst margin<br>p1 dB",
        ],
    );
    for technology in &photonics.technologies {
        let budget = &technology.nominal.lane_budget;
        row_header(html, &technology.label);
        for value in [
            budget.design_margin_db,
            budget.misalignment_mean_db,
            budget.misalignment_p99_db,
            budget.power_sigma_db,
            budget.channel_crosstalk_db,
        ] {
            num_cell(html, &number(value, 2));
        }
        num_cell(html, &scientific(budget.detuning_penalty_max_db));
        num_cell(html, &scientific(budget.detuning_penalty_max_ff_db));
        num_cell(html, &number(budget.worst_margin_median_db, 2));
        num_cell(html, &number(budget.worst_margin_p01_db, 2));
        html.push_str("</tr>\n");
    }
    close_table(html);
}

fn drift_charts(html: &mut String, photonics: &PhotonicsGeneration) {
    let mut detuning = Vec::new();
    let mut heater = Vec::new();
    for (index, technology) in photonics.technologies.iter().enumerate() {
        let colour = TECHNOLOGY_COLOURS[index % TECHNOLOGY_COLOURS.len()];
        let chart = &technology.nominal.chart;
        let points = |values: &[f64], scale: f64| -> Vec<(f64, f64)> {
            chart.time_s.iter().zip(values).map(|(t, v)| (1e3 * t, scale * v)).collect()
        };
        for (label, values, dashed) in [
            ("feedback only", &chart.feedback_detuning_nm, false),
            ("+ feed-forward", &chart.feed_forward_detuning_nm, true),
        ] {
            detuning.push(LineSeries {
                label: format!("{}: {label}", technology.label),
                colour,
                dashed,
                marker: Marker::None,
                points: points(values, 1e3),
            });
        }
        for (label, values, dashed) in [
            ("feedback only", &chart.feedback_heater_mw, false),
            ("+ feed-forward", &chart.feed_forward_heater_mw, true),
        ] {
            heater.push(LineSeries {
                label: format!("{}: {label}", technology.label),
                colour,
                dashed,
                marker: Marker::None,
                points: points(values, 1.0),
            });
        }
    }
    let unlocked: usize = photonics
        .technologies
        .iter()
        .map(|technology| technology.nominal.chart.feedback_locked.iter().filter(|l| !**l).count())
        .sum();
    let svg = line_chart(
        "Nominal lane: ring detuning over one workload period (pm)",
        &detuning,
        "ms",
        "pm",
        3,
    );
    figure(
        html,
        &svg,
        &format!(
            "The ASIC alternates between full and idle power; its heat reaches the engines \
             through the lid and substrate and drifts the rings. Solid: the PI heater loop alone; \
             dashed: with the ARX predictor's feed-forward from the ASIC's on-die sensor and \
             power telemetry. Detuning is the ring's offset from its laser after the heater. \
             The nominal lanes were unlocked in {unlocked} of the plotted samples."
        ),
    );
    let svg = line_chart("Nominal lane: heater power per ring (mW)", &heater, "ms", "mW", 3);
    figure(
        html,
        &svg,
        "The heater supplies the red shift the ring still needs; as the engine warms the ring \
         red-shifts by itself and the heater backs off.",
    );
}

fn margin_chart(html: &mut String, photonics: &PhotonicsGeneration) {
    let series: Vec<LineSeries> = photonics
        .technologies
        .iter()
        .enumerate()
        .map(|(index, technology)| {
            let histogram = &technology.nominal.margin_histogram;
            LineSeries {
                label: technology.label.clone(),
                colour: TECHNOLOGY_COLOURS[index % TECHNOLOGY_COLOURS.len()],
                dashed: false,
                marker: Marker::Circle,
                points: histogram
                    .edges
                    .windows(2)
                    .zip(&histogram.counts)
                    .map(|(edge, &count)| (0.5 * (edge[0] + edge[1]), count as f64))
                    .collect(),
            }
        })
        .collect();
    let svg =
        line_chart("Lanes by worst margin over the run (per 0.25 dB)", &series, "dB", "lanes", 2);
    figure(
        html,
        &svg,
        "Each lane's static OMA margin (the link budget's design margin less its fiber \
         misalignment loss and power deviation) minus the Lorentzian penalty at its largest \
         detuning. Below 0 dB the lane's pre-FEC BER exceeds the KP4 threshold 2.4e-4.",
    );
}

fn flap_chart(html: &mut String, photonics: &PhotonicsGeneration) {
    let mut series = Vec::new();
    for (index, technology) in photonics.technologies.iter().enumerate() {
        let colour = TECHNOLOGY_COLOURS[index % TECHNOLOGY_COLOURS.len()];
        for (label, dashed, marker, pick) in [
            ("feedback only", false, Marker::Circle, 0usize),
            ("+ feed-forward", true, Marker::Square, 1usize),
        ] {
            series.push(LineSeries {
                label: format!("{}: {label}", technology.label),
                colour,
                dashed,
                marker,
                points: technology
                    .inlet_sweep
                    .iter()
                    .map(|point| {
                        let rate = if pick == 0 {
                            point.feedback_flaps_per_lane_hour
                        } else {
                            point.feed_forward_flaps_per_lane_hour
                        };
                        (point.inlet_c, rate)
                    })
                    .collect(),
            });
        }
    }
    let svg = line_chart(
        "Link flaps against coolant inlet (per lane-hour)",
        &series,
        "°C",
        "flaps/lane-h",
        2,
    );
    figure(
        html,
        &svg,
        "A flap is a run of samples, as long as the flap window, with the lane unlocked or its \
         BER over the KP4 threshold. The drift transient is shifted by the inlet change (the \
         package is linear); rates carry the standard error of the lane mean in the table.",
    );
}

/// The photonics part of a generation's section.
pub(crate) fn section(html: &mut String, photonics: &PhotonicsGeneration) {
    html.push_str("<h3>Photonics: ring drift, heater lock and link flaps</h3>\n");
    if photonics.technologies.is_empty() {
        html.push_str(
            "<p class=\"empty\">No co-packaged technology with rings at this generation.</p>\n",
        );
        return;
    }
    if let Some(first) = photonics.technologies.first() {
        let result = &first.nominal;
        let _ = writeln!(
            html,
            "<p>{} lanes per technology (seeded Monte Carlo: fabrication, laser, misalignment and \
             power spreads), each locked by a PI heater loop over repeated workload periods from \
             the thermal engine's transient; ring linewidth {} nm, heater range {} nm. Rates per \
             lane-hour over {} lane-hours (the first period is warm-up).</p>",
            result.lanes,
            number(result.linewidth_nm, 3),
            number(result.tuning_range_nm, 1),
            number(result.lane_hours, 3),
        );
    }
    table(html, photonics);
    budget_table(html, photonics);
    drift_charts(html, photonics);
    margin_chart(html, photonics);
    flap_chart(html, photonics);
}
