//! Tests of the dependent checks, the resource estimate and the budget.

use super::resources::MICROCHANNEL_PLATE_COST;
use super::*;
use crate::Scenario;
use crate::{DEFAULT_SCENARIO_TOML, load, load_default, quick_scenario_toml};

/// The default with the line starting `from` replaced by `to` (the target must occur once).
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = DEFAULT_SCENARIO_TOML.to_string();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "edit target {from:?} must occur once");
        text = text.replacen(from, to, 1);
    }
    text
}

/// The only problem of an edited default: its path, line and message.
fn only_problem(edits: &[(&str, &str)]) -> (String, usize, String) {
    only_problem_in(&edited(edits))
}

/// The only problem of `source`: its path, line and message.
fn only_problem_in(source: &str) -> (String, usize, String) {
    let error = load(source, "test.toml").expect_err("must be refused");
    assert_eq!(error.diagnostics.len(), 1, "one problem expected: {error}");
    let diagnostic = &error.diagnostics[0];
    let (line, _) = diagnostic.location.expect("located in the file");
    (diagnostic.path.clone(), line, diagnostic.to_string())
}

/// The 1-based line of the default holding `text`.
fn line_of(text: &str) -> usize {
    DEFAULT_SCENARIO_TOML.lines().position(|line| line.contains(text)).expect("present") + 1
}

#[test]
fn a_module_laser_feeds_at_most_the_module_lanes() {
    let from = "lanes_per_laser = 4                      # assumption: two CW";
    let (path, line, message) =
        only_problem(&[(from, "lanes_per_laser = 64 # assumption: two CW")]);
    assert_eq!(path, "technology.lpo.laser.lanes_per_laser");
    assert_eq!(line, line_of("lanes_per_laser = 4                      # assumption: two CW"));
    // 8 lanes per port at 51.2T: 0.125 lasers per module.
    assert!(message.contains("at most the 8 lanes of one module at 51.2T"), "{message}");
    assert!(message.contains("0.125 lasers"), "{message}");
    // 8 lanes is the limit itself.
    assert!(load(&edited(&[(from, "lanes_per_laser = 8 #")]), "t").is_ok());
}

#[test]
fn the_laser_efficiency_stays_at_most_one_at_its_temperature() {
    // The pluggable's EML: 0.5 at 25 °C with a 67 K scale, held by its TEC at -40 °C,
    // extrapolates to 0.5 e^(65/67) = 1.319.
    let source = DEFAULT_SCENARIO_TOML;
    let start = source.find("[technology.pluggable_dsp.laser]").expect("present");
    let end = source.find("[technology.pluggable_dsp.link_budget]").expect("present");
    let section = &source[start..end];
    let set = |text: &str, key: &str, value: &str| -> String {
        let line = text.lines().find(|l| l.starts_with(key)).expect("key in the section");
        text.replacen(line, &format!("{key}{value}"), 1)
    };
    let edited_section =
        set(&set(section, "wall_plug_efficiency = ", "0.5"), "setpoint_c = ", "-40.0");
    let text = source.replacen(section, &edited_section, 1);
    let error = load(&text, "t").expect_err("refused");
    assert_eq!(error.diagnostics.len(), 1, "{error}");
    let diagnostic = &error.diagnostics[0];
    assert_eq!(diagnostic.path, "technology.pluggable_dsp.laser.wall_plug_efficiency");
    assert!(diagnostic.to_string().contains("at the laser's -40 °C"), "{error}");
    assert!(diagnostic.to_string().contains("= 1.3192"), "{error}");
}

#[test]
fn an_engine_laser_feeds_at_most_the_engine_lanes() {
    // 6.4T engines: 64 lanes of 100G at 51.2T, 32 of 200G at 102.4T.
    let from = "lanes_per_laser = 1                      # [S19]";
    let (path, _, message) = only_problem(&[(from, "lanes_per_laser = 33 # [S19]")]);
    assert_eq!(path, "technology.cpo_integrated.laser.lanes_per_laser");
    assert!(message.contains("at most the 32 lanes of one optical engine at 102.4T"));
    assert!(load(&edited(&[(from, "lanes_per_laser = 32 # [S19]")]), "t").is_ok());
}

