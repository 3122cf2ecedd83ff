//! Learning: Wright's law on the defect levels, the yield ramp over cumulative volume, and
//! the tornado of what removing each mechanism would save.

use super::*;
use cporamp_core::coupling::FiberAttach;
use cporamp_core::units::{Micrometres, Milliradians, Nanometres};

/// Wright's law: the factor on a defect level at cumulative volume `cumulative` when it is 1 at
/// `reference`, for a learning rate (factor per doubling) in (0, 1].
#[must_use]
pub fn wright_factor(cumulative: f64, reference: f64, learning_rate: f64) -> f64 {
    (cumulative / reference).powf(learning_rate.log2())
}

/// The inputs after learning by the factor `factor` (> 0) on the defect levels: laser
/// defects ($D_L A_L \to d\thinspace D_L A_L$) and the weak fraction (capped at 1) scale by $d$, the
/// attach process's block placement and cure shift sigmas by $\sqrt d$ (module docs).
#[must_use]
pub fn learned(inputs: &YieldInputs, factor: f64) -> YieldInputs {
    let defects = -(1.0 - inputs.laser_dead_probability).ln() * factor;
    let spread = factor.sqrt();
    YieldInputs {
        laser_dead_probability: 1.0 - (-defects).exp(),
        laser_weak_fraction: (inputs.laser_weak_fraction * factor).min(1.0),
        block_sigma_um: inputs.block_sigma_um * spread,
        attach: FiberAttach {
            shift_sigma_um: inputs.attach.shift_sigma_um * spread,
            ..inputs.attach
        },
        ..inputs.clone()
    }
}

/// One point of the ramp.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RampPoint {
    /// The point's quarter (`2026Q1`; `label` in JSON).
    #[serde(rename = "label")]
    pub quarter: Quarter,
    /// Cumulative packages built, units.
    pub cumulative_units: f64,
    /// The factor on the learning defect levels.
    pub defect_factor: f64,
    /// Package yield.
    pub package_yield: Fraction,
    /// Cost per shipped switch, USD.
    pub cost_usd: f64,
    /// Escapes, DPPM.
    pub escapes_dppm: f64,
}

/// The yield and cost over a ramp: `inputs` hold at `reference_units`; each point (a quarter
/// and its cumulative units) scales the learning defect levels by [`wright_factor`] (probabilities
/// capped at 1) and simulates `packages` packages.
///
/// # Errors
/// [`YieldInputError`] for a learning rate outside (0, 1], a non-positive volume, or bad
/// inputs.
pub fn ramp(
    inputs: &YieldInputs,
    points: &[(Quarter, f64)],
    reference_units: f64,
    learning_rate: f64,
    packages: usize,
    threads: usize,
) -> Result<Vec<RampPoint>, YieldInputError> {
    let plan = RampPlan::new(inputs, points, reference_units, learning_rate, packages)?;
    let (results, _) = simulate_all(plan.runs(), &[], threads, &|| {})?;
    Ok(plan.finish(&results))
}

/// The runs a [`ramp()`] needs, so that a caller can pool them with other runs
/// ([`simulate_all`]) and then assemble the ramp from their results.
#[derive(Debug, Clone)]
pub struct RampPlan {
    /// Each point's quarter, cumulative units, learning factor and index into `runs`.
    points: Vec<(Quarter, f64, f64, usize)>,
    /// The distinct runs (a point whose inputs equal the previous point's reuses its run).
    runs: Vec<YieldInputs>,
}

impl RampPlan {
    /// The plan of [`ramp()`] with the same arguments.
    ///
    /// # Errors
    /// As [`ramp()`], for everything but the inputs themselves (checked by [`simulate_all`]).
    pub fn new(
        inputs: &YieldInputs,
        points: &[(Quarter, f64)],
        reference_units: f64,
        learning_rate: f64,
        packages: usize,
    ) -> Result<RampPlan, YieldInputError> {
        let fail = |name: &str, value: f64, expected| {
            Err(YieldInputError { name: name.to_string(), value, expected })
        };
        if !(learning_rate > 0.0 && learning_rate <= 1.0) {
            return fail("learning_rate", learning_rate, "a factor per doubling in (0, 1]");
        }
        if !(reference_units.is_finite() && reference_units > 0.0) {
            return fail("reference_units", reference_units, "a cumulative volume > 0");
        }
        let mut plan = RampPlan { points: Vec::with_capacity(points.len()), runs: Vec::new() };
        for &(quarter, units) in points {
            if !(units.is_finite() && units > 0.0) {
                return fail("cumulative_units", units, "a cumulative volume > 0");
            }
            let factor = wright_factor(units, reference_units, learning_rate);
            let scaled = YieldInputs { packages, ..learned(inputs, factor) };
            // The same inputs give the same result (one seed for every point).
            if plan.runs.last() != Some(&scaled) {
                plan.runs.push(scaled);
            }
            plan.points.push((quarter, units, factor, plan.runs.len() - 1));
        }
        Ok(plan)
    }

