//! `cporamp align` end to end: a positional scenario file, valid JSON whose figures hold
//! together, the text tables within 100 columns, the same output for any thread count, the
//! seed flag, and a bad `[align]` field refused with its path, value, range and unit (exit 2).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn cporamp(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cporamp"))
        .args(args)
        .current_dir(directory)
        .output()
        .expect("cporamp runs")
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

/// The default scenario with 300 arrays, written as `my.toml` in `directory`.
fn scenario(directory: &Path) {
    let text = cporamp_scenario::DEFAULT_SCENARIO_TOML;
    assert_eq!(text.matches("arrays = 2000 ").count(), 1);
    std::fs::write(directory.join("my.toml"), text.replacen("arrays = 2000 ", "arrays = 300 ", 1))
        .unwrap();
}

#[test]
fn align_reads_a_positional_scenario_and_writes_valid_json() {
    let directory = tempfile::tempdir().unwrap();
    scenario(directory.path());
    let json = stdout(&cporamp(directory.path(), &["align", "my.toml", "--format", "json"]));
    let value: Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(value["arrays"], 300);
    assert_eq!(value["fibers_per_array"], 32);
    let active = &value["active"];
    // Time per engine is four arrays' time; throughput is 32 fibers over an array's time.
    let per_array = active["time_per_array_s"].as_f64().unwrap();
    let per_engine = active["time_per_engine_s"].as_f64().unwrap();
    assert!((per_engine - 4.0 * per_array).abs() < 1e-9);
    let fibers_per_s = active["fibers_per_s"].as_f64().unwrap();
    assert!((fibers_per_s - 32.0 / per_array).abs() < 1e-9);
    // The default machine attaches about one fiber per second, as the state of the art does
    // (docs/sources.md: S74), within a factor of two.
    assert!((0.5..2.0).contains(&fibers_per_s), "{fibers_per_s}");
    for method in ["active", "passive", "passive_matched"] {
        let lane = value[method]["lane_yield"]["value"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&lane), "{method}: {lane}");
    }

    // Identical for any thread count; a different seed changes the draws.
    let one = stdout(&cporamp(
        directory.path(),
        &["align", "my.toml", "--format", "json", "--threads", "1"],
    ));
    let three = stdout(&cporamp(
        directory.path(),
        &["align", "my.toml", "--format", "json", "--threads", "3"],
    ));
    assert_eq!(one, three);
    assert_eq!(one, json);
    let seeded = stdout(&cporamp(
        directory.path(),
        &["align", "my.toml", "--format", "json", "--seed", "5"],
    ));
    assert_ne!(seeded, json);
}

#[test]
fn align_text_fits_100_columns_and_names_the_methods() {
    let directory = tempfile::tempdir().unwrap();
    scenario(directory.path());
    let text = stdout(&cporamp(directory.path(), &["align", "my.toml"]));
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    for expected in
        ["active", "V-groove", "fibers per second", "cost per engine, $", "engine yield, %"]
    {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn a_bad_align_field_is_refused_with_its_path_value_and_range() {
    let directory = tempfile::tempdir().unwrap();
    let text = cporamp_scenario::DEFAULT_SCENARIO_TOML.replacen(
        "stage_resolution_um = 0.05 ",
        "stage_resolution_um = -0.05 ",
        1,
    );
    std::fs::write(directory.path().join("bad.toml"), text).unwrap();
    let output = cporamp(directory.path(), &["align", "bad.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.toml") && stderr.contains("align.stage_resolution_um"),
        "{stderr}"
    );
    assert!(stderr.contains("-0.05") && stderr.contains("µm"), "{stderr}");
    assert!(output.stdout.is_empty());
}
