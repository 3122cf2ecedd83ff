//! `[align]`: the section of the scenario file this model reads ([`AlignSettings`],
//! deserialized as written and checked by [`check`]): automated fiber alignment of the optical
//! engines' fiber arrays, and passive V-groove attach beside it (its coupler, cure and gap come
//! from `[photonics]` and `[yield]`).
//!
//! The model owns its section: one serde type, and every range check of its fields (each
//! problem names the field path, the value, the interval and the unit, through
//! [`cporamp_core::check::Checker`]), including the ranges that keep the search meaningful
//! (the stage resolves finer than the spiral's pitch, the spiral starts outside the bond line,
//! first light stands above the photodiode noise). The one value it takes from outside, the
//! bond line's gap, is passed in by the scenario.

use cporamp_core::check::{Checker, Limits, Section};
use cporamp_core::units::{Micrometres, Milliradians, Seconds, UsdPerHour};
use serde::{Deserialize, Serialize};

/// Which attach cost per engine the yield engine adds to its packaging cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachCost {
    /// None: `[yield] packaging_usd` already holds fiber attach.
    None,
    /// Active alignment's machine and operator cost per engine.
    Active,
    /// Passive V-groove attach's cost per engine.
    Passive,
}

/// The alignment model's settings: `[align]` as written, bare numbers with the unit in the
/// field name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlignSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Arrays simulated per method.
    pub arrays: usize,
    /// Which attach cost flows into the yield engine's packaging cost.
    pub attach_cost: AttachCost,
    /// Fibers per array.
    pub fibers_per_array: usize,
    /// Arrays attached per optical engine.
    pub arrays_per_engine: usize,
    /// Fiber pitch, µm.
    pub pitch_um: Micrometres,
    /// Vision pre-alignment error per lateral axis, sigma, µm.
    pub prealign_sigma_um: Micrometres,
    /// Vision pre-alignment roll error, sigma, mrad.
    pub prealign_roll_mrad: Milliradians,
    /// Gap at which the first-light spiral runs, µm.
    pub approach_gap_um: Micrometres,
    /// Spiral pitch, µm.
    pub spiral_step_um: Micrometres,
    /// Spiral half-width, µm.
    pub spiral_range_um: Micrometres,
    /// First-light threshold, fraction of a perfectly coupled loopback.
    pub first_light_fraction: f64,
    /// Stage step resolution, µm.
    pub stage_resolution_um: Micrometres,
    /// Settle time per move, s.
    pub settle_s: Seconds,
    /// Photodiode integration per reading, s.
    pub measure_s: Seconds,
    /// Photodiode noise sigma, fraction of a perfectly coupled loopback.
    pub noise_fraction: f64,
    /// Loading, vision pre-alignment and dispense per array, s.
    pub handling_s: Seconds,
    /// Adhesive cure on the machine per array, s.
    pub cure_s: Seconds,
    /// Active aligner rate, USD/h.
    pub machine_usd_per_h: UsdPerHour,
    /// Operator rate, USD/h.
    pub operator_usd_per_h: UsdPerHour,
    /// Machines one operator tends.
    pub machines_per_operator: f64,
    /// Passive V-groove core position sigma per axis, µm.
    pub passive_sigma_um: Micrometres,
    /// Mode radius of a coupler designed for passive attach, µm.
    pub passive_mode_radius_um: Micrometres,
    /// Passive pick, place and dispense per array, s.
    pub passive_place_s: Seconds,
    /// Passive placement machine rate, USD/h.
    pub passive_machine_usd_per_h: UsdPerHour,
}

