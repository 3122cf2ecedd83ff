//! The headline figures of a scenario for the engines a sweep asks for: the pipeline entry
//! points they need, `cporamp_report::headlines` filtered to them, the hot end of the
//! scenario's inlet sweep and align's per-method figures.

use cporamp_pipeline::{PipelineError, RunOptions};
use cporamp_scenario::Scenario;

use cporamp_pipeline::{PhotonicsGeneration, ThermalGeneration};

use crate::{Engine, Figure};

/// Runs what `engines` need through the pipeline and returns their headline figures: those
/// of `cporamp diff` for compare to market; for thermal and photonics also the hottest
/// engine and the flap rates at the hottest inlet of the scenario's inlet sweep
/// (`thermal.cold_plate.inlet_sweep_c`: the plant at its hottest coolant, the lanes brought
/// up at the nominal inlet); per attach method the throughput, cost and lane yield for align.
///
/// # Errors
/// The [`PipelineError`] of the first engine that failed.
pub fn figures(
    scenario: &Scenario,
    origin: &str,
    engines: &[Engine],
    options: &RunOptions,
) -> Result<Vec<Figure>, PipelineError> {
    let wants = |engine| engines.contains(&engine);
    let per_generation =
        [Engine::Thermal, Engine::Photonics, Engine::Yield, Engine::Fleet, Engine::Market]
            .into_iter()
            .any(wants);
    let (comparison, outputs) = if per_generation {
        let output = cporamp_pipeline::run_engines(scenario, options)?;
        let comparison = output.comparison.clone();
        (comparison, Some(output))
    } else if wants(Engine::Compare) {
        (cporamp_pipeline::compare(scenario, None, options)?, None)
    } else {
        (cporamp_compare_empty(), None)
    };
    let fleet = match &outputs {
        Some(engines_out) if wants(Engine::Fleet) || wants(Engine::Market) => {
            Some(cporamp_pipeline::run_fleet(scenario, engines_out, options)?)
        }
        _ => None,
    };
    let market = match (&outputs, &fleet) {
        (Some(engines_out), Some(fleet)) if wants(Engine::Market) => {
            Some(cporamp_pipeline::run_market(scenario, engines_out, fleet, options)?)
        }
        _ => None,
    };
    let align = if wants(Engine::Align) {
        Some(cporamp_pipeline::run_align(scenario, options)?)
    } else {
        None
    };
    let run = cporamp_report::RunResults {
        origin,
        scenario,
        comparison: &comparison,
        thermal: outputs.as_ref().map_or(&[], |o| o.thermal.as_slice()),
        photonics: outputs.as_ref().map_or(&[], |o| o.photonics.as_slice()),
        yields: outputs.as_ref().map_or(&[], |o| o.yields.as_slice()),
        fleet: fleet.as_ref(),
        market: market.as_ref(),
        market_update: None,
        align: align.as_ref(),
        calibration: None,
        codesign: None,
    };
    let mut out: Vec<Figure> = cporamp_report::headlines(&run)
        .into_iter()
        .filter(|headline| Engine::parse(headline.engine).is_ok_and(wants))
        .map(|headline| Figure {
            column: column_name(
                headline.engine,
                &headline.subject,
                headline.quantity,
                headline.unit,
            ),
            value: headline.value,
            se: headline.se,
        })
        .collect();
    // The hot end of the scenario's own inlet sweep (`thermal.cold_plate.inlet_sweep_c`):
    // the package and the lock loops at the hottest coolant the plant may see, the lanes
    // brought up at the nominal inlet.
    if wants(Engine::Thermal) {
        thermal_hot_end(run.thermal, &mut out);
    }
    if wants(Engine::Photonics) {
        photonics_hot_end(run.photonics, &mut out);
    }
    if let Some(align) = &align {
        for method in align.methods() {
            let mut push = |quantity, unit, value, se| {
                out.push(Figure {
                    column: column_name("align", method.label, quantity, unit),
                    value,
                    se,
                });
            };
            push("fibers per second", "1/s", method.fibers_per_s, None);
            push("cost per engine", "$", method.cost_per_engine_usd, None);
            push(
                "lane yield",
                "%",
                100.0 * method.lane_yield.value,
                Some(100.0 * method.lane_yield.se),
            );
        }
    }
    Ok(out)
}

/// The hottest of `inlets`, °C.
fn hottest(inlets: &mut dyn Iterator<Item = f64>) -> f64 {
    inlets.fold(f64::NEG_INFINITY, f64::max)
}

/// The hottest engine at the hottest inlet of each thermal sweep.
fn thermal_hot_end(thermal: &[ThermalGeneration], out: &mut Vec<Figure>) {
    for generation in thermal {
        for t in &generation.technologies {
            let top = hottest(&mut t.sweep.iter().map(|p| p.inlet_c));
            if let Some(point) = t.sweep.iter().find(|p| p.inlet_c.total_cmp(&top).is_eq()) {
                let subject = format!("{} {}", generation.generation, t.label);
                let quantity = "hottest engine at the hottest sweep inlet";
                let column = column_name("thermal", &subject, quantity, "°C");
                out.push(Figure { column, value: point.engine_mean_max_c, se: None });
            }
        }
    }
}

/// The flap rates, feedback only and with feed-forward, at the hottest inlet of each
/// photonics inlet sweep.
fn photonics_hot_end(photonics: &[PhotonicsGeneration], out: &mut Vec<Figure>) {
    for generation in photonics {
        for t in &generation.technologies {
            let top = hottest(&mut t.inlet_sweep.iter().map(|p| p.inlet_c));
            let Some(point) = t.inlet_sweep.iter().find(|p| p.inlet_c.total_cmp(&top).is_eq())
            else {
                continue;
            };
            let subject = format!("{} {}", generation.generation, t.label);
            for (quantity, value, se) in [
                (
                    "flaps at the hottest sweep inlet, feedback only",
                    point.feedback_flaps_per_lane_hour,
                    point.feedback_flaps_se,
                ),
                (
                    "flaps at the hottest sweep inlet, feed-forward",
                    point.feed_forward_flaps_per_lane_hour,
                    point.feed_forward_flaps_se,
                ),
            ] {
                let column = column_name("photonics", &subject, quantity, "1/lane-h");
                out.push(Figure { column, value, se: Some(se) });
            }
        }
    }
}

/// A comparison of no generation (when no engine that needs one runs).
fn cporamp_compare_empty() -> cporamp_compare::Comparison {
    cporamp_compare::Comparison { generations: Vec::new() }
}

/// The table column of a figure.
#[must_use]
pub fn column_name(engine: &str, subject: &str, quantity: &str, unit: &str) -> String {
    format!("{engine} | {subject} | {quantity} [{unit}]")
}