#[test]
fn an_engine_carries_whole_lanes() {
    // 100 Gb/s engines: 512 and 1024 per switch, one 100G lane but half a 200G lane.
    let from = "engine_capacity_gbps = 6400              # [S04] Bailly";
    let to = "engine_capacity_gbps = 100 # [S04] Bailly";
    let source = edited(&[(from, to)]);
    let error = load(&source, "t").expect_err("refused");
    let paths: Vec<&str> = error.diagnostics.iter().map(|d| d.path.as_str()).collect();
    assert!(paths.contains(&"technology.cpo_integrated.package.engine_capacity_gbps"), "{error}");
    assert!(error.to_string().contains("(0.5 lanes)"), "{error}");
}

#[test]
fn a_fleet_or_market_technology_without_rings_is_refused() {
    // The ELS technology without rings: the fleet, the mixed fabric and the market use it.
    let start = DEFAULT_SCENARIO_TOML.find("[technology.cpo_els.rings]").expect("present");
    let end = start + DEFAULT_SCENARIO_TOML[start..].find("\n\n").expect("a blank line");
    let source = DEFAULT_SCENARIO_TOML.replacen(&DEFAULT_SCENARIO_TOML[start..end], "", 1);
    let error = load(&source, "t").expect_err("refused");
    let paths: Vec<&str> = error.diagnostics.iter().map(|d| d.path.as_str()).collect();
    assert!(paths.contains(&"fleet.technologies[3]"), "{error}");
    assert!(paths.contains(&"fleet.mixed_tiers[1]"), "{error}");
    assert!(paths.contains(&"market.cpo_technology"), "{error}");
}

#[test]
fn spare_lanes_are_checked_against_the_engine_lanes() {
    let from = "spare_lanes_per_engine = 0 ";
    let (path, line, message) = only_problem(&[(from, "spare_lanes_per_engine = 64 ")]);
    assert_eq!(path, "yield.spare_lanes_per_engine");
    assert_eq!(line, line_of(from));
    assert!(message.contains("at most the 32 data lanes"), "{message}");
    assert!(load(&edited(&[(from, "spare_lanes_per_engine = 32 ")]), "t").is_ok());
}

#[test]
fn spare_els_lasers_are_checked_against_the_module_lasers() {
    let from = "els_spare_lasers = 0 ";
    let (path, _, message) = only_problem(&[(from, "els_spare_lasers = 9 ")]);
    assert_eq!(path, "yield.els_spare_lasers");
    assert!(message.contains("at most the 8 lasers of an ELS module of cpo_els"));
    assert!(load(&edited(&[(from, "els_spare_lasers = 8 ")]), "t").is_ok());
}

#[test]
fn failed_ports_that_retire_a_switch_are_at_most_its_ports() {
    let from = "replace_after_failed_ports = 4 ";
    let (path, _, message) = only_problem(&[(from, "replace_after_failed_ports = 65 ")]);
    assert_eq!(path, "fleet.replace_after_failed_ports");
    assert!(message.contains("at most the 64 ports of a 102.4T switch"), "{message}");
    assert!(load(&edited(&[(from, "replace_after_failed_ports = 64 ")]), "t").is_ok());
}

#[test]
fn the_heater_must_reach_the_design_bias() {
    let from = "heater_max_mw = 30.0 ";
    for bad in ["0.0", "1e-9", "19.9"] {
        let (path, _, message) = only_problem(&[(from, &format!("heater_max_mw = {bad} "))]);
        assert_eq!(path, "photonics.heater_max_mw", "{bad}");
        assert!(message.contains("mW"), "{message}");
    }
    // 3.0 nm / 0.15 nm/mW = 20 mW.
    let (_, _, message) = only_problem(&[(from, "heater_max_mw = 19.9 ")]);
    assert!(message.contains("at least 20.0000 mW"), "{message}");
    assert!(load(&edited(&[(from, "heater_max_mw = 20.1 ")]), "t").is_ok());
}

