//! `cporamp sweep` end to end on the quick scenario (`@quick`): the Parquet table's rows
//! against `cporamp compare --format json`, a refused scenario in its row, the same bytes for
//! any --threads, and a bad sweep file refused with exit code 2 and nothing written.

use std::path::Path;
use std::process::{Command, Output};

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

fn cporamp(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cporamp"))
        .args(args)
        .current_dir(directory)
        .output()
        .expect("cporamp runs")
}

const POWER: &str = "compare | 102.4T CPO, integrated laser | switch power [W]";

/// The inlet at the base's own 35 °C and at -300 °C (refused: below absolute zero).
const SWEEP: &str = "base = \"@quick\"\nengines = [\"compare\"]\nseeds = \"common\"\n\
    [[axis]]\npath = \"thermal.cold_plate.nominal_inlet_c\"\nvalues = [35.0, -300.0]\n";

/// Every row of a Parquet file, each as (column name, field).
fn rows(path: &Path) -> Vec<Vec<(String, Field)>> {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| row.unwrap().get_column_iter().map(|(n, f)| (n.clone(), f.clone())).collect())
        .collect()
}

fn field<'a>(row: &'a [(String, Field)], name: &str) -> &'a Field {
    &row.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no column {name}")).1
}

#[test]
fn sweep_writes_one_row_per_scenario_with_the_engines_figures_or_the_error() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("sweep.toml"), SWEEP).unwrap();
    let output =
        cporamp(directory.path(), &["sweep", "sweep.toml", "--out", "out", "--threads", "2"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("2 scenarios (1 ran, 1 failed)"), "{stdout}");
    assert!(stdout.contains("scenario 1 failed: ") && stdout.contains("-300"), "{stdout}");
    let table = rows(&directory.path().join("out/sweep.parquet"));
    assert_eq!(table.len(), 2);
    // The base scenario's row carries exactly what `cporamp compare` computes for it.
    let compare = cporamp(directory.path(), &["compare", "@quick", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&compare.stdout).unwrap();
    let technologies = json[1]["technologies"].as_array().unwrap();
    let integrated = technologies.iter().find(|t| t["id"] == "cpo_integrated").unwrap();
    let expected = integrated["switch_power"]["total_w"].as_f64().unwrap();
    // Equal to the bit but for serde_json's parser, which (without its float_roundtrip
    // feature) may land one unit in the last place away from the printed decimal.
    let Field::Double(power) = field(&table[0], POWER) else { panic!("{POWER} is not a number") };
    assert!((power - expected).abs() <= 2.0 * f64::EPSILON * expected, "{power} vs {expected}");
    assert_eq!(field(&table[0], "thermal.cold_plate.nominal_inlet_c"), &Field::Double(35.0));
    assert_eq!(field(&table[0], "error"), &Field::Null);
    // The refused scenario: null figures, the field that refused it.
    assert_eq!(field(&table[1], POWER), &Field::Null);
    assert_eq!(
        field(&table[1], "error_field"),
        &Field::Str("thermal.cold_plate.nominal_inlet_c".to_string())
    );
    // One thread writes the same file.
    let output =
        cporamp(directory.path(), &["sweep", "sweep.toml", "--out", "one", "--threads", "1"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        std::fs::read(directory.path().join("one/sweep.parquet")).unwrap(),
        std::fs::read(directory.path().join("out/sweep.parquet")).unwrap()
    );
}

#[test]
fn a_sweep_naming_a_missing_field_is_refused_with_exit_2_and_nothing_written() {
    let directory = tempfile::tempdir().unwrap();
    let bad = SWEEP.replace("nominal_inlet_c", "inlet_c");
    std::fs::write(directory.path().join("sweep.toml"), bad).unwrap();
    let output = cporamp(directory.path(), &["sweep", "sweep.toml", "--out", "out"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "sweep.toml: axis \"thermal.cold_plate.inlet_c\": thermal.cold_plate has no field \"inlet_c\""
        ),
        "{stderr}"
    );
    assert!(!directory.path().join("out").exists());
    // An unknown engine names the key and the value.
    std::fs::write(directory.path().join("sweep.toml"), SWEEP.replace("compare", "heat")).unwrap();
    let output = cporamp(directory.path(), &["sweep", "sweep.toml", "--out", "out"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("engines") && stderr.contains("heat"), "{stderr}");
    assert!(!directory.path().join("out").exists());
}

#[test]
fn the_example_sweep_runs_every_inlet() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/sweep_inlet.toml");
    let directory = tempfile::tempdir().unwrap();
    let example = example.to_str().unwrap();
    let output = cporamp(directory.path(), &["sweep", example, "--out", "out", "--threads", "2"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let table = rows(&directory.path().join("out/sweep.parquet"));
    let inlets: Vec<&Field> =
        table.iter().map(|row| field(row, "thermal.cold_plate.nominal_inlet_c")).collect();
    let expected: Vec<Field> = [25.0, 30.0, 35.0, 40.0, 45.0].map(Field::Double).to_vec();
    assert_eq!(inlets, expected.iter().collect::<Vec<_>>());
    assert!(table.iter().all(|row| field(row, "error") == &Field::Null));
    // Warmer coolant, warmer engines: the hottest engine rises at every step.
    let hottest: Vec<f64> = table
        .iter()
        .map(|row| match field(row, "thermal | 102.4T CPO, external laser | hottest engine [°C]") {
            Field::Double(value) => *value,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(hottest.windows(2).all(|pair| pair[1] > pair[0] + 4.0), "{hottest:?}");
}

#[test]
fn progress_goes_to_stderr_with_progress_and_nowhere_with_quiet_and_stdout_is_unchanged() {
    let run = |flags: &[&str]| {
        let directory = tempfile::tempdir().unwrap();
        std::fs::write(directory.path().join("sweep.toml"), SWEEP).unwrap();
        let mut args = vec!["sweep", "sweep.toml", "--out", "out", "--threads", "2"];
        args.extend_from_slice(flags);
        let output = cporamp(directory.path(), &args);
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let table = std::fs::read(directory.path().join("out/sweep.parquet")).unwrap();
        (
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
            table,
        )
    };
    // Standard error is a pipe here: without a flag nothing is shown, as for `cporamp run`.
    let (stdout, stderr, table) = run(&[]);
    assert_eq!(stderr, "");
    let (progress_stdout, progress_stderr, progress_table) = run(&["--progress"]);
    assert_eq!(
        progress_stderr.lines().next(),
        Some("cporamp: sweep of 2 scenarios"),
        "{progress_stderr}"
    );
    let last = progress_stderr.lines().last().unwrap();
    assert!(
        last.starts_with("cporamp: sweep 2/2 scenarios, ") && last.ends_with(" s left"),
        "{last}"
    );
    assert_eq!(progress_stderr.lines().count(), 3, "{progress_stderr}");
    let (quiet_stdout, quiet_stderr, quiet_table) = run(&["--quiet"]);
    assert_eq!(quiet_stderr, "");
    assert_eq!(progress_stdout, stdout);
    assert_eq!(quiet_stdout, stdout);
    assert!(stdout.starts_with("2 scenarios (1 ran, 1 failed)"), "{stdout}");
    assert_eq!(progress_table, table);
    assert_eq!(quiet_table, table);
    // The two flags contradict each other.
    let directory = tempfile::tempdir().unwrap();
    let output = cporamp(directory.path(), &["sweep", "x.toml", "--out", "o", "-q", "--progress"]);
    assert_eq!(output.status.code(), Some(2));
}