/// Checks `[align]`: every problem is recorded in `checker`. `bond_gap` is the bond line's
/// mean gap (`[yield] gap_mean_um`), inside which the spiral must not start.
pub fn check(checker: &mut Checker, settings: &AlignSettings, bond_gap: Micrometres) {
    let at = Section::new("align");
    let s = settings;
    at.positive(checker, "spiral_step_um", s.spiral_step_um.0, "µm");
    at.number(checker, "noise_fraction", s.noise_fraction, Limits::between(0.0, 0.1), "fraction");
    at.count(checker, "seed", s.seed, 0, i64::from(u32::MAX), "seed");
    at.count(checker, "arrays", s.arrays, 1, 100_000, "arrays");
    at.count(checker, "fibers_per_array", s.fibers_per_array, 1, 1024, "fibers");
    at.count(checker, "arrays_per_engine", s.arrays_per_engine, 1, 256, "arrays");
    at.positive(checker, "pitch_um", s.pitch_um.0, "µm");
    at.non_negative(checker, "prealign_sigma_um", s.prealign_sigma_um.0, "µm");
    at.non_negative(checker, "prealign_roll_mrad", s.prealign_roll_mrad.0, "mrad");
    at.non_negative(checker, "approach_gap_um", s.approach_gap_um.0, "µm");
    at.non_negative(checker, "spiral_range_um", s.spiral_range_um.0, "µm");
    at.number(
        checker,
        "first_light_fraction",
        s.first_light_fraction,
        Limits::FRACTION_OPEN,
        "fraction",
    );
    at.positive(checker, "stage_resolution_um", s.stage_resolution_um.0, "µm");
    for (name, value) in [
        ("settle_s", s.settle_s),
        ("measure_s", s.measure_s),
        ("handling_s", s.handling_s),
        ("cure_s", s.cure_s),
    ] {
        at.non_negative(checker, name, value.0, "s");
    }
    at.non_negative(checker, "machine_usd_per_h", s.machine_usd_per_h.0, "USD/h");
    at.non_negative(checker, "operator_usd_per_h", s.operator_usd_per_h.0, "USD/h");
    at.positive(checker, "machines_per_operator", s.machines_per_operator, "machines");
    at.non_negative(checker, "passive_sigma_um", s.passive_sigma_um.0, "µm");
    at.positive(checker, "passive_mode_radius_um", s.passive_mode_radius_um.0, "µm");
    at.non_negative(checker, "passive_place_s", s.passive_place_s.0, "s");
    at.non_negative(checker, "passive_machine_usd_per_h", s.passive_machine_usd_per_h.0, "USD/h");
    check_dependent_ranges(checker, settings, bond_gap.0);
}

/// The ranges set by other fields: the stage resolves the spiral's pitch, the spiral is at
/// most 100 steps wide and starts outside the bond line, an array takes time on the machine,
/// first light stands above the noise.
fn check_dependent_ranges(checker: &mut Checker, settings: &AlignSettings, bond_gap_um: f64) {
    let at = Section::new("align");
    let spiral_step_um = settings.spiral_step_um.0;
    let noise_fraction = settings.noise_fraction;
    if settings.stage_resolution_um.0 > spiral_step_um && spiral_step_um > 0.0 {
        at.invalid(checker,
            "stage_resolution_um",
            settings.stage_resolution_um.0,
            format!("at most align.spiral_step_um ({spiral_step_um} µm): the stage must resolve the spiral's pitch"),
        );
    }
    if spiral_step_um > 0.0 && settings.spiral_range_um.0 > 100.0 * spiral_step_um {
        at.invalid(
            checker,
            "spiral_range_um",
            settings.spiral_range_um.0,
            format!(
                "at most 100 x align.spiral_step_um ({} µm): a spiral of 40,401 readings",
                100.0 * spiral_step_um
            ),
        );
    }
    // Machine time per array must be positive for a throughput.
    if settings.handling_s.0 + settings.cure_s.0 <= 0.0 {
        at.invalid(
            checker,
            "cure_s",
            settings.cure_s.0,
            "more than 0 s with align.handling_s: an array takes time on the machine",
        );
    }
    if settings.passive_place_s.0 + settings.cure_s.0 <= 0.0 {
        at.invalid(
            checker,
            "passive_place_s",
            settings.passive_place_s.0,
            "more than 0 s with align.cure_s: an array takes time on the machine",
        );
    }
    if settings.approach_gap_um.0 < bond_gap_um {
        at.invalid(checker,
            "approach_gap_um",
            settings.approach_gap_um.0,
            format!("at least yield.gap_mean_um ({bond_gap_um} µm): the spiral runs outside the bond line"),
        );
    }
    if settings.first_light_fraction < 5.0 * noise_fraction * (1.0 - 1e-12) {
        at.invalid(checker,
            "first_light_fraction",
            settings.first_light_fraction,
            format!(
                "at least 5 x align.noise_fraction ({}): first light must stand above the photodiode noise",
                5.0 * noise_fraction
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default scenario's `[align]` table, checked alone against a bond line of `gap_um`.
    fn default_section(gap_um: f64) -> (AlignSettings, Vec<String>) {
        let text = include_str!("../../cporamp-scenario/presets/default.toml");
        let mut file: toml::Table = toml::from_str(text).unwrap();
        let settings: AlignSettings = file.remove("align").unwrap().try_into().unwrap();
        let mut checker = Checker::default();
        check(&mut checker, &settings, Micrometres(gap_um));
        (settings, checker.diagnostics.iter().map(|d| d.path.clone()).collect())
    }

    #[test]
    fn the_default_section_checks_alone() {
        let (settings, problems) = default_section(5.0);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(settings.attach_cost, AttachCost::None);
        assert_eq!((settings.fibers_per_array, settings.arrays_per_engine), (32, 4));
    }

    #[test]
    fn the_spiral_must_start_outside_the_bond_line_it_is_given() {
        // The default approaches at 20 µm: a 25 µm bond line is a problem of that field.
        let (_, problems) = default_section(25.0);
        assert_eq!(problems, ["align.approach_gap_um"]);
    }
}