#[test]
fn a_pic_row_must_lock_within_the_warm_up_period() {
    // 20 ms sweeps over a 1 s warm-up: at most 50 rings a row.
    let from = "lanes_per_pic = 16 ";
    let (path, _, message) = only_problem(&[(from, "lanes_per_pic = 512 ")]);
    assert_eq!(path, "photonics.lanes_per_pic");
    assert!(message.contains("at most 50 lanes per PIC row"), "{message}");
    // A row of 50 takes 0.98 s; 51 take 1.0 s, the whole warm-up.
    assert!(load(&edited(&[(from, "lanes_per_pic = 50 ")]), "t").is_ok());
    assert!(load(&edited(&[(from, "lanes_per_pic = 51 ")]), "t").is_err());
    // Without crosstalk rows lock at once.
    let without =
        [(from, "lanes_per_pic = 512 "), ("heater_crosstalk = 0.05 ", "heater_crosstalk = 0.0 ")];
    assert!(load(&edited(&without), "t").is_ok());
}

#[test]
fn the_predictor_must_fit_in_a_workload_period() {
    // 100 Hz: 100 samples per 1 s period; 64 taps on 2 channels need 2 x 131 = 262.
    let edits = [
        ("sample_rate_hz = 1000.0 ", "sample_rate_hz = 100.0 "),
        ("predictor_taps = 4 ", "predictor_taps = 64 "),
        ("relock_time_s = 0.02 ", "relock_time_s = 0.0 "),
    ];
    let (path, _, message) = only_problem(&edits);
    assert_eq!(path, "photonics.predictor_taps");
    assert!(message.contains("at least 262 loop samples per period"), "{message}");
}

#[test]
fn the_fabric_must_fit_the_radix_and_tiers() {
    // 64-port 102.4T switches: 64^3/4 = 65,536 GPUs on 3 tiers, 64^2/2 = 2,048 on 2.
    let (path, line, message) = only_problem(&[("gpus = 32768 ", "gpus = 100000 ")]);
    assert_eq!(path, "fleet.gpus");
    assert_eq!(line, line_of("gpus = 32768 "));
    assert!(message.contains("at most 65536 GPUs"), "{message}");
    let (path, _, message) = only_problem(&[
        ("gpus = 32768 ", "gpus = 10000000 "),
        ("tiers = 3 ", "tiers = 2 "),
        ("gpus = 16384 ", "gpus = 1024 "),
        (
            "mixed_tiers = [\"lpo\", \"cpo_els\", \"cpo_els\"]",
            "mixed_tiers = [\"lpo\", \"cpo_els\"]",
        ),
    ]);
    assert_eq!(path, "fleet.gpus");
    assert!(message.contains("at most 2048 GPUs"), "{message}");
    assert!(load(&edited(&[("gpus = 32768 ", "gpus = 65536 ")]), "t").is_ok());
}

#[test]
fn job_interruptions_are_bounded() {
    // 1 per GPU-hour x 16,384 GPUs x 43,830 h = 7.2e8 > 1e7.
    let from = "gpu_interruptions_per_gpu_h = 1.81e-5 ";
    let (path, _, message) = only_problem(&[(from, "gpu_interruptions_per_gpu_h = 1.0 ")]);
    assert_eq!(path, "fleet.gpu_interruptions_per_gpu_h");
    assert!(message.contains("7.181e8"), "{message}");
    assert!(message.contains("x 16384 job GPUs x 5 years gives"), "{message}");
    // 1e-5 per GPU-hour: 7,181 interruptions.
    assert!(load(&edited(&[(from, "gpu_interruptions_per_gpu_h = 1e-5 ")]), "t").is_ok());
}

