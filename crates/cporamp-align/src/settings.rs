//! `[align]`: the section of the scenario file this model reads, as written
//! ([`AlignOptions`]) and checked ([`AlignSettings`], by [`resolve`]): automated fiber
//! alignment of the optical engines' fiber arrays, and passive V-groove attach beside it (its
//! coupler, cure and gap come from `[photonics]` and `[yield]`).
//!
//! The model owns its section: its raw serde types, every range check of its fields (each
//! problem names the field path, the value, the interval and the unit, through
//! [`cporamp_core::check::Checker`]), including the ranges that keep the search meaningful
//! (the stage resolves finer than the spiral's pitch, the spiral starts outside the bond line,
//! first light stands above the photodiode noise), and the resolved settings. The one value
//! it takes from outside, the bond line's gap, is passed in by the scenario.

use cporamp_core::check::{Checker, Limits, Section};
use cporamp_core::units::{Micrometres, Milliradians, Seconds, UsdPerHour};
use serde::{Deserialize, Serialize};

/// `[align]` as written: bare numbers with the unit in the field name, counts as `i64` so
/// that a negative count is a named range error, the attach cost as its name.
#[allow(missing_docs, reason = "each field is documented beside its value in the default scenario")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlignOptions {
    pub seed: i64,
    pub arrays: i64,
    pub attach_cost: String,
    pub fibers_per_array: i64,
    pub arrays_per_engine: i64,
    pub pitch_um: f64,
    pub prealign_sigma_um: f64,
    pub prealign_roll_mrad: f64,
    pub approach_gap_um: f64,
    pub spiral_step_um: f64,
    pub spiral_range_um: f64,
    pub first_light_fraction: f64,
    pub stage_resolution_um: f64,
    pub settle_s: f64,
    pub measure_s: f64,
    pub noise_fraction: f64,
    pub handling_s: f64,
    pub cure_s: f64,
    pub machine_usd_per_h: f64,
    pub operator_usd_per_h: f64,
    pub machines_per_operator: f64,
    pub passive_sigma_um: f64,
    pub passive_mode_radius_um: f64,
    pub passive_place_s: f64,
    pub passive_machine_usd_per_h: f64,
}

/// Which attach cost per engine the yield engine adds to its packaging cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachCost {
    /// None: `[yield] packaging_usd` already holds fiber attach.
    None,
    /// Active alignment's machine and operator cost per engine.
    Active,
    /// Passive V-groove attach's cost per engine.
    Passive,
}

/// The alignment model's settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Checks `[align]` and resolves it; every problem is recorded in `checker` (the result is
/// then only a placeholder to keep walking with). `bond_gap` is the bond line's mean gap
/// (`[yield] gap_mean_um`), inside which the spiral must not start.
pub fn resolve(
    checker: &mut Checker,
    options: &AlignOptions,
    bond_gap: Micrometres,
) -> AlignSettings {
    let bond_gap_um = bond_gap.0;
    let at = Section::new("align");
    let spiral_step_um = at.positive(checker, "spiral_step_um", options.spiral_step_um, "µm");
    let noise_fraction = at.number(
        checker,
        "noise_fraction",
        options.noise_fraction,
        Limits::between(0.0, 0.1),
        "fraction",
    );
    let seed = at.count(checker, "seed", options.seed, 0, i64::from(u32::MAX), "seed") as u64;
    let arrays = at.count(checker, "arrays", options.arrays, 1, 100_000, "arrays") as usize;
    let attach_cost = checker
        .choice(
            &at.path("attach_cost"),
            &options.attach_cost,
            &[
                ("none", AttachCost::None),
                ("active", AttachCost::Active),
                ("passive", AttachCost::Passive),
            ],
        )
        .unwrap_or(AttachCost::None);
    let fibers_per_array =
        at.count(checker, "fibers_per_array", options.fibers_per_array, 1, 1024, "fibers") as usize;
    let arrays_per_engine =
        at.count(checker, "arrays_per_engine", options.arrays_per_engine, 1, 256, "arrays")
            as usize;
    let pitch_um = at.positive(checker, "pitch_um", options.pitch_um, "µm");
    let prealign_sigma_um =
        at.non_negative(checker, "prealign_sigma_um", options.prealign_sigma_um, "µm");
    let prealign_roll_mrad =
        at.non_negative(checker, "prealign_roll_mrad", options.prealign_roll_mrad, "mrad");
    let approach_gap_um =
        at.non_negative(checker, "approach_gap_um", options.approach_gap_um, "µm");
    let spiral_range_um =
        at.non_negative(checker, "spiral_range_um", options.spiral_range_um, "µm");
    let first_light_fraction = at.number(
        checker,
        "first_light_fraction",
        options.first_light_fraction,
        Limits::FRACTION_OPEN,
        "fraction",
    );
    let stage_resolution_um =
        at.positive(checker, "stage_resolution_um", options.stage_resolution_um, "µm");
    let settle_s = at.non_negative(checker, "settle_s", options.settle_s, "s");
    let measure_s = at.non_negative(checker, "measure_s", options.measure_s, "s");
    let handling_s = at.non_negative(checker, "handling_s", options.handling_s, "s");
    let cure_s = at.non_negative(checker, "cure_s", options.cure_s, "s");
    let MachineCost { machine_usd_per_h, operator_usd_per_h, machines_per_operator } =
        resolve_machine_cost(checker, options);
    let Passive {
        passive_sigma_um,
        passive_mode_radius_um,
        passive_place_s,
        passive_machine_usd_per_h,
    } = resolve_passive(checker, options);
    let settings = AlignSettings {
        seed,
        arrays,
        attach_cost,
        fibers_per_array,
        arrays_per_engine,
        pitch_um: Micrometres(pitch_um),
        prealign_sigma_um: Micrometres(prealign_sigma_um),
        prealign_roll_mrad: Milliradians(prealign_roll_mrad),
        approach_gap_um: Micrometres(approach_gap_um),
        spiral_step_um: Micrometres(spiral_step_um),
        spiral_range_um: Micrometres(spiral_range_um),
        first_light_fraction,
        stage_resolution_um: Micrometres(stage_resolution_um),
        settle_s: Seconds(settle_s),
        measure_s: Seconds(measure_s),
        noise_fraction,
        handling_s: Seconds(handling_s),
        cure_s: Seconds(cure_s),
        machine_usd_per_h: UsdPerHour(machine_usd_per_h),
        operator_usd_per_h: UsdPerHour(operator_usd_per_h),
        machines_per_operator,
        passive_sigma_um: Micrometres(passive_sigma_um),
        passive_mode_radius_um: Micrometres(passive_mode_radius_um),
        passive_place_s: Seconds(passive_place_s),
        passive_machine_usd_per_h: UsdPerHour(passive_machine_usd_per_h),
    };
    check_dependent_ranges(checker, &settings, spiral_step_um, noise_fraction, bond_gap_um);
    settings
}

