//! The photonics engine's tables: lane population, lock loops, flap rate over the inlet sweep.

use super::{Cell, Table, inlet_sweep, labels};

/// The photonics engine: per generation, the lane population and both lock loops, then the
/// flap rate over the inlet sweep.
#[must_use]
pub fn photonics_tables(generations: &[cporamp_pipeline::PhotonicsGeneration]) -> Vec<Table> {
    let mut tables = Vec::new();
    for generation in generations {
        let technologies = &generation.technologies;
        if technologies.is_empty() {
            continue;
        }
        let mut table = Table::new(
            format!(
                "{} photonics: ring drift and the heater lock loop (pm = 0.001 nm)",
                generation.generation
            ),
            "quantity",
            labels(technologies, |t| &t.label),
        );
        let all = |f: &dyn Fn(&cporamp_pipeline::PhotonicsTechnology) -> Cell| {
            technologies.iter().map(f).collect::<Vec<Cell>>()
        };
        table.row("Monte Carlo lanes", all(&|t| Cell::number(t.nominal.lanes as f64, 0)));
        table.row(
            "laser",
            all(&|t| Cell::text(if t.laser_on_engine { "on engine" } else { "external" })),
        );
        table.row("ring linewidth, pm", all(&|t| Cell::number(1e3 * t.nominal.linewidth_nm, 0)));
        table.row("heater range, nm", all(&|t| Cell::number(t.nominal.tuning_range_nm, 1)));
        table.row("ring temperature swing, K", all(&|t| Cell::number(t.nominal.ring_swing_k, 2)));
        table.row(
            "laser-ring drift p-p, pm",
            all(&|t| Cell::number(1e3 * t.nominal.drift_peak_to_peak_nm, 1)),
        );
        for (name, feed_forward) in [("feedback", false), ("feed-forward", true)] {
            let loop_of = |t: &cporamp_pipeline::PhotonicsTechnology| {
                if feed_forward { t.nominal.feed_forward } else { t.nominal.feedback }
            };
            table.row(
                format!("{name}: RMS detuning, pm"),
                all(&|t| Cell::number(1e3 * loop_of(t).rms_detuning_nm, 3)),
            );
            table.row(
                format!("{name}: max detuning, pm"),
                all(&|t| Cell::number(1e3 * loop_of(t).max_detuning_nm, 3)),
            );
            table.row(
                format!("{name}: heater, mW/ring"),
                all(&|t| Cell::number(loop_of(t).heater_mw_per_ring, 1)),
            );
            table.row(
                format!("{name}: heater, pJ/bit"),
                all(&|t| Cell::number(loop_of(t).heater_pj_per_bit, 3)),
            );
            table.row(
                format!("{name}: lock losses, 1/lane-h"),
                all(&|t| {
                    Cell::pm(loop_of(t).lock_losses_per_lane_hour, loop_of(t).lock_losses_se, 2)
                }),
            );
            table.row(
                format!("{name}: flaps, 1/lane-h"),
                all(&|t| Cell::pm(loop_of(t).flaps_per_lane_hour, loop_of(t).flaps_se, 2)),
            );
        }
        table.row("drift predictor R²", all(&|t| Cell::number(t.nominal.predictor_r_squared, 4)));
        table.row(
            "predictor RMS error, pm",
            all(&|t| Cell::number(1e3 * t.nominal.predictor_rms_error_nm, 3)),
        );
        table.row(
            "feed-forward cuts RMS detuning, x",
            all(&|t| Cell::number(t.nominal.rms_reduction, 1)),
        );
        table.row(
            "lanes that cannot lock, %",
            all(&|t| Cell::number(100.0 * t.nominal.unlockable_fraction, 1)),
        );
        table.row(
            "lanes with negative margin, %",
            all(&|t| Cell::number(100.0 * t.nominal.negative_margin_fraction, 1)),
        );
        tables.push(table);

        tables.push(inlet_sweep(
            format!(
                "{} photonics: flaps per lane-hour over the inlet sweep",
                generation.generation
            ),
            technologies.iter().map(|t| (t.label.as_str(), t.inlet_sweep.as_slice())).collect(),
            |point| point.inlet_c,
            &[
                ("feedback", |point| point.feedback_flaps_per_lane_hour),
                ("feed-forward", |point| point.feed_forward_flaps_per_lane_hour),
            ],
            2,
        ));
    }
    tables
}