#[test]
fn market_criteria_of_zero_are_refused() {
    let line = DEFAULT_SCENARIO_TOML
        .lines()
        .find(|line| line.starts_with("yield_target = "))
        .expect("present");
    let (path, _, _) = only_problem(&[(line, "yield_target = 0.0")]);
    assert_eq!(path, "market.criteria.yield_target");
}

#[test]
fn a_prior_must_keep_its_samples_inside_the_input_range() {
    // price_erosion is a fraction in [0, 1): uniform 0.10-0.25 by default.
    let (path, _, message) = only_problem(&[("high = 0.25 ", "high = 1.0 ")]);
    assert_eq!(path, "market.priors.price_erosion.high");
    assert!(message.contains("a support inside [0, 1)"), "{message}");
    // adoption_speed > 0: a normal of mean 1.2 and sd 0.3 reaches 0 at 4 sd.
    let line = DEFAULT_SCENARIO_TOML
        .lines()
        .skip_while(|line| !line.starts_with("[market.priors.adoption_speed]"))
        .take(4)
        .collect::<Vec<_>>()
        .join("\n");
    let normal = "[market.priors.adoption_speed]\nkind = \"normal\"\nmean = 1.2\nsd = 0.3\n";
    let (path, _, _) = only_problem(&[(line.as_str(), normal)]);
    assert_eq!(path, "market.priors.adoption_speed.mean");
    let narrow = "[market.priors.adoption_speed]\nkind = \"normal\"\nmean = 1.2\nsd = 0.1\n";
    assert!(load(&edited(&[(line.as_str(), narrow)]), "t").is_ok());
}

#[test]
fn a_prior_of_no_input_or_an_input_without_a_prior_is_named() {
    // The priors are a table keyed by input: the market engine gets exactly one prior per
    // input. A table of no input is named at its key, with the inputs' ids...
    let source = edited(&[("[market.priors.gpu_hour_usd]", "[market.priors.gpu_hours_usd]")]);
    let (path, _, message) = only_problem_in(&source);
    assert_eq!(path, "market.priors.gpu_hours_usd");
    assert!(
        message.contains("unknown field `gpu_hours_usd`, expected one of `yield_learning_rate`")
    );
    // ...and an input without its table is named as missing.
    let start = source.find("[market.priors.gpu_hours_usd]").unwrap();
    let end = start + source[start + 1..].find("\n[").unwrap() + 1;
    let without = format!("{}{}", &source[..start], &source[end + 1..]);
    let (path, _, message) = only_problem_in(&without);
    assert_eq!(path, "market.priors");
    assert!(message.contains("missing field `gpu_hour_usd`"), "{message}");
}

#[test]
fn a_layer_split_of_no_family_or_a_family_without_one_is_named() {
    // The splits are a table keyed by family: a split of no family is named at its key with
    // the families...
    let (path, _, message) =
        only_problem(&[("lpo = [0.50, 0.28, 0.10, 0.12]", "lpo_ = [0.50, 0.28, 0.10, 0.12]")]);
    assert_eq!(path, "market.layer_split.lpo_");
    assert!(message.contains("expected one of \"pluggable\", \"lpo\", \"cpo\""), "{message}");
    // ...and a family without a split is named by the section's check.
    let (path, _, message) = only_problem(&[("lpo = [0.50, 0.28, 0.10, 0.12]", "")]);
    assert_eq!(path, "market.layer_split");
    assert!(message.contains("no lpo split") && message.contains("pluggable, lpo, cpo"));
}

