//! The report's photonics part: ring drift, the heater lock loop and link flaps of each
//! co-packaged technology, per generation.
//!
//! A table of the population results (feedback only against feedback plus feed-forward),
//! the per-lane link margin, the nominal lane's detuning and heater power over one workload
//! period, the lanes' worst margin histogram and the flap rate across the coolant inlet
//! sweep. Every wavelength offset (drift, detuning, linewidth, tuning range) is in pm, in
//! tables and charts alike. Every number written is finite or shown as "—".

use std::fmt::Write as _;

use cporamp_pipeline::{PhotonicsGeneration, PhotonicsTechnology};

use crate::html::{QuantityRow, figure, heading, quantity_table};
use crate::svg::{LineSeries, Marker, line_chart, number};
use crate::thermal::TECHNOLOGY_COLOURS;

/// Picometres per nanometre.
const PM_PER_NM: f64 = 1e3;

/// `value` with `digits` significant digits in plain decimals (never e-notation), at most
/// six decimals: "0.0388", "6.14", "1,234". A value that rounds to zero at six decimals
/// reads "0".
pub(crate) fn significant(value: f64, digits: usize) -> String {
    if !value.is_finite() {
        return "—".to_string();
    }
    if value == 0.0 {
        return "0".to_string();
    }
    // |log10| of a finite non-zero f64 is below 330.
    let magnitude = value.abs().log10().floor() as i64;
    let decimals = (digits as i64 - 1 - magnitude).clamp(0, 6) as usize;
    let text = number(value, decimals);
    if text.chars().all(|c| !c.is_ascii_digit() || c == '0') { "0".to_string() } else { text }
}

/// A penalty in dB to a thousandth; "< 0.001" for a smaller, positive one (a penalty that
/// small changes no margin shown here, which are to 0.01 dB).
fn penalty_db(value: f64) -> String {
    if value.is_finite() && value > 0.0 && value < 0.0005 {
        "&lt; 0.001".to_string()
    } else {
        number(value, 3)
    }
}

fn with_se(value: f64, se: f64) -> String {
    format!("{} ± {}", number(value, 2), number(se, 2))
}

/// The population results: one column per technology.
fn table(html: &mut String, photonics: &PhotonicsGeneration) {
    let items: Vec<String> =
        photonics.technologies.iter().map(|technology| technology.label.clone()).collect();
    let each = |value: &dyn Fn(&PhotonicsTechnology) -> String| -> Vec<String> {
        photonics.technologies.iter().map(value).collect()
    };
    let rows = [
        QuantityRow::text(
            "Laser",
            each(&|t| if t.laser_on_engine { "on the engine" } else { "external (ELS)" }.into()),
        ),
        QuantityRow::numbers(
            "Ring temperature swing, K",
            each(&|t| number(t.nominal.ring_swing_k, 2)),
        ),
        QuantityRow::numbers(
            "Drift peak-to-peak, pm",
            each(&|t| significant(PM_PER_NM * t.nominal.drift_peak_to_peak_nm, 3)),
        ),
        QuantityRow::numbers("Predictor R²", each(&|t| number(t.nominal.predictor_r_squared, 4))),
        QuantityRow::numbers(
            "RMS detuning, pm: feedback",
            each(&|t| significant(PM_PER_NM * t.nominal.feedback.rms_detuning_nm, 3)),
        ),
        QuantityRow::numbers(
            "RMS detuning, pm: + feed-forward",
            each(&|t| significant(PM_PER_NM * t.nominal.feed_forward.rms_detuning_nm, 3)),
        ),
        QuantityRow::numbers(
            "Reduction by feed-forward, ×",
            each(&|t| number(t.nominal.rms_reduction, 1)),
        ),
        QuantityRow::numbers(
            "Heater, mW/ring",
            each(&|t| number(t.nominal.feedback.heater_mw_per_ring, 1)),
        ),
        QuantityRow::numbers(
            "Heater, pJ/bit",
            each(&|t| number(t.nominal.feedback.heater_pj_per_bit, 3)),
        ),
        QuantityRow::numbers(
            "Lock losses per lane-hour",
            each(&|t| {
                with_se(
                    t.nominal.feedback.lock_losses_per_lane_hour,
                    t.nominal.feedback.lock_losses_se,
                )
            }),
        ),
        QuantityRow::numbers(
            "Flaps per lane-hour: feedback",
            each(&|t| with_se(t.nominal.feedback.flaps_per_lane_hour, t.nominal.feedback.flaps_se)),
        ),
        QuantityRow::numbers(
            "Flaps per lane-hour: + feed-forward",
            each(&|t| {
                with_se(t.nominal.feed_forward.flaps_per_lane_hour, t.nominal.feed_forward.flaps_se)
            }),
        ),
        QuantityRow::numbers(
            "Unlockable lanes, %",
            each(&|t| number(100.0 * t.nominal.unlockable_fraction, 1)),
        ),
        QuantityRow::numbers(
            "Lanes with negative margin, %",
            each(&|t| number(100.0 * t.nominal.negative_margin_fraction, 1)),
        ),
    ];
    quantity_table(html, "photonics", "Ring lock", &items, &rows);
}

