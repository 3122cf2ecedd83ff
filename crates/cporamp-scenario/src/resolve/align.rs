//! `[align]`: the alignment search, its machine and passive attach, with the ranges that
//! keep the search meaningful (the stage resolves finer than the spiral's pitch, the spiral
//! starts outside the bond line, first light stands above the photodiode noise).

use crate::raw;
use crate::{AlignSettings, AttachCost};
use cporamp_core::check::{Checker, Limits};

pub(super) fn resolve_align(
    checker: &mut Checker,
    options: &raw::AlignOptions,
    bond_gap_um: f64,
) -> AlignSettings {
    let field = |name: &str| format!("align.{name}");
    let positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::POSITIVE, unit)
    };
    let non_negative = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::NON_NEGATIVE, unit)
    };
    let spiral_step_um = positive(checker, "spiral_step_um", options.spiral_step_um, "µm");
    let noise_fraction = checker.number(
        &field("noise_fraction"),
        options.noise_fraction,
        Limits::between(0.0, 0.1),
        "fraction",
    );
    let seed = checker.count(&field("seed"), options.seed, 0, i64::from(u32::MAX), "seed") as u64;
    let arrays = checker.count(&field("arrays"), options.arrays, 1, 100_000, "arrays") as usize;
    let attach_cost = checker
        .choice(
            &field("attach_cost"),
            &options.attach_cost,
            &[
                ("none", AttachCost::None),
                ("active", AttachCost::Active),
                ("passive", AttachCost::Passive),
            ],
        )
        .unwrap_or(AttachCost::None);
    let fibers_per_array =
        checker.count(&field("fibers_per_array"), options.fibers_per_array, 1, 1024, "fibers")
            as usize;
    let arrays_per_engine =
        checker.count(&field("arrays_per_engine"), options.arrays_per_engine, 1, 256, "arrays")
            as usize;
    let pitch_um = positive(checker, "pitch_um", options.pitch_um, "µm");
    let prealign_sigma_um =
        non_negative(checker, "prealign_sigma_um", options.prealign_sigma_um, "µm");
    let prealign_roll_mrad =
        non_negative(checker, "prealign_roll_mrad", options.prealign_roll_mrad, "mrad");
    let approach_gap_um = non_negative(checker, "approach_gap_um", options.approach_gap_um, "µm");
    let spiral_range_um = non_negative(checker, "spiral_range_um", options.spiral_range_um, "µm");
    let first_light_fraction = checker.number(
        &field("first_light_fraction"),
        options.first_light_fraction,
        Limits {
            min: cporamp_core::check::Bound::Exclusive(0.0),
            max: cporamp_core::check::Bound::Exclusive(1.0),
        },
        "fraction",
    );
    let stage_resolution_um =
        positive(checker, "stage_resolution_um", options.stage_resolution_um, "µm");
    let settle_s = non_negative(checker, "settle_s", options.settle_s, "s");
    let measure_s = non_negative(checker, "measure_s", options.measure_s, "s");
    let handling_s = non_negative(checker, "handling_s", options.handling_s, "s");
    let cure_s = non_negative(checker, "cure_s", options.cure_s, "s");
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
        pitch_um,
        prealign_sigma_um,
        prealign_roll_mrad,
        approach_gap_um,
        spiral_step_um,
        spiral_range_um,
        first_light_fraction,
        stage_resolution_um,
        settle_s,
        measure_s,
        noise_fraction,
        handling_s,
        cure_s,
        machine_usd_per_h,
        operator_usd_per_h,
        machines_per_operator,
        passive_sigma_um,
        passive_mode_radius_um,
        passive_place_s,
        passive_machine_usd_per_h,
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
    let field = |name: &str| format!("align.{name}");
    if settings.stage_resolution_um > spiral_step_um && spiral_step_um > 0.0 {
        checker.invalid(
            &field("stage_resolution_um"),
            settings.stage_resolution_um,
            format!("at most align.spiral_step_um ({spiral_step_um} µm): the stage must resolve the spiral's pitch"),
        );
    }
    if spiral_step_um > 0.0 && settings.spiral_range_um > 100.0 * spiral_step_um {
        checker.invalid(
            &field("spiral_range_um"),
            settings.spiral_range_um,
            format!(
                "at most 100 x align.spiral_step_um ({} µm): a spiral of 40,401 readings",
                100.0 * spiral_step_um
            ),
        );
    }
    // Machine time per array must be positive for a throughput.
    if settings.handling_s + settings.cure_s <= 0.0 {
        checker.invalid(
            &field("cure_s"),
            settings.cure_s,
            "more than 0 s with align.handling_s: an array takes time on the machine",
        );
    }
    if settings.passive_place_s + settings.cure_s <= 0.0 {
        checker.invalid(
            &field("passive_place_s"),
            settings.passive_place_s,
            "more than 0 s with align.cure_s: an array takes time on the machine",
        );
    }
    if settings.approach_gap_um < bond_gap_um {
        checker.invalid(
            &field("approach_gap_um"),
            settings.approach_gap_um,
            format!("at least yield.gap_mean_um ({bond_gap_um} µm): the spiral runs outside the bond line"),
        );
    }
    if settings.first_light_fraction < 5.0 * noise_fraction * (1.0 - 1e-12) {
        checker.invalid(
            &field("first_light_fraction"),
            settings.first_light_fraction,
            format!(
                "at least 5 x align.noise_fraction ({}): first light must stand above the photodiode noise",
                5.0 * noise_fraction
            ),
        );
    }
}

