//! Checks at `scenario check` time of what an engine would refuse at run time and that only
//! an engine's own model can decide (the scenario's own dependent checks are in
//! `cporamp_scenario::limits`): the cold plate's heat-transfer correlations, whose
//! validity (channels on the lid, Reynolds and Prandtl ranges) depends on the package size
//! each technology and generation gives, and the package grids (`thermal.grid_cells`,
//! `photonics.drift_grid_cells`), which must put a cell centre in every die. Cheap: no grid
//! is built or solved.

use crate::engines::package_geometry;
use cporamp_core::error::{Diagnostic, DiagnosticKind, ScenarioError};
use cporamp_core::units::Millimetres;
use cporamp_scenario::{self as scenario, Scenario};
use cporamp_thermal::channel_plate::{MAX_PLATE_CELLS, plate_cells};
use cporamp_thermal::package::{check_grid, cold_plate, package_side_mm};

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
        for generation in &scenario.generations {
            let load = package_geometry(thermal, package, generation);
            let side_mm = package_side_mm(thermal, &load);
            // The package grid and the drift transient's coarser one must put a cell centre
            // in every die.
            for (path, cells) in [
                ("thermal.grid_cells", thermal.grid_cells),
                ("photonics.drift_grid_cells", scenario.photonics.drift_grid_cells),
            ] {
                if let Err(error) = check_grid(thermal, &load, cells) {
                    diagnostics.push(Diagnostic {
                        location: scenario::locate(source, path),
                        path: path.to_string(),
                        kind: DiagnosticKind::Invalid {
                            value: cells.to_string(),
                            expected: format!(
                                "a grid fine enough for the {side_mm:.1} mm package of {} at {} \
                                 ({error})",
                                technology.id, generation.id
                            ),
                        },
                    });
                }
            }
            // A microchannel plate's 3D-ICE grid: channels and walls across, grid rows along.
            if thermal.cold_plate.kind.is_microchannel() {
                let cells = thermal.grid_cells.max(scenario.photonics.drift_grid_cells);
                let (plate_cells, _) =
                    plate_cells(&thermal.cold_plate, Millimetres(side_mm).to_metres().0, cells);
                if plate_cells > MAX_PLATE_CELLS {
                    let path = "thermal.cold_plate.channel_width_mm".to_string();
                    diagnostics.push(Diagnostic {
                        location: scenario::locate(source, &path),
                        path,
                        kind: DiagnosticKind::Invalid {
                            value: thermal.cold_plate.channel_width_mm.0.to_string(),
                            expected: format!(
                                "channels wide enough for the microchannel plate's 3D-ICE grid \
                                 on the {side_mm:.1} mm package of {} at {} ({plate_cells} cells \
                                 at {cells} rows; at most {MAX_PLATE_CELLS})",
                                technology.id, generation.id
                            ),
                        },
                    });
                }
            }
            // The drift transient's package is the same size; one check covers both.
            if let Err(error) =
                cold_plate(&thermal.cold_plate, Millimetres(side_mm).to_metres().0, 0.0, 0.0)
            {
                let path = "thermal.cold_plate.flow_l_per_min".to_string();
                diagnostics.push(Diagnostic {
                    location: scenario::locate(source, &path),
                    path,
                    kind: DiagnosticKind::Invalid {
                        value: thermal.cold_plate.flow_l_per_min.0.to_string(),
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
    use cporamp_scenario::DEFAULT_SCENARIO_TOML;

    #[test]
    fn a_drift_grid_too_coarse_for_the_engines_is_refused_by_its_field() {
        // 2 mm deep engines 2 mm inside a 68 mm package (102.4T: 16 engines of 15 mm, 4 a
        // side): 8.5 mm cells put no centre between 2 and 4 mm; 64 cells of 1.06 mm put one
        // at 2.66 mm.
        let set = |text: &str, key: &str, value: &str| -> String {
            let line = text.lines().find(|line| line.starts_with(key)).unwrap();
            text.replacen(line, &format!("{key}{value}"), 1)
        };
        let source = set(
            &set(DEFAULT_SCENARIO_TOML, "drift_grid_cells = ", "8"),
            "engine_depth_mm = ",
            "2.0",
        );
        let scenario = cporamp_scenario::load(&source, "t").expect("in the field's own range");
        let error = preflight(&scenario, &source, "t").unwrap_err();
        assert!(
            error.diagnostics.iter().all(|d| d.path == "photonics.drift_grid_cells"),
            "{error}"
        );
        assert!(error.to_string().contains("is too coarse"), "{error}");
        // The run finds the same: the engine's own check on the built model agrees (on the
        // reduced fixture, whose 32-cell package grid also holds every die).
        let mut small = crate::fixture::small();
        small.thermal.engine_depth_mm.0 = 2.0;
        small.photonics.drift_grid_cells = 8;
        let engines = crate::run_engines(&small, &crate::fixture::two_threads());
        assert!(engines.is_err_and(|e| e.to_string().contains("too coarse")));
    }

    #[test]
    fn a_microchannel_plate_too_fine_for_its_grid_is_refused_by_the_channel_width() {
        let set = |text: &str, key: &str, value: &str| -> String {
            let line = text.lines().find(|line| line.starts_with(key)).unwrap();
            text.replacen(line, &format!("{key}{value}"), 1)
        };
        let microchannel = DEFAULT_SCENARIO_TOML.replacen(
            "kind = \"liquid_channels\"",
            "kind = \"microchannel_4rm\"",
            1,
        );
        let scenario = cporamp_scenario::load(&microchannel, "t").unwrap();
        assert!(preflight(&scenario, &microchannel, "t").is_ok());
        // 20 µm channels and walls: thousands of channels, millions of cells.
        let fine =
            set(&set(&microchannel, "channel_width_mm = ", "0.02"), "wall_thickness_mm = ", "0.02");
        let scenario = cporamp_scenario::load(&fine, "t").unwrap();
        let error = preflight(&scenario, &fine, "t").unwrap_err();
        assert!(
            error.diagnostics.iter().any(|d| d.path == "thermal.cold_plate.channel_width_mm"
                && d.to_string().contains("3D-ICE grid")),
            "{error}"
        );
    }

    #[test]
    fn the_default_passes_and_a_flow_outside_the_correlations_is_refused_with_its_line() {
        let default = cporamp_scenario::load_default().unwrap();
        assert!(preflight(&default, DEFAULT_SCENARIO_TOML, "d").is_ok());
        let line = DEFAULT_SCENARIO_TOML
            .lines()
            .find(|line| line.starts_with("flow_l_per_min = "))
            .unwrap();
        let number = DEFAULT_SCENARIO_TOML.lines().position(|l| l == line).unwrap() + 1;
        // A trickle stays laminar (Shah-London holds); a torrent leaves Gnielinski's range
        // (Re > 5e6).
        let source = DEFAULT_SCENARIO_TOML.replacen(line, "flow_l_per_min = 1e6", 1);
        let scenario = cporamp_scenario::load(&source, "t").expect("in the field's own range");
        let error = preflight(&scenario, &source, "t").unwrap_err();
        // 2 co-packaged technologies x 2 generations.
        assert_eq!(error.diagnostics.len(), 4, "{error}");
        let first = &error.diagnostics[0];
        assert_eq!(first.path, "thermal.cold_plate.flow_l_per_min");
        assert_eq!(first.location.map(|(line, _)| line), Some(number));
        assert!(error.to_string().contains("Gnielinski's range"), "{error}");
    }
}
