//! Checks at `scenario check` time of what an engine would refuse at run time and that only
//! an engine's own model can decide (the scenario's own dependent checks are in
//! `cporamp_core::scenario::limits`): today the cold plate's heat-transfer correlations, whose
//! validity (channels on the lid, Reynolds and Prandtl ranges) depends on the package size
//! each technology and generation gives. Cheap: no grid is built or solved.

use cporamp_core::error::{Diagnostic, DiagnosticKind, ScenarioError};
use cporamp_core::{Scenario, scenario};
use cporamp_thermal::package::{PackageLoad, cold_plate, package_side_mm};

/// Every problem the engines would find in `scenario` before computing anything, located in
/// `source` (the text it was loaded from; `origin` names it).
///
/// # Errors
/// A [`ScenarioError`] with one problem per technology and generation whose package the cold
/// plate cannot cool within its correlations.
pub fn preflight(scenario: &Scenario, source: &str, origin: &str) -> Result<(), ScenarioError> {
    let mut diagnostics = Vec::new();
    let thermal = &scenario.thermal;
    for technology in &scenario.technologies {
        let Some(package) = &technology.package else { continue };
        for (index, generation) in scenario.generations.iter().enumerate() {
            let load = PackageLoad {
                asic_w: 0.0,
                engine_w: 0.0,
                n_engines: package.engines_per_switch(generation) as usize,
                engine_edge_mm: package.engine_edge.0,
                asic_side_mm: thermal.asic_side_mm[index],
            };
            let side_mm = package_side_mm(thermal, &load);
            // The drift transient's package is the same size; one check covers both.
            if let Err(error) = cold_plate(&thermal.cold_plate, side_mm * 1e-3, 0.0, 0.0) {
                let path = "thermal.cold_plate.flow_l_per_min".to_string();
                diagnostics.push(Diagnostic {
                    location: scenario::locate(source, &path),
                    path,
                    kind: DiagnosticKind::Invalid {
                        value: thermal.cold_plate.flow_l_per_min.to_string(),
                        expected: format!(
                            "a flow and channels the cold plate's correlations cover on the \
                             {side_mm:.1} mm package of {} at {} ({error})",
                            technology.id, generation.id
                        ),
                    },
                });
            }
        }
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError { origin: origin.to_string(), diagnostics })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::scenario::DEFAULT_SCENARIO_TOML;

    #[test]
    fn the_default_passes_and_a_flow_outside_the_correlations_is_refused_with_its_line() {
        let default = cporamp_core::load_default().unwrap();
        assert!(preflight(&default, DEFAULT_SCENARIO_TOML, "d").is_ok());
        let line = DEFAULT_SCENARIO_TOML
            .lines()
            .find(|line| line.starts_with("flow_l_per_min = "))
            .unwrap();
        let number = DEFAULT_SCENARIO_TOML.lines().position(|l| l == line).unwrap() + 1;
        // A trickle stays laminar (Shah-London holds); a torrent leaves Gnielinski's range
        // (Re > 5e6).
        let source = DEFAULT_SCENARIO_TOML.replacen(line, "flow_l_per_min = 1e6", 1);
        let scenario = cporamp_core::load(&source, "t").expect("in the field's own range");
        let error = preflight(&scenario, &source, "t").unwrap_err();
        // 2 co-packaged technologies x 2 generations.
        assert_eq!(error.diagnostics.len(), 4, "{error}");
        let first = &error.diagnostics[0];
        assert_eq!(first.path, "thermal.cold_plate.flow_l_per_min");
        assert_eq!(first.location.map(|(line, _)| line), Some(number));
        assert!(error.to_string().contains("Gnielinski's range"), "{error}");
    }
}