/// The alignment machine's and operator's hourly costs, and machines per operator.
fn resolve_machine_cost(checker: &mut Checker, options: &raw::AlignOptions) -> MachineCost {
    let field = |name: &str| format!("align.{name}");
    let positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::POSITIVE, unit)
    };
    let non_negative = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::NON_NEGATIVE, unit)
    };
    MachineCost {
        machine_usd_per_h: non_negative(
            checker,
            "machine_usd_per_h",
            options.machine_usd_per_h,
            "USD/h",
        ),
        operator_usd_per_h: non_negative(
            checker,
            "operator_usd_per_h",
            options.operator_usd_per_h,
            "USD/h",
        ),
        machines_per_operator: positive(
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
fn resolve_passive(checker: &mut Checker, options: &raw::AlignOptions) -> Passive {
    let field = |name: &str| format!("align.{name}");
    let positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::POSITIVE, unit)
    };
    let non_negative = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::NON_NEGATIVE, unit)
    };
    Passive {
        passive_sigma_um: non_negative(checker, "passive_sigma_um", options.passive_sigma_um, "µm"),
        passive_mode_radius_um: positive(
            checker,
            "passive_mode_radius_um",
            options.passive_mode_radius_um,
            "µm",
        ),
        passive_place_s: non_negative(checker, "passive_place_s", options.passive_place_s, "s"),
        passive_machine_usd_per_h: non_negative(
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
    use crate::{AttachCost, DEFAULT_SCENARIO_TOML, load, load_default};
    use cporamp_core::error::DiagnosticKind;

    fn problems(from: &str, to: &str) -> Vec<(String, String)> {
        assert_eq!(DEFAULT_SCENARIO_TOML.matches(from).count(), 1, "{from:?} must occur once");
        let source = DEFAULT_SCENARIO_TOML.replacen(from, to, 1);
        let error = load(&source, "test.toml").expect_err("must be rejected");
        error
            .diagnostics
            .iter()
            .map(|diagnostic| (diagnostic.path.clone(), diagnostic.to_string()))
            .collect()
    }

    #[test]
    fn the_default_resolves_its_align_section() {
        let align = load_default().expect("valid").align;
        assert_eq!(align.attach_cost, AttachCost::None);
        assert_eq!((align.fibers_per_array, align.arrays_per_engine), (32, 4));
    }

    #[test]
    fn bad_align_fields_are_named_with_value_range_and_unit() {
        let found = problems("spiral_step_um = 1.0 ", "spiral_step_um = -1.0 ");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "align.spiral_step_um");
        assert!(found[0].1.contains("-1") && found[0].1.contains("µm"), "{}", found[0].1);

        let found = problems("attach_cost = \"none\"", "attach_cost = \"glue\"");
        assert_eq!(found[0].0, "align.attach_cost");
        assert!(found[0].1.contains("\"active\""), "{}", found[0].1);

        // The spiral must start outside the bond line ([yield] gap_mean_um = 5 µm).
        let found = problems("approach_gap_um = 20.0 ", "approach_gap_um = 2.0 ");
        assert_eq!(found[0].0, "align.approach_gap_um");
        assert!(found[0].1.contains("yield.gap_mean_um"), "{}", found[0].1);

        // First light must stand above the noise.
        let found = problems("noise_fraction = 0.002 ", "noise_fraction = 0.05 ");
        assert_eq!(found[0].0, "align.first_light_fraction");

        let source = DEFAULT_SCENARIO_TOML.replacen("arrays = 2000 ", "arrays = 0 ", 1);
        let error = load(&source, "test.toml").expect_err("must be rejected");
        assert!(matches!(
            &error.diagnostics[0].kind,
            DiagnosticKind::OutOfRange { unit, .. } if unit == "arrays"
        ));
        assert_eq!(error.diagnostics[0].path, "align.arrays");
        // Located in the file: the [align] table is the last, near the end.
        let (line, _) = error.diagnostics[0].location.expect("located");
        assert!(line > 700, "{line}");
    }
}
