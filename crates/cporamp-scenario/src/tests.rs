//! Scenario loading: the default resolves, and each kind of bad input names its field, value,
//! range, unit and place in the file.

use super::*;
use cporamp_core::error::DiagnosticKind;

/// The default with one `from` replaced by `to`; the replacement must happen exactly once so
/// that a test cannot silently test nothing.
fn edited(from: &str, to: &str) -> String {
    assert_eq!(
        DEFAULT_SCENARIO_TOML.matches(from).count(),
        1,
        "edit target {from:?} must occur exactly once"
    );
    DEFAULT_SCENARIO_TOML.replacen(from, to, 1)
}

fn only_problem(source: &str) -> Diagnostic {
    let error = load(source, "test.toml").expect_err("scenario must be rejected");
    assert_eq!(error.diagnostics.len(), 1, "expected one problem, got: {error}");
    error.diagnostics[0].clone()
}

#[test]
fn default_scenario_resolves_with_five_technologies_and_two_generations() {
    let scenario = load_default().expect("embedded default must be valid");
    let ids: Vec<&str> =
        scenario.technologies.iter().map(|technology| technology.id.as_str()).collect();
    assert_eq!(ids, ["pluggable_dsp", "lpo", "cpc", "cpo_integrated", "cpo_els"]);
    let generations: Vec<&str> =
        scenario.generations.iter().map(|generation| generation.id.as_str()).collect();
    assert_eq!(generations, ["51.2T", "102.4T"]);
    // 51.2T = 512 x 100G, 102.4T = 512 x 200G, both 64 ports of 8 lanes.
    assert!((scenario.generations[0].switch_capacity().0 - 51_200.0).abs() < 1e-9);
    assert!((scenario.generations[1].switch_capacity().0 - 102_400.0).abs() < 1e-9);
    assert_eq!(scenario.generations[1].ports_per_switch(), 64);
    for technology in &scenario.technologies {
        let ids: Vec<&str> = technology.per_generation.keys().map(|id| id.as_str()).collect();
        assert_eq!(ids, ["102.4T", "51.2T"], "{} needs parts for both generations", technology.id);
    }
}

#[test]
fn efficiency_above_one_names_field_value_range_unit_and_line() {
    let source = edited(
        "wall_plug_efficiency = 0.125             # [RY Gap 5] O-Net",
        "wall_plug_efficiency = 1.25             # [RY Gap 5] O-Net",
    );
    let problem = only_problem(&source);
    assert_eq!(problem.path, "technology.cpo_els.laser.wall_plug_efficiency");
    let line =
        source.lines().position(|line| line.starts_with("wall_plug_efficiency = 1.25")).unwrap()
            + 1;
    assert_eq!(problem.location, Some((line, 24)));
    assert_eq!(
        problem.to_string(),
        format!(
            "{line}:24: technology.cpo_els.laser.wall_plug_efficiency: value 1.25 is out of range; expected 0 < value <= 1 (fraction)"
        )
    );
}

#[test]
fn negative_power_is_rejected() {
    let source = edited(
        "overhead_w_per_port = 0.5                # assumption: module MCU",
        "overhead_w_per_port = -0.5 # x",
    );
    let problem = only_problem(&source);
    assert_eq!(problem.path, "technology.pluggable_dsp.overhead_w_per_port");
    assert!(
        problem.to_string().ends_with("value -0.5 is out of range; expected 0 <= value (W)"),
        "{problem}"
    );
}

#[test]
fn unknown_field_is_a_schema_error_with_its_path_and_line() {
    let source = edited(
        "[technology.cpo_els.laser]\n",
        "[technology.cpo_els.laser]\nwall_plug_eficiency = 0.3\n",
    );
    let problem = only_problem(&source);
    let line = source.lines().position(|line| line.starts_with("wall_plug_eficiency")).unwrap() + 1;
    assert_eq!(problem.location.map(|(found, _)| found), Some(line));
    let text = problem.to_string();
    assert!(text.contains("technology.cpo_els.laser"), "{text}");
    assert!(text.contains("unknown field `wall_plug_eficiency`"), "{text}");
}

