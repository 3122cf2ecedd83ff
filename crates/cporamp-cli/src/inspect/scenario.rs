//! What `cporamp inspect` takes from a scenario or a limits file: specification limits and
//! the laser calibration's model.

use std::collections::BTreeMap;

use anyhow::anyhow;
use cporamp_inspect::{PARAMETERS, SpecLimits};

use crate::Failure;

/// Specification limits from a scenario: coupling loss at most the scenario's coupling
/// allocation (`photonics.coupling_allocation_db`), heater shift in [0, heater efficiency x
/// `photonics.heater_max_mw`] of `technology` (when it has rings); the gap has none.
pub(crate) fn scenario_limits(
    scenario: &cporamp_scenario::Scenario,
    technology: Option<&str>,
) -> [SpecLimits; 3] {
    let mut limits = [SpecLimits::default(); 3];
    limits[0].upper = Some(scenario.photonics.coupling_allocation_db.0);
    let rings = technology.and_then(|id| {
        scenario.technologies.iter().find(|t| t.id == id).and_then(|t| t.rings.as_ref())
    });
    if let Some(rings) = rings {
        limits[2] = SpecLimits {
            lower: Some(0.0),
            upper: Some(rings.tuning_range_nm(scenario.photonics.heater_max_mw)),
        };
    }
    limits
}

/// A limits file (TOML, one table per parameter with `lower` and/or `upper` in its unit)
/// over `limits`.
pub(crate) fn apply_limits_file(
    origin: &str,
    text: &str,
    limits: &mut [SpecLimits; 3],
) -> Result<(), Failure> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        lower: Option<f64>,
        upper: Option<f64>,
    }
    let fail = |message: String| Failure::Input(anyhow!("limits {origin}: {message}"));
    let raw: BTreeMap<String, Raw> = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
    for (name, raw) in raw {
        let Some(p) = PARAMETERS.iter().position(|(ours, _)| *ours == name) else {
            let known: Vec<&str> = PARAMETERS.iter().map(|(n, _)| *n).collect();
            return Err(fail(format!(
                "[{name}]: unknown parameter; expected one of {}",
                known.join(", ")
            )));
        };
        for (key, value) in [("lower", raw.lower), ("upper", raw.upper)] {
            if let Some(v) = value
                && !v.is_finite()
            {
                return Err(fail(format!("{name}.{key}: value {v} is not a finite number")));
            }
        }
        if let (Some(lower), Some(upper)) = (raw.lower, raw.upper)
            && lower >= upper
        {
            return Err(fail(format!("{name}: lower {lower} is not below upper {upper}")));
        }
        limits[p] = SpecLimits { lower: raw.lower, upper: raw.upper };
    }
    Ok(())
}

/// The laser calibration's model from a scenario: the technology's on-engine lasers (lanes
/// per laser), the engine test's laser coverage and the scenario's dead probability; `None`
/// for lasers outside the engine, or with spare lanes (the likelihood assumes none).
pub(crate) fn laser_model(
    scenario: &cporamp_scenario::Scenario,
    technology: Option<&str>,
) -> Option<cporamp_inspect::LaserModel> {
    use cporamp_scenario::LaserPlacement;
    let technology = scenario.technologies.iter().find(|t| Some(t.id.as_str()) == technology)?;
    let laser = technology.laser.as_ref()?;
    let settings = &scenario.yield_settings;
    (laser.placement == LaserPlacement::Package && settings.spare_lanes_per_engine == 0).then(
        || cporamp_inspect::LaserModel {
            lanes_per_laser: u64::from(laser.lanes_per_laser),
            engine_test_coverage: settings.engine_test_coverage[cporamp_yield::Mechanism::Laser],
            scenario_probability: settings.laser_dead_probability(),
        },
    )
}
