//! The alignment model (`cporamp-align`) on a scenario: `[align]` with the scenario's
//! [`cporamp_scenario::Scenario::fiber_attach`] (the coupler of `[photonics]`: mode,
//! wavelength, coupling budget, core spread; the attach of `[yield]`: cure shift, bond line,
//! gap index, tilt), the same value the yield engine's inputs hold, so that alignment and the
//! yield engine see the same fiber attach. When `[align] attach_cost` selects a method, its machine and operator cost
//! per engine is added to the yield engine's packaging cost of every co-packaged technology.

use crate::{PipelineError, RunOptions};
use cporamp_align::{AlignInputs, AlignResult};
use cporamp_scenario::AttachCost;
use cporamp_scenario::Scenario;

/// The alignment model's inputs from `scenario`.
#[must_use]
pub fn align_inputs(scenario: &Scenario) -> AlignInputs {
    AlignInputs { settings: scenario.align.clone(), attach: scenario.fiber_attach() }
}

/// Active alignment and passive attach on `scenario`.
///
/// # Errors
/// [`PipelineError::Align`] when the model rejects its inputs.
pub fn run_align(scenario: &Scenario, options: &RunOptions) -> Result<AlignResult, PipelineError> {
    simulate(scenario, options.threads.get())
}

fn simulate(scenario: &Scenario, threads: usize) -> Result<AlignResult, PipelineError> {
    cporamp_align::simulate(&align_inputs(scenario), threads)
        .map_err(|error| PipelineError::Align { error })
}

/// The attach cost per engine the yield engine adds to its packaging cost: the selected
/// method's machine and operator cost, or 0 when `[align] attach_cost = "none"` (the model
/// does not run then).
pub(crate) fn attach_usd_per_engine(
    scenario: &Scenario,
    threads: usize,
) -> Result<f64, PipelineError> {
    Ok(match scenario.align.attach_cost {
        AttachCost::None => 0.0,
        AttachCost::Active => simulate(scenario, threads)?.active.cost_per_engine_usd,
        AttachCost::Passive => simulate(scenario, threads)?.passive.cost_per_engine_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_attach_cost_joins_the_yield_engines_packaging_cost() {
        let mut scenario = crate::fixture::small();
        scenario.yield_settings.packages = 256;
        scenario.align.arrays = 128;
        let generation_index = 1;
        let id = scenario.generations[generation_index].id.clone();
        let technology_index =
            scenario.technologies.iter().position(|t| t.id == "cpo_els").expect("cpo_els");
        let at = |attach: AttachCost| {
            let mut scenario = scenario.clone();
            scenario.align.attach_cost = attach;
            let comparison = cporamp_compare::compare_one(&scenario, &id).expect("compares");
            let compared = comparison
                .technologies
                .iter()
                .find(|t| t.id == "cpo_els")
                .expect("cpo_els compared")
                .clone();
            crate::yield_for(&scenario, generation_index, technology_index, &compared, 84.0, 2)
                .expect("yield runs")
                .expect("cpo_els has rings")
        };
        let (none, active, passive) =
            (at(AttachCost::None), at(AttachCost::Active), at(AttachCost::Passive));
        let aligned = cporamp_align::simulate(&align_inputs(&scenario), 1).expect("aligns");
        let engines = none.inputs.engines_per_package as f64;
        for (with, per_engine) in [
            (&active, aligned.active.cost_per_engine_usd),
            (&passive, aligned.passive.cost_per_engine_usd),
        ] {
            let added = with.inputs.packaging_usd.0 - none.inputs.packaging_usd.0;
            assert!((added - per_engine * engines).abs() < 1e-9, "{added} vs {per_engine}");
            assert!(per_engine > 0.0);
        }
        // The same Monte Carlo draws, a dearer package: the cost per shipped switch rises by
        // the added packaging over the yield (packages bought per switch shipped).
        let rise = active.result.cost.total_usd - none.result.cost.total_usd;
        let expected = (active.inputs.packaging_usd.0 - none.inputs.packaging_usd.0)
            / none.result.package_yield.value;
        assert!((rise - expected).abs() < 1e-6 * expected.max(1.0), "{rise} vs {expected}");
    }
}