#[test]
fn malformed_toml_is_a_syntax_error_with_line() {
    let problem = only_problem("schema_version = 1\nname = \"x\ndescription = \"y\"\n");
    assert!(matches!(problem.kind, DiagnosticKind::Syntax { .. }), "{problem:?}");
    assert_eq!(problem.location.map(|(line, _)| line), Some(2));
}

#[test]
fn unknown_generation_in_compare_list_names_the_defined_ones() {
    let source =
        edited(r#"generations = ["51.2T", "102.4T"]"#, r#"generations = ["51.2T", "25.6T"]"#);
    let error = load(&source, "test.toml").expect_err("must be rejected");
    let text = error.to_string();
    assert!(text.contains("compare.generations[1]: value \"25.6T\" is not valid; expected a generation defined under [generation]"), "{text}");
}

#[test]
fn unknown_technology_in_compare_list_is_rejected() {
    let source = edited(
        r#""cpc", "cpo_integrated", "cpo_els"]"#,
        r#""cpc", "cpo_integrated", "cpo_els", "npo"]"#,
    );
    let text = load(&source, "test.toml").expect_err("must be rejected").to_string();
    assert!(text.contains("compare.technologies[5]: value \"npo\" is not valid; expected a technology defined under [technology]"), "{text}");
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    assert_eq!(DEFAULT_SCENARIO_TOML.matches("conversion_efficiency = 0.90").count(), 4);
    let source = DEFAULT_SCENARIO_TOML
        .replace("conversion_efficiency = 0.90", "conversion_efficiency = 1.5");
    let error = load(&source, "test.toml").expect_err("must be rejected");
    assert_eq!(
        error.diagnostics.len(),
        4,
        "four technologies have conversion_efficiency = 0.90: {error}"
    );
}

#[test]
fn a_laser_price_where_there_is_no_laser_is_rejected_not_ignored() {
    let source = DEFAULT_SCENARIO_TOML.replacen(
        "laser_usd_each = 0.0                     # lasers are priced in the ELS module (laser.els.module_usd)",
        "laser_usd_each = 20.0",
        1,
    );
    assert_ne!(source, DEFAULT_SCENARIO_TOML);
    let problem = only_problem(&source);
    assert_eq!(problem.path, "technology.cpo_els.per_generation.\"51.2T\".laser_usd_each");
    assert!(problem.to_string().contains("priced by laser.els.module_usd"), "{problem}");
}

#[test]
fn every_number_in_the_default_scenario_says_where_it_comes_from() {
    let mut n_numbers = 0;
    for (index, line) in DEFAULT_SCENARIO_TOML.lines().enumerate() {
        let Some((key, rest)) = line.split_once(" = ") else { continue };
        let value = rest.split('#').next().unwrap_or_default().trim();
        if key.starts_with('#') || key == "schema_version" || value.parse::<f64>().is_err() {
            continue;
        }
        n_numbers += 1;
        let comment = rest.split_once('#').map(|(_, comment)| comment.trim()).unwrap_or_default();
        assert!(
            comment.len() >= 4,
            "line {}: `{line}` needs a source or an `assumption:` in a comment",
            index + 1
        );
    }
    assert!(n_numbers > 150, "the scan found the numbers ({n_numbers})");
}

#[test]
fn engines_that_cannot_sit_four_fold_around_the_asic_are_rejected() {
    let source = edited(
        "engine_capacity_gbps = 6400              # [S04][S15] 6.4T engines",
        "engine_capacity_gbps = 25600             # x",
    );
    let problem = only_problem(&source);
    assert_eq!(problem.path, "technology.cpo_els.package.engine_capacity_gbps");
    assert!(problem.to_string().contains("a multiple of 4 engines"), "{problem}");
}

#[test]
fn a_busy_fraction_that_is_not_whole_steps_is_rejected_not_rounded() {
    let source = edited("\nbusy_fraction = 0.5 ", "\nbusy_fraction = 0.51 ");
    let problem = only_problem(&source);
    assert_eq!(problem.path, "thermal.cycling.busy_fraction");
}

#[test]
fn a_leakage_fraction_of_one_or_more_is_rejected() {
    let source = edited("asic_fraction = 0.2 ", "asic_fraction = 1.0 ");
    let problem = only_problem(&source);
    assert_eq!(problem.path, "thermal.leakage.asic_fraction");
    assert!(problem.to_string().contains("1"), "{problem}");
}

#[test]
fn fleet_fabrics_must_name_optical_technologies_one_per_tier() {
    let source =
        edited(r#"mixed_tiers = ["lpo", "cpo_els", "cpo_els"]"#, r#"mixed_tiers = ["lpo", "npo"]"#);
    let text = load(&source, "test.toml").expect_err("must be rejected").to_string();
    assert!(text.contains("fleet.mixed_tiers[1]: value \"npo\" is not valid"), "{text}");
    assert!(
        text.contains(
            "fleet.mixed_tiers: value 2 entries is not valid; expected one technology per tier (3)"
        ),
        "{text}"
    );
    let source = edited(r#"nic_technology = "pluggable_dsp""#, r#"nic_technology = "cpo_els""#);
    let text = load(&source, "test.toml").expect_err("must be rejected").to_string();
    assert!(text.contains("fleet.nic_technology"), "{text}");
    assert!(text.contains("a pluggable technology"), "{text}");
    let source = edited("gpus = 16384 ", "gpus = 40000 ");
    let text = load(&source, "test.toml").expect_err("must be rejected").to_string();
    assert!(text.contains("fleet.job.gpus"), "{text}");
}

#[test]
fn a_section_read_into_its_typed_settings_words_its_problems_as_the_checks_do() {
    // `[align]` deserializes straight into `AlignSettings`: a negative count stops the reader
    // in an unsigned field, and a choice is an enum; each problem still names the range, the
    // unit or the choices, as the section's own checks word them.
    let source = edited("arrays = 2000 ", "arrays = -3 ");
    let problem = only_problem(&source);
    assert_eq!(problem.path, "align.arrays");
    assert!(
        problem.to_string().ends_with(
            "align.arrays: value -3 is out of range; expected an integer 1 <= value <= 100000 \
             (arrays)"
        ),
        "{problem}"
    );
    let choices = "one of \"none\", \"active\", \"passive\"";
    for (given, wording) in [
        ("\"both\"", format!("value \"both\" is not valid; expected {choices}")),
        ("2", format!("value 2 (an integer) has the wrong type; expected text, {choices}")),
        (
            "0.5",
            format!("value 0.5 (a decimal number) has the wrong type; expected text, {choices}"),
        ),
    ] {
        let source = edited("attach_cost = \"none\"", &format!("attach_cost = {given}"));
        let problem = only_problem(&source);
        assert_eq!(problem.path, "align.attach_cost");
        assert!(problem.to_string().ends_with(&wording), "{problem} vs {wording}");
    }
    // A text of the right type that is not a valid value: the value and what was expected.
    let source = edited("first_quarter = \"2026Q1\"", "first_quarter = \"2026Q5\"");
    let problem = only_problem(&source);
    assert_eq!(problem.path, "yield.ramp.first_quarter");
    assert!(
        problem.to_string().ends_with(
            "yield.ramp.first_quarter: value \"2026Q5\" is not valid; expected a quarter written \
             YYYYQn, n in 1..4 (e.g. \"2026Q1\")"
        ),
        "{problem}"
    );
    // A coverage is a table keyed by mechanism: an unknown key is named at its own line.
    let source =
        edited("[yield.engine_test_coverage]\n", "[yield.engine_test_coverage]\nbow = 0.5\n");
    let problem = only_problem(&source);
    assert_eq!(problem.path, "yield.engine_test_coverage.bow");
    let line = source.lines().position(|line| line == "bow = 0.5").unwrap() + 1;
    assert_eq!(problem.location, Some((line, 1)));
}

#[test]
fn a_wrong_type_names_the_value_and_the_fields_type_range_and_unit() {
    // An integer field given a fraction and text: the count check's range and unit.
    for (given, shown, found) in
        [("1.5", "1.5", "a decimal number"), ("\"many\"", "\"many\"", "text")]
    {
        let source = edited(
            "gpus = 32768                             # assumption",
            &format!("gpus = {given}                             # assumption"),
        );
        let problem = only_problem(&source);
        assert_eq!(problem.path, "fleet.gpus");
        let line = source.lines().position(|line| line.starts_with("gpus = ")).unwrap() + 1;
        assert_eq!(
            problem.to_string(),
            format!(
                "{line}:8: fleet.gpus: value {shown} ({found}) has the wrong type; expected an \
                 integer 2 <= value <= 10000000 (GPUs)"
            )
        );
    }
    // A number field given text: the range check's interval and unit.
    let source = edited(
        "wall_plug_efficiency = 0.125             # [RY Gap 5] O-Net",
        "wall_plug_efficiency = \"12 %\"             # [RY Gap 5] O-Net",
    );
    let problem = only_problem(&source);
    assert_eq!(problem.path, "technology.cpo_els.laser.wall_plug_efficiency");
    assert!(
        problem.to_string().ends_with(
            "technology.cpo_els.laser.wall_plug_efficiency: value \"12 %\" (text) has the wrong \
             type; expected a number, 0 < value <= 1 (fraction)"
        ),
        "{problem}"
    );
    // A choice given a number: the choices (all placements: the technology's kind narrows
    // them once the file reads).
    let source = edited("placement = \"external\"", "placement = 3");
    let problem = only_problem(&source);
    assert_eq!(problem.path, "technology.cpo_els.laser.placement");
    assert!(
        problem.to_string().contains(
            "value 3 (an integer) has the wrong type; expected text, one of \"module\", \"package\", \"external\""
        ),
        "{problem}"
    );
    // A placement the kind does not allow: the kind's placements.
    let source = edited("placement = \"external\"", "placement = \"module\"");
    let problems = load(&source, "test.toml").expect_err("must be refused").diagnostics;
    let placement = problems.iter().find(|p| p.path == "technology.cpo_els.laser.placement");
    assert!(
        placement.is_some_and(|p| p
            .to_string()
            .ends_with("value \"module\" is not valid; expected one of \"package\", \"external\"")),
        "{problems:?}"
    );
    // With a second value of the wrong type further on, the first still gets its range.
    let source = edited(
        "gpus = 32768                             # assumption",
        "gpus = \"many\"                             # assumption",
    )
    .replacen("gpus = 16384 ", "gpus = 16384.5 ", 1);
    assert!(
        only_problem(&source).to_string().ends_with(
            "fleet.gpus: value \"many\" (text) has the wrong type; expected an integer 2 <= value \
             <= 10000000 (GPUs)"
        ),
        "{}",
        only_problem(&source)
    );
    // A huge value is cut, not echoed in full.
    let source = edited(
        "gpus = 32768                             # assumption",
        &format!("gpus = \"{}\"                             # assumption", "9".repeat(400)),
    );
    assert!(only_problem(&source).to_string().len() < 200);
}

#[test]
fn a_technology_table_read_into_its_type_names_its_kind_sections_and_parts() {
    // The kind is an enum: an unknown one lists the kinds.
    let source = edited("kind = \"copper\"", "kind = \"coax\"");
    let problem = only_problem(&source);
    assert_eq!(problem.path, "technology.cpc.kind");
    assert!(
        problem.to_string().ends_with(
            "value \"coax\" is not valid; expected one of \"pluggable\", \"copper\", \"co_packaged\""
        ),
        "{problem}"
    );
    // A kind that needs sections the table does not have: each missing one, named.
    let source = edited("kind = \"copper\"", "kind = \"co_packaged\"");
    let error = load(&source, "test.toml").expect_err("must be refused");
    let paths: Vec<&str> = error.diagnostics.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["technology.cpc.laser", "technology.cpc.link_budget", "technology.cpc.package"],
        "{error}"
    );
    assert!(
        error.diagnostics[2]
            .to_string()
            .ends_with("expected a [technology.cpc.package] for kind = \"co_packaged\""),
        "{error}"
    );
    // Parts keyed by a generation the comparison does not list, and a listed one missing.
    let source = edited(
        "[technology.cpc.per_generation.\"102.4T\"]",
        "[technology.cpc.per_generation.\"204.8T\"]",
    );
    let error = load(&source, "test.toml").expect_err("must be refused");
    let paths: Vec<&str> = error.diagnostics.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["technology.cpc.per_generation.\"204.8T\"", "technology.cpc.per_generation.\"102.4T\""],
        "{error}"
    );
    assert!(
        error.diagnostics[0].to_string().ends_with(
            "expected a generation listed in compare.generations: \"51.2T\", \"102.4T\""
        ),
        "{error}"
    );
}

#[test]
fn a_duplicate_key_names_the_key_its_table_and_both_lines() {
    let source = edited("[fleet]\n", "[fleet]\ngpus = 8\n");
    let problem = only_problem(&source);
    let first = source.lines().position(|line| line.starts_with("gpus = 8")).unwrap() + 1;
    let second = source.lines().position(|line| line.starts_with("gpus = 32768")).unwrap() + 1;
    assert_eq!(
        problem.to_string(),
        format!(
            "{second}:1: fleet.gpus: invalid TOML: duplicate key `gpus` in table [fleet], first \
             defined on line {first}"
        )
    );
}

#[test]
fn codesign_grid_errors_name_their_fields() {
    // Channel heights must pair with the widths.
    let problem =
        only_problem(&edited("channel_height_mm = [1.5, 0.5]", "channel_height_mm = [1.5]"));
    assert_eq!(problem.path, "codesign.channel_height_mm");
    assert!(
        problem.to_string().contains("one height per channel_width_mm (2 values)"),
        "{problem}"
    );
    // A list value out of range names its index, range and unit.
    let problem =
        only_problem(&edited("inlet_c = [25.0, 35.0, 45.0]", "inlet_c = [25.0, 95.0, 45.0]"));
    assert_eq!(problem.path, "codesign.inlet_c[1]");
    assert!(
        problem.to_string().ends_with("value 95 is out of range; expected 5 <= value <= 70 (°C)"),
        "{problem}"
    );
    // A price range upside down.
    let problem = only_problem(&edited(
        "asic_cold_plate_usd = { low = 200.0, high = 300.0 }",
        "asic_cold_plate_usd = { low = 300.0, high = 200.0 }",
    ));
    assert_eq!(problem.path, "codesign.bom.asic_cold_plate_usd.high");
    // A price per kW is named in USD/kW, not USD.
    let problem = only_problem(&edited(
        "cdu_usd_per_kw = { low = 100.0, high = 300.0 }",
        "cdu_usd_per_kw = { low = -100.0, high = 300.0 }",
    ));
    assert_eq!(problem.path, "codesign.bom.cdu_usd_per_kw.low");
    assert!(problem.to_string().ends_with("expected 0 <= value (USD/kW)"), "{problem}");
    // Only a co-packaged technology has a package to cool.
    let problem = only_problem(&edited(
        "technology = \"cpo_els\"                   # a co-packaged",
        "technology = \"lpo\" # a co-packaged",
    ));
    assert_eq!(problem.path, "codesign.technology");
    // --generation keeps the co-design on the one generation left.
    let scenario = load_default().unwrap();
    assert_eq!(&*scenario.codesign.generation, "102.4T");
    let only = scenario.only_generation(0);
    assert_eq!(&*only.codesign.generation, "51.2T");
    assert_eq!(&*only.fleet.generation, "51.2T");
    assert_eq!(scenario.codesign.points(), 288);
}

/// Every problem of the default with one `from` replaced by `to`: path and message.
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
