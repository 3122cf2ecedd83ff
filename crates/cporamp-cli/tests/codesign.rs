//! `cporamp codesign` and `cporamp diligence` end to end: a small co-design grid as JSON (the
//! same for any thread count, every point's energy balance closed, the choice within its
//! limits), its text tables within 100 columns, the sample claims file judged line by line,
//! and a bad claims file refused naming the file, field, value and what was expected (exit 2).

use std::path::{Path, PathBuf};
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

/// The default scenario with an 8-point co-design grid on a 16-cell package, as `my.toml`.
fn scenario(directory: &Path) {
    let mut text = cporamp_scenario::DEFAULT_SCENARIO_TOML.to_string();
    for (from, to) in [
        ("grid_cells = 24 ", "grid_cells = 16 "),
        ("flow_l_per_min_per_kw = [1.0, 1.25, 1.5]", "flow_l_per_min_per_kw = [1.0, 1.5]"),
        ("inlet_c = [25.0, 35.0, 45.0]", "inlet_c = [35.0]"),
        ("engine_gap_mm = [1.0, 3.0]", "engine_gap_mm = [3.0]"),
        ("asic_power_factor = [1.0, 1.2]", "asic_power_factor = [1.0]"),
        ("channel_width_mm = [0.3, 0.1]", "channel_width_mm = [0.3]"),
        ("channel_height_mm = [1.5, 0.5]", "channel_height_mm = [1.5]"),
    ] {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(directory.join("my.toml"), text).unwrap();
}

fn claims_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/claims.toml")
}

#[test]
fn codesign_writes_the_same_json_for_any_thread_count_and_fits_100_columns() {
    let directory = tempfile::tempdir().unwrap();
    scenario(directory.path());
    let run = |threads: &str| {
        stdout(&cporamp(
            directory.path(),
            &["codesign", "my.toml", "--format", "json", "--threads", threads, "--quiet"],
        ))
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let value: Value = serde_json::from_str(&one).expect("valid JSON");
    let points = value["points"].as_array().unwrap();
    // 2 flows x 2 engine plates x 2 ELS placements.
    assert_eq!(points.len(), 8);
    for point in points {
        assert!(point["error"].is_null(), "{point}");
        let residual = point["energy_balance_residual_w"].as_f64().unwrap();
        assert!(residual.abs() < 1e-9 * point["switch_w"].as_f64().unwrap());
    }
    if let Some(index) = value["choice"]["index"].as_u64() {
        let chosen = &points[index as usize];
        assert!(chosen["feasible"].as_bool().unwrap());
        assert!(
            chosen["engine_temp_c"].as_f64().unwrap()
                <= value["max_engine_temp_c"].as_f64().unwrap()
        );
    }
    let text = stdout(&cporamp(directory.path(), &["codesign", "my.toml", "--quiet"]));
    assert!(text.contains("Pareto front"));
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "{} columns: {line}", line.chars().count());
    }
}

#[test]
fn diligence_judges_the_sample_claims_line_by_line() {
    let directory = tempfile::tempdir().unwrap();
    let claims = claims_file();
    let json = stdout(&cporamp(
        directory.path(),
        &["diligence", claims.to_str().unwrap(), "@quick", "--format", "json", "--quiet"],
    ));
    let value: Value = serde_json::from_str(&json).expect("valid JSON");
    let lines = value["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 9);
    let verdict = |claim: &str| {
        lines.iter().find(|line| line["claim"] == claim).unwrap()["verdict"].as_str().unwrap()
    };
    // 0.6 +- 0.15 dB against a 1 dB allocation: 0.4 % of lanes over it, so most 512-lane
    // switches have one.
    assert_eq!(verdict("coupling loss"), "fail");
    assert_eq!(verdict("customer validation"), "concern");
    let text =
        stdout(&cporamp(directory.path(), &["diligence", claims.to_str().unwrap(), "@quick"]));
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "{} columns: {line}", line.chars().count());
    }
}

#[test]
fn a_bad_claims_file_is_refused_naming_file_field_value_and_expectation() {
    let directory = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(claims_file()).unwrap();
    let bad = text.replacen("package_yield = 0.9 ", "package_yield = 1.5 ", 1);
    assert_ne!(bad, text);
    std::fs::write(directory.path().join("bad.toml"), bad).unwrap();
    let output = cporamp(directory.path(), &["diligence", "bad.toml", "@quick"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Located at the value, on its line.
    let line = text.lines().position(|line| line.starts_with("package_yield")).unwrap() + 1;
    let column = text.lines().nth(line - 1).unwrap().find("0.9").unwrap() + 1;
    assert!(
        stderr.contains(&format!(
            "bad.toml: {line}:{column}: package_yield: value 1.5 is out of range; expected 0 < value <= \
             1 (fraction)"
        )),
        "{stderr}"
    );
    // A stage that is not one is named with the stages by the TOML reader.
    let stage = text.replacen("customer_stage = \"sampling\"", "customer_stage = \"shipping\"", 1);
    assert_ne!(stage, text);
    std::fs::write(directory.path().join("stage.toml"), stage).unwrap();
    let output = cporamp(directory.path(), &["diligence", "stage.toml", "@quick"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("stage.toml") && stderr.contains("shipping"), "{stderr}");
    assert!(stderr.contains("qualification"), "{stderr}");
    // An unknown field is named by the TOML reader.
    std::fs::write(directory.path().join("extra.toml"), format!("{text}\nsecret_sauce = 1\n"))
        .unwrap();
    let output = cporamp(directory.path(), &["diligence", "extra.toml", "@quick"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("extra.toml") && stderr.contains("secret_sauce"), "{stderr}");
    assert!(output.stdout.is_empty());
}
