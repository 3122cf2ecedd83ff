//! A reduced default scenario for tests: the same technologies, generations and models on
//! fewer Monte Carlo samples, lanes and replications and a coarser package grid, so that a
//! whole run takes seconds in a debug build. Tests on it assert relations and tolerances
//! scaled to its sample sizes, never the default run's published figures.

use cporamp_scenario::Scenario;

/// The default scenario reduced as described above.
pub(crate) fn small() -> Scenario {
    let mut scenario = cporamp_scenario::load_default().expect("the default scenario loads");
    scenario.thermal.grid_cells = 32;
    scenario.photonics.lanes = 32;
    scenario.photonics.drift_grid_cells = 32;
    scenario.yield_settings.packages = 512;
    scenario.yield_settings.ramp.packages_per_point = 256;
    scenario.fleet.replications = 3;
    scenario.market.samples = 500;
    scenario.market.sobol_samples = 100;
    scenario.market.sobol_bootstrap = 20;
    // 256 packages per yield-surrogate point carry a standard error of ~3 % at a 50 % yield,
    // so a neighbour-chord check of the surrogate sees that noise, not a 2 % model error.
    scenario.market.surrogate_error_bound = 0.2;
    scenario
}

/// Two worker threads, no progress reports: the tests' run options (results do not depend
/// on the count).
pub(crate) fn two_threads() -> crate::RunOptions<'static> {
    crate::RunOptions::with_threads(std::num::NonZeroUsize::new(2).expect("2 > 0"))
}