/// The ranges set by other fields: the stage resolves the spiral's pitch, the spiral is at
/// most 100 steps wide and starts outside the bond line, an array takes time on the machine,
/// first light stands above the noise.
fn check_dependent_ranges(
    checker: &mut Checker,
    settings: &AlignSettings,
    spiral_step_um: f64,
    noise_fraction: f64,
    bond_gap_um: f64,
) {
    let at = Section::new("align");
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

/// The alignment machine's and operator's hourly costs, and machines per operator.
fn resolve_machine_cost(checker: &mut Checker, options: &AlignOptions) -> MachineCost {
    let at = Section::new("align");
    MachineCost {
        machine_usd_per_h: at.non_negative(
            checker,
            "machine_usd_per_h",
            options.machine_usd_per_h,
            "USD/h",
        ),
        operator_usd_per_h: at.non_negative(
            checker,
            "operator_usd_per_h",
            options.operator_usd_per_h,
            "USD/h",
        ),
        machines_per_operator: at.positive(
            checker,
            "machines_per_operator",
            options.machines_per_operator,
            "machines",
        ),
    }
}

/// The machine-cost settings of `[align]`.
struct MachineCost {
    machine_usd_per_h: f64,
    operator_usd_per_h: f64,
    machines_per_operator: f64,
}

/// Passive V-groove attach: placement spread, mode radius, placement time and machine cost.
fn resolve_passive(checker: &mut Checker, options: &AlignOptions) -> Passive {
    let at = Section::new("align");
    Passive {
        passive_sigma_um: at.non_negative(
            checker,
            "passive_sigma_um",
            options.passive_sigma_um,
            "µm",
        ),
        passive_mode_radius_um: at.positive(
            checker,
            "passive_mode_radius_um",
            options.passive_mode_radius_um,
            "µm",
        ),
        passive_place_s: at.non_negative(checker, "passive_place_s", options.passive_place_s, "s"),
        passive_machine_usd_per_h: at.non_negative(
            checker,
            "passive_machine_usd_per_h",
            options.passive_machine_usd_per_h,
            "USD/h",
        ),
    }
}

/// The passive-attach settings of `[align]`.
struct Passive {
    passive_sigma_um: f64,
    passive_mode_radius_um: f64,
    passive_place_s: f64,
    passive_machine_usd_per_h: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default scenario's `[align]` table, checked alone against a bond line of `gap_um`.
    fn default_section(gap_um: f64) -> (AlignSettings, Vec<String>) {
        let text = include_str!("../../cporamp-scenario/presets/default.toml");
        let mut file: toml::Table = toml::from_str(text).unwrap();
        let options: AlignOptions = file.remove("align").unwrap().try_into().unwrap();
        let mut checker = Checker::default();
        let settings = resolve(&mut checker, &options, Micrometres(gap_um));
        (settings, checker.diagnostics.iter().map(|d| d.path.clone()).collect())
    }

    #[test]
    fn the_default_section_resolves_alone() {
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
