//! The quick scenario (`@quick`): the embedded default with its Monte Carlo sizes, package
//! grids and horizons reduced, so that every engine and every section of the report run in
//! about a second (a few in a debug build). The models, technologies, generations and sources
//! are the default's; only sample counts shrink, so its figures carry wider standard errors
//! (a yield on 400 packages is good to about ±1.2 %). For a first look and for tests; the
//! default is the answer.

use super::DEFAULT_SCENARIO_TOML;

/// Where the quick scenario comes from, as error messages and results name it.
pub const QUICK_ORIGIN: &str = "<embedded quick>";

/// (section, key, value) replaced in the default scenario's text.
const REDUCTIONS: [(&str, &str, &str); 22] = [
    ("[thermal]", "grid_cells", "16"),
    ("[thermal.cold_plate]", "inlet_sweep_c", "[25.0, 35.0, 45.0]"),
    ("[thermal.cycling]", "steps_per_period", "8"),
    ("[photonics]", "lanes", "32"),
    ("[photonics]", "drift_grid_cells", "16"),
    ("[photonics]", "periods", "2"),
    ("[yield]", "packages", "400"),
    ("[yield.ramp]", "units_per_quarter", "[10000.0, 12500.0, 15600.0]"),
    ("[yield.ramp]", "packages_per_point", "200"),
    ("[fleet]", "replications", "2"),
    ("[fleet]", "years", "0.5"),
    ("[fleet]", "gpus", "4096"),
    ("[fleet.job]", "gpus", "2048"),
    ("[market]", "samples", "300"),
    ("[market]", "sobol_samples", "64"),
    ("[market]", "sobol_bootstrap", "10"),
    // 200 packages per yield-surrogate point: a ~3.5 % standard error at a 50 % yield.
    ("[market]", "surrogate_error_bound", "0.25"),
    ("[align]", "arrays", "200"),
    ("[codesign]", "grid_cells", "16"),
    ("[codesign]", "inlet_c", "[35.0]"),
    ("[codesign]", "engine_gap_mm", "[3.0]"),
    ("[codesign]", "asic_power_factor", "[1.0]"),
];

/// The quick scenario's TOML text: the default's, named `quick`, with the `key = value` lines
/// of the reduced sizes replaced in their sections and a comment saying so.
///
/// # Panics
/// If the default scenario lacks one of those keys in its section (a test rules it out).
#[must_use]
pub fn quick_scenario_toml() -> String {
    let mut lines: Vec<String> = DEFAULT_SCENARIO_TOML.lines().map(str::to_string).collect();
    for (section, key, value) in REDUCTIONS {
        let start = lines
            .iter()
            .position(|line| line.trim() == section)
            .unwrap_or_else(|| panic!("the default scenario has no {section}"));
        let line = lines[start + 1..]
            .iter()
            .take_while(|line| !line.trim_start().starts_with('['))
            .position(|line| line.split('=').next().is_some_and(|name| name.trim() == key))
            .map(|offset| start + 1 + offset)
            .unwrap_or_else(|| panic!("the default scenario's {section} has no {key}"));
        lines[line] = format!("{key} = {value} # quick: reduced from the default for speed");
    }
    let name = lines
        .iter()
        .position(|line| line.starts_with("name = "))
        .expect("the default scenario has a name");
    lines[name] = "name = \"quick\" # quick: the default with small Monte Carlo sizes".to_string();
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_scenario_loads_and_differs_from_the_default_in_sizes_only() {
        let quick = crate::load(&quick_scenario_toml(), QUICK_ORIGIN).unwrap();
        let default = crate::load_default().unwrap();
        assert_eq!(quick.yield_settings.packages, 400);
        assert_eq!(quick.photonics.lanes, 32);
        assert_eq!(quick.fleet.replications, 2);
        assert_eq!(quick.market.samples, 300);
        // Everything that is not a size is the default's.
        assert_eq!(quick.technologies.len(), default.technologies.len());
        assert_eq!(quick.generations.len(), default.generations.len());
        let changed = quick_scenario_toml()
            .lines()
            .zip(DEFAULT_SCENARIO_TOML.lines())
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(changed, REDUCTIONS.len() + 1, "the sizes and the name");
        assert_eq!(quick.name, "quick");
    }
}