    /// The runs to simulate, in order.
    #[must_use]
    pub fn runs(&self) -> &[YieldInputs] {
        &self.runs
    }

    /// The ramp from the results of [`RampPlan::runs`], in the same order.
    #[must_use]
    pub fn finish(&self, results: &[YieldResult]) -> Vec<RampPoint> {
        self.points
            .iter()
            .map(|&(quarter, units, factor, run)| {
                let result = &results[run];
                RampPoint {
                    quarter,
                    cumulative_units: units,
                    defect_factor: factor,
                    package_yield: result.package_yield,
                    cost_usd: result.cost.total_usd,
                    escapes_dppm: result.escapes_total_dppm,
                }
            })
            .collect()
    }
}

/// What removing one mechanism would save.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoBar {
    /// The mechanism.
    pub mechanism: Mechanism,
    /// Cost per shipped switch without it, USD.
    pub cost_without_usd: f64,
    /// Saving against the baseline, USD per shipped switch.
    pub saving_usd: f64,
}

/// "What to fix first": cost per shipped switch with each mechanism removed in turn (no
/// misalignment; no laser defects or weak lasers; a heater that reaches a whole FSR; no
/// warpage; no ASIC defects), against the baseline, on `packages` packages with the same
/// seed (common random numbers); sorted by saving, largest first.
///
/// # Errors
/// [`YieldInputError`] for bad inputs.
pub fn tornado(
    inputs: &YieldInputs,
    packages: usize,
    threads: usize,
) -> Result<Vec<TornadoBar>, YieldInputError> {
    let plan = TornadoPlan::new(inputs, packages);
    let (results, _) = simulate_all(plan.runs(), &[], threads, &|| {})?;
    Ok(plan.finish(&results))
}

/// The runs a [`tornado`] needs (the baseline, then each mechanism's removal that changes the
/// inputs), so that a caller can pool them with other runs ([`simulate_all`]).
#[derive(Debug, Clone)]
pub struct TornadoPlan {
    /// The baseline first, then the distinct removals.
    runs: Vec<YieldInputs>,
    /// Each mechanism's index into `runs` (0, the baseline, when removing it changes nothing).
    bars: ByMechanism<usize>,
}

impl TornadoPlan {
    /// The plan of [`tornado`] with the same arguments.
    #[must_use]
    pub fn new(inputs: &YieldInputs, packages: usize) -> TornadoPlan {
        let base = YieldInputs { packages, ..inputs.clone() };
        let mut runs = vec![base.clone()];
        let mut bars = ByMechanism([0; 5]);
        for mechanism in Mechanism::ALL {
            let mut without = base.clone();
            match mechanism {
                Mechanism::Coupling => {
                    without.block_sigma_um = Micrometres(0.0);
                    without.attach.fiber_sigma_um = Micrometres(0.0);
                    without.attach.shift_sigma_um = Micrometres(0.0);
                    without.attach.gap_mean_um = Micrometres(0.0);
                    without.attach.gap_sigma_um = Micrometres(0.0);
                    without.attach.tilt_sigma_mrad = Milliradians(0.0);
                }
                Mechanism::Laser => {
                    without.laser_dead_probability = 0.0;
                    without.laser_weak_fraction = 0.0;
                }
                Mechanism::Drift => {
                    without.tuning_range_nm =
                        Nanometres(without.tuning_range_nm.0.max(without.fsr_nm.0))
                }
                Mechanism::Warpage => {
                    without.warpage_mean_um = Micrometres(0.0);
                    without.warpage_sigma_um = Micrometres(0.0);
                }
                Mechanism::Asic => without.asic_defects_per_die = 0.0,
            }
            // Nothing to remove (e.g. a heater that already spans the FSR): the baseline.
            if without != base {
                runs.push(without);
                bars[mechanism] = runs.len() - 1;
            }
        }
        TornadoPlan { runs, bars }
    }

    /// The runs to simulate, in order.
    #[must_use]
    pub fn runs(&self) -> &[YieldInputs] {
        &self.runs
    }

    /// The bars from the results of [`TornadoPlan::runs`], in the same order.
    #[must_use]
    pub fn finish(&self, results: &[YieldResult]) -> Vec<TornadoBar> {
        let baseline = results[0].cost.total_usd;
        let mut bars: Vec<TornadoBar> = self
            .bars
            .iter()
            .map(|(mechanism, &run)| {
                let cost = results[run].cost.total_usd;
                TornadoBar { mechanism, cost_without_usd: cost, saving_usd: baseline - cost }
            })
            .collect();
        bars.sort_by(|a, b| b.saving_usd.total_cmp(&a.saving_usd));
        bars
    }
}