fn budget_table(html: &mut String, photonics: &PhotonicsGeneration) {
    html.push_str(
        "<h4>Per-lane link margin</h4>\n<p>The laser is sized for the link budget's design \
         margin over the receiver's OMA sensitivity (see the laser tables); each lane then \
         loses its fiber misalignment, power deviation, the crosstalk of its neighbouring WDM \
         channels, and its ring's detuning penalty.</p>\n",
    );
    let items: Vec<String> =
        photonics.technologies.iter().map(|technology| technology.label.clone()).collect();
    let each = |value: &dyn Fn(&cporamp_photonics::LaneBudget) -> String| -> Vec<String> {
        photonics.technologies.iter().map(|t| value(&t.nominal.lane_budget)).collect()
    };
    let rows = [
        QuantityRow::numbers("Design margin, dB", each(&|b| number(b.design_margin_db, 2))),
        QuantityRow::numbers(
            "Misalignment loss mean, dB",
            each(&|b| number(b.misalignment_mean_db, 2)),
        ),
        QuantityRow::numbers(
            "Misalignment loss p99, dB",
            each(&|b| number(b.misalignment_p99_db, 2)),
        ),
        QuantityRow::numbers("Power spread σ, dB", each(&|b| number(b.power_sigma_db, 2))),
        QuantityRow::numbers(
            "WDM crosstalk (inner ring), dB",
            each(&|b| number(b.channel_crosstalk_db, 2)),
        ),
        QuantityRow::numbers(
            "Max detuning penalty, dB: feedback",
            each(&|b| penalty_db(b.detuning_penalty_max_db)),
        ),
        QuantityRow::numbers(
            "Max detuning penalty, dB: + feed-forward",
            each(&|b| penalty_db(b.detuning_penalty_max_ff_db)),
        ),
        QuantityRow::numbers(
            "Worst margin median, dB",
            each(&|b| number(b.worst_margin_median_db, 2)),
        ),
        QuantityRow::numbers("Worst margin p1, dB", each(&|b| number(b.worst_margin_p01_db, 2))),
    ];
    quantity_table(html, "photonics-budget", "Lane margin", &items, &rows);
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
        None,
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
    let svg = line_chart("Nominal lane: heater power per ring (mW)", &heater, "ms", "mW", 3, None);
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
    let svg = line_chart(
        "Lanes by worst margin over the run (per 0.25 dB)",
        &series,
        "dB",
        "lanes",
        2,
        None,
    );
    figure(
        html,
        &svg,
        "Each lane's static OMA margin (the link budget's design margin less its fiber \
         misalignment loss and power deviation) minus the Lorentzian penalty at its largest \
         detuning. Below 0 dB the lane's pre-FEC BER exceeds the KP4 threshold 2.4 × 10<sup>−4</sup>.",
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
        None,
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
pub(crate) fn section(html: &mut String, id: &str, photonics: &PhotonicsGeneration) {
    heading(html, id, "Photonics: ring drift, heater lock and link flaps");
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
             the thermal engine's transient; ring linewidth {} pm, heater range {} pm. Rates per \
             lane-hour over {} lane-hours (the first period is warm-up).</p>",
            number(result.lanes as f64, 0),
            significant(PM_PER_NM * result.linewidth_nm, 3),
            significant(PM_PER_NM * result.tuning_range_nm, 3),
            number(result.lane_hours, 3),
        );
    }
    table(html, photonics);
    budget_table(html, photonics);
    drift_charts(html, photonics);
    margin_chart(html, photonics);
    flap_chart(html, photonics);
}