#[test]
fn the_default_and_quick_scenarios_fit_the_default_budget() {
    let default = load_default().expect("valid");
    let whole = check_budget(&default, DEFAULT_SCENARIO_TOML, "d", Budget::default(), ALL_STAGES)
        .expect("the default fits");
    // BENCHMARKS.md: the default run takes about 20 CPU-s; the estimate is an upper
    // bound within a small factor.
    assert!((10.0..600.0).contains(&whole.cpu_s()), "{}", whole.cpu_s());
    assert!(whole.peak_memory_bytes() < 1e9, "{}", whole.peak_memory_bytes());
    let quick_text = quick_scenario_toml();
    let quick = load(&quick_text, "q").expect("valid");
    let quick_estimate = estimate(&quick, 1);
    assert!(quick_estimate.cpu_s() < whole.cpu_s() / 5.0);
}

#[test]
fn the_microchannel_plate_multiplies_the_thermal_estimate_by_its_measured_cost() {
    let thermal_cpu = |scenario: &Scenario| {
        estimate(scenario, 1).demands.iter().find(|d| d.stage == "thermal").unwrap().cpu_s
    };
    let mut scenario = load_default().unwrap();
    let correlation = thermal_cpu(&scenario);
    scenario.thermal.cold_plate.kind = crate::HeatSinkKind::Microchannel4rm;
    let ratio = thermal_cpu(&scenario) / correlation;
    assert!((ratio - MICROCHANNEL_PLATE_COST).abs() < 1e-9, "{ratio}");
}

#[test]
fn a_run_over_the_memory_budget_is_refused_with_its_estimate_and_field() {
    // 1 MHz loop x 1 s x 10,000 periods: 1e10 samples of tiled drift (80 B each).
    let source = edited(&[
        ("sample_rate_hz = 1000.0 ", "sample_rate_hz = 1000000.0 "),
        ("periods = 4 ", "periods = 10000 "),
    ]);
    let scenario = load(&source, "big.toml").expect("each field in range");
    let error = check_budget(&scenario, &source, "big.toml", Budget::default(), ALL_STAGES)
        .expect_err("over budget");
    let memory = &error.diagnostics[0];
    assert_eq!(memory.path, "photonics.sample_rate_hz");
    assert_eq!(memory.location.map(|(line, _)| line), Some(line_of("sample_rate_hz = 1000.0 ")));
    let message = error.to_string();
    assert!(message.contains("800.0 GB") && message.contains("8.0 GB (--max-memory)"), "{message}");
    // A larger budget takes it (for memory; the CPU time is still refused).
    let roomy = Budget { memory_bytes: 1e12, ..Budget::default() };
    let error = check_budget(&scenario, &source, "big.toml", roomy, ALL_STAGES).expect_err("CPU");
    assert_eq!(error.diagnostics.len(), 1);
    assert!(error.to_string().contains("CPU time"), "{error}");
}

#[test]
fn an_unbounded_failure_rate_is_refused_by_its_field() {
    // 1e10 FIT: 10 failures per module-hour, each kept as a time when it hits the job.
    let line = DEFAULT_SCENARIO_TOML
        .lines()
        .find(|line| line.starts_with("module_fit = "))
        .expect("present");
    let source = edited(&[(line, "module_fit = 1e10")]);
    let scenario = load(&source, "fit.toml").expect("each field in range");
    let error = check_budget(&scenario, &source, "fit.toml", Budget::default(), ALL_STAGES)
        .expect_err("over budget");
    assert_eq!(error.diagnostics.len(), 2, "{error}");
    for diagnostic in &error.diagnostics {
        assert_eq!(diagnostic.path, "fleet.reliability.module_fit", "{error}");
    }
}

#[test]
fn a_run_over_the_cpu_budget_names_the_fleet_field() {
    let source = edited(&[("replications = 10 ", "replications = 10000 ")]);
    let scenario = load(&source, "long.toml").expect("each field in range");
    let error = check_budget(&scenario, &source, "long.toml", Budget::default(), ALL_STAGES)
        .expect_err("over budget");
    assert_eq!(error.diagnostics.len(), 1, "{error}");
    assert_eq!(error.diagnostics[0].path, "fleet.gpus");
    assert!(error.to_string().contains("CPU-hours"), "{error}");
}
